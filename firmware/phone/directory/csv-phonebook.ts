/**
 * A phonebook in a CSV file: a header row, then one contact a record.
 *
 * The header names the columns; order does not matter and unknown columns
 * are ignored, so the files other tools write are read as they are:
 *
 *   name,number                                         (this phone's web UI export)
 *   display_name,office_number,mobile_number,other_number,line,ring,group_id_name
 *                                                       (a Yealink local directory export)
 *   Name,Work,Mobile,Home                               (a spreadsheet)
 *
 * The name column is "name", "display name" or "full name" (any case, "_"
 * or "-" for the space); a number column is any header numberLabelOf()
 * gives a label; a "ring" column, when present, is the contact's ring tone.
 * Fields are trimmed. RFC 4180 rules and their faults: csv-records.ts.
 */
import { checkContact, numberLabelOf, type ContactNumber, type NumberLabel } from './contact.js';
import { readCsvRecords } from './csv-records.js';
import { failedParse, type ImportSkip, type ParsedContact, type ParsedPhonebook } from './import-report.js';

const NAME_HEADERS = new Set(['name', 'display name', 'displayname', 'full name', 'fullname', 'contact name']);
const RING_HEADERS = new Set(['ring', 'ring tone', 'ringtone']);

interface Columns {
  readonly name: number;
  readonly numbers: readonly { readonly index: number; readonly label: NumberLabel }[];
  readonly ring?: number;
}

function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/[_\-\s]+/g, ' ');
}

/** Which column holds what, or why the header is unusable. */
function columnsOf(header: readonly string[]): Columns | string {
  const keys = header.map(headerKey);
  const name = keys.findIndex((k) => NAME_HEADERS.has(k));
  if (name < 0) return `the header row (line 1) has no name column: ${JSON.stringify(header.join(','))}`;
  const ring = keys.findIndex((k) => RING_HEADERS.has(k));
  const numbers: { index: number; label: NumberLabel }[] = [];
  keys.forEach((k, index) => {
    // "Phone 1 - Type" names a kind of number, not a number.
    if (index === name || index === ring || /\b(type|label)\b/.test(k)) return;
    const label = numberLabelOf(k);
    if (label !== undefined) numbers.push({ index, label });
  });
  if (numbers.length === 0) return `the header row (line 1) has no number column: ${JSON.stringify(header.join(','))}`;
  return ring < 0 ? { name, numbers } : { name, numbers, ring };
}

export function readCsvPhonebook(text: string): ParsedPhonebook {
  const records = readCsvRecords(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const header = records[0];
  if (header === undefined) return failedParse('the file is empty');
  if (header.problem !== undefined) return failedParse(`the header row (line 1): ${header.problem}`);
  const columns = columnsOf(header.fields);
  if (typeof columns === 'string') return failedParse(columns);

  const contacts: ParsedContact[] = [];
  const skipped: ImportSkip[] = [];
  for (const record of records.slice(1)) {
    const { line, fields } = record;
    if (fields.every((f) => f.trim() === '')) continue;
    if (record.problem !== undefined) {
      skipped.push({ line, reason: record.problem });
      continue;
    }
    // RFC 4180 §2.4: "Each line should contain the same number of fields throughout the file."
    // More fields than the header is the mark of a quoting mistake: which field is which is unknown.
    if (fields.length > header.fields.length) {
      skipped.push({ line, reason: `${fields.length} fields where the header has ${header.fields.length}` });
      continue;
    }
    const numbers: ContactNumber[] = columns.numbers.map((c) => ({ label: c.label, number: fields[c.index] ?? '' }));
    const ring = columns.ring === undefined ? '' : (fields[columns.ring] ?? '');
    const checked = checkContact({ name: fields[columns.name] ?? '', numbers, ring });
    if (checked.ok) contacts.push({ line, contact: checked.contact });
    else skipped.push({ line, reason: checked.reason });
  }
  return { contacts, skipped };
}
