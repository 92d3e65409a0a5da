/**
 * Sending a request that our own server may challenge, and answering the
 * challenge (RFC 3261 §22.2 User-to-User, §22.3 Proxy-to-User).
 *
 * §22.2: "Once authentication credentials have been supplied (either
 * directly by the user, or discovered in an internal keyring), UAs SHOULD
 * cache the credentials for a given value of the To header field and
 * 'realm' and attempt to re-use these values on the next request for that
 * destination." and §8.1.3.5 / §22.2: "When a UAC resubmits a request with
 * its credentials after receiving a 401 (Unauthorized) or 407 (Proxy
 * Authentication Required) response, it MUST increment the CSeq header
 * field value as it would normally when sending an updated request."
 *
 * So a challenged request is sent again as a NEW transaction: same Call-ID,
 * From (with its tag) and To, CSeq + 1, the Via taken off so the transaction
 * layer puts on one with a fresh branch, and Authorization (401,
 * WWW-Authenticate) or Proxy-Authorization (407, Proxy-Authenticate) added
 * for the realm. A 401 to an INVITE is ACKed by the INVITE client
 * transaction itself (§17.1.1.3), so the INVITE case needs nothing more.
 *
 * What this file decides and what it leaves to the auth module:
 * - which challenge to answer: chooseChallenge() with order 'strongest'
 *   (several algorithms offered in one response → the strongest we support;
 *   see auth/choose.ts for why that is a local policy);
 * - whether these credentials may answer at all: mayAnswerChallenge() — the
 *   digest-leak guard. The caller says whether the request's next hop was
 *   our registrar or outbound proxy; a challenge to a request sent anywhere
 *   else is returned to the caller unanswered;
 * - whether to try again: decideOnChallenge() — stale=true with a new nonce
 *   is answered without counting a failure; the same nonce again (not
 *   stale) means the credentials are wrong and the send ends there.
 *
 * Pre-authorization (optional, on by default): after a challenge has been
 * answered, later requests to our server carry credentials for the same
 * realm up front, re-using the nonce with the nonce-count incremented
 * (RFC 2617 §3.2.2, nc; NonceCounter). A REGISTER refresh then needs one
 * round trip instead of two. A server that no longer accepts the nonce says
 * stale=true or sends a fresh challenge, which is answered as above.
 */
import { parseChallenge, parseChallenges } from '../auth/challenge.js';
import type { DigestChallenge } from '../auth/challenge.js';
import { chooseChallenge } from '../auth/choose.js';
import type { ChallengeOrder } from '../auth/choose.js';
import { mayAnswerChallenge } from '../auth/credential-store.js';
import type { AccountCredentials } from '../auth/credential-store.js';
import { authorize } from '../auth/digest.js';
import { NonceCounter } from '../auth/nonce-counter.js';
import { decideOnChallenge, defaultAuthRetryLimits, initialAuthRetryState } from '../auth/retry-policy.js';
import type { AuthRetryLimits, AuthRetryState } from '../auth/retry-policy.js';
import { formatCSeq, formatUri, getCSeq } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ClientFailure, ClientTransactionHandlers, SentRequest } from '../transaction/index.js';
import type { TransportTarget } from '../transport/types.js';

/** What this needs of the transaction layer (TransactionLayer has it). */
export interface RequestSender {
  sendRequest(request: SipRequest, target: TransportTarget, handlers: ClientTransactionHandlers): SentRequest;
}

/** The reason given when a 401/407 comes from somewhere that is not our registrar or outbound proxy. */
export const NOT_OUR_SERVER_REASON = 'challenge from a peer that is not our server: not answered';

/**
 * Bound on transactions per send, whatever the realms: with one realm the
 * retry policy stops far sooner; this catches a server that alternates
 * 401 and 407 under ever new realms.
 */
export const MAX_ATTEMPTS_PER_SEND = 6;

type ChallengeStatus = 401 | 407;

const HEADERS: Readonly<Record<ChallengeStatus, { readonly challenge: string; readonly answer: string }>> = {
  401: { challenge: 'WWW-Authenticate', answer: 'Authorization' },
  407: { challenge: 'Proxy-Authenticate', answer: 'Proxy-Authorization' },
};

