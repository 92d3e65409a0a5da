/**
 * The state of one G.722 sub-band ADPCM coder and the blocks that adapt it,
 * shared by encoder and decoder (which must stay in lock-step): the scale
 * factor adaptation (LOGSCL/SCALEL, LOGSCH/SCALEH) and Block 4, the adaptive
 * predictor (RECONS, PARREC, UPPOL2, UPPOL1, FILTEP, UPZERO, DELAYA, FILTEZ,
 * PREDIC) of ITU-T G.722 §6.2. Arithmetic is the spec's 16-bit fixed point:
 * products shifted right by 15 and sums limited to the 16-bit range where the
 * spec limits them.
 */
import { HIGH_LOG_STEP, ILB, LOW_LOG_STEP, NBH_MAX, NBL_MAX } from './tables.js';

export function sat16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** True when two 16-bit values have the same sign, zero counting as positive (spec SG). */
function sameSign(a: number, b: number): boolean {
  return ((a ^ b) & 0x8000) === 0;
}

export class BandState {
  /** Signal estimate s(n) for the next sample: pole plus zero section (PREDIC). */
  s = 0;
  /** Zero-section output sz(n) (FILTEZ). */
  sz = 0;
  /** Previous reconstructed signal r(n−1). */
  r1 = 0;
  /** Pole-section coefficients a1, a2. */
  a1 = 0;
  a2 = 0;
  /** Previous partially reconstructed signals p(n−1), p(n−2). */
  p1 = 0;
  p2 = 0;
  /** Zero-section coefficients b1 … b6. */
  readonly b = new Int32Array(6);
  /** Quantized differences d(n), d(n−1) … d(n−6). */
  readonly d = new Int32Array(7);
  /** Log scale factor (NBL / NBH). */
  nb = 0;
  /** Scale factor (DETL / DETH). */
  det: number;

  constructor(private readonly initialDet: number) {
    this.det = initialDet;
  }

  reset(): void {
    this.s = this.sz = this.r1 = this.a1 = this.a2 = this.p1 = this.p2 = this.nb = 0;
    this.b.fill(0);
    this.d.fill(0);
    this.det = this.initialDet;
  }
}

/** The lower band starts with DETL = 32, the higher with DETH = 8 (§6.2.1.5, §6.2.2.5 reset values). */
export const lowBand = (): BandState => new BandState(32);
export const highBand = (): BandState => new BandState(8);

/** SCALEL/SCALEH: DET = 2^(NB / 2048) in fixed point, from the antilog table. */
function scaleFromLog(nb: number, shiftBase: number): number {
  const mantissa = ILB[(nb >> 6) & 31] ?? 0;
  const shift = shiftBase - (nb >> 11);
  const wd = shift < 0 ? mantissa << -shift : mantissa >> shift;
  return wd << 2;
}

/** LOGSCL + SCALEL: adapts the lower band's scale factor to the 4-bit code just sent. */
export function adaptLowScale(band: BandState, code4: number): void {
  let nb = ((band.nb * 127) >> 7) + (LOW_LOG_STEP[code4] ?? 0);
  nb = nb < 0 ? 0 : nb > NBL_MAX ? NBL_MAX : nb;
  band.nb = nb;
  band.det = scaleFromLog(nb, 8);
}

/** LOGSCH + SCALEH: adapts the higher band's scale factor to the 2-bit code just sent. */
export function adaptHighScale(band: BandState, code2: number): void {
  let nb = ((band.nb * 127) >> 7) + (HIGH_LOG_STEP[code2] ?? 0);
  nb = nb < 0 ? 0 : nb > NBH_MAX ? NBH_MAX : nb;
  band.nb = nb;
  band.det = scaleFromLog(nb, 10);
}

/** Block 4: updates the predictor with the quantized difference `dq` and computes the next estimate. */
export function adaptPredictor(band: BandState, dq: number): void {
  // RECONS and PARREC
  const r = sat16(band.s + dq);
  const p = sat16(band.sz + dq);

  // UPPOL2: a2 leaks towards zero and moves with the sign agreement of p over one and two samples.
  const fourA1 = sat16(band.a1 * 4);
  let wd = sameSign(p, band.p1) ? -fourA1 : fourA1;
  if (wd > 32767) wd = 32767;
  let a2 = (sameSign(p, band.p2) ? 128 : -128) + (wd >> 7) + ((band.a2 * 32512) >> 15);
  if (a2 > 12288) a2 = 12288;
  else if (a2 < -12288) a2 = -12288;

  // UPPOL1, limited so that the pole section stays stable: |a1| ≤ 1 − 2^-4 − a2.
  let a1 = sat16((sameSign(p, band.p1) ? 192 : -192) + ((band.a1 * 32640) >> 15));
  const limit = sat16(15360 - a2);
  if (a1 > limit) a1 = limit;
  else if (a1 < -limit) a1 = -limit;

  // FILTEP, with the new coefficients on r(n) and r(n−1).
  const sp = sat16(((a1 * sat16(r + r)) >> 15) + ((a2 * sat16(band.r1 + band.r1)) >> 15));
  band.r1 = r;
  band.a1 = a1;
  band.a2 = a2;
  band.p2 = band.p1;
  band.p1 = p;

  // UPZERO, DELAYA, FILTEZ: sign-sign update of b1 … b6, then the zero section on d(n) … d(n−5).
  const step = dq === 0 ? 0 : 128;
  const d = band.d;
  const b = band.b;
  d[0] = dq;
  let sz = 0;
  for (let i = 5; i >= 0; i--) {
    const di = d[i] ?? 0;
    const bi = sat16((sameSign(d[i + 1] ?? 0, dq) ? step : -step) + (((b[i] ?? 0) * 32640) >> 15));
    b[i] = bi;
    sz += (bi * sat16(di + di)) >> 15;
    d[i + 1] = di;
  }
  band.sz = sat16(sz);

  // PREDIC
  band.s = sat16(sp + band.sz);
}
