/**
 * The target-delay estimator: how late a packet may arrive, relative to its
 * media time, and still be played. Each packet's transit (arrival time minus
 * its RTP timestamp in ms, on the receiver's clock) goes into a forgetting
 * histogram; the target is a high quantile of it — the deadline that the
 * chosen share of recent packets met.
 *
 * Compared with WebRTC NetEQ's DelayManager (relative delays in 20 ms
 * buckets, quantile 0.95, forget factor 0.983 per 500 ms), baresip's jbuf
 * (an exponential average of jitter, faster up than down) and PJSIP's jbuf
 * (the burst level of puts and gets):
 *  - two histograms: one of absolute transits, one of transits above the
 *    floor (the fastest transit of the last floorWindowMs, as NetEQ measures
 *    delays above the fastest packet of the last 2 s). The target is the
 *    lower of their two readings: the absolute one is right after a route
 *    gets longer (the floor still remembers the old route, so the relative
 *    one counts the step twice for a while), the relative one after a route
 *    gets shorter or while the clocks drift apart (the absolute one would
 *    hold the old, higher transits for the whole memory). On a stationary
 *    path both read the same quantile;
 *  - quick to grow: one observation weighs 1 / memory of the histogram, so
 *    a run of late packets lifts a q-quantile after about memory × (1 − q)
 *    of them (10 packets with the defaults); single outliers beyond that
 *    share do not move it, which is what a 1 % late-loss budget asks;
 *  - slow to shrink: a deadline learnt from late packets is released only
 *    when their faded weight falls below 1 − q of the total, which takes
 *    memory × ln(share / (1 − q)) packets (tens of seconds);
 *  - equal weights until the memory has filled (like NetEQ's start weight),
 *    so the first seconds of a call are not dominated by the first packet,
 *    and a guard of startTargetMs above the fastest packet while there are
 *    too few packets to read a quantile from.
 *
 * A spike's own packets (everything stops, then arrives in a burst) are not
 * lost whatever the target: with nothing after them here the buffer stalls
 * and conceals until they come (decision-logic.ts), which costs delay. An
 * isolated spike is therefore not learnt at all (delay-peak-detector.ts,
 * after NetEQ's peak detector): holding its height as a margin for the
 * next 20 s costs far more delay than the stall did. Spikes that repeat
 * are learnt like any packets, so the margin covers them.
 *
 * Besides the target, the estimator reads a low limit: the same
 * histograms' quantile for a late share larger by two standard errors of
 * the steady estimate (lowLimitQuantile). The playout point moves only in
 * whole pulls (decision-logic.ts), so a target that wanders by a
 * millisecond or two across a pull boundary — as a 99 % quantile read
 * from the ~10 packets of tail in its memory does all the time — would
 * otherwise cost a whole pull of delay each time it crossed. Growing only
 * below the low limit and shrinking only a pull above the target is
 * NetEQ's band between its low and high limits (decision_logic.cc lets
 * the buffer sink to ¾ of the target before it expands), measured here in
 * what the estimate can tell apart rather than in milliseconds. The band
 * spends the late-loss budget (a deadline under the target lets a little
 * more than 1 − q through), so it is open only while the share of packets
 * the buffer actually found late stays within 1 − q.
 */
import { ForgettingHistogram } from './forgetting-histogram.js';
import { DEFAULT_DELAY_PEAK_CONFIG, DelayPeakDetector, type DelayPeakConfig, type DelaySample } from './delay-peak-detector.js';

export interface TargetDelayConfig {
  /** Share of packets that should arrive before their deadline. */
  readonly quantile: number;
  /** Effective memory of the histogram, in packets (1 / (1 − forget factor)). */
  readonly memoryPackets: number;
  /** While fewer than warmupPackets have arrived, the target is at least this far above the fastest packet. */
  readonly startTargetMs: number;
  readonly warmupPackets: number;
  /** The fastest transit (the floor the delays are reported above) is the minimum over this window. */
  readonly floorWindowMs: number;
  /** Histogram bucket width, ms. */
  readonly bucketMs: number;
  /** How far below the target the low limit is, in standard errors of the late-share estimate. */
  readonly toleranceSigmas: number;
  /**
   * Packets over which the share found late is accounted against the
   * budget 1 − q (exponential memory): long enough that a 1 % share is
   * known to about ±0.15 % (√(q(1 − q) / n)), short enough to follow a
   * call whose path changes.
   */
  readonly budgetMemoryPackets: number;
  /** Delay peaks (delay-peak-detector.ts). */
  readonly peaks: DelayPeakConfig;
}

