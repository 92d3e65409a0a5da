/**
 * When to refresh a registration (RFC 3261 §10.2.4).
 *
 * The RFC fixes only the deadline: "The UA then issues a REGISTER request
 * for each of its bindings before the expiration interval has elapsed." The
 * moment before it is this phone's choice, made of three parts:
 *
 * - A random point between 50 % and 90 % of the granted interval. Random, so
 *   that phones that all registered at once (power back after an outage)
 *   do not refresh in step and hit the registrar together — the same reason
 *   RFC 5626 randomises its keep-alive interval (80-100 %, §4.4.1) and its
 *   retry delay (50-100 %, §4.5). No RFC gives the 50-90 % window itself
 *   (RFC 5626 has no refresh-time rule; §4.4.1 is about keep-alives); it
 *   spans what common devices do: AudioCodes' "Re-registration Timing"
 *   defaults to 50 % (range 50-100 %), Linphone refreshes at 90 %, PJSIP a
 *   fixed 5 s before expiry (too late for a UDP timeout to be noticed).
 * - Never later than 32 s (64*T1, Timer F) before expiry: a refresh that
 *   goes unanswered on UDP is known to have failed only after Timer F, and
 *   that must happen while the binding still holds, so the next target or
 *   server can be tried before incoming calls are lost.
 * - Never sooner than halfway: a registrar granting a short interval (or a
 *   Min-Expires-sized one) is not answered with a burst of refreshes.
 */

/** Timer F with the default T1 (64 * 500 ms, RFC 3261 Table 4). */
export const REFRESH_LEAD_MS = 32_000;

export const REFRESH_EARLIEST_FRACTION = 0.5;
export const REFRESH_LATEST_FRACTION = 0.9;

/**
 * Milliseconds from the 2xx to the refresh of a binding granted for
 * `grantedSeconds`. `random` is uniform in [0, 1] (Math.random in service,
 * a fixed value in tests): 0 → the earliest moment, 1 → the latest.
 */
export function refreshDelayMs(grantedSeconds: number, random: number, leadMs: number = REFRESH_LEAD_MS): number {
  const granted = Math.max(0, grantedSeconds) * 1000;
  const earliest = granted * REFRESH_EARLIEST_FRACTION;
  const latest = Math.max(earliest, Math.min(granted * REFRESH_LATEST_FRACTION, granted - leadMs));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(earliest + r * (latest - earliest));
}
