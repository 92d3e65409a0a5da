/**
 * The registration of one account (RFC 3261 §10.2): register, keep the
 * binding refreshed, fall over to the account's second server, back off
 * when every server fails, and remove the binding on shutdown.
 *
 * Policy lives in small pure functions, each tested alone:
 *   refresh-policy.ts   when to refresh a granted binding
 *   backoff-policy.ts   how long to wait after a whole cycle failed (RFC 5626 §4.5)
 *   failover-policy.ts  same server again, next server, or a new cycle
 *   granted-expiry.ts   the granted expiry of a 2xx; the retry after a 423
 *   register-request.ts the REGISTER itself
 * Challenges are answered by the AuthenticatingSender (ua/), which also
 * pre-authorizes refreshes with the cached nonce.
 *
 * One attempt on a server walks the addresses `resolveTargets` gives for it
 * (RFC 3263 §4.3: a timeout, a transport error or a 503 moves to the next).
 * The Call-ID and From tag stay the same for every REGISTER of the account
 * (§10.2.4: "A UA SHOULD use the same Call-ID for all registrations during a
 * single boot cycle"); CSeq goes up by one for each, and by one more for
 * each authenticated resend.
 *
 * States and allowed transitions:
 *   idle          → registering     start()
 *   idle          → failed          start() with no user name or no server
 *   registering   → registering     the same server again, or the next server (failover)
 *   registering   → registered      2xx
 *   registering   → retry-wait      every server failed this cycle: back off
 *   registering   → failed          credentials rejected, or a challenge that cannot be answered
 *   registered    → refreshing      the refresh timer fired
 *   registered    → registering     configuration changed
 *   registered | retry-wait → failed  configuration changed to one that cannot register
 *   refreshing    → registered      2xx
 *   refreshing    → registering     the refresh failed: the same server again or the next one
 *   refreshing    → retry-wait      the refresh failed on the last server
 *   refreshing    → failed          credentials rejected
 *   retry-wait    → registering     back-off over: the primary server again
 *   failed        → registering     configuration changed (or start() again)
 *   unregistered  → registering     start() again
 *   registering | registered | refreshing | retry-wait | failed → unregistering
 *                                   stop() with a binding still live
 *   idle | registering | registered | refreshing | retry-wait | failed → unregistered
 *                                   stop() with no live binding to remove
 *   unregistering → unregistered    the 2xx to Expires: 0, any other end, or the bounded wait ran out
 *   any           → disposed        dispose()
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import type { AccountConfig, SipServerConfig, SipTransportName } from '../../config/view.js';
import type { AccountCredentials } from '../auth/credential-store.js';
import type { NonceCounter } from '../auth/nonce-counter.js';
import { createCallId, createTag, formatUri, getCSeq } from '../message/index.js';
import type { SipRequest, SipUri } from '../message/index.js';
import type { TransportProtocol, TransportTarget } from '../transport/types.js';
import { AuthenticatingSender } from '../ua/authenticating-sender.js';
import type { AuthenticatedOutcome, RequestSender } from '../ua/authenticating-sender.js';
import { backoffDelayMs, retryAfterMs } from './backoff-policy.js';
import { CYCLE_START, afterServerFailure, triesNextAddress } from './failover-policy.js';
import type { FailoverPosition } from './failover-policy.js';
import { expiresAfter423, grantedExpires } from './granted-expiry.js';
import { refreshDelayMs } from './refresh-policy.js';
import { addressOfRecord, buildRegister, contactUri, registrarUri, uriHost } from './register-request.js';

export type RegistrationState =
  | 'idle'
  | 'registering'
  | 'registered'
  | 'refreshing'
  | 'retry-wait'
  | 'unregistering'
  | 'unregistered'
  | 'failed'
  | 'disposed';

const ALLOWED: Readonly<Record<RegistrationState, readonly RegistrationState[]>> = {
  idle: ['registering', 'failed', 'unregistered', 'disposed'],
  registering: ['registering', 'registered', 'retry-wait', 'failed', 'unregistering', 'unregistered', 'disposed'],
  registered: ['refreshing', 'registering', 'failed', 'unregistering', 'unregistered', 'disposed'],
  refreshing: ['registered', 'registering', 'retry-wait', 'failed', 'unregistering', 'unregistered', 'disposed'],
  'retry-wait': ['registering', 'failed', 'unregistering', 'unregistered', 'disposed'],
  unregistering: ['unregistered', 'disposed'],
  unregistered: ['registering', 'failed', 'disposed'],
  failed: ['registering', 'unregistering', 'unregistered', 'disposed'],
  disposed: [],
};

/** Where a REGISTER is resolved to: the server itself, or the account's outbound proxy. */
export interface RegistrationHop {
  readonly address: string;
  /** 0: find the port by DNS SRV. */
  readonly port: number;
  readonly transport: SipTransportName;
}

