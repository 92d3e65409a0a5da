/**
 * A phonebook contact and the rules a contact must meet, wherever it comes
 * from (the keypad, the web UI, an imported file, the stored phonebook).
 *
 * The three number labels are the three number fields of a Yealink local
 * contact (office_number, mobile_number, other_number).
 */

export type NumberLabel = 'office' | 'mobile' | 'other';

export const NUMBER_LABELS: readonly NumberLabel[] = ['office', 'mobile', 'other'];

export interface ContactNumber {
  readonly label: NumberLabel;
  /** As typed: "+44 20 7946 0000"; phone-number.ts compares numbers in dialable form. */
  readonly number: string;
}

/** A contact as it is entered or imported. */
export interface ContactInput {
  readonly name: string;
  readonly numbers: readonly ContactNumber[];
  /** Ring tone for calls from this contact, as Yealink names them ("Ring3.wav"); absent: the phone's own. */
  readonly ring?: string;
}

/** A stored contact: `id` is given by the phonebook and stays the same across edits and restarts. */
export interface Contact extends ContactInput {
  readonly id: number;
}

/** Field limits of a Yealink T4x local contact (name 99 characters), numbers as long as a SIP URI user part gets in practice. */
export const MAX_NAME_LENGTH = 99;
export const MAX_NUMBER_LENGTH = 64;
export const MAX_RING_LENGTH = 64;
export const MAX_NUMBERS_PER_CONTACT = 8;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export type ContactCheck = { readonly ok: true; readonly contact: ContactInput } | { readonly ok: false; readonly reason: string };

/**
 * Trims the fields, drops empty numbers, and says what is wrong when the
 * contact cannot be stored. Used alike for typed, imported and loaded contacts.
 */
export function checkContact(input: ContactInput): ContactCheck {
  const refuse = (reason: string): ContactCheck => ({ ok: false, reason });
  const name = input.name.trim();
  if (name === '') return refuse('no name');
  if (CONTROL.test(name)) return refuse('control characters in the name');
  if (name.length > MAX_NAME_LENGTH) return refuse(`name longer than ${MAX_NAME_LENGTH} characters`);
  const numbers: ContactNumber[] = [];
  for (const n of input.numbers) {
    const number = n.number.trim();
    if (number === '') continue;
    if (CONTROL.test(number)) return refuse(`control characters in number "${number.replace(CONTROL, '?')}"`);
    if (number.length > MAX_NUMBER_LENGTH) return refuse(`number longer than ${MAX_NUMBER_LENGTH} characters`);
    if (!/[0-9A-Za-z*#]/.test(number)) return refuse(`"${number}" is not a number`);
    numbers.push({ label: n.label, number });
  }
  if (numbers.length === 0) return refuse('no number');
  if (numbers.length > MAX_NUMBERS_PER_CONTACT) return refuse(`more than ${MAX_NUMBERS_PER_CONTACT} numbers`);
  const ring = input.ring?.trim() ?? '';
  if (CONTROL.test(ring) || ring.length > MAX_RING_LENGTH) return refuse('unusable ring tone name');
  // Yealink files say ring="Auto" for "the phone's own ring tone", as an absent ring does here.
  const own = ring === '' || ring.toLowerCase() === 'auto';
  return { ok: true, contact: own ? { name, numbers } : { name, numbers, ring } };
}

/** Same name (ignoring case) and the same numbers: an import that meets one again skips it. */
export function sameContact(a: ContactInput, b: ContactInput): boolean {
  const key = (c: ContactInput): string =>
    [c.name.toLowerCase(), ...c.numbers.map((n) => `${n.label}:${n.number}`).sort()].join('\n');
  return key(a) === key(b);
}

/**
 * The label a column header or a number's label attribute stands for:
 * "Mobile", "mobile_number", "Cell" → mobile; "Office", "Work", "Business"
 * → office; "Home", "Other" → other; a plain "Number", "Phone" or
 * "Telephone" is the desk line → office. Undefined for a word that names no
 * number.
 */
export function numberLabelOf(words: string): NumberLabel | undefined {
  const tokens = words.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t !== '');
  const has = (...ws: string[]): boolean => ws.some((w) => tokens.includes(w));
  if (has('mobile', 'cell', 'cellphone', 'handy')) return 'mobile';
  if (has('office', 'work', 'business', 'extension')) return 'office';
  if (has('home', 'other', 'private')) return 'other';
  if (has('number', 'phone', 'telephone', 'tel')) return 'office';
  return undefined;
}
