/**
 * Strict decimal literals for trace cells and model parameters: Number('')
 * is 0 and Number('0x10') is 16, either of which would turn a typo into a
 * silently different impairment.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number `text` spells, or undefined if it is not a plain decimal literal. */
export function parseDecimal(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}
