/**
 * How the system benchmarks turn repeated measurements into table cells:
 * the median over runs with the spread beside it (min–max), and a row that
 * puts the phone's figure, the peer's figure and their ratio side by side.
 * Percentiles are nearest-rank, as the impairment relay reports them.
 */
import { percentile } from '../../test/tools/impairment-relay/summary.js';

export { percentile };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** `min–max` of the values (a loop, not Math.min(...v): a long run has many values). */
export function spread(values: readonly number[], digits: number): string {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return values.length === 0 ? '—' : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

/** `median (min–max)`, or — when nothing was measured. */
export function medianCell(values: readonly number[], digits: number): string {
  return values.length === 0 ? '—' : `${median(values).toFixed(digits)} (${spread(values, digits)})`;
}

/** Phone over peer, from the medians; — when either is missing or the peer's is 0. */
export function ratioCell(phone: readonly number[], peer: readonly number[]): string {
  if (phone.length === 0 || peer.length === 0) return '—';
  const p = median(peer);
  return p === 0 ? '—' : (median(phone) / p).toFixed(2);
}

/** One table row: what, the phone's median (spread), the peer's, the ratio. */
export function comparisonRow(what: string, phone: readonly number[], peer: readonly number[], digits: number): string[] {
  return [what, medianCell(phone, digits), medianCell(peer, digits), ratioCell(phone, peer)];
}

/** The header every phone-vs-baresip table uses. */
export const COMPARISON_HEADER: readonly string[] = ['measure', 'deskphone', 'baresip 1.0', 'ratio'];
