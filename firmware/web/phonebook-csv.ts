/**
 * The phonebook as a CSV file (RFC 4180): a header line `name,number`, then
 * one contact a line; fields holding a comma, a quote or a line break are
 * quoted, quotes doubled. Lines end CRLF as RFC 4180 §2 says, and either end
 * is read. Up to 1000 contacts, as a Yealink T4x's local directory holds.
 */
import type { Contact } from './backend.js';

export const PHONEBOOK_FILENAME = 'phonebook.csv';
export const MAX_CONTACTS = 1000;
const MAX_NAME = 99;
const MAX_NUMBER = 64;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function formatContactsCsv(contacts: readonly Contact[]): string {
  return ['name,number', ...contacts.map((c) => `${quote(c.name)},${quote(c.number)}`)].map((l) => `${l}\r\n`).join('');
}

/** RFC 4180 §2 records; a quoted field may span lines. */
function records(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  while (i < body.length) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
}

export interface ParsedContacts {
  readonly contacts: readonly Contact[];
  /** "line 4: …" for each row left out. */
  readonly problems: readonly string[];
}

export function parseContactsCsv(text: string): ParsedContacts {
  const rows = records(text);
  const problems: string[] = [];
  const contacts: Contact[] = [];
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  const start = header !== undefined && header[0] === 'name' && header[1] === 'number' ? 1 : 0;
  for (let i = start; i < rows.length; i++) {
    const [name = '', number = '', ...extra] = rows[i].map((f) => f.trim());
    const where = `record ${i + 1}`;
    if (extra.some((f) => f !== '')) problems.push(`${where}: more than two fields, the rest ignored`);
    if (number === '') problems.push(`${where}: no number, left out`);
    else if (CONTROL.test(name) || CONTROL.test(number)) problems.push(`${where}: control characters, left out`);
    else if (name.length > MAX_NAME || number.length > MAX_NUMBER) problems.push(`${where}: name over ${MAX_NAME} or number over ${MAX_NUMBER} characters, left out`);
    else if (contacts.length >= MAX_CONTACTS) {
      problems.push(`more than ${MAX_CONTACTS} contacts: the rest is left out`);
      break;
    } else contacts.push({ name: name === '' ? number : name, number });
  }
  return { contacts, problems };
}