export const DEFAULT_TARGET_DELAY_CONFIG: TargetDelayConfig = {
  quantile: 0.99,
  memoryPackets: 1000,
  startTargetMs: 60,
  warmupPackets: 50,
  floorWindowMs: 10_000,
  bucketMs: 1,
  toleranceSigmas: 2,
  budgetMemoryPackets: 5000,
  peaks: DEFAULT_DELAY_PEAK_CONFIG,
};

/**
 * The forget factor for the observation after `observed` ones: 1 (equal
 * weights, a plain running histogram) until the memory is full, then
 * 1 − 1 / memory — the two meet without a jump in the total weight.
 */
export function forgetFactorFor(observed: number, memoryPackets: number): number {
  if (!(memoryPackets >= 1)) throw new RangeError(`memory of ${memoryPackets} packets`);
  return observed < memoryPackets ? 1 : 1 - 1 / memoryPackets;
}

/** A packet's transit: arrival on the receiver's clock minus its media time, both ms. */
export function transitMs(arrivalMs: number, mediaMs: number): number {
  return arrivalMs - mediaMs;
}

/**
 * The quantile whose late share exceeds the target's, 1 − q, by `sigmas`
 * standard errors of that share as a histogram with this memory estimates
 * it in steady state: √(q(1 − q) / n) with n = 2 × memory − 1, the
 * effective number of observations under exponential forgetting
 * ((1 + f) / (1 − f) for forget factor f = 1 − 1 / memory). Not the
 * count while the memory fills: the band absorbs the estimate's steady
 * wandering, and a young estimate should err towards growing.
 */
export function lowLimitQuantile(q: number, memoryPackets: number, sigmas: number): number {
  const n = 2 * memoryPackets - 1;
  return Math.max(0.5, q - sigmas * Math.sqrt((q * (1 - q)) / n));
}

interface FloorSample {
  readonly arrivalMs: number;
  readonly transitMs: number;
}

interface Readings {
  readonly target: number | undefined;
  readonly low: number | undefined;
}

export class TargetDelayEstimator {
  readonly config: TargetDelayConfig;
  private readonly histogram: ForgettingHistogram;
  /** Transits above the floor at the time each packet arrived. */
  private readonly relative: ForgettingHistogram;
  private readonly peaks: DelayPeakDetector;
  /** Monotonic deque (increasing transit) for the sliding-window minimum. */
  private floorSamples: FloorSample[] = [];
  private floorHead = 0;
  /** Packets observed (peaks included) and the running share of them found late. */
  private observed = 0;
  private late = 0;
  /** The readings, computed once per observation (they are read at every pull). */
  private cached: Readings | undefined;

  constructor(config: Partial<TargetDelayConfig> = {}) {
    this.config = { ...DEFAULT_TARGET_DELAY_CONFIG, ...config };
    const q = this.config.quantile;
    if (!(q > 0.5 && q < 1)) throw new RangeError(`target quantile ${q} is not in (0.5, 1)`);
    const buckets = Math.ceil(4000 / this.config.bucketMs);
    this.histogram = new ForgettingHistogram({ bucketMs: this.config.bucketMs, buckets });
    this.relative = new ForgettingHistogram({ bucketMs: this.config.bucketMs, buckets });
    this.peaks = new DelayPeakDetector(this.config.peaks);
  }

  get packetsObserved(): number {
    return this.histogram.count;
  }

  /** Delay peaks seen so far (learnt or ridden out). */
  get delayPeaks(): number {
    return this.peaks.peaks;
  }

  /** Still too few packets to read a quantile from: the start guard holds. */
  get warmingUp(): boolean {
    return this.histogram.count < this.config.warmupPackets;
  }

  /**
   * Share of the recent packets (over budgetMemoryPackets) that the buffer
   * found late: what the late-loss budget, 1 − q, is actually spent at.
   */
  get lateShare(): number {
    return this.late;
  }