/** RFC 3263 resolution, injected: the addresses to try for a hop, in order. */
export type ResolveTargets = (hop: RegistrationHop) => Promise<readonly TransportTarget[]>;

export interface RegistrationFailure {
  /** The status, or what §8.1.3.1 treats a failure as: 408 for a timeout, 503 for a transport error; 0 for a configuration problem. */
  readonly status: number;
  readonly reason: string;
  /** Board clock time (ms) of the failure. */
  readonly at: number;
}

/** One account as the console's `state` JSON shows it. */
export interface RegistrationStatus {
  readonly index: number;
  readonly label: string;
  /** The address of record, e.g. "sip:alice@pbx.example.com". */
  readonly uri: string;
  readonly registered: boolean;
  readonly state: RegistrationState;
  /** "host:port;transport=udp" of the address in use, null when none. */
  readonly server: string | null;
  /** Seconds left of the binding while registered, else null. */
  readonly expiresInS: number | null;
  readonly lastFailure: RegistrationFailure | null;
}

export interface RegistrationClientOptions {
  readonly account: AccountConfig;
  readonly layer: RequestSender;
  readonly clock: Clock;
  /** What to put in Contact for a protocol: SipTransport.localEndpoint. */
  readonly localEndpoint: (protocol: TransportProtocol) => { readonly host: string; readonly port: number };
  readonly resolveTargets: ResolveTargets;
  /** Uniform in [0, 1]: refresh and back-off spread. Default Math.random. */
  readonly random?: () => number;
  readonly userAgent?: string;
  readonly allow?: string;
  readonly supported?: string;
  /** How long stop() waits for the answer to the un-REGISTER (default 4 s). */
  readonly unregisterTimeoutMs?: number;
  readonly nonces?: NonceCounter;
}

export const DEFAULT_UNREGISTER_TIMEOUT_MS = 4_000;
/** 423 retries within one attempt: each must raise the interval, this bounds a registrar that keeps raising it. */
const MAX_INTERVAL_RETRIES = 3;

interface Binding {
  readonly server: SipServerConfig;
  readonly target: TransportTarget;
  readonly registrar: SipUri;
  readonly aor: SipUri;
  readonly contact: SipUri;
  readonly expiresAt: number;
}

export function credentialsOf(account: AccountConfig): AccountCredentials {
  return { accountId: String(account.index), username: account.authName, password: account.password };
}

/** The hop a REGISTER to `server` goes to: the outbound proxy when there is one (§8.1.2), else the server. */
export function hopFor(account: AccountConfig, server: SipServerConfig): RegistrationHop {
  const proxy = account.outboundProxy;
  return proxy === undefined
    ? { address: server.address, port: server.port, transport: server.transport }
    : { address: proxy.host, port: proxy.port, transport: server.transport };
}

/** Whether a configuration change touches what the registration sends (the label alone does not). */
export function registrationChanged(before: AccountConfig, after: AccountConfig): boolean {
  const key = (a: AccountConfig): string =>
    JSON.stringify([a.userName, a.authName, a.password, a.displayName, a.servers, a.outboundProxy ?? null]);
  return key(before) !== key(after);
}

export function formatServer(target: TransportTarget): string {
  return `${uriHost(target.host)}:${target.port};transport=${target.protocol}`;
}

