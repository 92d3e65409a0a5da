/**
 * The session timer of one call's dialog (RFC 4028): keeps the session
 * refreshed when we are the refresher, ends it with a BYE when we are not
 * and no refresh comes, and renegotiates on every INVITE or UPDATE exchange
 * in the dialog — ours (§7.2) and the peer's (§9) — since each is a session
 * refresh request.
 *
 *   const timer = new SessionTimer({ dialog, ctx, settings, peerAllow, expire: (why) => byeAndEnd(why) });
 *   timer.start(timerFrom2xx(twoHundred, askedInterval(invite)));   // or timerFromUasDecision(…)
 *   new SessionModifier(dialog, timer.wrapContext(ctx), …);         // our re-INVITEs carry Session-Expires
 *   timer.useReinvite(() => session.sendReinvite(session.current.local));
 *   owner.handleRequest = (uas) => timer.handleRequest(uas, (r) => session.handleRequest(r));
 *
 * The refresh is an UPDATE without a body when the peer allows UPDATE, else
 * a re-INVITE repeating our session description. §7.4: "If a UAC knows that
 * its peer supports the UPDATE method, it is RECOMMENDED that UPDATE be used
 * instead of a re-INVITE. A UA can make this determination if it has seen
 * an Allow header field from its peer with the value 'UPDATE' [...] It is
 * RECOMMENDED that the UPDATE request not contain an offer, but a re-INVITE
 * SHOULD contain one, even if the details of the session have not changed."
 * UPDATE also needs nothing of the media layer and cannot collide (491) with
 * a hold re-INVITE under way (RFC 3261 §14.1).
 *
 * States and allowed transitions:
 *   inactive   → refresher | refreshee     a 2xx in the dialog set a timer up (§7.2, §9)
 *   refresher  → refreshing                half the interval passed: the refresh goes out (§10)
 *   refreshing → refreshing                422 (§7.3) or 405/501 to an UPDATE: tried again at once
 *   refreshing → refresher                 the refresh failed but the dialog lives: retried later
 *   refresher | refreshing | refreshee → inactive | refresher | refreshee
 *                                          any INVITE/UPDATE 2xx renegotiates (our refresh's own too)
 *   refresher | refreshing → expired       no time left to retry, or 408/481/no response (§10)
 *   refreshee  → expired                   no refresh by the interval less min(32 s, interval/3) (§10)
 *   any        → disposed                  the dialog ended or the call was disposed
 * expired and disposed are final; on expired the call sends its BYE.
 */
import type { Dialog } from '../dialog/index.js';
import { getCallId, getFrom, getTokens } from '../message/index.js';
import type { HasHeaders, SipRequest, SipResponse } from '../message/index.js';
import type { ClientTransactionHandlers, SentRequest } from '../transaction/index.js';
import { TimerSet } from '../transaction/timer-set.js';
import { capabilityHeaders } from './capabilities.js';
import type { ReinviteOutcome } from './reinvite-client.js';
import type { SessionContext } from './session-context.js';
import {
  askedInterval,
  minSEAfter422,
  refreshFailureEndsSession,
  refreshRetryDelayMs,
  sessionExpiryByeDelayMs,
  sessionRefreshDelayMs,
  timerFrom2xx,
  timerFromUasDecision,
  uacTimerHeaders,
  uasTimerDecision,
  uasTimerHeaders,
} from './session-timer-policy.js';
import type { NegotiatedTimer, SessionTimerSettings, UasTimerWish } from './session-timer-policy.js';
import { TypedEmitter } from './typed-emitter.js';
import { UasRequest } from './uas-request.js';
import type { RespondOptions } from './uas-request.js';

export type SessionTimerState = 'inactive' | 'refresher' | 'refreshing' | 'refreshee' | 'expired' | 'disposed';

