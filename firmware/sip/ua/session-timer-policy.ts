/**
 * Session timers (RFC 4028), the negotiation as small pure functions: the
 * Session-Expires and Min-SE header fields (§4, §5), what a UAC puts in its
 * INVITE, re-INVITE or UPDATE (§7.1, §7.4), what it learns from the 2xx
 * (§7.2) or a 422 (§7.3), what a UAS answers (§9), and when the refresh and
 * the give-up BYE are due (§10). session-timer.ts runs them for one dialog.
 *
 * The refresher parameter names the two ends of the transaction that carries
 * it, not of the dialog: in a re-INVITE the peer sends, 'uac' is the peer.
 * So NegotiatedTimer keeps the result from our side — do we refresh?
 */
import { getParamValue, getTokens, parseDeltaSeconds } from '../message/index.js';
import type { HasHeaders, SipResponse } from '../message/index.js';

export const OPTION_TIMER = 'timer';

export type Refresher = 'uac' | 'uas';

/** What the phone asks for (Yealink: account.N.session_timer.enable / .expires / .refresher). */
export interface SessionTimerSettings {
  /** Ask for a session timer in our INVITEs and 2xx. Off, a timer the peer asks for is still honoured (we list 'timer' in Supported). */
  readonly enabled: boolean;
  /** Session-Expires we ask for, seconds (§4: "1800 seconds (30 minutes) is RECOMMENDED"). */
  readonly expires: number;
  /** The shortest interval we accept, seconds; our Min-SE (§5). */
  readonly minSE: number;
  /** Who we would like to refresh, in the terms of the initial INVITE's transaction; undefined: let the negotiation choose (§7.1 RECOMMENDS omitting it). */
  readonly refresher?: Refresher;
}

/**
 * §5: "the minimum value of 90 seconds" is the floor every Min-SE respects
 * (and the value assumed when a request carries no Min-SE).
 */
export const ABSOLUTE_MIN_SE = 90;

export const DEFAULT_SESSION_TIMER: SessionTimerSettings = { enabled: false, expires: 1800, minSE: ABSOLUTE_MIN_SE };

/** Settings from layers (defaults, the core's, a call's), later ones winning; Min-SE at least 90 s, Session-Expires at least Min-SE. */
export function sessionTimerSettings(...layers: readonly (Partial<SessionTimerSettings> | undefined)[]): SessionTimerSettings {
  let merged: SessionTimerSettings = DEFAULT_SESSION_TIMER;
  for (const layer of layers) {
    if (layer === undefined) continue;
    merged = {
      enabled: layer.enabled ?? merged.enabled,
      expires: layer.expires ?? merged.expires,
      minSE: layer.minSE ?? merged.minSE,
      refresher: 'refresher' in layer ? layer.refresher : merged.refresher,
    };
  }
  const minSE = Math.max(ABSOLUTE_MIN_SE, Math.floor(merged.minSE));
  return { enabled: merged.enabled, expires: Math.max(minSE, Math.floor(merged.expires)), minSE, refresher: merged.refresher };
}

/** Session-Expires (§4): "Session-Expires = ("Session-Expires" / "x") HCOLON delta-seconds *(SEMI se-params)". */
export interface SessionExpires {
  readonly seconds: number;
  readonly refresher: Refresher | undefined;
}

/** The Session-Expires of a message; undefined when absent or malformed (a malformed one is no request for a timer). */
export function getSessionExpires(message: HasHeaders): SessionExpires | undefined {
  try {
    const pv = getParamValue(message, 'Session-Expires');
    if (pv === undefined) return undefined;
    const seconds = parseDeltaSeconds(pv.value, 'Session-Expires');
    const refresher = pv.params.get('refresher')?.toLowerCase();
    return { seconds, refresher: refresher === 'uac' || refresher === 'uas' ? refresher : undefined };
  } catch {
    return undefined;
  }
}

/** Min-SE (§5): "Min-SE = "Min-SE" HCOLON delta-seconds *(SEMI generic-param)"; undefined when absent or malformed. */
export function getMinSE(message: HasHeaders): number | undefined {
  try {
    const pv = getParamValue(message, 'Min-SE');
    return pv === undefined ? undefined : parseDeltaSeconds(pv.value, 'Min-SE');
  } catch {
    return undefined;
  }
}

/** Whether the message's sender supports session timers (Supported or Require lists 'timer'). */
export function supportsTimer(message: HasHeaders): boolean {
  try {
    return [...getTokens(message, 'Supported'), ...getTokens(message, 'Require')].some((t) => t.toLowerCase() === OPTION_TIMER);
  } catch {
    return false;
  }
}

/** The timer in force, from our side of the dialog. */
export interface NegotiatedTimer {
  /** The session interval, seconds. */
  readonly interval: number;
  /** True when we send the refreshes; false when we wait for the peer's. */
  readonly weRefresh: boolean;
}

