/**
 * Constants of ITU-T G.722 (11/88 text, §3 and §6), mode 1 (64 kbit/s).
 * Reconstruction and decision levels are in the spec's fixed-point scale.
 */

/**
 * QMF coefficients h0 … h23 (G.722 Table 11 / §3.1.1), scaled by 2^13 in the
 * spec's convention. Symmetric: h(i) = h(23 − i).
 */
export const QMF_COEFFS: readonly number[] = [
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
];

/**
 * Lower-band 6-bit quantizer (QUANTL, §6.2.1.1 / Table 6): decision levels
 * Q6(m) for the magnitude intervals m = 1 … 29, to be scaled by DETL (>> 12).
 * Interval 30 is everything above Q6(29).
 */
export const Q6_DECISION: readonly number[] = [
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219, 1339,
  1458, 1612, 1765, 1980, 2195, 2557, 2919,
];

/** Output code of interval m (1 … 30) for a non-negative difference (Table 6, ILP). */
export function lowCodePositive(m: number): number {
  return 62 - m;
}

/** Output code of interval m (1 … 30) for a negative difference (Table 6, ILN). */
export function lowCodeNegative(m: number): number {
  return m <= 2 ? 64 - m : 34 - m;
}

/**
 * Reconstruction level magnitudes of the 6-bit quantizer by interval m = 1 … 30
 * (Table 6, column QQ6, in the scale used with DETL >> 15).
 */
const Q6_LEVELS: readonly number[] = [
  136, 432, 728, 1040, 1360, 1688, 2032, 2400, 2776, 3168, 3576, 4008, 4464, 4944, 5456, 6000, 6576, 7192, 7856, 8576,
  9360, 10232, 11192, 12280, 13512, 14984, 16704, 19008, 21904, 24808,
];

/**
 * Inverse 6-bit quantizer by code (INVQBL, §6.2.2.2): each code's level, with
 * the sign of its interval. Codes 0 … 3 are never sent; the spec maps them
 * to the smallest negative level.
 */
export const QM6: Int16Array = (() => {
  const t = new Int16Array(64).fill(-(Q6_LEVELS[0] ?? 0));
  for (let m = 1; m <= 30; m++) {
    const level = Q6_LEVELS[m - 1] ?? 0;
    t[lowCodePositive(m)] = level;
    t[lowCodeNegative(m)] = -level;
  }
  return t;
})();

/**
 * Inverse 4-bit quantizer (INVQAL, §6.2.1.3 / Table 7), indexed by the 6-bit
 * code's top four bits: the predictor runs on these coarser levels so that it
 * tracks the same signal at 64, 56 and 48 kbit/s.
 */
export const QM4: readonly number[] = [
  0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
];

/** Log-scale-factor adaptation of the lower band, by 4-bit code (LOGSCL, Table 8: WL(RIL4)). */
const WL: readonly number[] = [-60, -30, 58, 172, 334, 538, 1198, 3042];
const RIL4: readonly number[] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
export const LOW_LOG_STEP: readonly number[] = RIL4.map((i) => WL[i] ?? 0);

/** Higher-band 2-bit quantizer decision level (QUANTH, Table 9), scaled by DETH >> 12. */
export const Q2_DECISION = 564;

/** Inverse 2-bit quantizer by code (INVQAH, Table 9). */
export const QM2: readonly number[] = [-7408, -1616, 7408, 1616];

/** Log-scale-factor adaptation of the higher band, by 2-bit code (LOGSCH, Table 10: WH). */
export const HIGH_LOG_STEP: readonly number[] = [798, -214, 798, -214];

/** Antilog table of SCALEL/SCALEH (§6.2.1.5): 2048 · 2^(i/32), rounded. */
export const ILB: Int16Array = Int16Array.from({ length: 32 }, (_, i) => Math.round(2048 * 2 ** (i / 32)));

/** Upper limits of the log scale factors: NBL ≤ 18432, NBH ≤ 22528 (LOGSCL, LOGSCH). */
export const NBL_MAX = 18432;
export const NBH_MAX = 22528;
