/**
 * When to pull the next playback periods, as a pure function.
 *
 * Period k (counting after the `lead` periods written at start) falls due at
 * start + k × period. A tick at `nowMs` writes every period that has fallen
 * due since the last tick. If the writer fell more than `lead` periods behind
 * (the event loop stalled), the device has already underrun: writing every
 * missed period would only add that much latency for good, so it writes
 * `lead` periods to re-establish the margin and restarts the schedule from now.
 */
export interface PacingStep {
  /** Periods to pull and write now. */
  readonly count: number;
  /** When the next period falls due. */
  readonly nextDueMs: number;
  /** True when the schedule was restarted after a stall. */
  readonly resynced: boolean;
}

export function duePeriods(nextDueMs: number, nowMs: number, periodMs: number, lead: number): PacingStep {
  if (nowMs < nextDueMs) return { count: 0, nextDueMs, resynced: false };
  const overdue = Math.floor((nowMs - nextDueMs) / periodMs) + 1;
  if (overdue > lead) return { count: lead, nextDueMs: nowMs + periodMs, resynced: true };
  return { count: overdue, nextDueMs: nextDueMs + overdue * periodMs, resynced: false };
}
