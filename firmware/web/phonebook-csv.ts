/**
 * The phonebook written as a CSV file (RFC 4180) for the web UI's export.
 * Reading one is the directory's job (phone/directory/csv-phonebook.ts), and
 * this file is written so that reader — and a Yealink's own CSV import, which
 * knows these column names from its export — takes it back whole:
 *
 *   display_name,office_number,mobile_number,other_number,ring
 *   "Smith, Alice",2001,+44 7700 900123,,
 *
 * A label column is repeated when a contact has more than one number with
 * that label ("other_number,other_number"); the reader takes every column
 * whose header names a label, so no number is lost. A contact's numbers come
 * back grouped by label, office first.
 */
import { NUMBER_LABELS, type Contact, type NumberLabel } from '../phone/directory/index.js';

export const PHONEBOOK_FILENAME = 'phonebook.csv';

/** RFC 4180 §2.6: "Fields containing line breaks (CRLF), double quotes, and commas should be enclosed in double-quotes"; §2.7: a quote inside is doubled. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** How many columns each label needs: its most numbers in one contact, at least one so the header always names every label. */
function labelColumns(contacts: readonly Contact[]): { label: NumberLabel; count: number }[] {
  return NUMBER_LABELS.map((label) => ({
    label,
    count: Math.max(1, ...contacts.map((c) => c.numbers.filter((n) => n.label === label).length)),
  }));
}

/** RFC 4180 §2.1: records end CRLF. */
export function formatContactsCsv(contacts: readonly Contact[]): string {
  const columns = labelColumns(contacts);
  const header = ['display_name', ...columns.flatMap((c) => Array<string>(c.count).fill(`${c.label}_number`)), 'ring'];
  const rows = contacts.map((contact) => [
    contact.name,
    ...columns.flatMap(({ label, count }) => {
      const numbers = contact.numbers.filter((n) => n.label === label).map((n) => n.number);
      return Array.from({ length: count }, (_, i) => numbers[i] ?? '');
    }),
    contact.ring ?? '',
  ]);
  return [header, ...rows].map((row) => `${row.map(field).join(',')}\r\n`).join('');
}
