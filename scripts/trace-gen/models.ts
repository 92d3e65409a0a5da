/**
 * Network models for synthetic traces (README.md in this folder describes
 * each with its parameters). A trace is one 20 ms packet per row; each
 * model contributes to the packet's one-way delay or drops it:
 *
 *   arrival = send × (1 + drift) + base + level + jitter + reorder, then
 *             spikes hold packets back and release them in a burst,
 *             and Gilbert–Elliott loss removes some.
 *
 * Everything is drawn from one xoshiro128** stream in a fixed order, so a
 * trace is a pure function of its spec (seed included).
 */
import { Xoshiro128 } from './prng.js';
import type { TraceRow } from './trace-csv.js';

export const PACKET_MS = 20;

export type JitterModel =
  /** Independent per packet: max(0, N(meanMs, sigmaMs)). */
  | { readonly kind: 'gaussian'; readonly meanMs: number; readonly sigmaMs: number }
  /** Independent per packet: Pareto(scaleMs, alpha) − scaleMs, a heavy tail starting at 0. */
  | { readonly kind: 'pareto'; readonly scaleMs: number; readonly alpha: number };

export interface SpikeModel {
  /** Spikes start as a Poisson process with this mean spacing. */
  readonly meanIntervalS: number;
  /** The link stalls for a height drawn uniformly in [min, max]; packets sent meanwhile arrive together at its end. */
  readonly minHeightMs: number;
  readonly maxHeightMs: number;
}

export interface LevelShiftModel {
  /** Route changes as a Poisson process with this mean spacing. */
  readonly meanIntervalS: number;
  /** Each new route adds a delay drawn uniformly in [min, max] to the base. */
  readonly minMs: number;
  readonly maxMs: number;
}

export interface ReorderModel {
  /** Share of packets held back… */
  readonly probability: number;
  /** …by an extra delay uniform in [min, max], so later packets overtake them. */
  readonly minExtraMs: number;
  readonly maxExtraMs: number;
}

/** Gilbert–Elliott two-state Markov loss, stepped once per packet. */
export interface GilbertElliottModel {
  readonly goodToBad: number;
  readonly badToGood: number;
  readonly lossInGood: number;
  readonly lossInBad: number;
}

export interface TraceSpec {
  readonly name: string;
  /** Short label of the models used, for tables. */
  readonly model: string;
  readonly description: string;
  readonly seed: number;
  readonly durationS: number;
  /** Whether the delay distribution is the same throughout (what a fixed delay can be tuned to). */
  readonly stationary: boolean;
  readonly baseDelayMs: number;
  readonly jitter: JitterModel;
  readonly spikes?: SpikeModel;
  readonly levelShifts?: LevelShiftModel;
  readonly reorder?: ReorderModel;
  readonly loss?: GilbertElliottModel;
  /** Receiver clock rate error against the sender's, ppm (positive: the receiver's clock runs fast). */
  readonly driftPpm?: number;
  /** Write rows in arrival order rather than seq order (the format allows any order). */
  readonly arrivalOrder?: boolean;
}

function jitterSample(rng: Xoshiro128, j: JitterModel): number {
  if (j.kind === 'gaussian') return Math.max(0, j.meanMs + j.sigmaMs * rng.normal());
  return rng.pareto(j.scaleMs, j.alpha) - j.scaleMs;
}

/** The rows of a trace, in seq order (or arrival order when the spec says so). */
export function generateTrace(spec: TraceSpec): TraceRow[] {
  const rng = new Xoshiro128(spec.seed);
  const count = Math.round((spec.durationS * 1000) / PACKET_MS);
  const drift = (spec.driftPpm ?? 0) * 1e-6;

  // Event processes are drawn up front from their own draws of the stream.
  const shifts: { atMs: number; levelMs: number }[] = [];
  if (spec.levelShifts) {
    const m = spec.levelShifts;
    for (let t = rng.exponential(m.meanIntervalS * 1000); t < spec.durationS * 1000; t += rng.exponential(m.meanIntervalS * 1000)) {
      shifts.push({ atMs: t, levelMs: rng.uniform(m.minMs, m.maxMs) });
    }
  }
  const spikes: { startMs: number; endMs: number }[] = [];
  if (spec.spikes) {
    const m = spec.spikes;
    for (let t = rng.exponential(m.meanIntervalS * 1000); t < spec.durationS * 1000; t += rng.exponential(m.meanIntervalS * 1000)) {
      const height = rng.uniform(m.minHeightMs, m.maxHeightMs);
      spikes.push({ startMs: t, endMs: t + height });
    }
  }

  const rows: TraceRow[] = [];
  let bad = false;
  let shiftIndex = 0;
  let level = 0;
  let spikeIndex = 0;
  for (let seq = 0; seq < count; seq++) {
    const sendMs = seq * PACKET_MS;
    while (shiftIndex < shifts.length && (shifts[shiftIndex]?.atMs ?? Infinity) <= sendMs) {
      level = shifts[shiftIndex]?.levelMs ?? level;
      shiftIndex++;
    }
    let delay = spec.baseDelayMs + level + jitterSample(rng, spec.jitter);
    if (spec.reorder && rng.next() < spec.reorder.probability) {
      delay += rng.uniform(spec.reorder.minExtraMs, spec.reorder.maxExtraMs);
    }
    while (spikeIndex < spikes.length && (spikes[spikeIndex]?.endMs ?? Infinity) <= sendMs) spikeIndex++;
    const spike = spikes[spikeIndex];
    if (spike && spike.startMs <= sendMs && sendMs < spike.endMs) {
      // Held at a stalled link, then sent back to back (0.1 ms apart, in order).
      const released = spike.endMs + spec.baseDelayMs + level + ((sendMs - spike.startMs) / PACKET_MS) * 0.1;
      delay = Math.max(delay, released - sendMs);
    }
    let lost = false;
    if (spec.loss) {
      const l = spec.loss;
      bad = bad ? rng.next() >= l.badToGood : rng.next() < l.goodToBad;
      lost = rng.next() < (bad ? l.lossInBad : l.lossInGood);
    }
    rows.push({ seq, sendMs, arrivalMs: lost ? undefined : sendMs * (1 + drift) + delay });
  }
  if (spec.arrivalOrder) {
    rows.sort((a, b) => (a.arrivalMs ?? Infinity) - (b.arrivalMs ?? Infinity) || a.seq - b.seq);
  }
  return rows;
}
