/**
 * WM8960 clocking as pure functions (datasheet "Clocking and Sample Rates",
 * Table 39 "Clocking and Sample Rate Control", Table 40 example rates, and
 * the "PLL" section with its Table 45 "PLL Frequency Examples").
 *
 * SYSCLK is 12.288 MHz for every rate the phone uses (8, 16, 48 kHz are all
 * SYSCLK / 256 / {6, 3, 1}). It comes from MCLK through the PLL:
 *
 *   MCLK ─÷PLLPRESCALE─ f1 ─PLL ×R─ f2 ─÷4 (fixed)─÷SYSCLKDIV─ SYSCLK
 *
 * with f2 kept in the PLL's 90–100 MHz sweet spot. For the Waveshare HAT's
 * 24 MHz crystal: PLLPRESCALE ÷2 (f1 = 12 MHz), SYSCLKDIV ÷2, f2 = 4 × 2 ×
 * 12.288 = 98.304 MHz, R = 98.304 / 12 = 8.192, PLLN = 8, PLLK = 3126E9h.
 */
import type { CodecSampleRate } from './audio-codec.js';
import { SYSCLKDIV_DIV2 } from './wm8960-registers.js';

export const WM8960_SYSCLK_HZ = 12_288_000;

/** The PLL's fixed post-divider ("fixed divide by 4" after f2). */
const PLL_FIXED_POST_DIVIDE = 4;
/** The datasheet asks for f2 between 90 and 100 MHz. */
const F2_MIN_HZ = 90_000_000;
const F2_MAX_HZ = 100_000_000;
/** "Use values greater than 5 and less than 13" for PLLN. */
const PLLN_MIN = 6;
const PLLN_MAX = 12;

export interface Wm8960PllSettings {
  /** 1 or 2: PLLPRESCALE = 0 or 1 (R52 bit 4). */
  readonly prescale: 1 | 2;
  /** 1 or 2: SYSCLKDIV = 00 or 10 (R4 bits 2:1). */
  readonly sysclkDivide: 1 | 2;
  /** PLLN, the integer part of R (R52 bits 3:0). */
  readonly n: number;
  /** PLLK, the 24-bit fraction of R (R53..R55). */
  readonly k: number;
  /** f2, the PLL output before the fixed ÷4. */
  readonly f2Hz: number;
}

/**
 * PLLN = int R and PLLK = int(2^24 × (R − PLLN)), R = f2 / f1 (datasheet "PLL").
 * Integer arithmetic, so the result is exact: for 24 MHz → 12.288 MHz this gives
 * 3221225 = 3126E9h (2^24 × 0.192 = 3221225.47). Several open drivers
 * that transcribe Table 45 use 3126E8h for this row; the one-LSB difference
 * is 7 parts per billion of the ratio. 3126E9h is also what the part resets
 * to for the identical 12 MHz → 12.288 MHz ratio (R52..R55 defaults).
 */
export function wm8960PllSettings(mclkHz: number, sysclkHz: number = WM8960_SYSCLK_HZ): Wm8960PllSettings {
  if (!Number.isInteger(mclkHz) || mclkHz <= 0) throw new RangeError(`WM8960: MCLK ${mclkHz} Hz is not a positive integer`);
  for (const sysclkDivide of [1, 2] as const) {
    const f2Hz = sysclkHz * PLL_FIXED_POST_DIVIDE * sysclkDivide;
    if (f2Hz < F2_MIN_HZ || f2Hz > F2_MAX_HZ) continue;
    for (const prescale of [1, 2] as const) {
      if (mclkHz % prescale !== 0) continue;
      const f1Hz = mclkHz / prescale;
      const n = Math.floor(f2Hz / f1Hz);
      if (n < PLLN_MIN || n > PLLN_MAX) continue;
      const remainder = f2Hz - n * f1Hz;
      const k = Math.floor((remainder * 2 ** 24) / f1Hz);
      return { prescale, sysclkDivide, n, k, f2Hz };
    }
  }
  throw new RangeError(
    `WM8960: no PLL setting makes ${sysclkHz} Hz SYSCLK from a ${mclkHz} Hz MCLK (needs f2 in 90-100 MHz and 6 <= PLLN <= 12)`,
  );
}

/** SYSCLKDIV register code for a divide ratio (Table 39: 00 = ÷1, 10 = ÷2). */
export function sysclkDivCode(divide: 1 | 2): number {
  return divide === 2 ? SYSCLKDIV_DIV2 : 0b00;
}

/**
 * ADCDIV / DACDIV codes (Table 39): the sample rate is SYSCLK / (256 × ratio).
 * With SYSCLK = 12.288 MHz: 48 kHz ÷1 (000), 16 kHz ÷3 (011), 8 kHz ÷6 (110).
 */
const RATE_DIVIDER_CODES: ReadonlyArray<readonly [ratio: number, code: number]> = [
  [1, 0b000],
  [1.5, 0b001],
  [2, 0b010],
  [3, 0b011],
  [4, 0b100],
  [5.5, 0b101],
  [6, 0b110],
];

export function sampleRateDividerCode(rate: number, sysclkHz: number = WM8960_SYSCLK_HZ): number {
  for (const [ratio, code] of RATE_DIVIDER_CODES) {
    if (sysclkHz === rate * 256 * ratio) return code;
  }
  throw new RangeError(`WM8960: ${rate} Hz is not SYSCLK ${sysclkHz} Hz / 256 / {1, 1.5, 2, 3, 4, 5.5, 6}`);
}

/** ADC_ALC_SR (R27 bits 2:0, Table 42): the ALC and ADC filters are told the rate. */
const ALC_SAMPLE_RATE_CODES: Readonly<Record<CodecSampleRate, number>> = {
  48000: 0b000,
  16000: 0b011,
  8000: 0b101,
};

export function adcAlcSampleRateCode(rate: CodecSampleRate): number {
  return ALC_SAMPLE_RATE_CODES[rate];
}
