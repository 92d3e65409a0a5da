/**
 * Text as the HD44780 ROM can draw it. Code A00 (HD44780U datasheet
 * Table 4) has ASCII 0x20..0x7D except 0x5C, which it draws as '¥', and
 * draws 0x7E/0x7F as arrows; it has no accented capitals and only a few
 * accented small letters. Screens therefore keep to printable ASCII without
 * '\' and '~': accented letters lose their accent ('é' → 'e', the base
 * letter reads better on a caller-name line than '?'), a few letters and
 * punctuation marks with no decomposition have an ASCII spelling, and
 * anything else becomes '?', one per character so widths stay true.
 */

const SPELLED: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['Æ', 'AE'],
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['ø', 'o'],
  ['Ø', 'O'],
  ['đ', 'd'],
  ['Đ', 'D'],
  ['ð', 'd'],
  ['Ð', 'D'],
  ['ł', 'l'],
  ['Ł', 'L'],
  ['þ', 'th'],
  ['Þ', 'Th'],
  ['ı', 'i'],
  ['…', '...'],
  ['\u2013', '-'], // EN DASH
  ['\u2014', '-'], // EM DASH
  ['\u2018', "'"],
  ['\u2019', "'"],
  ['\u201c', '"'],
  ['\u201d', '"'],
  ['\u00a0', ' '], // NO-BREAK SPACE
  ['\\', '/'], // A00 0x5C is '¥'
  ['~', '-'], // A00 0x7E is '→'
]);

/** Combining diacritical marks (U+0300..U+036F), left over after NFD. */
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const COMBINING_MARK = /^[\u0300-\u036f]$/;

function isDrawable(cp: number): boolean {
  return cp >= 0x20 && cp <= 0x7d && cp !== 0x5c;
}

/** One character (a code point) as drawable ASCII. */
function mapCharacter(ch: string): string {
  const spelled = SPELLED.get(ch);
  if (spelled !== undefined) return spelled;
  const cp = ch.codePointAt(0) ?? 0;
  if (isDrawable(cp)) return ch;
  // Tabs, newlines and other controls would move the LCD's write position.
  if (cp < 0x20) return ' ';
  const base = ch.normalize('NFD').replace(COMBINING_MARKS, '');
  return base.length > 0 && [...base].every((c) => isDrawable(c.codePointAt(0) ?? 0)) ? base : '?';
}

/** `text` in characters every HD44780 A00 ROM draws as themselves. */
export function toLcdText(text: string): string {
  let out = '';
  // A lone combining mark (one after a base letter already mapped) adds nothing.
  for (const ch of text.normalize('NFC')) out += COMBINING_MARK.test(ch) ? '' : mapCharacter(ch);
  return out;
}

/** True when `text` needs no mapping: what layouts' literal text must be. */
export function isLcdText(text: string): boolean {
  return [...text].every((c) => isDrawable(c.codePointAt(0) ?? 0));
}