const ALLOWED: Readonly<Record<SessionTimerState, readonly SessionTimerState[]>> = {
  inactive: ['inactive', 'refresher', 'refreshee', 'disposed'],
  refresher: ['inactive', 'refresher', 'refreshee', 'refreshing', 'expired', 'disposed'],
  refreshing: ['inactive', 'refresher', 'refreshee', 'refreshing', 'expired', 'disposed'],
  refreshee: ['inactive', 'refresher', 'refreshee', 'expired', 'disposed'],
  expired: ['disposed'],
  disposed: [],
};

const FINAL: readonly SessionTimerState[] = ['expired', 'disposed'];

/** Requests that refresh a session (RFC 4028 §1: "a re-INVITE or UPDATE"). */
const REFRESH_METHODS: readonly string[] = ['INVITE', 'UPDATE'];

/** The answers to an UPDATE refresh after which the next one is a re-INVITE: the peer does not serve UPDATE after all. */
const UPDATE_REFUSED: readonly number[] = [405, 501];

/** How many times one refresh is sent again at once (422 with a larger Min-SE, UPDATE refused). */
const MAX_IMMEDIATE_RETRIES = 2;

export interface SessionTimerChange {
  readonly from: SessionTimerState;
  readonly to: SessionTimerState;
  /** The session interval in force (seconds), undefined without a timer. */
  readonly interval: number | undefined;
  readonly reason: string;
}

export interface SessionTimerOptions {
  readonly dialog: Dialog;
  /** Where the UPDATE refreshes go (the call's session context, as the core gives it). */
  readonly ctx: SessionContext;
  readonly settings: SessionTimerSettings;
  /** The methods the peer allowed so far (its INVITE's or its 2xx's Allow). */
  readonly peerAllow?: readonly string[];
  /** The session is over (no refresh came, or ours could not get through): end the call with a BYE. */
  readonly expire: (reason: string) => void;
}

/** How a refresh attempt ended, whichever request carried it. */
type RefreshResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'failed'; readonly method: string; readonly status: number | undefined; readonly noResponse: boolean; readonly response?: SipResponse };

function allowsUpdate(message: HasHeaders): boolean | undefined {
  try {
    if (!message.headers.has('Allow')) return undefined;
    return getTokens(message, 'Allow').some((m) => m.toUpperCase() === 'UPDATE');
  } catch {
    return undefined;
  }
}

