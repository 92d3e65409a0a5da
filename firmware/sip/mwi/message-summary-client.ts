/**
 * Message waiting for one account (RFC 3842 over RFC 6665): a subscription
 * to the message-summary event of the account's address of record, kept
 * alive, and the NOTIFYs it brings read into MessageSummary events — plus
 * the unsolicited NOTIFYs many PBXs send without any subscription.
 *
 *   const mwi = new MessageSummaryClient({ core, clock, sender, server, aor });
 *   mwi.onSummary((s) => lamp(s.waiting, s.newCount, s.oldCount));
 *   mwi.start();
 *   serveUnsolicitedMessageSummary(core, () => [mwi]);   // once per core, for every account
 *   … await mwi.stop();                                   // SUBSCRIBE Expires: 0
 *
 * The SUBSCRIBE goes to the account's registrar or outbound proxy (`server`)
 * through the account's AuthenticatingSender (the registration's digest
 * machinery: 401/407 answered, the nonce re-used on refreshes). In-dialog
 * SUBSCRIBEs go to the same server: in the deployments this phone meets the
 * notifier is that server, or sits behind it on the route set.
 *
 * RFC 6665 in brief: §4.1.2.1 "The 'Expires' header field in a 200-class
 * response to SUBSCRIBE request indicates the actual duration for which the
 * subscription will remain active"; §4.1.2.2 the subscriber refreshes
 * before that (refreshDelayMs, the registration's policy: 50-90 %, ≥ 32 s
 * early); §4.1.2.3 unsubscribing is a SUBSCRIBE with Expires: 0; §4.1.3 a
 * NOTIFY is answered 200 (489 for another event package) and its
 * Subscription-State says whether the subscription lives on
 * (subscription-policy.ts decides what a termination or a failure calls for).
 *
 * States and allowed transitions:
 *   idle | stopped | failed → subscribing   start()
 *   subscribing → subscribing     423 with a larger Min-Expires: at once again
 *   subscribing → active          2xx: the dialog exists, the refresh is scheduled
 *   active      → refreshing      the refresh timer fired: SUBSCRIBE in the dialog
 *   refreshing  → active          2xx
 *   refreshing  → refreshing      423 with a larger Min-Expires
 *   active | refreshing → subscribing    481 to the refresh, or NOTIFY terminated
 *                                        (deactivated, timeout): a new subscription now
 *   subscribing | active | refreshing → retry-wait   a failure that passes, or a termination to
 *                                        retry later (probation, giveup …): back off
 *   retry-wait  → subscribing     the back-off is over
 *   subscribing | active | refreshing → failed   489, 403, 404 …, credentials rejected,
 *                                        or terminated rejected / noresource / invariant
 *   subscribing | active | refreshing | retry-wait | failed | idle → stopped   stop() with no dialog
 *   active | refreshing → unsubscribing   stop(): SUBSCRIBE Expires: 0
 *   unsubscribing → stopped       the final NOTIFY, or 4 s
 *   any → disposed                dispose()
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { Dialog } from '../dialog/index.js';
import { NameAddr, createCallId, createRequest, createTag, getCSeq, getContentType, getExpires, getTo, mediaTypeName } from '../message/index.js';
import type { SipRequest, SipResponse, SipUri } from '../message/index.js';
import { retryAfterMs, backoffDelayMs } from '../registration/backoff-policy.js';
import { expiresAfter423 } from '../registration/granted-expiry.js';
import { refreshDelayMs } from '../registration/refresh-policy.js';
import { TimerSet } from '../transaction/timer-set.js';
import type { TransportTarget } from '../transport/types.js';
import type { AuthenticatedOutcome, AuthenticatingSender } from '../ua/authenticating-sender.js';
import type { DialogOwner } from '../ua/dialog-owner.js';
import { TypedEmitter } from '../ua/typed-emitter.js';
import type { UasRequest } from '../ua/uas-request.js';
import type { UserAgentCore } from '../ua/user-agent-core.js';
import { MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE, parseMessageSummary } from './message-summary.js';
import type { MessageSummary } from './message-summary.js';
import { afterFailure, afterTermination, parseSubscriptionState } from './subscription-policy.js';
import type { Resubscribe, SubscriptionState } from './subscription-policy.js';

export type MessageSummaryClientState =
  | 'idle'
  | 'subscribing'
  | 'active'
  | 'refreshing'
  | 'retry-wait'
  | 'unsubscribing'
  | 'stopped'
  | 'failed'
  | 'disposed';

const ALLOWED: Readonly<Record<MessageSummaryClientState, readonly MessageSummaryClientState[]>> = {
  idle: ['subscribing', 'stopped', 'disposed'],
  subscribing: ['subscribing', 'active', 'retry-wait', 'failed', 'stopped', 'disposed'],
  active: ['refreshing', 'subscribing', 'retry-wait', 'failed', 'unsubscribing', 'disposed'],
  refreshing: ['active', 'refreshing', 'subscribing', 'retry-wait', 'failed', 'unsubscribing', 'disposed'],
  'retry-wait': ['subscribing', 'stopped', 'disposed'],
  unsubscribing: ['stopped', 'disposed'],
  stopped: ['subscribing', 'disposed'],
  failed: ['subscribing', 'stopped', 'disposed'],
  disposed: [],
};

/** RFC 3842 §4: no default duration is given; an hour, as common phones ask. */
export const DEFAULT_MWI_EXPIRES = 3600;
/** How long stop() waits for the server's answer (the registration's bound). */
export const UNSUBSCRIBE_TIMEOUT_MS = 4_000;
/** 423 retries in a row: each must raise the interval. */
const MAX_INTERVAL_RETRIES = 3;