/** Why a 401/407 was handed back to the caller instead of answered. */
export interface AuthFailure {
  readonly status: ChallengeStatus;
  readonly reason: string;
  /** True when the server refused our credentials (wrong user name or password). */
  readonly credentialsRejected: boolean;
}

export type AuthenticatedOutcome =
  | {
      readonly kind: 'final';
      /** The final response; a 401/407 only when `authFailure` says why it was not (or no longer) answered. */
      readonly response: SipResponse;
      /** The last transaction: the request as sent (its CSeq is the highest this send used). */
      readonly sent: SentRequest;
      readonly attempts: number;
      readonly authFailure?: AuthFailure;
    }
  | {
      readonly kind: 'failure';
      /** Timer B/F (treat as 408) or a transport error (treat as 503), §8.1.3.1. */
      readonly failure: ClientFailure;
      readonly sent: SentRequest;
      readonly attempts: number;
    };

export interface AuthenticatedSendOptions {
  /**
   * Whether the request's next hop is this account's registrar or outbound
   * proxy. Only then is a challenge answered (the digest-leak guard).
   */
  readonly nextHopIsOurServer: boolean;
  /** Each transaction as it starts: the first, then each authenticated resend (a CANCEL must match the latest INVITE). */
  readonly onAttempt?: (sent: SentRequest) => void;
  readonly onProvisional?: (response: SipResponse, sent: SentRequest) => void;
  /**
   * Final responses that arrive after the outcome was reported, on the same
   * transaction: retransmitted or forked 2xx to an INVITE (RFC 6026 §8.4),
   * which the dialog layer must ACK.
   */
  readonly onLaterFinal?: (response: SipResponse, sent: SentRequest) => void;
}

export interface AuthenticatingSenderOptions {
  readonly layer: RequestSender;
  readonly credentials: AccountCredentials;
  readonly nonces?: NonceCounter;
  /** Default 'strongest': the issue asks for the strongest of several challenges. */
  readonly order?: ChallengeOrder;
  readonly limits?: AuthRetryLimits;
  /** Send cached credentials up front to our server (default true). */
  readonly preauthorize?: boolean;
}

interface CachedChallenge {
  readonly status: ChallengeStatus;
  readonly challenge: DigestChallenge;
}

/** The realm an Authorization value of ours names; undefined if it cannot be read. */
function realmOfCredentials(value: string): string | undefined {
  // Credentials have the challenge's auth-param syntax (RFC 3261 §25) and
  // carry realm and nonce, so the challenge parser reads them as well.
  const parsed = parseChallenge(value);
  return parsed.ok ? parsed.challenge.realm : undefined;
}

function cacheKey(status: ChallengeStatus, realm: string): string {
  return `${status}\u0000${realm}`;
}

export class AuthenticatingSender {
  readonly #layer: RequestSender;
  readonly #nonces: NonceCounter;
  readonly #order: ChallengeOrder;
  readonly #limits: AuthRetryLimits;
  readonly #preauthorize: boolean;
  #credentials: AccountCredentials;
  /** The challenges last answered, per status and realm: what pre-authorization re-uses. */
  readonly #cache = new Map<string, CachedChallenge>();

  constructor(options: AuthenticatingSenderOptions) {
    this.#layer = options.layer;
    this.#credentials = options.credentials;
    this.#nonces = options.nonces ?? new NonceCounter();
    this.#order = options.order ?? 'strongest';
    this.#limits = options.limits ?? defaultAuthRetryLimits;
    this.#preauthorize = options.preauthorize ?? true;
  }

  /** Credentials from a configuration change: a different user, password or realm forgets every cached challenge. */
  setCredentials(credentials: AccountCredentials): void {
    const before = this.#credentials;
    this.#credentials = credentials;
    if (before.username !== credentials.username || before.password !== credentials.password || before.realm !== credentials.realm) {
      this.#cache.clear();
    }
  }

