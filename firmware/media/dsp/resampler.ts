/**
 * A streaming sample-rate converter between the phone's three rates (8, 16
 * and 48 kHz: the narrowband codecs, G.722 and the WM8960's usual rate, Opus).
 * Every pair differs by an integer ratio (2, 3 or 6), so one polyphase FIR
 * does it without fractional delays:
 *
 *  - up by L: each input sample gives L outputs, output phase p computed by
 *    the p-th polyphase branch of the interpolation filter (the zero-stuffed
 *    samples are never multiplied);
 *  - down by M: the anti-alias filter is evaluated only at every M-th input,
 *    the output instants, so the other M−1 outputs are never computed.
 *
 * The filter is a windowed sinc (Kaiser window, β from the stopband
 * attenuation by Kaiser's formula; Oppenheim & Schafer, Discrete-Time Signal
 * Processing, §7.6). Passband up to 0.42 of the lower rate, stopband from
 * 0.5 of it — the lower rate's Nyquist frequency — so nothing above it
 * aliases back in when going down, and the images are removed when going up.
 *
 * State (the last filter-length input samples and the output phase) is kept
 * across calls, so a stream cut into frames comes out sample for sample as if
 * converted in one piece: no clicks at frame boundaries. For frames whose
 * length is a multiple of M the output count is exact: 320 samples at 16 kHz
 * give 160 at 8 kHz and 960 at 48 kHz.
 */

export const RESAMPLER_RATES = [8000, 16000, 48000] as const;

export type ResamplerRate = (typeof RESAMPLER_RATES)[number];

export function isResamplerRate(rate: number): rate is ResamplerRate {
  return (RESAMPLER_RATES as readonly number[]).includes(rate);
}

export interface Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Output samples for `input`, continuing from the previous call. */
  process(input: Int16Array): Int16Array;
  /** How many samples the next process() of `inputLength` samples returns. */
  outputLength(inputLength: number): number;
  /** The filter's group delay, in output samples. */
  readonly delaySamples: number;
  /** Forgets the history, as at the start of a stream. */
  reset(): void;
}

/** Kaiser filter design parameters; the defaults suit speech between the phone's rates. */
export interface LowPassDesign {
  /** Passband edge as a fraction of the lower of the two rates. */
  readonly passbandFraction: number;
  /** Stopband edge as a fraction of the lower rate (0.5: its Nyquist frequency). */
  readonly stopbandFraction: number;
  /** Stopband attenuation, dB. */
  readonly attenuationDb: number;
}

export const DEFAULT_LOW_PASS: LowPassDesign = { passbandFraction: 0.42, stopbandFraction: 0.5, attenuationDb: 80 };

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 64; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's β for a stopband attenuation of `a` dB (O&S eq. 7.62). */
export function kaiserBeta(a: number): number {
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  return 0;
}

/**
 * Odd-length (type I, linear-phase) low-pass FIR at `rate`, cut off halfway
 * between the design's passband and stopband edges (given in Hz), scaled to
 * a DC gain of `gain`. Length from Kaiser's formula (O&S eq. 7.63):
 * N − 1 = (A − 8) / (2.285 Δω).
 */
export function kaiserLowPass(rate: number, passbandHz: number, stopbandHz: number, attenuationDb: number, gain = 1): Float64Array {
  if (!(passbandHz > 0 && stopbandHz > passbandHz && stopbandHz <= rate / 2)) {
    throw new RangeError(`low-pass edges ${passbandHz}/${stopbandHz} Hz at ${rate} Hz`);
  }
  const deltaOmega = (2 * Math.PI * (stopbandHz - passbandHz)) / rate;
  let order = Math.ceil((attenuationDb - 8) / (2.285 * deltaOmega));
  if (order % 2 === 1) order++;
  const length = order + 1;
  const beta = kaiserBeta(attenuationDb);
  const cutoff = (passbandHz + stopbandHz) / 2 / rate; // cycles per sample
  const centre = order / 2;
  const h = new Float64Array(length);
  const norm = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const t = n - centre;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = t / centre;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
    h[n] = sinc * window;
    sum += h[n] ?? 0;
  }
  for (let n = 0; n < length; n++) h[n] = ((h[n] ?? 0) * gain) / sum;
  return h;
}

function toInt16(value: number): number {
  const rounded = Math.round(value);
  return rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
}