/** A message summary as received, and how: in our subscription, or unsolicited. */
export interface MessageSummaryEvent extends MessageSummary {
  readonly source: 'subscription' | 'unsolicited';
}

export interface MessageSummaryClientStateChange {
  readonly from: MessageSummaryClientState;
  readonly to: MessageSummaryClientState;
  readonly reason: string;
}

export interface MessageSummaryClientOptions {
  /** Routes the NOTIFYs of our dialog here, and gives our Contact. */
  readonly core: Pick<UserAgentCore, 'addDialog' | 'awaitNotify' | 'contactFor'>;
  readonly clock: Clock;
  /** The account's sender: answers our server's 401/407 (the registration's AuthenticatingSender). */
  readonly sender: Pick<AuthenticatingSender, 'send'>;
  /** The account's outbound proxy or registrar, resolved. */
  readonly server: () => TransportTarget | undefined | Promise<TransportTarget | undefined>;
  /** The account's address of record: From and To of the SUBSCRIBE, and its Request-URI unless requestUri says otherwise. */
  readonly aor: SipUri;
  /**
   * The SUBSCRIBE's Request-URI when it differs from the AOR: the account's
   * user at its server with the port REGISTER is sent to, as calls are
   * dialled — a server on a port other than 5060 takes a URI without that
   * port for some other host's and refuses to relay it (Kamailio: 403).
   */
  readonly requestUri?: SipUri;
  readonly displayName?: string;
  /**
   * The user part of the SUBSCRIBE's Contact, and so of the subscription
   * dialog's local target: the account's user name. Absent: the core's choice.
   */
  readonly contactUser?: string;
  /** Seconds asked for (default 3600). */
  readonly expires?: number;
  readonly userAgent?: string;
  /** [0, 1]: refresh and back-off spread; Math.random by default. */
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

function eventOf(request: SipRequest): string | undefined {
  return request.headers.get('Event')?.split(';')[0]?.trim().toLowerCase();
}

function toUser(request: SipRequest): string | undefined {
  try {
    const to = getTo(request)?.uri;
    return to?.kind === 'sip' ? to.user : undefined;
  } catch {
    return undefined;
  }
}

export class MessageSummaryClient {
  readonly aor: SipUri;
  readonly #o: MessageSummaryClientOptions;
  readonly #timers: TimerSet<'refresh' | 'retry' | 'unsubscribe'>;
  readonly #summaries: TypedEmitter<MessageSummaryEvent>;
  readonly #changes: TypedEmitter<MessageSummaryClientStateChange>;
  readonly #random: () => number;
  readonly #owner: DialogOwner = { handleRequest: (uas) => this.#inDialog(uas) };
  #state: MessageSummaryClientState = 'idle';
  #expires: number;
  #intervalRetries = 0;
  #failures = 0;
  /** Bumped by each new subscription, stop() and dispose(): answers to abandoned requests are ignored. */
  #epoch = 0;
  #dialog: Dialog | undefined;
  #stopAwaiting: (() => void) | undefined;
  #finishUnsubscribe: (() => void) | undefined;
  #summary: MessageSummaryEvent | undefined;