  /** Realms whose challenge is cached for pre-authorization (diagnostics, tests). */
  get cachedRealms(): readonly string[] {
    return [...this.#cache.values()].map((c) => c.challenge.realm);
  }

  /**
   * Sends `request` (without a Via: the transaction layer adds one) to
   * `target`, answering challenges from our server. Resolves with the final
   * response or the transaction failure; rejects only if the transaction
   * layer refuses the request (disposed, malformed CSeq).
   */
  send(request: SipRequest, target: TransportTarget, options: AuthenticatedSendOptions): Promise<AuthenticatedOutcome> {
    return new Promise<AuthenticatedOutcome>((resolve, reject) => {
      const run = new SendRun(this.#internals(), request, target, options, resolve);
      try {
        run.start();
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  #internals(): SenderInternals {
    return {
      layer: this.#layer,
      nonces: this.#nonces,
      order: this.#order,
      limits: this.#limits,
      preauthorize: this.#preauthorize,
      credentials: this.#credentials,
      cache: this.#cache,
    };
  }
}

interface SenderInternals {
  readonly layer: RequestSender;
  readonly nonces: NonceCounter;
  readonly order: ChallengeOrder;
  readonly limits: AuthRetryLimits;
  readonly preauthorize: boolean;
  readonly credentials: AccountCredentials;
  readonly cache: Map<string, CachedChallenge>;
}

/** One send() with its resends: the credentials it carries and the retry state per realm. */
class SendRun {
  readonly #s: SenderInternals;
  readonly #target: TransportTarget;
  readonly #options: AuthenticatedSendOptions;
  readonly #resolve: (outcome: AuthenticatedOutcome) => void;
  /** The request as the caller gave it (no Via), updated with each resend's CSeq and credentials. */
  #request: SipRequest;
  /** Our credential header values per status and realm. */
  readonly #answers = new Map<string, { status: ChallengeStatus; realm: string; value: string }>();
  /** decideOnChallenge() state per status and realm. */
  readonly #retry = new Map<string, AuthRetryState>();
  #attempts = 0;
  #done = false;

  constructor(
    internals: SenderInternals,
    request: SipRequest,
    target: TransportTarget,
    options: AuthenticatedSendOptions,
    resolve: (outcome: AuthenticatedOutcome) => void,
  ) {
    this.#s = internals;
    this.#request = request;
    this.#target = target;
    this.#options = options;
    this.#resolve = resolve;
  }

  start(): void {
    if (this.#options.nextHopIsOurServer && this.#s.preauthorize) this.#addCachedCredentials();
    this.#attempt(this.#withCredentials(this.#request));
  }

  #addCachedCredentials(): void {
    for (const [key, cached] of this.#s.cache) {
      const decision = mayAnswerChallenge(this.#s.credentials, {
        nextHopIsOurServer: true,
        challengeRealm: cached.challenge.realm,
      });
      if (!decision.answer) continue;
      const auth = authorize({
        challenge: cached.challenge,
        credentials: decision.credentials,
        request: { method: this.#request.method, uri: formatUri(this.#request.uri), body: this.#request.body },
        nonces: this.#s.nonces,
      });
      if (!auth.ok) {
        this.#s.cache.delete(key);
        continue;
      }
      this.#answers.set(key, { status: cached.status, realm: cached.challenge.realm, value: auth.value });
      // The request carries this nonce: a challenge naming it again (not stale) means our credentials are wrong.
      this.#retry.set(key, { ...initialAuthRetryState, sentNonce: cached.challenge.nonce });
    }
  }

  #attempt(request: SipRequest): void {
    this.#attempts += 1;
    let settled = false;
    // The layer never calls back from inside sendRequest(); the holder makes that safe anyway.
    const holder: { sent?: SentRequest } = {};
    const whenSent = (fn: (s: SentRequest) => void): void => {
      if (holder.sent !== undefined) fn(holder.sent);
    };
    const sent = this.#s.layer.sendRequest(request, this.#target, {
      onProvisional: (response) => whenSent((s) => this.#options.onProvisional?.(response, s)),
      onFinal: (response) =>
        whenSent((s) => {
          if (settled) {
            this.#options.onLaterFinal?.(response, s);
            return;
          }
          settled = true;
          this.#onFinal(response, s);
        }),
      onFailure: (failure) =>
        whenSent((s) => {
          if (settled) return;
          settled = true;
          this.#finish({ kind: 'failure', failure, sent: s, attempts: this.#attempts });
        }),
    });
    holder.sent = sent;
    this.#options.onAttempt?.(sent);
  }

  #finish(outcome: AuthenticatedOutcome): void {
    if (this.#done) return;
    this.#done = true;
    this.#resolve(outcome);
  }

  #giveUp(response: SipResponse, sent: SentRequest, status: ChallengeStatus, reason: string, credentialsRejected = false): void {
    this.#finish({
      kind: 'final',
      response,
      sent,
      attempts: this.#attempts,
      authFailure: { status, reason, credentialsRejected },
    });
  }

