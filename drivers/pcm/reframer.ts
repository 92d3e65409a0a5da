/**
 * Re-frames a stream of 16-bit little-endian PCM that arrives in arbitrary
 * chunks (a pipe from arecord hands over whatever the kernel had: odd byte
 * counts, half a sample, several periods at once) into exact periods of
 * `periodSamples` interleaved samples. Deterministic and I/O-free: bytes or
 * samples in, whole periods out, the remainder kept for the next push.
 */
export class PeriodReframer {
  readonly periodSamples: number;
  private readonly period: Int16Array;
  private filled = 0;
  /** The low byte of a sample whose high byte has not arrived yet. */
  private oddByte: number | undefined;

  constructor(periodSamples: number) {
    if (!Number.isInteger(periodSamples) || periodSamples < 1) {
      throw new RangeError(`period of ${periodSamples} samples`);
    }
    this.periodSamples = periodSamples;
    this.period = new Int16Array(periodSamples);
  }

  /** Samples held back, waiting for the rest of their period. */
  get pendingSamples(): number {
    return this.filled;
  }

  /** True when half a sample is held back. */
  get hasPartialSample(): boolean {
    return this.oddByte !== undefined;
  }

  /** Adds little-endian bytes; returns every period completed by them (fresh arrays). */
  pushBytes(chunk: Uint8Array): Int16Array[] {
    const out: Int16Array[] = [];
    let i = 0;
    if (this.oddByte !== undefined && chunk.length > 0) {
      this.add(combine(this.oddByte, chunk[0] ?? 0), out);
      this.oddByte = undefined;
      i = 1;
    }
    for (; i + 1 < chunk.length; i += 2) {
      this.add(combine(chunk[i] ?? 0, chunk[i + 1] ?? 0), out);
    }
    if (i < chunk.length) this.oddByte = chunk[i];
    return out;
  }

  /** Adds samples; returns every period completed by them (fresh arrays). */
  pushSamples(samples: Int16Array): Int16Array[] {
    if (this.oddByte !== undefined) throw new Error('PeriodReframer: samples pushed while half a byte-sample is pending');
    const out: Int16Array[] = [];
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(this.periodSamples - this.filled, samples.length - i);
      this.period.set(samples.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      if (this.filled === this.periodSamples) out.push(this.emit());
    }
    return out;
  }

  /** The partial period padded with silence, or undefined when nothing is pending; clears the state. */
  flush(): Int16Array | undefined {
    this.oddByte = undefined;
    if (this.filled === 0) return undefined;
    this.period.fill(0, this.filled);
    return this.emit();
  }

  private add(sample: number, out: Int16Array[]): void {
    this.period[this.filled++] = sample;
    if (this.filled === this.periodSamples) out.push(this.emit());
  }

  private emit(): Int16Array {
    const done = this.period.slice();
    this.filled = 0;
    return done;
  }
}

function combine(low: number, high: number): number {
  const u = low | (high << 8);
  return u >= 0x8000 ? u - 0x10000 : u;
}