  constructor(options: MessageSummaryClientOptions) {
    this.aor = options.aor;
    this.#o = options;
    this.#timers = new TimerSet(options.clock);
    this.#random = options.random ?? Math.random;
    this.#expires = options.expires ?? DEFAULT_MWI_EXPIRES;
    const log = (e: unknown): void => this.#log(`listener threw: ${e instanceof Error ? e.message : String(e)}`);
    this.#summaries = new TypedEmitter(log);
    this.#changes = new TypedEmitter(log);
  }

  get state(): MessageSummaryClientState {
    return this.#state;
  }

  /** The last summary received, if any. */
  get summary(): MessageSummaryEvent | undefined {
    return this.#summary;
  }

  /** Every summary received (subscription or unsolicited); returns an unsubscribe. */
  onSummary(listener: (event: MessageSummaryEvent) => void): () => void {
    return this.#summaries.on(listener);
  }

  onStateChange(listener: (change: MessageSummaryClientStateChange) => void): () => void {
    return this.#changes.on(listener);
  }

  /** Subscribes (from idle, stopped or failed); otherwise does nothing. */
  start(): void {
    if (this.#state !== 'idle' && this.#state !== 'stopped' && this.#state !== 'failed') return;
    this.#failures = 0;
    this.#subscribe('start()');
  }

  /**
   * Ends the subscription (RFC 6665 §4.1.2.3: "a subscriber may send a
   * SUBSCRIBE request with an 'Expires' header field of 0"). Resolves when
   * the server answered, or after 4 s; the dialog stays for the final
   * NOTIFY until then.
   */
  stop(): Promise<void> {
    if (this.#state === 'disposed' || this.#state === 'stopped' || this.#state === 'unsubscribing') return Promise.resolve();
    const dialog = this.#dialog;
    this.#newEpoch();
    if (dialog === undefined || dialog.state === 'terminated' || (this.#state !== 'active' && this.#state !== 'refreshing')) {
      this.#endDialog();
      this.#transition('stopped', 'stop()');
      return Promise.resolve();
    }
    this.#transition('unsubscribing', 'stop()');
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        if (this.#finishUnsubscribe !== finish) return;
        this.#finishUnsubscribe = undefined;
        this.#timers.stop('unsubscribe');
        this.#endDialog();
        if (this.#state === 'unsubscribing') this.#transition('stopped', 'unsubscribed');
        resolve();
      };
      this.#finishUnsubscribe = finish;
      this.#timers.start('unsubscribe', UNSUBSCRIBE_TIMEOUT_MS, finish);
      void this.#sendInDialog(dialog, 0).then((outcome) => {
        // Answered: stop() is done; the dialog waits (within the 4 s) for the terminating NOTIFY.
        if (outcome === undefined || outcome.kind === 'failure' || outcome.response.status >= 300) finish();
        else resolve();
      });
    });
  }

