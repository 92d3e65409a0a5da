/**
 * dB ↔ register code policy for the WM8960's gain stages, as pure functions.
 * Each rounds to the stage's step and clamps to its range, and reports the
 * level it actually chose so the UI can show it.
 */

function requireFinite(dB: number, what: string): void {
  if (!Number.isFinite(dB)) throw new RangeError(`WM8960 ${what}: ${dB} dB is not a number`);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Headphone (LOUT1VOL/ROUT1VOL, R2/R3) and speaker (SPKLVOL/SPKRVOL, R40/R41)
 * PGAs: 1 dB steps, 111_1111 = +6 dB, 111_1001 = 0 dB, 011_0000 = −73 dB;
 * codes below 011_0000 mute (mute is done with the DAC soft mute instead).
 */
export const OUTPUT_VOLUME_MIN_DB = -73;
export const OUTPUT_VOLUME_MAX_DB = 6;
const OUTPUT_VOLUME_0DB_CODE = 0x79;

export interface GainChoice {
  readonly code: number;
  readonly dB: number;
}

export function outputVolumeCode(dB: number): GainChoice {
  requireFinite(dB, 'output volume');
  const level = clamp(Math.round(dB), OUTPUT_VOLUME_MIN_DB, OUTPUT_VOLUME_MAX_DB);
  return { code: OUTPUT_VOLUME_0DB_CODE + level, dB: level };
}

/**
 * Input PGA (LINVOL/RINVOL, R0/R1): 0.75 dB steps from 00_0000 = −17.25 dB
 * to 11_1111 = +30 dB; 01_0111 = 0 dB.
 */
export const PGA_MIN_DB = -17.25;
export const PGA_MAX_DB = 30;
const PGA_STEP_DB = 0.75;
const PGA_0DB_CODE = 0b010111;

export function pgaVolumeCode(dB: number): GainChoice {
  requireFinite(dB, 'input PGA');
  const code = clamp(PGA_0DB_CODE + Math.round(dB / PGA_STEP_DB), 0, 63);
  return { code, dB: (code - PGA_0DB_CODE) * PGA_STEP_DB };
}

/** LMICBOOST/RMICBOOST (R32/R33 bits 5:4): the boost after the PGA, 00..11 = 0, 13, 20, 29 dB. */
export const MIC_BOOST_STEPS_DB: readonly number[] = [0, 13, 20, 29];

export interface MicGainChoice {
  /** LMICBOOST code. */
  readonly boostCode: number;
  /** LINVOL code. */
  readonly pgaCode: number;
  readonly dB: number;
}

export const MIC_GAIN_MIN_DB = PGA_MIN_DB;
export const MIC_GAIN_MAX_DB = 29 + PGA_MAX_DB;

/**
 * Splits a microphone gain on INPUT1 between the boost stage and the PGA.
 * As much as possible goes into the boost stage (the earlier stage, for the
 * better noise figure); the PGA makes up the rest in 0.75 dB steps.
 */
export function micGainCodes(dB: number): MicGainChoice {
  requireFinite(dB, 'microphone gain');
  const target = clamp(dB, MIC_GAIN_MIN_DB, MIC_GAIN_MAX_DB);
  let boostCode = 0;
  MIC_BOOST_STEPS_DB.forEach((step, code) => {
    if (step <= target) boostCode = code;
  });
  const boostDb = MIC_BOOST_STEPS_DB[boostCode] ?? 0;
  const pga = pgaVolumeCode(target - boostDb);
  return { boostCode, pgaCode: pga.code, dB: boostDb + pga.dB };
}

/**
 * LIN2BOOST/LIN3BOOST (R43/R44): INPUT2 or INPUT3 straight into the input
 * boost mixer, 3 dB steps from 001 = −12 dB to 111 = +6 dB (000 = muted).
 */
export const LINE_BOOST_MIN_DB = -12;
export const LINE_BOOST_MAX_DB = 6;

export function lineBoostCode(dB: number): GainChoice {
  requireFinite(dB, 'input boost mixer gain');
  const steps = Math.round((clamp(dB, LINE_BOOST_MIN_DB, LINE_BOOST_MAX_DB) - LINE_BOOST_MIN_DB) / 3);
  return { code: 1 + steps, dB: LINE_BOOST_MIN_DB + 3 * steps };
}