/** Same rate: a copy, so callers may keep or change what they get. */
class PassThrough implements Resampler {
  readonly delaySamples = 0;
  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {}
  process(input: Int16Array): Int16Array {
    return input.slice();
  }
  outputLength(inputLength: number): number {
    return inputLength;
  }
  reset(): void {}
}

/** Interpolation by L: polyphase branch p of h makes output phase p. */
class Upsampler implements Resampler {
  readonly delaySamples: number;
  private readonly branches: Float64Array[];
  private readonly taps: number;
  /** The last `taps` − 1 inputs, oldest first. */
  private history: Float64Array;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    private readonly factor: number,
    design: LowPassDesign,
  ) {
    const h = kaiserLowPass(toRate, design.passbandFraction * fromRate, design.stopbandFraction * fromRate, design.attenuationDb, factor);
    this.delaySamples = (h.length - 1) / 2;
    this.taps = Math.ceil(h.length / factor);
    this.branches = [];
    for (let p = 0; p < factor; p++) {
      // Branch p, tap k is h[kL + p]; taps past the end of h are zero.
      const branch = new Float64Array(this.taps);
      for (let k = 0; k < this.taps; k++) branch[k] = h[k * factor + p] ?? 0;
      this.branches.push(branch);
    }
    this.history = new Float64Array(this.taps - 1);
  }

  outputLength(inputLength: number): number {
    return inputLength * this.factor;
  }

  process(input: Int16Array): Int16Array {
    const keep = this.taps - 1;
    const buffer = new Float64Array(keep + input.length);
    buffer.set(this.history);
    for (let i = 0; i < input.length; i++) buffer[keep + i] = input[i] ?? 0;
    const out = new Int16Array(input.length * this.factor);
    for (let i = 0; i < input.length; i++) {
      const newest = keep + i;
      for (let p = 0; p < this.factor; p++) {
        const branch = this.branches[p];
        let acc = 0;
        for (let k = 0; k < this.taps; k++) acc += branch[k] * buffer[newest - k];
        out[i * this.factor + p] = toInt16(acc);
      }
    }
    this.history = buffer.slice(buffer.length - keep);
    return out;
  }

  reset(): void {
    this.history.fill(0);
  }
}

/** Decimation by M: the anti-alias filter evaluated at every M-th input only. */
class Downsampler implements Resampler {
  readonly delaySamples: number;
  private readonly h: Float64Array;
  private history: Float64Array;
  /** Inputs consumed since the last output instant (0 … M−1). */
  private phase = 0;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    private readonly factor: number,
    design: LowPassDesign,
  ) {
    this.h = kaiserLowPass(fromRate, design.passbandFraction * toRate, design.stopbandFraction * toRate, design.attenuationDb, 1);
    this.delaySamples = (this.h.length - 1) / 2 / factor;
    this.history = new Float64Array(this.h.length - 1);
  }

  outputLength(inputLength: number): number {
    return Math.floor((this.phase + inputLength) / this.factor);
  }

  process(input: Int16Array): Int16Array {
    const keep = this.h.length - 1;
    const buffer = new Float64Array(keep + input.length);
    buffer.set(this.history);
    for (let i = 0; i < input.length; i++) buffer[keep + i] = input[i] ?? 0;
    const out = new Int16Array(this.outputLength(input.length));
    const h = this.h;
    const taps = h.length;
    // Output m is taken at the last input of each group of M.
    let o = 0;
    for (let i = this.factor - 1 - this.phase; i < input.length; i += this.factor) {
      const newest = keep + i;
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += h[j] * buffer[newest - j];
      out[o++] = toInt16(acc);
    }
    this.phase = (this.phase + input.length) % this.factor;
    this.history = buffer.slice(buffer.length - keep);
    return out;
  }

  reset(): void {
    this.history.fill(0);
    this.phase = 0;
  }
}

/** A converter from `fromRate` to `toRate`; both must be 8000, 16000 or 48000. */
export function createResampler(fromRate: number, toRate: number, design: LowPassDesign = DEFAULT_LOW_PASS): Resampler {
  if (!isResamplerRate(fromRate) || !isResamplerRate(toRate)) {
    throw new RangeError(`cannot resample ${fromRate} Hz → ${toRate} Hz: rates are ${RESAMPLER_RATES.join(', ')}`);
  }
  if (fromRate === toRate) return new PassThrough(fromRate, toRate);
  if (toRate > fromRate) return new Upsampler(fromRate, toRate, toRate / fromRate, design);
  return new Downsampler(fromRate, toRate, fromRate / toRate, design);
}
