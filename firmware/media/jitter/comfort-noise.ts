/**
 * Comfort noise from the RFC 3389 CN payload (static payload type 13 at
 * 8000 Hz, RFC 3551 Table 4): what plays during a DTX pause instead of
 * concealment that fades to dead silence.
 *
 * RFC 3389 §3: the payload is one noise-level byte, then optionally M
 * quantised reflection coefficients of an all-pole model of the noise
 * spectrum ("the model order is not explicitly transmitted since the number
 * of coefficients can be derived from the length of the payload").
 *  - §3.1: the level is in −dBov, 0..127, in the 7 low bits; "in the case of
 *    a µ-law system, the reference would be a square wave with values
 *    ±8031, and this square wave represents 0dBov" — ±8031 on G.711's 14-bit
 *    scale is ±32124 on our 16-bit scale, so 0 dBov is an RMS of 32124.
 *  - §3.2: coefficients in (−1, 1) quantised to a byte; decoded here as
 *    (byte − 127) / 128, as FFmpeg's and other CN decoders do.
 *
 * Synthesis: white noise through the all-pole lattice filter the reflection
 * coefficients describe, scaled so that the output has the payload's level
 * (the lattice's prediction gain is Π 1/(1 − kᵢ²), so the excitation is
 * scaled by its inverse square root). The noise source is a small
 * deterministic PRNG (xorshift32) so that output is reproducible in tests.
 */

/** RFC 3551 Table 4: CN, 8000 Hz. */
export const COMFORT_NOISE_STATIC_PAYLOAD_TYPE = 13;

/** 0 dBov on the 16-bit scale (RFC 3389 §3.1's µ-law square wave, ±8031 × 4). */
const ZERO_DBOV_RMS = 32124;

export interface ComfortNoiseParams {
  /** Noise level, dB below overload (0..127). */
  readonly levelDbov: number;
  /** Reflection coefficients of the noise model, each in (−1, 1); empty for white noise. */
  readonly reflection: readonly number[];
}

/** RFC 3389 §3: one level byte, then reflection coefficients; undefined for an empty payload. */
export function parseComfortNoise(payload: Uint8Array): ComfortNoiseParams | undefined {
  const level = payload[0];
  if (level === undefined) return undefined;
  const reflection: number[] = [];
  for (let i = 1; i < payload.length; i++) reflection.push(((payload[i] ?? 127) - 127) / 128);
  return { levelDbov: level & 0x7f, reflection };
}

/** RMS on the 16-bit scale of a level in −dBov. */
export function comfortNoiseRms(levelDbov: number): number {
  return ZERO_DBOV_RMS * 10 ** (-levelDbov / 20);
}

export class ComfortNoiseGenerator {
  private params: ComfortNoiseParams = { levelDbov: 127, reflection: [] };
  private gain = 0;
  /** Lattice state: backward prediction errors of each stage. */
  private state = new Float64Array(0);
  private seed: number;

  constructor(seed = 0x1234567) {
    this.seed = seed >>> 0 || 1;
  }

  /** Takes new noise parameters (from a CN packet). */
  update(params: ComfortNoiseParams): void {
    const ks = params.reflection.map((k) => Math.max(-0.99, Math.min(0.99, k)));
    this.params = { levelDbov: params.levelDbov, reflection: ks };
    if (this.state.length !== ks.length) this.state = new Float64Array(ks.length);
    let residual = 1;
    for (const k of ks) residual *= 1 - k * k;
    // Excitation of unit variance: the uniform source below has variance 1/3.
    this.gain = comfortNoiseRms(params.levelDbov) * Math.sqrt(residual) * Math.sqrt(3);
  }

  get current(): ComfortNoiseParams {
    return this.params;
  }

  /** `count` samples of noise at the current level and spectrum. */
  generate(count: number): Int16Array {
    const out = new Int16Array(count);
    const ks = this.params.reflection;
    const b = this.state;
    for (let n = 0; n < count; n++) {
      // All-pole lattice synthesis: f_M = excitation, f_{i-1} = f_i + k_i·b_{i-1}, b_i = b_{i-1} − k_i·f_{i-1}.
      let f = this.uniform() * this.gain;
      for (let i = ks.length - 1; i >= 0; i--) {
        const k = ks[i] ?? 0;
        f += k * (b[i] ?? 0);
        if (i + 1 < b.length) b[i + 1] = (b[i] ?? 0) - k * f;
      }
      if (b.length > 0) b[0] = f;
      const r = Math.round(f);
      out[n] = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
    }
    return out;
  }

  /** Uniform in [−1, 1) from xorshift32 (Marsaglia 2003). */
  private uniform(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 0x80000000 - 1;
  }
}
