/**
 * What can be said about a trace without a jitter buffer: its minimum
 * one-way delay, the oracle fixed delay, and how a plain fixed buffer does.
 *
 * - The oracle is the smallest fixed playout delay, chosen in hindsight,
 *   that keeps late loss at or below 1 % — the 99th percentile of
 *   arrival − send over the packets that arrived.
 * - A fixed buffer of F ms starts playing F ms after the first packet
 *   arrives and then plays one packet per 20 ms of the receiver's clock,
 *   never adapting: packet i is due at first arrival + F + (send_i − send_first);
 *   it is late if it arrives after that.
 * - The pull-grid bound is the oracle for a buffer that is pulled, as a
 *   playback device pulls, every P ms from the first arrival: a packet
 *   heard at time h must be there at the pull that plays it, the last pull
 *   at or before h. No buffer on that clock does better with a fixed delay,
 *   so the oracle's ratio to it (up to P on top) is what the pull size
 *   costs, not the buffer.
 * Delays are reported above the trace's minimum one-way delay, so that a
 * constant clock offset between the two columns does not matter.
 */
import type { TraceRow } from './trace-csv.js';

/** The q-quantile (0..1) of `values` by the nearest-rank method. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

export function oneWayDelays(rows: readonly TraceRow[]): number[] {
  const out: number[] = [];
  for (const r of rows) if (r.arrivalMs !== undefined) out.push(r.arrivalMs - r.sendMs);
  return out;
}

export function minOneWayMs(rows: readonly TraceRow[]): number {
  return Math.min(...oneWayDelays(rows));
}

/** The oracle's fixed delay above the minimum one-way delay (p99 of arrival − send). */
export function oracleDelayMs(rows: readonly TraceRow[]): number {
  const d = oneWayDelays(rows);
  return quantile(d, 0.99) - Math.min(...d);
}

/** Share of the packets that arrived which one fixed playout delay (arrival − send, ms) leaves late on a pull grid. */
function lateShareOnGrid(arrived: readonly { sendMs: number; arrivalMs: number }[], delayMs: number, firstPullMs: number, pullMs: number): number {
  let late = 0;
  for (const r of arrived) {
    const heard = r.sendMs + delayMs;
    const pulledAt = firstPullMs + Math.floor((heard - firstPullMs) / pullMs) * pullMs;
    if (r.arrivalMs > pulledAt) late++;
  }
  return late / arrived.length;
}

/**
 * The pull-grid bound above the minimum one-way delay (see the header):
 * the smallest fixed delay that keeps late loss at or below 1 % when the
 * pulls come every `pullMs` from the first arrival. Late loss only grows as
 * the delay shrinks and only changes where some packet's hearing time
 * crosses a pull, so a bisection brackets it and the first such crossing
 * above the bracket's lower end is the answer.
 */
export function gridOracleDelayMs(rows: readonly TraceRow[], pullMs: number): number {
  const arrived = rows.filter((r): r is TraceRow & { arrivalMs: number } => r.arrivalMs !== undefined);
  const floor = minOneWayMs(rows);
  const firstPull = Math.min(...arrived.map((r) => r.arrivalMs));
  let lo = floor;
  let hi = Math.max(...arrived.map((r) => r.arrivalMs - r.sendMs)) + pullMs;
  while (hi - lo > 0.125) {
    const mid = (lo + hi) / 2;
    if (lateShareOnGrid(arrived, mid, firstPull, pullMs) <= 0.01) hi = mid;
    else lo = mid;
  }
  let crossing = hi;
  for (const r of arrived) {
    const nextPull = firstPull + (Math.floor((r.sendMs + lo - firstPull) / pullMs) + 1) * pullMs;
    crossing = Math.min(crossing, nextPull - r.sendMs);
  }
  return (lateShareOnGrid(arrived, crossing, firstPull, pullMs) <= 0.01 ? crossing : hi) - floor;
}

export interface FixedBufferResult {
  /** Mean playout delay of the packets played, above the minimum one-way delay, ms. */
  readonly meanDelayMs: number;
  /** Late packets over packets that arrived, %. */
  readonly latePct: number;
}

/** A fixed buffer of `fixedMs`, anchored at the first packet to arrive (see the header). */
export function fixedBuffer(rows: readonly TraceRow[], fixedMs: number): FixedBufferResult {
  const arrived = rows.filter((r): r is TraceRow & { arrivalMs: number } => r.arrivalMs !== undefined);
  const first = arrived.reduce((a, b) => (b.arrivalMs < a.arrivalMs ? b : a));
  const floor = minOneWayMs(rows);
  let late = 0;
  let sum = 0;
  let played = 0;
  for (const r of arrived) {
    const due = first.arrivalMs + fixedMs + (r.sendMs - first.sendMs);
    if (r.arrivalMs > due) {
      late++;
      continue;
    }
    sum += due - r.sendMs - floor;
    played++;
  }
  return { meanDelayMs: played > 0 ? sum / played : NaN, latePct: (late / arrived.length) * 100 };
}
