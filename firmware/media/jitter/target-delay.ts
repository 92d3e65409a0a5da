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
 * and conceals until they come (decision-logic.ts), which costs delay. What
 * the estimator learns from them is to keep a larger margin for a while
 * afterwards, in case another spike follows.
 */
import { ForgettingHistogram } from './forgetting-histogram.js';

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
}

export const DEFAULT_TARGET_DELAY_CONFIG: TargetDelayConfig = {
  quantile: 0.99,
  memoryPackets: 1000,
  startTargetMs: 60,
  warmupPackets: 50,
  floorWindowMs: 10_000,
  bucketMs: 1,
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

interface FloorSample {
  readonly arrivalMs: number;
  readonly transitMs: number;
}

export class TargetDelayEstimator {
  readonly config: TargetDelayConfig;
  private readonly histogram: ForgettingHistogram;
  /** Transits above the floor at the time each packet arrived. */
  private readonly relative: ForgettingHistogram;
  /** Monotonic deque (increasing transit) for the sliding-window minimum. */
  private floorSamples: FloorSample[] = [];
  private floorHead = 0;
  /** The target, computed once per observation (it is read at every pull). */
  private cachedTarget: number | undefined;
  private cacheValid = false;

  constructor(config: Partial<TargetDelayConfig> = {}) {
    this.config = { ...DEFAULT_TARGET_DELAY_CONFIG, ...config };
    const q = this.config.quantile;
    if (!(q > 0.5 && q < 1)) throw new RangeError(`target quantile ${q} is not in (0.5, 1)`);
    const buckets = Math.ceil(4000 / this.config.bucketMs);
    this.histogram = new ForgettingHistogram({ bucketMs: this.config.bucketMs, buckets });
    this.relative = new ForgettingHistogram({ bucketMs: this.config.bucketMs, buckets });
  }

  get packetsObserved(): number {
    return this.histogram.count;
  }

  /** One packet arrived at `arrivalMs` carrying media time `mediaMs`. */
  observe(arrivalMs: number, mediaMs: number): void {
    this.cacheValid = false;
    const t = transitMs(arrivalMs, mediaMs);
    const f = forgetFactorFor(this.histogram.count, this.config.memoryPackets);
    this.histogram.add(t, f);
    this.pushFloor(arrivalMs, t);
    this.relative.add(t - (this.floorTransitMs ?? t), f);
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
    if (!this.cacheValid) {
      this.cachedTarget = this.computeTarget();
      this.cacheValid = true;
    }
    return this.cachedTarget;
  }

  private computeTarget(): number | undefined {
    const absolute = this.histogram.quantile(this.config.quantile);
    const above = this.relative.quantile(this.config.quantile);
    const floor = this.floorTransitMs;
    if (absolute === undefined || above === undefined || floor === undefined) return undefined;
    const q = Math.min(absolute, floor + above);
    if (this.histogram.count < this.config.warmupPackets) return Math.max(q, floor + this.config.startTargetMs);
    return Math.max(q, floor);
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
    this.cacheValid = false;
    this.histogram.shift(deltaMs);
    this.floorSamples = this.floorSamples.slice(this.floorHead).map((s) => ({ ...s, transitMs: s.transitMs + deltaMs }));
    this.floorHead = 0;
  }

  reset(): void {
    this.cacheValid = false;
    this.histogram.clear();
    this.relative.clear();
    this.floorSamples = [];
    this.floorHead = 0;
  }

  private pushFloor(arrivalMs: number, t: number): void {
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
