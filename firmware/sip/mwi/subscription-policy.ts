/**
 * What a subscriber does when its subscription ends or a SUBSCRIBE fails
 * (RFC 6665), as small pure functions. The timing of refreshes and of
 * back-offs is the registration's (refresh-policy.ts, backoff-policy.ts):
 * the same server, the same reasons to spread and to wait.
 */
import { parseParamValue } from '../message/index.js';

/** Subscription-State (RFC 6665 §8.2.3): "active" / "pending" / "terminated" / extension, with expires, reason, retry-after. */
export interface SubscriptionState {
  readonly state: string;
  readonly expires: number | undefined;
  readonly reason: string | undefined;
  readonly retryAfter: number | undefined;
}

function seconds(value: string | null | undefined): number | undefined {
  return value !== null && value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

/** The Subscription-State header value, undefined when missing or unreadable. */
export function parseSubscriptionState(value: string | undefined): SubscriptionState | undefined {
  if (value === undefined) return undefined;
  try {
    const pv = parseParamValue(value, 'Subscription-State');
    return {
      state: pv.value.toLowerCase(),
      expires: seconds(pv.params.get('expires')),
      reason: pv.params.get('reason')?.toLowerCase() ?? undefined,
      retryAfter: seconds(pv.params.get('retry-after')),
    };
  } catch {
    return undefined;
  }
}

export type Resubscribe =
  | { readonly kind: 'now' }
  /** After `retryAfterMs` if the notifier said, else after the caller's back-off. */
  | { readonly kind: 'later'; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'never' };

/**
 * After a NOTIFY with Subscription-State: terminated (RFC 6665 §4.1.3):
 * "deactivated: [...] the subscriber SHOULD retry immediately with a new
 * subscription"; "timeout: [...] Clients that receive a 'terminated'
 * subscription state with a 'reason' of 'timeout' SHOULD attempt to
 * re-subscribe immediately"; "probation" and "giveup": retry later, "If a
 * 'retry-after' parameter is also present, the client SHOULD wait at least
 * the number of seconds specified by that parameter"; "rejected",
 * "noresource", "invariant": "SHOULD NOT attempt to re-subscribe"; "If no
 * reason code or an unknown reason code is present, the client MAY attempt
 * to re-subscribe at any time (following any policy)" — later, backed off.
 */
export function afterTermination(reason: string | undefined, retryAfterSeconds: number | undefined): Resubscribe {
  switch (reason) {
    case 'deactivated':
    case 'timeout':
      return { kind: 'now' };
    case 'rejected':
    case 'noresource':
    case 'invariant':
      return { kind: 'never' };
    default:
      return { kind: 'later', retryAfterMs: retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000 };
  }
}

/**
 * After a final failure to a SUBSCRIBE (or its refresh). 481: the notifier
 * has no such subscription (RFC 6665 §4.1.2.2, RFC 3261 §12.2.1.2) — a new
 * one, at once. 489 Bad Event: the server has no message-summary package
 * (RFC 6665 §8.3.1) and 403/404/405/501 refuse it for good: never. Anything
 * else (a timeout, 408, 5xx, 480 …) is a passing failure: later, honouring
 * a Retry-After (RFC 3261 §20.33).
 */
export function afterFailure(status: number, retryAfterMs: number | undefined): Resubscribe {
  if (status === 481) return { kind: 'now' };
  if ([403, 404, 405, 489, 501, 603].includes(status)) return { kind: 'never' };
  return { kind: 'later', retryAfterMs };
}