  #onFinal(response: SipResponse, sent: SentRequest): void {
    const status = response.status;
    if (status !== 401 && status !== 407) {
      this.#finish({ kind: 'final', response, sent, attempts: this.#attempts });
      return;
    }
    if (!this.#options.nextHopIsOurServer) {
      // The digest leak: a peer (the Contact of a call, say) challenging us
      // with our provider's realm must not get a digest of our password.
      this.#giveUp(response, sent, status, NOT_OUR_SERVER_REASON);
      return;
    }
    const headers = HEADERS[status];
    const chosen = chooseChallenge(parseChallenges(response.headers.lines(headers.challenge)), {
      order: this.#s.order,
      realm: this.#s.credentials.realm,
    });
    if (!chosen.ok) {
      this.#giveUp(response, sent, status, `${status} not answered: ${chosen.reason}`);
      return;
    }
    const challenge = chosen.challenge;
    const may = mayAnswerChallenge(this.#s.credentials, {
      nextHopIsOurServer: true,
      challengeRealm: challenge.realm,
      method: this.#request.method,
    });
    if (!may.answer) {
      this.#giveUp(response, sent, status, may.reason);
      return;
    }
    const key = cacheKey(status, challenge.realm);
    const decision = decideOnChallenge(
      this.#retry.get(key) ?? initialAuthRetryState,
      { realm: challenge.realm, nonce: challenge.nonce, stale: challenge.stale },
      this.#s.limits,
    );
    if (decision.action === 'give-up') {
      if (decision.credentialsRejected) this.#s.cache.delete(key);
      this.#giveUp(response, sent, status, decision.reason, decision.credentialsRejected);
      return;
    }
    if (this.#attempts >= MAX_ATTEMPTS_PER_SEND) {
      this.#giveUp(response, sent, status, `${status} not answered: challenged ${this.#attempts} times in one request`);
      return;
    }
    const previous = this.#s.cache.get(key);
    const auth = authorize({
      challenge,
      credentials: may.credentials,
      request: { method: this.#request.method, uri: formatUri(this.#request.uri), body: this.#request.body },
      nonces: this.#s.nonces,
    });
    if (!auth.ok) {
      this.#giveUp(response, sent, status, `${status} not answered: ${auth.reason}`);
      return;
    }
    // A nonce the server called stale, or replaced, will not be used again.
    if (previous !== undefined && previous.challenge.nonce !== challenge.nonce) {
      this.#s.nonces.forget(previous.challenge.realm, previous.challenge.nonce);
    }
    this.#retry.set(key, decision.state);
    this.#answers.set(key, { status, realm: challenge.realm, value: auth.value });
    this.#s.cache.set(key, { status, challenge });
    this.#attempt(this.#nextRequest());
  }

  /** The request once more: CSeq + 1 (§22.2), no Via (a new transaction, §8.1.3.5), current credentials. */
  #nextRequest(): SipRequest {
    const cseq = getCSeq(this.#request);
    if (cseq === undefined) throw new Error('request without CSeq');
    const headers = this.#request.headers.clone();
    headers.set('CSeq', formatCSeq({ seq: cseq.seq + 1, method: cseq.method }));
    this.#request = { ...this.#request, headers };
    return this.#withCredentials(this.#request);
  }

  /** `request` without Via and with our credentials replacing any others for the same realms. */
  #withCredentials(request: SipRequest): SipRequest {
    const headers = request.headers.clone();
    headers.remove('Via');
    for (const status of [401, 407] as const) {
      const ours = [...this.#answers.values()].filter((a) => a.status === status);
      if (ours.length === 0) continue;
      const name = HEADERS[status].answer;
      const realms = new Set(ours.map((a) => a.realm));
      const kept = headers.lines(name).filter((v) => {
        const realm = realmOfCredentials(v);
        return realm === undefined || !realms.has(realm);
      });
      headers.remove(name);
      for (const v of kept) headers.append(name, v);
      for (const a of ours) headers.append(name, a.value);
    }
    return { ...request, headers };
  }
}