function configProblem(account: AccountConfig): string | undefined {
  if (account.userName === '') return `account ${account.index} has no user name`;
  if (account.servers.length === 0) return `account ${account.index} has no SIP server`;
  return undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class RegistrationClient {
  readonly #layer: RequestSender;
  readonly #clock: Clock;
  readonly #localEndpoint: RegistrationClientOptions['localEndpoint'];
  readonly #resolveTargets: ResolveTargets;
  readonly #random: () => number;
  readonly #headers: { userAgent?: string; allow?: string; supported?: string };
  readonly #unregisterTimeoutMs: number;
  readonly #sender: AuthenticatingSender;
  readonly #callId: string;
  readonly #fromTag = createTag();
  readonly #listeners = new Set<(status: RegistrationStatus) => void>();
  #account: AccountConfig;
  #state: RegistrationState = 'idle';
  #cseq = 0;
  /** Seconds asked for; starts at the server's `expires`, raised by a 423. */
  #expires = 0;
  #intervalRetries = 0;
  #position: FailoverPosition = CYCLE_START;
  #targets: readonly TransportTarget[] = [];
  #targetIndex = 0;
  #binding: Binding | undefined;
  #consecutiveFailures = 0;
  #lastFailure: RegistrationFailure | null = null;
  #timer: TimerHandle | undefined;
  /** Bumped by every fresh start, so answers to abandoned requests are ignored. */
  #epoch = 0;
  #pendingStop: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: RegistrationClientOptions) {
    this.#account = options.account;
    this.#layer = options.layer;
    this.#clock = options.clock;
    this.#localEndpoint = options.localEndpoint;
    this.#resolveTargets = options.resolveTargets;
    this.#random = options.random ?? Math.random;
    this.#headers = { userAgent: options.userAgent, allow: options.allow, supported: options.supported };
    this.#unregisterTimeoutMs = options.unregisterTimeoutMs ?? DEFAULT_UNREGISTER_TIMEOUT_MS;
    this.#sender = new AuthenticatingSender({
      layer: this.#layer,
      credentials: credentialsOf(options.account),
      nonces: options.nonces,
    });
    this.#callId = createCallId(uriHost(this.#localEndpoint('udp').host));
    this.#expires = this.#account.servers[0]?.expiresSeconds ?? 0;
  }

  /** The account's digest sender: calls from the account answer their challenges with it, sharing its nonce counts. */
  get sender(): AuthenticatingSender {
    return this.#sender;
  }

  /**
   * Where calls from this account go (§8.1.2): the flow it is registered on
   * (so NAT bindings and TCP/TLS connections are reused, RFC 5626 §4.2.1),
   * else the first address of its first server (or outbound proxy).
   */
  async callTarget(): Promise<TransportTarget | undefined> {
    const bound = this.bindingTarget;
    if (bound) return bound;
    const server = this.#account.servers[0];
    if (!server) return undefined;
    const targets = await this.#resolveTargets(hopFor(this.#account, server));
    return targets[0];
  }

  get state(): RegistrationState {
    return this.#state;
  }

  get account(): AccountConfig {
    return this.#account;
  }

  /** The Call-ID every REGISTER of this account carries. */
  get callId(): string {
    return this.#callId;
  }

  /** Calls `listener` with the status after every change; returns an unsubscribe. */
  onChange(listener: (status: RegistrationStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  status(): RegistrationStatus {
    const account = this.#account;
    const registered = this.#state === 'registered' || this.#state === 'refreshing';
    const binding = this.#binding;
    const server = account.servers[this.#position.serverIndex] ?? account.servers[0];
    const aor = binding?.aor ?? (server === undefined ? undefined : addressOfRecord(account, server));
    let target: TransportTarget | undefined;
    if (registered) target = binding?.target;
    else if (this.#state === 'registering' || this.#state === 'unregistering') target = this.#targets[this.#targetIndex];
    return {
      index: account.index,
      label: account.label,
      uri: aor === undefined ? '' : formatUri(aor),
      registered,
      state: this.#state,
      server: target === undefined ? null : formatServer(target),
      expiresInS:
        registered && binding !== undefined ? Math.max(0, Math.floor((binding.expiresAt - this.#clock.now()) / 1000)) : null,
      lastFailure: this.#lastFailure,
    };
  }

  /** Where our binding lives while registered: the flow NAT keep-alives go on. */
  get bindingTarget(): TransportTarget | undefined {
    return this.#state === 'registered' || this.#state === 'refreshing' ? this.#binding?.target : undefined;
  }

  /**
   * The flow to the registrar died (no keep-alive pong, RFC 5626 §4.4.1):
   * the NAT binding may be gone, so register again at once rather than at
   * the next refresh.
   */
  flowFailed(reason: string): void {
    if (this.#state !== 'registered' && this.#state !== 'refreshing') return;
    this.#noteFailure(503, `keep-alive: ${reason}`);
    this.#startCycle();
  }

  /** Starts registering (from idle, unregistered or failed); otherwise does nothing. */
  start(): void {
    if (this.#state !== 'idle' && this.#state !== 'unregistered' && this.#state !== 'failed') return;
    this.#startCycle();
  }

  /**
   * A new configuration for the account. What the REGISTER carries changed →
   * register again from the primary server with the new values (a failed
   * account gets another chance); only the label changed → just report it.
   */
  updateConfig(account: AccountConfig): void {
    if (this.#state === 'disposed') return;
    const changed = registrationChanged(this.#account, account);
    this.#account = account;
    if (!changed) {
      this.#emit();
      return;
    }
    this.#sender.setCredentials(credentialsOf(account));
    const active = ['registering', 'registered', 'refreshing', 'retry-wait', 'failed'];
    if (active.includes(this.#state)) this.#startCycle();
    else this.#emit();
  }

  /**
   * Removes our binding (Expires: 0 for our Contact, §10.2.2) and resolves
   * when the registrar answered or `unregisterTimeoutMs` passed — a phone
   * shutting down must not hang on a dead server.
   */
  stop(): Promise<void> {
    if (this.#state === 'disposed' || this.#state === 'unregistered') return Promise.resolve();
    if (this.#state === 'unregistering' && this.#stopping !== undefined) return this.#stopping;
    this.#newEpoch();
    const binding = this.#binding !== undefined && this.#binding.expiresAt > this.#clock.now() ? this.#binding : undefined;
    if (binding === undefined) {
      this.#binding = undefined;
      this.#transition('unregistered');
      this.#emit();
      return Promise.resolve();
    }
    this.#transition('unregistering');
    this.#targets = [binding.target];
    this.#targetIndex = 0;
    this.#emit();
    const request = buildRegister({
      ...this.#headers,
      registrar: binding.registrar,
      aor: binding.aor,
      displayName: this.#account.displayName,
      fromTag: this.#fromTag,
      callId: this.#callId,
      cseq: this.#nextCSeq(),
      contact: binding.contact,
      expires: 0,
    });
    const epoch = this.#epoch;
    this.#stopping = new Promise<void>((resolve) => {
      const finish = (): void => {
        this.#pendingStop = undefined;
        this.#stopping = undefined;
        this.#clock.clearTimer(this.#timer);
        this.#timer = undefined;
        if (this.#state === 'unregistering' && this.#epoch === epoch) {
          this.#binding = undefined;
          this.#transition('unregistered');
          this.#emit();
        }
        resolve();
      };
      this.#pendingStop = finish;
      this.#timer = this.#clock.setTimer(this.#unregisterTimeoutMs, () => {
        this.#timer = undefined;
        this.#noteFailure(408, `no answer to the un-REGISTER within ${this.#unregisterTimeoutMs} ms`);
        finish();
      });
      this.#sender
        .send(request, binding.target, { nextHopIsOurServer: true, onAttempt: (s) => this.#noteCSeq(s.request) })
        .then(
          (outcome) => {
            if (this.#epoch !== epoch || this.#pendingStop !== finish) return;
            if (outcome.kind === 'failure') this.#noteFailure(outcome.failure.treatAs, this.#failureText(outcome, binding.target));
            else if (outcome.response.status >= 300) {
              this.#noteFailure(outcome.response.status, outcome.authFailure?.reason ?? `${outcome.response.status} ${outcome.response.reason}`);
            }
            finish();
          },
          (e: unknown) => {
            if (this.#pendingStop !== finish) return;
            this.#noteFailure(503, `cannot send the un-REGISTER: ${errorText(e)}`);
            finish();
          },
        );
    });
    return this.#stopping;
  }

  dispose(): void {
    if (this.#state === 'disposed') return;
    this.#newEpoch();
    this.#transition('disposed');
    const pending = this.#pendingStop;
    this.#pendingStop = undefined;
    pending?.();
    this.#listeners.clear();
  }

  #transition(next: RegistrationState): void {
    if (!ALLOWED[this.#state].includes(next)) {
      throw new Error(`RegistrationClient (account ${this.#account.index}): illegal transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }

  /** Abandons whatever is in flight and clears the timer. */
  #newEpoch(): number {
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#epoch += 1;
    return this.#epoch;
  }

  #emit(): void {
    const status = this.status();
    for (const listener of [...this.#listeners]) listener(status);
  }

  #nextCSeq(): number {
    this.#cseq += 1;
    return this.#cseq;
  }

  /** Authenticated resends raise the CSeq inside the sender; the next REGISTER must go above it. */
  #noteCSeq(request: SipRequest): void {
    const seq = getCSeq(request)?.seq;
    if (seq !== undefined && seq > this.#cseq) this.#cseq = seq;
  }

  #noteFailure(status: number, reason: string): void {
    this.#lastFailure = { status, reason, at: this.#clock.now() };
  }

  #startCycle(): void {
    const problem = configProblem(this.#account);
    if (problem !== undefined) {
      this.#fail(0, problem);
      return;
    }
    this.#consecutiveFailures = 0;
    this.#position = CYCLE_START;
    this.#attemptServer('registering');
  }

  #currentServer(): SipServerConfig | undefined {
    return this.#account.servers[this.#position.serverIndex];
  }

  /** One attempt on the current server: resolve it, then try its addresses in turn. */
  #attemptServer(mode: 'registering' | 'refreshing'): void {
    const epoch = this.#newEpoch();
    const server = this.#currentServer();
    if (server === undefined) {
      this.#fail(0, `account ${this.#account.index} has no SIP server`);
      return;
    }
    if (mode === 'registering' && this.#binding?.server !== server) this.#expires = server.expiresSeconds;
    this.#intervalRetries = 0;
    this.#targets = [];
    this.#targetIndex = 0;
    this.#transition(mode);
    this.#emit();
    this.#resolveTargets(hopFor(this.#account, server)).then(
      (targets) => {
        if (epoch !== this.#epoch) return;
        if (targets.length === 0) {
          this.#serverAttemptFailed(503, `no address found for ${server.address}`);
          return;
        }
        // A refresh goes first to the address that holds the binding.
        const held = this.#binding?.target;
        const first = held === undefined ? -1 : targets.findIndex((t) => formatServer(t) === formatServer(held));
        this.#targets = first <= 0 ? [...targets] : [targets[first], ...targets.filter((_, i) => i !== first)];
        this.#send(epoch);
      },
      (e: unknown) => {
        if (epoch !== this.#epoch) return;
        this.#serverAttemptFailed(503, `cannot resolve ${server.address}: ${errorText(e)}`);
      },
    );
  }

  #send(epoch: number): void {
    const server = this.#currentServer();
    const target = this.#targets[this.#targetIndex];
    if (server === undefined || target === undefined) return;
    const contact = contactUri(this.#account.userName, this.#localEndpoint(target.protocol), target.protocol);
    const registrar = registrarUri(server);
    const aor = addressOfRecord(this.#account, server);
    const expires = this.#expires;
    const request = buildRegister({
      ...this.#headers,
      registrar,
      aor,
      displayName: this.#account.displayName,
      fromTag: this.#fromTag,
      callId: this.#callId,
      cseq: this.#nextCSeq(),
      contact,
      expires,
    });
    this.#sender
      .send(request, target, { nextHopIsOurServer: true, onAttempt: (s) => this.#noteCSeq(s.request) })
      .then(
        (outcome) => {
          if (epoch !== this.#epoch) return;
          this.#onOutcome(epoch, outcome, { server, target, registrar, aor, contact, expires });
        },
        (e: unknown) => {
          if (epoch !== this.#epoch) return;
          this.#targetFailed(epoch, 503, `cannot send to ${formatServer(target)}: ${errorText(e)}`);
        },
      );
  }

  #failureText(outcome: Extract<AuthenticatedOutcome, { kind: 'failure' }>, target: TransportTarget): string {
    const f = outcome.failure;
    return f.kind === 'timeout'
      ? `no response from ${formatServer(target)} (Timer ${f.timer})`
      : `transport error to ${formatServer(target)}: ${f.message}`;
  }

  #onOutcome(
    epoch: number,
    outcome: AuthenticatedOutcome,
    sent: Omit<Binding, 'expiresAt'> & { readonly expires: number },
  ): void {
    if (outcome.kind === 'failure') {
      this.#targetFailed(epoch, outcome.failure.treatAs, this.#failureText(outcome, sent.target));
      return;
    }
    const response = outcome.response;
    const status = response.status;
    const text = `${status} ${response.reason}`;
    if (status >= 200 && status < 300) {
      const granted = grantedExpires(response, sent.contact, sent.expires);
      if (granted <= 0) {
        this.#serverAttemptFailed(status, `${text} granted no time to the binding`);
        return;
      }
      this.#registered(sent, granted);
      return;
    }
    if (status === 423) {
      const next = expiresAfter423(response, sent.expires);
      if (next !== undefined && this.#intervalRetries < MAX_INTERVAL_RETRIES) {
        this.#intervalRetries += 1;
        this.#expires = next;
        this.#noteFailure(status, `${text}: retrying with Min-Expires ${next} s`);
        this.#send(epoch);
        return;
      }
      this.#serverAttemptFailed(status, `${text} with no usable Min-Expires`);
      return;
    }
    if (outcome.authFailure !== undefined) {
      this.#fail(status, outcome.authFailure.reason);
      return;
    }
    const retryAfter = retryAfterMs(response.headers.get('Retry-After'));
    if (triesNextAddress(status)) this.#targetFailed(epoch, status, text, retryAfter);
    else this.#serverAttemptFailed(status, text, retryAfter);
  }

  /** This address failed: the next address of the server, or the attempt on the server has failed. */
  #targetFailed(epoch: number, status: number, reason: string, retryAfter?: number): void {
    this.#noteFailure(status, reason);
    if (this.#targetIndex + 1 < this.#targets.length) {
      this.#targetIndex += 1;
      this.#emit();
      this.#send(epoch);
      return;
    }
    this.#serverAttemptFailed(status, reason, retryAfter);
  }

  #serverAttemptFailed(status: number, reason: string, retryAfter?: number): void {
    this.#noteFailure(status, reason);
    const step = afterServerFailure(
      { serverIndex: this.#position.serverIndex, failedAttempts: this.#position.failedAttempts + 1 },
      this.#account.servers,
    );
    this.#position = step.next;
    if (step.kind !== 'new-cycle') {
      this.#attemptServer('registering');
      return;
    }
    this.#consecutiveFailures += 1;
    const delay = Math.max(backoffDelayMs(this.#consecutiveFailures, this.#random()), retryAfter ?? 0);
    this.#newEpoch();
    this.#transition('retry-wait');
    this.#timer = this.#clock.setTimer(delay, () => {
      this.#timer = undefined;
      this.#position = CYCLE_START;
      this.#attemptServer('registering');
    });
    this.#emit();
  }

  #registered(sent: Omit<Binding, 'expiresAt'>, grantedSeconds: number): void {
    this.#newEpoch();
    this.#consecutiveFailures = 0;
    this.#position = { serverIndex: this.#position.serverIndex, failedAttempts: 0 };
    this.#binding = {
      server: sent.server,
      target: sent.target,
      registrar: sent.registrar,
      aor: sent.aor,
      contact: sent.contact,
      expiresAt: this.#clock.now() + grantedSeconds * 1000,
    };
    this.#transition('registered');
    this.#timer = this.#clock.setTimer(refreshDelayMs(grantedSeconds, this.#random()), () => {
      this.#timer = undefined;
      this.#attemptServer('refreshing');
    });
    this.#emit();
  }

  /** Stop until the configuration changes (credentials rejected, nothing to register with). */
  #fail(status: number, reason: string): void {
    this.#newEpoch();
    this.#noteFailure(status, reason);
    if (this.#state !== 'failed') this.#transition('failed');
    this.#emit();
  }
}
