/**
 * Send pacing of a periodic stream, from the times its packets reached the
 * relay: how far each packet is from an ideal grid of one packet per period,
 * and how fast the sender's clock runs against ours.
 *
 * The grid is the least-squares line through (k, arrival_k): its slope is
 * the sender's actual period, so (slope / period − 1)·10⁶ is the drift in
 * ppm, and the residuals are the timing error with drift removed. Fitting
 * the offset too means one late first packet does not shift every error.
 * Over loopback the relay's arrival time is the sender's departure time to
 * within the kernel's latency, which is what the bench wants to measure.
 */
import { summarize } from './summary.js';

export interface PacingStats {
  readonly packets: number;
  readonly periodMs: number;
  /** The fitted period, ms. */
  readonly actualPeriodMs: number;
  /** Sender clock against ours, parts per million (positive: packets come slower than the period). */
  readonly driftPpm: number;
  /** How far the fitted grid moves from the nominal one over the run, ms. */
  readonly driftMs: number;
  /** |arrival − fitted grid|, ms. */
  readonly errorMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * @param arrivalsNs arrival times in ns (process.hrtime.bigint() or numbers), in arrival order
 * @param periodMs the nominal packet period (20 for 20 ms RTP packets)
 * @param gridIndex each packet's slot on the grid (e.g. RTP seq − first seq, so a
 *   packet the sender skipped leaves a gap instead of shifting the rest); default 0, 1, 2, …
 */
export function pacingStats(
  arrivalsNs: readonly (bigint | number)[],
  periodMs: number,
  gridIndex?: readonly number[],
): PacingStats {
  const n = arrivalsNs.length;
  if (gridIndex !== undefined && gridIndex.length !== n) throw new Error('pacingStats: gridIndex and arrivalsNs differ in length');
  const first = arrivalsNs[0];
  if (first === undefined || n < 2) {
    return { packets: n, periodMs, actualPeriodMs: periodMs, driftPpm: 0, driftMs: 0, errorMs: { p50: 0, p99: 0, max: 0 } };
  }
  // Relative to the first packet, in ms: bigint hrtime values exceed 2^53 ns after ~104 days of uptime.
  const t = arrivalsNs.map((a) => (typeof a === 'bigint' && typeof first === 'bigint' ? Number(a - first) : Number(a) - Number(first)) / 1e6);
  const k = gridIndex ?? t.map((_, i) => i);
  const kMean = k.reduce((s, v) => s + v, 0) / n;
  const tMean = t.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (k[i] ?? 0) - kMean;
    sxy += dx * ((t[i] ?? 0) - tMean);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? periodMs : sxy / sxx;
  const intercept = tMean - slope * kMean;
  const errors = t.map((ti, i) => Math.abs(ti - (intercept + slope * (k[i] ?? 0))));
  const s = summarize(errors);
  // A loop, not Math.max(...k): an hour of packets is too many call arguments.
  let kMin = Number.POSITIVE_INFINITY;
  let kMax = Number.NEGATIVE_INFINITY;
  for (const v of k) {
    kMin = Math.min(kMin, v);
    kMax = Math.max(kMax, v);
  }
  const span = kMax - kMin;
  return {
    packets: n,
    periodMs,
    actualPeriodMs: slope,
    driftPpm: (slope / periodMs - 1) * 1e6,
    driftMs: (slope - periodMs) * span,
    errorMs: { p50: s.p50, p99: s.p99, max: s.max },
  };
}