  /** One packet arrived at `arrivalMs` carrying media time `mediaMs`; `late`: the buffer had passed it. */
  observe(arrivalMs: number, mediaMs: number, late = false): void {
    this.observed++;
    this.late += ((late ? 1 : 0) - this.late) / Math.min(this.observed, this.config.budgetMemoryPackets);
    const t = transitMs(arrivalMs, mediaMs);
    const target = this.targetTransitMs;
    this.pushFloor(arrivalMs, t);
    const floor = this.floorTransitMs ?? t;
    const sample: DelaySample = { arrivalMs, transitMs: t, aboveFloorMs: t - floor };
    for (const s of this.peaks.offer(sample, mediaMs, target === undefined ? undefined : target - floor)) this.learn(s);
  }

  /** The fastest transit seen in the floor window, or undefined before any packet. */
  get floorTransitMs(): number | undefined {
    return this.floorSamples[this.floorHead]?.transitMs;
  }

  /**
   * The deadline, as a transit: a packet whose transit is at most this is
   * in time. Undefined before any packet.
   */
  get targetTransitMs(): number | undefined {
    return this.readings().target;
  }

  /**
   * The low limit (at most the target): the lowest deadline the estimate
   * cannot tell from the target, below which the buffer must grow.
   * Undefined before any packet.
   */
  get lowLimitTransitMs(): number | undefined {
    return this.readings().low;
  }

  /** The median transit: where a typical packet lands, or undefined before any packet. */
  get medianTransitMs(): number | undefined {
    return this.histogram.quantile(0.5);
  }

  /** The target expressed as a delay above the fastest packet (what statistics report). */
  get targetDelayMs(): number {
    const target = this.targetTransitMs;
    const floor = this.floorTransitMs;
    return target === undefined || floor === undefined ? this.config.startTargetMs : target - floor;
  }

  /**
   * The media timeline was re-based by `deltaMs` (a new SSRC mapped onto the
   * old timeline): what was learnt about the path still holds, so the
   * histogram and the floor move with it instead of being forgotten.
   */
  shift(deltaMs: number): void {
    this.cached = undefined;
    this.histogram.shift(deltaMs);
    this.peaks.shift(deltaMs);
    this.floorSamples = this.floorSamples.slice(this.floorHead).map((s) => ({ ...s, transitMs: s.transitMs + deltaMs }));
    this.floorHead = 0;
  }

  reset(): void {
    this.cached = undefined;
    this.histogram.clear();
    this.relative.clear();
    this.peaks.reset();
    this.observed = 0;
    this.late = 0;
    this.floorSamples = [];
    this.floorHead = 0;
  }

  private learn(s: DelaySample): void {
    this.cached = undefined;
    const f = forgetFactorFor(this.histogram.count, this.config.memoryPackets);
    this.histogram.add(s.transitMs, f);
    this.relative.add(s.aboveFloorMs, f);
  }

  private readings(): Readings {
    if (!this.cached) {
      const q = this.config.quantile;
      // The band spends the late-loss budget; once the buffer is spending
      // more than that, it holds to the target itself.
      const withinBudget = this.late <= 1 - q;
      const low = withinBudget ? this.quantileTransit(lowLimitQuantile(q, this.config.memoryPackets, this.config.toleranceSigmas)) : undefined;
      const target = this.quantileTransit(q);
      this.cached = { target, low: target === undefined || low === undefined ? target : Math.min(target, low) };
    }
    return this.cached;
  }

  /** The lower of the two histograms' q-quantiles, as a transit, kept above the floor (and the start guard). */
  private quantileTransit(q: number): number | undefined {
    const absolute = this.histogram.quantile(q);
    const above = this.relative.quantile(q);
    const floor = this.floorTransitMs;
    if (absolute === undefined || above === undefined || floor === undefined) return undefined;
    const v = Math.min(absolute, floor + above);
    if (this.warmingUp) return Math.max(v, floor + this.config.startTargetMs);
    return Math.max(v, floor);
  }

  private pushFloor(arrivalMs: number, t: number): void {
    this.cached = undefined;
    const q = this.floorSamples;
    while (q.length > this.floorHead && (q[q.length - 1]?.transitMs ?? -Infinity) >= t) q.pop();
    q.push({ arrivalMs, transitMs: t });
    while (this.floorHead < q.length - 1 && (q[this.floorHead]?.arrivalMs ?? 0) < arrivalMs - this.config.floorWindowMs) {
      this.floorHead++;
    }
    if (this.floorHead > 1024) {
      this.floorSamples = q.slice(this.floorHead);
      this.floorHead = 0;
    }
  }
}
