/**
 * Telephone numbers as the directory compares them: policy as pure functions.
 *
 * People write "+44 20 7946 0000", "(020) 7946-0000" and "00442079460000"
 * for one line; a PBX sends "02079460000" in the From header. The directory
 * stores numbers as typed (that is what the screen shows) and compares them
 * in a dialable form.
 */
import { parseUri } from '../../sip/message/uri.js';

/**
 * RFC 3966 §5.1.1 visual-separators ("-" "." "(" ")"), plus the spaces and
 * "/" people type, removed; letters lower-cased so "Alice" finds "alice".
 */
export function dialableForm(number: string): string {
  return number.replace(/[\s\-.()/]/g, '').toLowerCase();
}

/**
 * How far the last digits must agree for two differently written numbers to
 * be the same line: seven digits — a subscriber number in most numbering
 * plans — so "+44 20 7946 0000" finds a contact stored as "020 7946 0000",
 * while extension "2001" never finds "12001".
 */
export const MIN_SUFFIX_DIGITS = 7;

/**
 * How well `a` matches `b`: 0 when they are not the same number, Infinity
 * when their dialable forms are equal, else the count of trailing digits
 * they share (at least `minSuffixDigits`). Higher is better, so a caller-ID
 * lookup takes the contact number with the highest strength.
 */
export function numberMatchStrength(a: string, b: string, minSuffixDigits = MIN_SUFFIX_DIGITS): number {
  const x = dialableForm(a);
  const y = dialableForm(b);
  if (x === '' || y === '') return 0;
  if (x === y) return Infinity;
  // International prefixes ("+", "00") and trunk prefixes ("0") differ at the front: compare from the end.
  const dx = x.replace(/^\+/, '');
  const dy = y.replace(/^\+/, '');
  if (!/^\d+$/.test(dx) || !/^\d+$/.test(dy)) return 0;
  let shared = 0;
  while (shared < dx.length && shared < dy.length && dx[dx.length - 1 - shared] === dy[dy.length - 1 - shared]) shared++;
  return shared >= minSuffixDigits ? shared : 0;
}

/**
 * The number to record and look up for a remote party's URI: the user part
 * of a sip:/sips: URI (without ";phone-context" or other user parameters,
 * RFC 3261 §19.1.1) or the telephone-subscriber of a tel: URI (RFC 3966
 * §3). Empty when the URI has none or does not parse.
 */
export function numberOfUri(uri: string): string {
  try {
    const parsed = parseUri(uri.trim());
    if (parsed.kind === 'tel') return parsed.number;
    if (parsed.kind === 'sip') return (parsed.user ?? '').split(';')[0] ?? '';
    return '';
  } catch {
    return '';
  }
}