/**
 * The header lines of an INVITE, re-INVITE or UPDATE we send. §7.1: "The
 * UAC MAY include the refresher parameter with value 'uac' if it wishes to
 * perform the refreshes. However, it is RECOMMENDED that the parameter be
 * omitted so that it can be selected by the negotiation mechanisms." §7.4: a
 * refresh "MUST contain a Session-Expires header field with the current
 * session interval" and the refresher that performs them — in this
 * transaction's terms, 'uac' when that is us. A timer in force is carried;
 * otherwise one is asked for only when `settings.enabled`.
 */
export function uacTimerHeaders(current: NegotiatedTimer | undefined, settings: SessionTimerSettings): [string, string][] {
  if (current !== undefined) {
    return [
      ['Session-Expires', `${current.interval};refresher=${current.weRefresh ? 'uac' : 'uas'}`],
      ['Min-SE', String(settings.minSE)],
    ];
  }
  if (!settings.enabled) return [];
  const refresher = settings.refresher === undefined ? '' : `;refresher=${settings.refresher}`;
  return [
    ['Session-Expires', `${settings.expires}${refresher}`],
    ['Min-SE', String(settings.minSE)],
  ];
}

/**
 * The timer a 2xx to our INVITE, re-INVITE or UPDATE sets up (§7.2): "The
 * 'refresher' parameter will be present in the Session-Expires header field,
 * indicating who will perform the refreshes. The UAC MUST set the identity
 * of the refresher to the value of this parameter. If the parameter contains
 * the value 'uac', the UAC will perform them." Without the parameter we
 * refresh: the one reading that cannot leave the session unrefreshed.
 *
 * "If the 2xx response did not contain a Session-Expires header field,
 * there is no session expiration. [...] This means that the session timer
 * can be 'turned-off' in mid dialog by receiving a response without a
 * Session-Expires header field." — from a peer that supports the extension.
 * A peer that does not (no 'timer' in the 2xx's Supported or Require) never
 * answers with one; when we asked for `askedSeconds`, we refresh at that
 * interval ourselves, which needs nothing of the peer but to answer re-INVITEs.
 */
export function timerFrom2xx(response: SipResponse, askedSeconds: number | undefined): NegotiatedTimer | undefined {
  const se = getSessionExpires(response);
  if (se !== undefined) return { interval: se.seconds, weRefresh: se.refresher !== 'uas' };
  if (askedSeconds !== undefined && !supportsTimer(response)) return { interval: askedSeconds, weRefresh: true };
  return undefined;
}

/** The interval asked for in a request of ours, to read its 2xx with (timerFrom2xx). */
export function askedInterval(request: HasHeaders): number | undefined {
  return getSessionExpires(request)?.seconds;
}

/**
 * §7.3: on a 422 "the UAC MAY retry the request. [...] The new request
 * SHOULD contain a Min-SE header field whose value is the largest from all
 * Min-SE header fields returned in all 422 responses to the request, and a
 * Session-Expires whose value is at least that." Returns that new Min-SE, or
 * undefined when the 422 asks for no more than we offered (a retry would
 * only loop) or names none (§6: "The 422 response MUST contain a Min-SE").
 */
export function minSEAfter422(response: SipResponse, sentSeconds: number | undefined, currentMinSE: number): number | undefined {
  const asked = getMinSE(response);
  if (asked === undefined) return undefined;
  if (sentSeconds !== undefined && asked <= sentSeconds && asked <= currentMinSE) return undefined;
  return Math.max(asked, currentMinSE);
}

/** What a UAS wants (§9): a timer at all, how long, its floor, and who should refresh when the UAC leaves it open. */
export interface UasTimerWish {
  /** Ask for a timer when the request carries none (settings.enabled, or a timer already in force mid-dialog). */
  readonly want: boolean;
  readonly expires: number;
  readonly minSE: number;
  readonly refresher?: Refresher;
}

export type UasTimerDecision =
  /** §9: answer 422 with Min-SE: `minSE` (the interval is below our floor and the UAC can retry). */
  | { readonly kind: 'reject'; readonly minSE: number }
  /** No session timer: the 2xx carries no Session-Expires. */
  | { readonly kind: 'none' }
  /** The 2xx carries Session-Expires: `interval`;refresher=`refresher` (this transaction's terms). */
  | { readonly kind: 'timer'; readonly interval: number; readonly refresher: Refresher };

