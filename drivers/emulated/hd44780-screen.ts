import { a00ToUnicode, A00_LAST_CGRAM_CODE } from '../lcd/a00-charset.js';
import { glyphForBitmap } from '../lcd/glyphs.js';

/** Shown for a user glyph whose pattern is not one of the named glyphs. */
export const UNKNOWN_GLYPH = '▯';

/**
 * How one character cell looks, as text: ROM codes as the A00 font draws
 * them; user codes (0x00..0x0F, 0x08..0x0F aliasing 0x00..0x07 in the 5x8
 * font) as the fallback of the named glyph whose pattern sits in CGRAM.
 */
export function renderCell(code: number, cgram: Uint8Array): string {
  if (code > A00_LAST_CGRAM_CODE) return a00ToUnicode(code);
  const base = (code & 0x07) * 8;
  const glyph = glyphForBitmap([...cgram.subarray(base, base + 8)]);
  return glyph?.fallback ?? UNKNOWN_GLYPH;
}
