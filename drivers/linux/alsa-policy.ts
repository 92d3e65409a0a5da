/**
 * Policy for the arecord/aplay child processes, as small pure functions:
 * how to read their stderr, when to restart them, when to give up.
 */

export interface AlsaRestartPolicy {
  /** Wait before the first restart; doubles each consecutive failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Consecutive unexpected exits tolerated; one more is an error and the stream stops. */
  readonly maxConsecutiveRestarts: number;
  /** A process that ran this long before exiting resets the consecutive count. */
  readonly stableRunMs: number;
  /**
   * This many xruns within `xrunWindowMs` and the process is restarted (a
   * fresh open and a fresh buffer), counting as one failure for the back-off.
   * Fewer are only counted: the tool has already recovered from each.
   */
  readonly xrunLimit: number;
  readonly xrunWindowMs: number;
}

export const DEFAULT_ALSA_RESTART_POLICY: AlsaRestartPolicy = {
  baseDelayMs: 100,
  maxDelayMs: 3200,
  maxConsecutiveRestarts: 5,
  stableRunMs: 10_000,
  xrunLimit: 5,
  xrunWindowMs: 10_000,
};

/** The wait before restart number `attempt` (1-based): base × 2^(attempt−1), capped. */
export function restartDelayMs(policy: AlsaRestartPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** The consecutive-failure count after a process that ran `ranMs` exited unexpectedly. */
export function nextConsecutiveFailures(policy: AlsaRestartPolicy, previous: number, ranMs: number): number {
  return ranMs >= policy.stableRunMs ? 1 : previous + 1;
}

/** True when xrun timestamps (ms, ascending) hold `xrunLimit` within the window ending at `nowMs`. */
export function tooManyXruns(policy: AlsaRestartPolicy, xrunTimesMs: readonly number[], nowMs: number): boolean {
  const recent = xrunTimesMs.filter((t) => nowMs - t <= policy.xrunWindowMs);
  return recent.length >= policy.xrunLimit;
}

export type AlsaStderrKind = 'xrun' | 'device-missing' | 'device-busy' | 'other';

/**
 * What one stderr line of arecord/aplay (alsa-utils aplay.c) means:
 * - "overrun!!! (at least N ms long)" / "underrun!!! …" ("underrun !!!" with
 *   --monotonic): an xrun, printed by xrun() even with -q; the tool has
 *   already called snd_pcm_prepare() and carries on.
 * - "audio open error: No such file or directory", "cannot find card '9'",
 *   "Unknown PCM foo", "No such device": the -D device does not exist.
 * - "audio open error: Device or resource busy": someone else holds it.
 */
export function classifyAlsaStderr(line: string): AlsaStderrKind {
  if (/\b(?:over|under)run ?!!!/.test(line)) return 'xrun';
  if (/No such file or directory|cannot find card|Unknown PCM|No such device|Invalid card/i.test(line)) {
    return 'device-missing';
  }
  if (/Device or resource busy/i.test(line)) return 'device-busy';
  return 'other';
}
