/**
 * The DTMF keypad of ITU-T Q.23 §3 / Table 1: each key sends one frequency of
 * the low group (rows) and one of the high group (columns).
 *
 *            1209  1336  1477  1633 Hz
 *     697     1     2     3     A
 *     770     4     5     6     B
 *     852     7     8     9     C
 *     941     *     0     #     D
 */

export const DTMF_LOW_GROUP_HZ = [697, 770, 852, 941] as const;
export const DTMF_HIGH_GROUP_HZ = [1209, 1336, 1477, 1633] as const;
export const DTMF_KEYPAD = ['123A', '456B', '789C', '*0#D'] as const;

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** All sixteen, in keypad order. */
export const DTMF_DIGITS: readonly DtmfDigit[] = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];

export function isDtmfDigit(text: string): text is DtmfDigit {
  return text.length === 1 && (DTMF_DIGITS as readonly string[]).includes(text);
}

/** The digit at a row (low-group index) and column (high-group index). */
export function dtmfDigitAt(row: number, column: number): DtmfDigit | undefined {
  const digit = DTMF_KEYPAD[row]?.[column];
  return digit !== undefined && isDtmfDigit(digit) ? digit : undefined;
}

/** The Q.23 frequency pair of a digit. */
export function dtmfFrequencies(digit: DtmfDigit): { readonly lowHz: number; readonly highHz: number } {
  for (let row = 0; row < DTMF_KEYPAD.length; row++) {
    const column = (DTMF_KEYPAD[row] ?? '').indexOf(digit);
    if (column >= 0) return { lowHz: DTMF_LOW_GROUP_HZ[row] ?? 0, highHz: DTMF_HIGH_GROUP_HZ[column] ?? 0 };
  }
  throw new RangeError(`"${String(digit)}" is not a DTMF digit`);
}
