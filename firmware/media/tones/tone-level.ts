/**
 * dBm0 ↔ 16-bit linear PCM. Tone plans give levels in dBm0 (power relative to
 * the 0 dBm0 reference point of a digital channel); the generator writes Int16
 * samples that a G.711 (or any) encoder takes as they are.
 *
 * Reference (ITU-T G.711 §5): a 0 dBm0 sine is what the decoder produces from
 * the standard digital test sequence, and "the resulting theoretical load
 * capacity (Tmax) is +3.14 dBm0 for the A-law, and +3.17 dBm0 for the μ-law" —
 * Tmax being the sine whose peak just reaches the coder's largest value.
 *
 * Our choice: the largest Int16 value (32767) stands for that peak, so a sine
 * of peak 32767 is at Tmax (+3.17 dBm0 by default, the μ-law figure; pass
 * 'a-law' for +3.14). A tone at L dBm0 then has peak 32767 · 10^((L − Tmax)/20),
 * i.e. 0 dBm0 ≈ 22 7xx. This is the convention of most software telephony
 * (linear PCM scaled so the codec's full scale is the integer's full scale).
 * Taking the exact 16-bit decode maxima instead (32124 μ-law, 32256 A-law)
 * would move every level by less than 0.2 dB.
 */

/** G.711 §5 theoretical load capacity of each law, in dBm0. */
export const G711_TMAX_DBM0 = { 'mu-law': 3.17, 'a-law': 3.14 } as const;

export type LevelReference = keyof typeof G711_TMAX_DBM0;

/** The Int16 peak that stands for the codec's full-scale sine. */
export const INT16_FULL_SCALE = 32767;

/** Peak amplitude (in Int16 units) of a sine at `levelDbm0`. */
export function dbm0ToPeak(levelDbm0: number, reference: LevelReference = 'mu-law'): number {
  return INT16_FULL_SCALE * 10 ** ((levelDbm0 - G711_TMAX_DBM0[reference]) / 20);
}

/** Level in dBm0 of a sine whose peak is `peak` Int16 units. */
export function peakToDbm0(peak: number, reference: LevelReference = 'mu-law'): number {
  return 20 * Math.log10(peak / INT16_FULL_SCALE) + G711_TMAX_DBM0[reference];
}

/** A gain in dB as a linear factor; −Infinity (mute) gives 0. */
export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 20);
}
