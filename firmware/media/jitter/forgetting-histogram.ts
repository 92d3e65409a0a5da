/**
 * A histogram of delays whose old observations fade: the distribution a
 * jitter buffer's target is read from. Like the histogram behind WebRTC
 * NetEQ's DelayManager, every new observation counts a little more than
 * the ones before it (by 1 / forgetFactor), so the histogram is an
 * exponentially weighted picture of the recent past with an effective
 * memory of 1 / (1 − forgetFactor) observations.
 *
 * Two differences from NetEQ's: buckets are 1 ms by default rather than
 * 20 ms (time-scale modification can move the playout point by less than a
 * packet, so a finer target is usable), and the histogram holds absolute
 * values (packet transit times) over a window that slides when a value falls
 * outside it, so that the quantile read from it is directly a playout
 * deadline. When the window slides, the mass that falls off one end is kept
 * in the end bucket, so nothing is lost from the total.
 *
 * Instead of multiplying every bucket by the forget factor at each update,
 * the weight of each new observation grows by 1 / forgetFactor; the ratios
 * are the same, and the buckets are rescaled only when the weight gets large.
 */

const RESCALE_ABOVE = 1e200;

export interface ForgettingHistogramOptions {
  /** Width of one bucket, ms. */
  readonly bucketMs?: number;
  /** Number of buckets (the window is bucketMs × buckets wide). */
  readonly buckets?: number;
}

export class ForgettingHistogram {
  readonly bucketMs: number;
  private readonly mass: Float64Array;
  /** Value at the lower edge of bucket 0, or undefined before the first observation. */
  private origin: number | undefined;
  /** Weight the next observation is added with. */
  private weight = 1;
  private total = 0;
  private observations = 0;
  /** Highest bucket holding any mass (quantiles are read from the top down). */
  private top = -1;

  constructor(options: ForgettingHistogramOptions = {}) {
    this.bucketMs = options.bucketMs ?? 1;
    const buckets = options.buckets ?? 2000;
    if (!(this.bucketMs > 0) || !Number.isInteger(buckets) || buckets < 2) {
      throw new RangeError(`bad histogram shape: ${buckets} buckets of ${this.bucketMs} ms`);
    }
    this.mass = new Float64Array(buckets);
  }

  /** Observations added since the last clear(). */
  get count(): number {
    return this.observations;
  }

  /**
   * Adds `value` with the current weight, after fading what is already there
   * by `forgetFactor` (1 = no fading: a plain histogram).
   */
  add(value: number, forgetFactor: number): void {
    if (!(forgetFactor > 0 && forgetFactor <= 1)) throw new RangeError(`forget factor ${forgetFactor} is not in (0, 1]`);
    if (!Number.isFinite(value)) throw new RangeError(`cannot add ${value} to a histogram`);
    if (this.origin === undefined) {
      // Bucket edges on multiples of the bucket width, the window centred on the first value.
      this.origin = (Math.floor(value / this.bucketMs) - (this.mass.length >> 1)) * this.bucketMs;
    }
    this.weight /= forgetFactor;
    if (this.weight > RESCALE_ABOVE) this.rescale();
    const index = this.indexFor(value);
    this.mass[index] = (this.mass[index] ?? 0) + this.weight;
    this.top = Math.max(this.top, index);
    this.total += this.weight;
    this.observations++;
  }

  /**
   * The smallest value v such that at least `q` of the (weighted) mass lies
   * at or below v; the upper edge of the bucket where that happens, so that
   * the answer errs towards a later deadline. Undefined when empty.
   */
  quantile(q: number): number | undefined {
    if (this.origin === undefined || this.total <= 0) return undefined;
    if (!(q > 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in (0, 1]`);
    // From the top: a high quantile is found after a few buckets.
    const above = (1 - q) * this.total;
    let acc = 0;
    for (let i = this.top; i >= 0; i--) {
      acc += this.mass[i] ?? 0;
      if (acc > above) return this.origin + (i + 1) * this.bucketMs;
    }
    return this.origin + this.bucketMs;
  }

  /** Moves every observation by `deltaMs` (a re-based timeline), keeping the shape. */
  shift(deltaMs: number): void {
    if (this.origin !== undefined) this.origin += deltaMs;
  }

  clear(): void {
    this.mass.fill(0);
    this.origin = undefined;
    this.weight = 1;
    this.total = 0;
    this.observations = 0;
    this.top = -1;
  }

  /** Bucket for `value`, sliding the window first if the value falls outside it. */
  private indexFor(value: number): number {
    const origin = this.origin ?? value;
    const n = this.mass.length;
    const raw = Math.floor((value - origin) / this.bucketMs);
    if (raw >= n) {
      // Slide up, with a quarter of the window as headroom; low values
      // (irrelevant to a high quantile) gather in bucket 0.
      this.slide(raw - n + 1 + (n >> 2));
    } else if (raw < 0) {
      this.slide(raw - (n >> 2));
    }
    return Math.min(n - 1, Math.max(0, Math.floor((value - (this.origin ?? value)) / this.bucketMs)));
  }

  /** Moves the window by `by` buckets (positive: towards larger values). */
  private slide(by: number): void {
    const n = this.mass.length;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = this.mass[i] ?? 0;
      if (m === 0) continue;
      const j = Math.min(n - 1, Math.max(0, i - by));
      next[j] = (next[j] ?? 0) + m;
    }
    this.mass.set(next);
    this.top = this.top < 0 ? -1 : Math.min(n - 1, Math.max(0, this.top - by));
    this.origin = (this.origin ?? 0) + by * this.bucketMs;
  }

  private rescale(): void {
    const s = 1 / this.weight;
    for (let i = 0; i < this.mass.length; i++) this.mass[i] = (this.mass[i] ?? 0) * s;
    this.total *= s;
    this.weight = 1;
  }
}