  dispose(): void {
    if (this.#state === 'disposed') return;
    this.#newEpoch();
    this.#finishUnsubscribe?.();
    this.#endDialog();
    this.#transition('disposed', 'dispose()');
    this.#summaries.clear();
    this.#changes.clear();
  }

  /**
   * Whether an out-of-dialog NOTIFY is meant for this account: its
   * Request-URI or To names our user (a PBX addresses unsolicited MWI to the
   * AOR or to the registered Contact, whose user part is the account's).
   */
  isFor(request: SipRequest): boolean {
    const user = this.aor.user;
    if (user === undefined) return false;
    const target = request.uri.kind === 'sip' ? request.uri.user : undefined;
    return target === user || toUser(request) === user;
  }

  /** An unsolicited message-summary NOTIFY for this account: 200, and its summary reported. */
  receiveUnsolicited(uas: UasRequest): void {
    uas.respond(200);
    this.#takeBody(uas.request, 'unsolicited');
  }

  // ——— subscribing ———

  #subscribe(reason: string): void {
    const epoch = this.#newEpoch();
    this.#endDialog();
    this.#transition('subscribing', reason);
    const callId = createCallId();
    const fromTag = createTag();
    // RFC 6665 §4.1.2.4: the first NOTIFY may overtake the 2xx.
    this.#stopAwaiting = this.#o.core.awaitNotify(callId, fromTag, (uas) => {
      if (epoch !== this.#epoch) return false;
      this.#receiveNotify(uas);
      return true;
    });
    void this.#guard(async () => {
      const target = await this.#target();
      if (epoch !== this.#epoch) return;
      if (target === undefined) {
        this.#failed(503, 'no route to our server', undefined);
        return;
      }
      const aor = new NameAddr({ uri: this.aor, displayName: this.#o.displayName || undefined });
      const request = createRequest({
        method: 'SUBSCRIBE',
        uri: this.#o.requestUri ?? this.aor,
        from: aor.withTag(fromTag),
        to: new NameAddr({ uri: this.aor }),
        callId,
        cseq: 1,
        contact: [new NameAddr({ uri: this.#o.core.contactFor(target.protocol, this.#o.contactUser) })],
        headers: this.#headers(this.#expires),
      });
      const outcome = await this.#o.sender.send(request, target, { nextHopIsOurServer: true });
      if (epoch !== this.#epoch) return;
      this.#stopAwaiting?.();
      this.#stopAwaiting = undefined;
      this.#answered(outcome, target, 'initial');
    });
  }

  #refresh(): void {
    const dialog = this.#dialog;
    if (dialog === undefined || dialog.state === 'terminated') {
      this.#subscribe('the subscription dialog is gone');
      return;
    }
    this.#transition('refreshing', 'refresh due (RFC 6665 §4.1.2.2)');
    const epoch = this.#epoch;
    void this.#guard(async () => {
      const outcome = await this.#sendInDialog(dialog, this.#expires);
      if (epoch !== this.#epoch || this.#state !== 'refreshing') return;
      if (outcome === undefined) {
        this.#failed(503, 'no route to our server', undefined);
        return;
      }
      this.#answered(outcome, undefined, 'refresh');
    });
  }

  /** A SUBSCRIBE in the dialog (refresh, or Expires: 0), through the account's sender; undefined when there is no route. */
  async #sendInDialog(dialog: Dialog, expires: number): Promise<AuthenticatedOutcome | undefined> {
    const target = await this.#target();
    if (target === undefined || dialog.state === 'terminated') return undefined;
    const request = dialog.createRequest('SUBSCRIBE', { headers: this.#headers(expires) });
    try {
      return await this.#o.sender.send(request, target, {
        nextHopIsOurServer: true,
        // An authenticated resend took CSeq + 1: the dialog's next request goes above it (RFC 3261 §12.2.1.1).
        onAttempt: (sent) => dialog.noteLocalSeq(getCSeq(sent.request)?.seq ?? 0),
      });
    } catch (e) {
      this.#log(`cannot send the SUBSCRIBE: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** The final outcome of a SUBSCRIBE (new or refresh). */
  #answered(outcome: AuthenticatedOutcome, target: TransportTarget | undefined, kind: 'initial' | 'refresh'): void {
    if (outcome.kind === 'failure') {
      const f = outcome.failure;
      this.#failed(f.treatAs, f.kind === 'timeout' ? `no response (Timer ${f.timer})` : f.message, undefined);
      return;
    }
    const response = outcome.response;
    if (response.status >= 200 && response.status < 300) {
      if (kind === 'initial' && target !== undefined) this.#makeDialog(outcome.sent.request, response, target);
      this.#active(response);
      return;
    }
    if (response.status === 423 && this.#intervalRetries < MAX_INTERVAL_RETRIES) {
      const longer = expiresAfter423(response, this.#expires);
      if (longer !== undefined) {
        this.#intervalRetries += 1;
        this.#expires = longer;
        if (kind === 'initial') this.#subscribe(`423: asking for ${longer} s`);
        else this.#refresh();
        return;
      }
    }
    if (outcome.authFailure?.credentialsRejected === true) {
      this.#fail(`${response.status}: ${outcome.authFailure.reason}`);
      return;
    }
    this.#failed(response.status, `${response.status} ${response.reason}`, retryAfterMs(response.headers.get('Retry-After')));
  }

  #makeDialog(request: SipRequest, response: SipResponse, target: TransportTarget): void {
    try {
      const dialog = Dialog.asUac(request, response, { transport: target.protocol });
      this.#o.core.addDialog(dialog, this.#owner);
      this.#dialog = dialog;
    } catch (e) {
      this.#log(`cannot make the subscription dialog: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** §4.1.2.1: the 2xx's Expires is the duration granted; the refresh comes before it runs out. */
  #active(response: SipResponse): void {
    let granted: number | undefined;
    try {
      granted = getExpires(response);
    } catch {
      granted = undefined;
    }
    const seconds = granted === undefined || granted === 0 ? this.#expires : granted;
    this.#failures = 0;
    this.#intervalRetries = 0;
    this.#transition('active', `${response.status}, ${seconds} s`);
    this.#timers.start('refresh', refreshDelayMs(seconds, this.#random()), () => this.#refresh());
  }

  // ——— NOTIFY ———

  #inDialog(uas: UasRequest): boolean {
    if (uas.method !== 'NOTIFY') return false;
    this.#receiveNotify(uas);
    return true;
  }

  /** RFC 6665 §4.1.3: answered 200 (489 for another package), its body reported, its Subscription-State obeyed. */
  #receiveNotify(uas: UasRequest): void {
    if (eventOf(uas.request) !== MESSAGE_SUMMARY_EVENT) {
      uas.respond(489);
      return;
    }
    uas.respond(200);
    this.#takeBody(uas.request, 'subscription');
    const sub = parseSubscriptionState(uas.request.headers.get('Subscription-State'));
    if (this.#state === 'unsubscribing') {
      if (sub?.state === 'terminated') this.#finishUnsubscribe?.();
      return;
    }
    if (sub?.state === 'terminated') this.#terminated(sub);
    else if (sub?.expires !== undefined && this.#state === 'active') {
      // The notifier may shorten the subscription (§4.1.3); the refresh follows it.
      this.#timers.start('refresh', refreshDelayMs(sub.expires, this.#random()), () => this.#refresh());
    }
  }

  #terminated(sub: SubscriptionState): void {
    this.#endDialog();
    this.#resubscribe(afterTermination(sub.reason, sub.retryAfter), `terminated${sub.reason === undefined ? '' : `;reason=${sub.reason}`}`);
  }

