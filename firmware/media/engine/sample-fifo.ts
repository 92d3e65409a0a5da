/**
 * A first-in first-out queue of mono samples, for where two paces meet: the
 * device's period and the codec's packet time (a 10 ms capture period feeding
 * 20 ms packets), or the playback and capture clocks (a conference leg's
 * received audio sent on to the other legs). Bounded: past `capacity` the
 * oldest samples go, so two clocks that drift apart cannot grow it for ever.
 */
export class SampleFifo {
  private buffer: Int16Array;
  private start = 0;
  private end = 0;
  private droppedSamples = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`FIFO capacity ${capacity}`);
    this.buffer = new Int16Array(capacity * 2);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Samples thrown away because the queue was full. */
  get dropped(): number {
    return this.droppedSamples;
  }

  push(samples: Int16Array): void {
    if (samples.length >= this.capacity) {
      this.droppedSamples += this.length + samples.length - this.capacity;
      this.start = 0;
      this.end = this.capacity;
      this.buffer.set(samples.subarray(samples.length - this.capacity), 0);
      return;
    }
    const overflow = this.length + samples.length - this.capacity;
    if (overflow > 0) {
      this.start += overflow;
      this.droppedSamples += overflow;
    }
    if (this.end + samples.length > this.buffer.length) {
      this.buffer.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    this.buffer.set(samples, this.end);
    this.end += samples.length;
  }

  /** Exactly `count` samples: what is queued, then zeros if it runs short. */
  take(count: number): Int16Array {
    const out = new Int16Array(count);
    const n = Math.min(count, this.length);
    out.set(this.buffer.subarray(this.start, this.start + n));
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}
