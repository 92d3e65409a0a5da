/**
 * The HD44780U character generator ROM, code A00 (the Japanese-standard
 * font fitted to nearly every module sold with a PCF8574 backpack), from
 * HD44780U datasheet Table 4 "Correspondence between Character Codes and
 * Character Patterns (ROM Code: A00)".
 *
 * Codes 0x00..0x0F are the CGRAM (user) characters, 0x08..0x0F aliasing
 * 0x00..0x07 in the 5x8 font. Columns 0x1_, 0x8_ and 0x9_ are empty in A00.
 * 0x20..0x7D are ASCII except 0x5C, which is '¥'; 0x7E/0x7F are arrows.
 * 0xA1..0xDF are JIS X 0201 half-width katakana (so U+FF61..U+FF9F map
 * one to one); 0xE0..0xFF are Greek letters, umlauts and symbols.
 */

/** The highest code of the CGRAM (user glyph) block, counting the 0x08..0x0F aliases. */
export const A00_LAST_CGRAM_CODE = 0x0f;

/** The code of '?', shown for a character the ROM lacks. */
export const A00_REPLACEMENT = 0x3f;

/**
 * Codes 0xE0..0xFF as a person reads them. Letters drawn with a descender
 * (0xE7 g, 0xEA j, 0xF0 p, 0xF1 q, 0xF9 y) and the two-part symbols 0xE9
 * (superscript -1) and 0xF8 (x with a bar) render as the nearest single
 * character; 0xFE is blank.
 */
const HIGH_BLOCK = 'αäβεμσρg√⁻jˣ¢£ñöpqθ∞ΩüΣπxy千万円÷ █';

/** One character per code, as the glyph looks (what the emulated screen shows). */
export function a00ToUnicode(code: number): string {
  // CGRAM codes (0x00..0x0F) have no fixed look; the caller renders those.
  if (code < 0x20 || (code >= 0x80 && code < 0xa1) || code > 0xff) return ' ';
  if (code === 0x5c) return '¥';
  if (code === 0x7e) return '→';
  if (code === 0x7f) return '←';
  if (code < 0x7e) return String.fromCharCode(code);
  // 0xDF is the katakana semi-voiced mark, a small raised circle that
  // displays use as the degree sign.
  if (code === 0xdf) return '°';
  if (code < 0xe0) return String.fromCharCode(0xff61 + (code - 0xa1));
  return HIGH_BLOCK[code - 0xe0] ?? ' ';
}

/** Characters outside ASCII that the ROM has, with their codes. */
const EXTRA: ReadonlyMap<string, number> = new Map<string, number>([
  ['¥', 0x5c],
  ['→', 0x7e],
  ['←', 0x7f],
  ['。', 0xa1],
  ['「', 0xa2],
  ['」', 0xa3],
  ['、', 0xa4],
  ['·', 0xa5],
  ['・', 0xa5],
  ['°', 0xdf],
  ['α', 0xe0],
  ['ä', 0xe1],
  ['β', 0xe2],
  ['ß', 0xe2],
  ['ε', 0xe3],
  ['\u03bc', 0xe4], // μ GREEK SMALL LETTER MU
  ['\u00b5', 0xe4], // µ MICRO SIGN
  ['σ', 0xe5],
  ['ρ', 0xe6],
  ['√', 0xe8],
  ['ˣ', 0xeb],
  ['¢', 0xec],
  ['£', 0xed],
  ['ñ', 0xee],
  ['ö', 0xef],
  ['θ', 0xf2],
  ['∞', 0xf3],
  ['\u03a9', 0xf4], // Ω GREEK CAPITAL LETTER OMEGA
  ['\u2126', 0xf4], // Ω OHM SIGN
  ['ü', 0xf5],
  ['Σ', 0xf6],
  ['∑', 0xf6],
  ['π', 0xf7],
  ['千', 0xfa],
  ['万', 0xfb],
  ['円', 0xfc],
  ['÷', 0xfd],
  ['█', 0xff],
]);

/** True for an ASCII character that A00 draws as itself (0x5C is '¥', 0x7E '→'). */
function isRomAscii(cp: number): boolean {
  return cp >= 0x20 && cp <= 0x7d && cp !== 0x5c;
}

/**
 * The ROM code for one character (a whole code point), or undefined when
 * A00 has nothing that reads as it. Accented Latin letters the ROM lacks
 * fall back to their base letter ('é' → 'e'), which reads better on a
 * caller-name line than '?'.
 */
export function unicodeToA00(ch: string): number | undefined {
  const cp = ch.codePointAt(0);
  if (cp === undefined) return undefined;
  if (isRomAscii(cp)) return cp;
  const extra = EXTRA.get(ch);
  if (extra !== undefined) return extra;
  if (cp >= 0xff61 && cp <= 0xff9f) return 0xa1 + (cp - 0xff61);
  const base = ch.normalize('NFD').codePointAt(0);
  if (base !== undefined && base !== cp && isRomAscii(base)) return base;
  return undefined;
}

/**
 * The bytes to write for `text`: U+0000..U+0007 select CGRAM slots, other
 * characters their ROM code or '?'. One code per code point, so a character
 * outside the BMP takes one cell, as it would if the ROM had it.
 */
export function encodeA00(text: string): number[] {
  const codes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? A00_REPLACEMENT;
    codes.push(cp <= 0x07 ? cp : (unicodeToA00(ch) ?? A00_REPLACEMENT));
  }
  return codes;
}