  #takeBody(request: SipRequest, source: MessageSummaryEvent['source']): void {
    if (request.body.length === 0) return;
    let type: string | undefined;
    try {
      const t = getContentType(request);
      type = t === undefined ? undefined : mediaTypeName(t);
    } catch {
      type = undefined;
    }
    if (type !== MESSAGE_SUMMARY_TYPE) {
      this.#log(`a message-summary NOTIFY with a ${type ?? 'typeless'} body: ignored`);
      return;
    }
    const parsed = parseMessageSummary(request.body);
    if (!parsed.ok) {
      this.#log(`unreadable message summary: ${parsed.reason}`);
      return;
    }
    const event: MessageSummaryEvent = { ...parsed.summary, source };
    this.#summary = event;
    this.#summaries.emit(event);
  }

  // ——— failures ———

  #failed(status: number, reason: string, retryAfter: number | undefined): void {
    this.#resubscribe(afterFailure(status, retryAfter), reason);
  }

  #resubscribe(decision: Resubscribe, reason: string): void {
    switch (decision.kind) {
      case 'now':
        this.#subscribe(reason);
        return;
      case 'never':
        this.#fail(reason);
        return;
      case 'later': {
        this.#newEpoch();
        this.#endDialog();
        this.#failures += 1;
        const delay = decision.retryAfterMs ?? backoffDelayMs(this.#failures, this.#random());
        this.#transition('retry-wait', `${reason}; again in ${Math.round(delay / 1000)} s`);
        this.#timers.start('retry', delay, () => this.#subscribe('back-off over'));
        return;
      }
    }
  }

  #fail(reason: string): void {
    this.#newEpoch();
    this.#endDialog();
    this.#transition('failed', reason);
  }

  // ——— helpers ———

  #headers(expires: number): [string, string][] {
    const headers: [string, string][] = [
      ['Event', MESSAGE_SUMMARY_EVENT],
      ['Accept', MESSAGE_SUMMARY_TYPE],
      ['Expires', String(expires)],
    ];
    if (this.#o.userAgent !== undefined) headers.push(['User-Agent', this.#o.userAgent]);
    return headers;
  }

  async #target(): Promise<TransportTarget | undefined> {
    try {
      return await this.#o.server();
    } catch (e) {
      this.#log(`cannot resolve our server: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  #newEpoch(): number {
    this.#timers.clearAll();
    this.#stopAwaiting?.();
    this.#stopAwaiting = undefined;
    this.#epoch += 1;
    return this.#epoch;
  }

  #endDialog(): void {
    this.#dialog?.terminate();
    this.#dialog = undefined;
  }

  async #guard(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      this.#log(e instanceof Error ? (e.stack ?? e.message) : String(e));
      if (this.#state === 'subscribing' || this.#state === 'refreshing') this.#failed(503, 'internal error', undefined);
    }
  }

  #log(line: string): void {
    this.#o.log?.(`sip/mwi (${this.aor.user ?? ''}): ${line}`);
  }

  #transition(next: MessageSummaryClientState, reason: string): void {
    const from = this.#state;
    if (!ALLOWED[from].includes(next)) throw new Error(`message-summary client: illegal transition ${from} → ${next}`);
    this.#state = next;
    this.#changes.emit({ from, to: next, reason });
  }
}

/**
 * Serves out-of-dialog message-summary NOTIFYs (RFC 3842 without a
 * subscription, as many PBXs send: Asterisk's unsolicited MWI) for every
 * account: to the client the NOTIFY names, or the only one; 481 when there
 * is none (RFC 6665 §4.1.3: no subscription). Returns an unsubscribe.
 */
export function serveUnsolicitedMessageSummary(
  core: Pick<UserAgentCore, 'onNotify'>,
  clients: () => readonly MessageSummaryClient[],
): () => void {
  return core.onNotify(MESSAGE_SUMMARY_EVENT, (uas) => {
    const all = clients();
    const client = all.find((c) => c.isFor(uas.request)) ?? (all.length === 1 ? all[0] : undefined);
    if (client === undefined) uas.respond(481);
    else client.receiveUnsolicited(uas);
  });
}