function is2xx(response: SipResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

export class SessionTimer {
  readonly dialog: Dialog;
  readonly #o: SessionTimerOptions;
  readonly #timers: TimerSet<'refresh' | 'expire'>;
  readonly #events: TypedEmitter<SessionTimerChange>;
  readonly #unsubscribeDialog: () => void;
  #settings: SessionTimerSettings;
  #state: SessionTimerState = 'inactive';
  #current: NegotiatedTimer | undefined;
  /** When the session ends without a refresh (clock ms). */
  #expiresAt = 0;
  #peerAllowsUpdate: boolean;
  #reinvite: (() => Promise<ReinviteOutcome>) | undefined;

  constructor(options: SessionTimerOptions) {
    this.dialog = options.dialog;
    this.#o = options;
    this.#settings = options.settings;
    this.#timers = new TimerSet(options.ctx.clock);
    this.#events = new TypedEmitter((e) => options.ctx.log(`sip/ua: session-timer listener threw: ${e instanceof Error ? e.message : String(e)}`));
    this.#peerAllowsUpdate = (options.peerAllow ?? []).some((m) => m.toUpperCase() === 'UPDATE');
    this.#unsubscribeDialog = options.dialog.onStateChange((state) => {
      if (state === 'terminated') this.dispose();
    });
  }

  get state(): SessionTimerState {
    return this.#state;
  }

  /** The timer in force (interval, who refreshes), undefined when there is none. */
  get current(): NegotiatedTimer | undefined {
    return this.#current;
  }

  get settings(): SessionTimerSettings {
    return this.#settings;
  }

  /** Listens for state changes; returns an unsubscribe. */
  onChange(listener: (change: SessionTimerChange) => void): () => void {
    return this.#events.on(listener);
  }

  /** Sets the timer the dialog-creating 2xx negotiated (undefined: none, until a later exchange sets one). */
  start(negotiated: NegotiatedTimer | undefined, reason = 'the 2xx to the INVITE'): void {
    if (FINAL.includes(this.#state)) return;
    this.#apply(negotiated, reason);
  }

  /** How to refresh by re-INVITE (the call's SessionModifier), for a peer that does not allow UPDATE. */
  useReinvite(send: () => Promise<ReinviteOutcome>): void {
    this.#reinvite = send;
  }

  /**
   * A session context whose INVITE and UPDATE requests in this dialog carry
   * the timer (§7.4) and whose 2xx renegotiate it (§7.2): give it to the
   * call's SessionModifier, and every re-INVITE — hold, resume, refresh — does.
   */
  wrapContext<C extends SessionContext>(ctx: C): C {
    const sendRequest = (request: SipRequest, handlers: ClientTransactionHandlers = {}): Promise<SentRequest | undefined> => {
      if (!this.#refreshesThisDialog(request)) return ctx.sendRequest(request, handlers);
      const decorated = this.#decorate(request);
      const asked = askedInterval(decorated);
      let learned = false;
      return ctx.sendRequest(decorated, {
        ...handlers,
        onFinal: (response) => {
          if (!learned && is2xx(response)) {
            learned = true;
            this.#learnAllow(response);
            if (!FINAL.includes(this.#state)) this.#apply(timerFrom2xx(response, asked), `${response.status} to our ${request.method}`);
          }
          handlers.onFinal?.(response);
        },
      });
    };
    return { ...ctx, sendRequest };
  }

  /**
   * The peer's INVITE or UPDATE in this dialog, before whoever serves it
   * (`next`: the SessionModifier for a re-INVITE). §9 decides: 422 when the
   * interval is too small, else the 2xx — whoever sends it — carries our
   * Session-Expires, and the timer restarts with it. An UPDATE without a
   * body that keeps or asks for a timer (a refresh, RFC 3311 §5.2) is
   * answered 200 here; any other goes to `next`.
   */
  handleRequest(uas: UasRequest, next: (request: UasRequest) => boolean): boolean {
    if (!REFRESH_METHODS.includes(uas.method) || FINAL.includes(this.#state)) return next(uas);
    this.#learnAllow(uas.request);
    const decision = uasTimerDecision(uas.request, this.#wish());
    if (decision.kind === 'reject') {
      uas.respond(422, { headers: uasTimerHeaders(decision) });
      return true;
    }
    const refresh = new SessionRefreshRequest(uas, uasTimerHeaders(decision), () => {
      if (!FINAL.includes(this.#state)) this.#apply(timerFromUasDecision(decision), `our 2xx to the peer's ${uas.method}`);
    });
    if (uas.method === 'UPDATE' && uas.request.body.length === 0 && decision.kind === 'timer') {
      // RFC 3311 §5.2: UPDATE is a target refresh request, so its 2xx carries our Contact.
      refresh.respond(200, {
        contact: this.dialog.localTarget,
        headers: capabilityHeaders(this.#o.ctx.capabilities, ['Allow', 'Supported']),
      });
      return true;
    }
    return next(refresh);
  }

  dispose(): void {
    if (this.#state === 'disposed') return;
    this.#timers.clearAll();
    this.#unsubscribeDialog();
    this.#transition('disposed', 'disposed');
    this.#events.clear();
  }

  // ——— negotiation ———

  /** What we answer with as UAS (§9): keep a timer in force (its interval, its refresher), else ask per the settings. */
  #wish(): UasTimerWish {
    const current = this.#current;
    return {
      want: this.#settings.enabled || current !== undefined,
      expires: current?.interval ?? this.#settings.expires,
      minSE: this.#settings.minSE,
      // In the peer's transaction we are the UAS: keeping ourselves refresher is 'uas'.
      refresher: current === undefined ? this.#settings.refresher : current.weRefresh ? 'uas' : 'uac',
    };
  }

  #refreshesThisDialog(request: SipRequest): boolean {
    if (!REFRESH_METHODS.includes(request.method) || FINAL.includes(this.#state)) return false;
    try {
      return getCallId(request) === this.dialog.id.callId && getFrom(request)?.tag === this.dialog.id.localTag;
    } catch {
      return false;
    }
  }

  #decorate(request: SipRequest): SipRequest {
    const headers = request.headers.clone();
    headers.remove('Session-Expires');
    headers.remove('Min-SE');
    for (const [name, value] of uacTimerHeaders(this.#current, this.#settings)) headers.append(name, value);
    return { ...request, headers };
  }

  #learnAllow(message: HasHeaders): void {
    const update = allowsUpdate(message);
    if (update !== undefined) this.#peerAllowsUpdate = update;
  }

  /** A new timer (or none) from a completed exchange: the clock starts again (§10). */
  #apply(negotiated: NegotiatedTimer | undefined, reason: string): void {
    this.#timers.clearAll();
    this.#current = negotiated;
    if (negotiated === undefined) {
      this.#transition('inactive', reason);
      return;
    }
    this.#expiresAt = this.#o.ctx.clock.now() + negotiated.interval * 1000;
    if (negotiated.weRefresh) {
      this.#transition('refresher', reason);
      this.#timers.start('refresh', sessionRefreshDelayMs(negotiated.interval), () => this.#refresh(0));
    } else {
      this.#transition('refreshee', reason);
      this.#timers.start('expire', sessionExpiryByeDelayMs(negotiated.interval), () =>
        this.#expire(`no session refresh within ${negotiated.interval} s (RFC 4028 §10)`),
      );
    }
  }

  // ——— refreshing ———

  #refresh(retries: number): void {
    if (this.#state !== 'refresher' && this.#state !== 'refreshing') return;
    this.#transition('refreshing', retries === 0 ? 'half the session interval passed (§10)' : 'refresh sent again');
    const done = (result: RefreshResult): void => this.#refreshDone(result, retries);
    const reinvite = this.#reinvite;
    if (this.#peerAllowsUpdate || reinvite === undefined) {
      this.#sendUpdate(done);
      return;
    }
    reinvite().then(
      (outcome) => {
        if (outcome.kind === 'accepted') done({ kind: 'ok' });
        // Not sent (attempts 0): a re-INVITE of ours is under way — itself a refresh whose 2xx renews the timer — so try later.
        else if (outcome.attempts === 0) done({ kind: 'failed', method: 'INVITE', status: undefined, noResponse: false });
        else done({ kind: 'failed', method: 'INVITE', status: outcome.status, noResponse: outcome.endDialog, response: outcome.response });
      },
      (e: unknown) => {
        this.#o.ctx.log(`sip/ua: the session refresh re-INVITE failed: ${e instanceof Error ? e.message : String(e)}`);
        done({ kind: 'failed', method: 'INVITE', status: undefined, noResponse: true });
      },
    );
  }

  #sendUpdate(done: (result: RefreshResult) => void): void {
    let request: SipRequest;
    try {
      request = this.dialog.createRequest('UPDATE', { headers: capabilityHeaders(this.#o.ctx.capabilities, ['Allow', 'Supported']) });
    } catch (e) {
      this.#o.ctx.log(`sip/ua: cannot build the session refresh: ${e instanceof Error ? e.message : String(e)}`);
      done({ kind: 'failed', method: 'UPDATE', status: undefined, noResponse: true });
      return;
    }
    let settled = false;
    const settle = (result: RefreshResult): void => {
      if (settled) return;
      settled = true;
      done(result);
    };
    this.wrapContext(this.#o.ctx)
      .sendRequest(request, {
        onFinal: (response) => {
          if (!is2xx(response)) {
            settle({ kind: 'failed', method: 'UPDATE', status: response.status, noResponse: false, response });
            return;
          }
          // RFC 3311 §5.1: UPDATE is a target refresh request; the 2xx's Contact is the new remote target.
          if (this.dialog.state !== 'terminated') this.dialog.refreshFromResponse(response);
          settle({ kind: 'ok' });
        },
        onFailure: (failure) => settle({ kind: 'failed', method: 'UPDATE', status: failure.treatAs, noResponse: true }),
      })
      .then(undefined, () => settle({ kind: 'failed', method: 'UPDATE', status: undefined, noResponse: true }));
  }

  #refreshDone(result: RefreshResult, retries: number): void {
    // A 2xx has renegotiated already (the state moved on), or the session is over.
    if (this.#state !== 'refreshing') return;
    if (result.kind === 'ok') {
      // Accepted without passing through wrapContext (a re-INVITE sender of someone else's): same timer, new start.
      this.#apply(this.#current, 'session refreshed');
      return;
    }
    const current = this.#current;
    if (retries < MAX_IMMEDIATE_RETRIES && result.status === 422 && result.response !== undefined && current !== undefined) {
      const minSE = minSEAfter422(result.response, current.interval, this.#settings.minSE);
      if (minSE !== undefined) {
        this.#settings = { ...this.#settings, minSE };
        this.#current = { ...current, interval: Math.max(current.interval, minSE) };
        this.#refresh(retries + 1);
        return;
      }
    }
    if (retries < MAX_IMMEDIATE_RETRIES && result.method === 'UPDATE' && result.status !== undefined && UPDATE_REFUSED.includes(result.status) && this.#reinvite !== undefined) {
      this.#peerAllowsUpdate = false;
      this.#refresh(retries + 1);
      return;
    }
    const why = `session refresh (${result.method}) failed: ${result.status ?? (result.noResponse ? 'no response' : 'not sent')}`;
    if (refreshFailureEndsSession(result.status, result.noResponse)) {
      this.#expire(why);
      return;
    }
    const delay = refreshRetryDelayMs(this.#expiresAt - this.#o.ctx.clock.now());
    if (delay === undefined) {
      this.#expire(`${why}, and the session interval is over`);
      return;
    }
    this.#transition('refresher', `${why}: trying again in ${Math.round(delay / 1000)} s`);
    this.#timers.start('refresh', delay, () => this.#refresh(0));
  }

  #expire(reason: string): void {
    this.#timers.clearAll();
    this.#transition('expired', reason);
    this.#o.expire(reason);
  }

  #transition(next: SessionTimerState, reason: string): void {
    const from = this.#state;
    if (!ALLOWED[from].includes(next)) throw new Error(`session timer: illegal transition ${from} → ${next}`);
    this.#state = next;
    this.#events.emit({ from, to: next, interval: this.#current?.interval, reason });
  }
}

/**
 * The peer's session refresh request as its server (the SessionModifier for
 * a re-INVITE) answers it: a 2xx carries the Session-Expires §9 decided, and
 * sending it restarts the timer. Everything else is the request underneath,
 * so the core's hooks on it (the target refresh when the 2xx goes out) run.
 */
class SessionRefreshRequest extends UasRequest {
  readonly #inner: UasRequest;
  readonly #headers: readonly (readonly [string, string])[];
  readonly #answered: () => void;
  #told = false;

  constructor(inner: UasRequest, headers: readonly (readonly [string, string])[], answered: () => void) {
    super(inner.transaction, { message: inner.request, source: inner.source, receivedAt: inner.receivedAt }, { toTag: inner.toTag });
    this.#inner = inner;
    this.#headers = headers;
    this.#answered = answered;
  }

  override get finalResponse(): SipResponse | undefined {
    return this.#inner.finalResponse;
  }

  override createResponse(status: number, options: RespondOptions = {}): SipResponse {
    if (status < 200 || status >= 300) return this.#inner.createResponse(status, options);
    return this.#inner.createResponse(status, { ...options, headers: [...(options.headers ?? []), ...this.#headers] });
  }

  override send(response: SipResponse): boolean {
    const sent = this.#inner.send(response);
    if (sent && is2xx(response) && !this.#told) {
      this.#told = true;
      this.#answered();
    }
    return sent;
  }
}