/**
 * What a UAS answers an INVITE, re-INVITE or UPDATE (RFC 4028 §9).
 *
 * Too short an interval: 422 with our Min-SE when the UAC supports the
 * extension (§6, §9). When it does not, a 422 would only fail the call; as
 * §8.1 has a proxy do (and erratum 1687 asks of a UAS): "Rather, the UAS
 * SHOULD insert a Min-SE header field containing its minimum interval [...]
 * The UAS MUST then increase the Session-Expires header field value to be
 * equal to the value in the Min-SE header field" — and, the UAC knowing
 * nothing of timers, we refresh.
 *
 * The interval: the request's, which "The UAS MAY reduce [...] but MUST
 * NOT set it to a duration lower than the value in the Min-SE header field
 * in the request" — reduced to ours when we ask for a shorter one. With no
 * Session-Expires in the request: "The UAS may request a session timer in
 * the 2XX response by including a Session-Expires header field. The value
 * MUST NOT be set to a duration lower than the value in the Min-SE header
 * field in the request, if it is present."
 *
 * The refresher, §9's table:
 *     UAC supports?  refresher in request   refresher in response
 *          N              none                     uas
 *          Y              none                 uas or uac  (our preference; 'uac' by default:
 *                                                           the side that asked refreshes)
 *          Y              uac                      uac
 *          Y              uas                      uas
 */
export function uasTimerDecision(request: HasHeaders, wish: UasTimerWish): UasTimerDecision {
  const uacSupports = supportsTimer(request);
  const se = getSessionExpires(request);
  const requestMinSE = getMinSE(request) ?? ABSOLUTE_MIN_SE;
  const floor = Math.max(wish.minSE, requestMinSE);
  if (se !== undefined) {
    if (se.seconds < wish.minSE) {
      return uacSupports ? { kind: 'reject', minSE: wish.minSE } : { kind: 'timer', interval: wish.minSE, refresher: 'uas' };
    }
    const interval = wish.want && wish.expires < se.seconds ? Math.max(wish.expires, floor) : se.seconds;
    const refresher: Refresher = !uacSupports ? 'uas' : (se.refresher ?? wish.refresher ?? 'uac');
    return { kind: 'timer', interval: Math.min(interval, se.seconds), refresher };
  }
  if (!wish.want) return { kind: 'none' };
  return { kind: 'timer', interval: Math.max(wish.expires, floor), refresher: uacSupports ? (wish.refresher ?? 'uac') : 'uas' };
}

/**
 * The header lines of the response a decision calls for: the 422's Min-SE
 * (§6), or the 2xx's Session-Expires and, §9: "If the refresher parameter in
 * the Session-Expires header field in the 2xx response has a value of 'uac',
 * the UAS MUST place a Require header field into the response with the value
 * 'timer'."
 */
export function uasTimerHeaders(decision: UasTimerDecision): [string, string][] {
  switch (decision.kind) {
    case 'reject':
      return [['Min-SE', String(decision.minSE)]];
    case 'none':
      return [];
    case 'timer': {
      const headers: [string, string][] = [['Session-Expires', `${decision.interval};refresher=${decision.refresher}`]];
      if (decision.refresher === 'uac') headers.push(['Require', OPTION_TIMER]);
      return headers;
    }
  }
}

/** The timer a UAS decision sets up, from our (the UAS's) side. */
export function timerFromUasDecision(decision: UasTimerDecision): NegotiatedTimer | undefined {
  return decision.kind === 'timer' ? { interval: decision.interval, weRefresh: decision.refresher === 'uas' } : undefined;
}

/**
 * §10: "If UA wishes to continue with the session beyond the session
 * interval, it MUST generate a refresh before the session interval expires.
 * It is RECOMMENDED that this refresh be sent once half the session interval
 * has elapsed." Milliseconds after the 2xx that set the interval.
 */
export function sessionRefreshDelayMs(intervalSeconds: number): number {
  return intervalSeconds * 500;
}

/**
 * §10: "if the side not performing refreshes does not receive a session
 * refresh request before the session expiration, it SHOULD send a BYE to
 * terminate the session, slightly before the session expiration. The
 * minimum of 32 seconds and one third of the session interval is
 * RECOMMENDED." Milliseconds after the last refresh.
 */
export function sessionExpiryByeDelayMs(intervalSeconds: number): number {
  return Math.round((intervalSeconds - Math.min(32, intervalSeconds / 3)) * 1000);
}

/**
 * A refresh that failed without ending the dialog (a 500, a 491 still
 * colliding, a 488): try again halfway through what is left of the
 * interval, so a second failure still leaves time for a third. Undefined
 * when less than a second is left: the session is over by then.
 */
export function refreshRetryDelayMs(remainingMs: number): number | undefined {
  return remainingMs < 2000 ? undefined : Math.floor(remainingMs / 2);
}

/** Whether a refresh's failure ends the session (RFC 3261 §12.2.1.2: 481, 408, or no response at all). */
export function refreshFailureEndsSession(status: number | undefined, noResponse: boolean): boolean {
  return noResponse || status === 481 || status === 408;
}
