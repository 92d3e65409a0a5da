/**
 * How long to wait before registering again after every server failed:
 * the flow-recovery back-off of RFC 5626 §4.5.
 *
 *   W = min(max-time, base-time * (2 ^ consecutive-failures))
 *
 * "The actual amount of time the UA waits before retrying registration (the
 * retry delay time) is computed by selecting a uniform random time between
 * 50 and 100% of the upper-bound wait time." With the defaults — max-time
 * 1800 s, base-time 30 s when all flows have failed (a registration is this
 * phone's only flow to the server, so when it fails all have) — the first
 * retry comes 30-60 s after the first failure, the RFC's own example of
 * three failures gives min(1800, 30 * 2^3) = 240 s → 120-240 s, and from
 * the sixth failure on the bound stays at 1800 s.
 */

export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 1_800_000;

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

/** The upper bound W after `consecutiveFailures` failures in a row (1 after the first). */
export function backoffBoundMs(consecutiveFailures: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? BACKOFF_BASE_MS;
  const max = options.maxMs ?? BACKOFF_MAX_MS;
  // 2^n overflows to Infinity for large n, which min() handles.
  return Math.min(max, base * 2 ** Math.max(0, consecutiveFailures));
}

/** The retry delay: uniformly 50-100 % of W; `random` in [0, 1] (0 → 50 %, 1 → 100 %). */
export function backoffDelayMs(consecutiveFailures: number, random: number, options: BackoffOptions = {}): number {
  const bound = backoffBoundMs(consecutiveFailures, options);
  const r = Math.min(1, Math.max(0, random));
  return Math.round(bound * (0.5 + 0.5 * r));
}

/**
 * Retry-After of a 503 (or 404, 413, 480, 486, 500, 600, 603: §20.33) in
 * milliseconds, undefined when absent or unreadable. "Retry-After = delta-seconds
 * [ comment ] *( SEMI retry-param )": only the leading number counts here.
 */
export function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d{1,10})/.exec(value);
  return m === null ? undefined : Number(m[1]) * 1000;
}
