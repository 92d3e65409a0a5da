/**
 * The local phonebook: contacts with up to a few labelled numbers, found by
 * name or number, the name shown for an incoming call's number, and imports
 * from CSV and Yealink XML files. Up to 1000 contacts, as a Yealink T4x's
 * local directory holds.
 *
 * Stored in `phonebook.json` in the data directory (directory-file.ts):
 *
 *   { "format": "deskphone.phonebook", "version": 1, "nextId": 3,
 *     "contacts": [ { "id": 1, "name": "Alice", "numbers": [ { "label": "office", "number": "2001" } ] }, … ] }
 */
import { TypedEmitter } from '../../sip/ua/typed-emitter.js';
import { checkContact, NUMBER_LABELS, sameContact, type Contact, type ContactInput, type ContactNumber } from './contact.js';
import { readCsvPhonebook } from './csv-phonebook.js';
import { DirectoryFile, type DirectoryStoreOptions, type DocumentKind } from './directory-file.js';
import { failedParse, importText, type ImportReport, type ImportSkip, type ParsedPhonebook } from './import-report.js';
import { compareNames, nameMatchesPrefix } from './name-search.js';
import { dialableForm, numberMatchStrength } from './phone-number.js';
import { readYealinkXmlPhonebook } from './yealink-xml-phonebook.js';

export const PHONEBOOK_DOCUMENT: DocumentKind = { fileName: 'phonebook.json', what: 'phonebook', format: 'deskphone.phonebook', version: 1 };
export const PHONEBOOK_FILE = PHONEBOOK_DOCUMENT.fileName;
/** Yealink T4x local directory: "up to 1000 contacts". */
export const DEFAULT_MAX_CONTACTS = 1000;

export interface PhonebookOptions extends DirectoryStoreOptions {
  readonly maxContacts?: number;
}

export type ContactEdit = { readonly ok: true; readonly contact: Contact } | { readonly ok: false; readonly reason: string };

/** Whose number a call came from, and which of the contact's numbers it was. */
export interface CallerMatch {
  readonly contact: Contact;
  readonly number: ContactNumber;
}

export interface ImportOptions {
  /** Replace the whole phonebook with the file's contacts (as a provisioned Yealink contact file does); default: add to it. */
  readonly replace?: boolean;
  /** The file's name, for messages. */
  readonly source?: string;
}

/** A contact from the stored file, or why it is not one. A number label this firmware does not know is read as "other". */
function readStoredContact(value: unknown): Contact | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'number' || !Number.isSafeInteger(v.id) || v.id < 1) return 'bad id';
  if (typeof v.name !== 'string' || !Array.isArray(v.numbers)) return 'no name or numbers';
  const numbers: ContactNumber[] = [];
  for (const n of v.numbers as unknown[]) {
    if (typeof n !== 'object' || n === null) return 'bad number';
    const { label, number } = n as Record<string, unknown>;
    if (typeof number !== 'string') return 'bad number';
    const known = NUMBER_LABELS.find((l) => l === label);
    numbers.push({ label: known ?? 'other', number });
  }
  if (v.ring !== undefined && typeof v.ring !== 'string') return 'bad ring';
  const checked = checkContact(typeof v.ring === 'string' ? { name: v.name, numbers, ring: v.ring } : { name: v.name, numbers });
  return checked.ok ? { id: v.id, ...checked.contact } : checked.reason;
}

export class Phonebook {
  /** Fires after every change. */
  readonly changes = new TypedEmitter<void>();
  /** The one message about a damaged or unreadable file at open(), also logged; undefined when all was well. */
  readonly loadMessage: string | undefined;
  private readonly byId = new Map<number, Contact>();
  private nextId = 1;
  /** Contacts in name order, rebuilt after a change. */
  private sorted: readonly Contact[] | undefined;

  private constructor(
    private readonly file: DirectoryFile,
    private readonly maxContacts: number,
    message: string | undefined,
  ) {
    this.loadMessage = message;
    file.attach(() => ({ nextId: this.nextId, contacts: [...this.byId.values()] }));
  }

  /** Loads the stored phonebook; a damaged file gives an empty phonebook and a loadMessage, never an exception. */
  static async open(options: PhonebookOptions): Promise<Phonebook> {
    const max = options.maxContacts ?? DEFAULT_MAX_CONTACTS;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`maxContacts ${max} must be a whole number of at least 1`);
    const file = new DirectoryFile({ ...options, ...PHONEBOOK_DOCUMENT });
    const load = await file.load();
    const stored = Array.isArray(load.members?.contacts) ? (load.members.contacts as unknown[]) : [];
    const contacts: Contact[] = [];
    for (const value of stored) {
      const contact = readStoredContact(value);
      if (typeof contact !== 'string' && !contacts.some((c) => c.id === contact.id)) contacts.push(contact);
    }
    const phonebook = new Phonebook(file, max, file.report(load, stored.length - contacts.length));
    for (const contact of contacts.slice(0, max)) phonebook.byId.set(contact.id, Object.freeze(contact));
    const storedNext = load.members?.nextId;
    const maxId = Math.max(0, ...contacts.map((c) => c.id));
    phonebook.nextId = Math.max(maxId + 1, typeof storedNext === 'number' && Number.isSafeInteger(storedNext) ? storedNext : 1);
    return phonebook;
  }

  get size(): number {
    return this.byId.size;
  }

  /** All contacts in name order. */
  contacts(): readonly Contact[] {
    this.sorted ??= [...this.byId.values()].sort((a, b) => compareNames(a.name, b.name) || a.id - b.id);
    return this.sorted;
  }

  get(id: number): Contact | undefined {
    return this.byId.get(id);
  }

  add(input: ContactInput): ContactEdit {
    this.file.assertOpen();
    const checked = checkContact(input);
    if (!checked.ok) return checked;
    if (this.byId.size >= this.maxContacts) return { ok: false, reason: `the phonebook is full (${this.maxContacts} contacts)` };
    const contact = this.store(checked.contact);
    this.changed();
    return { ok: true, contact };
  }

  edit(id: number, input: ContactInput): ContactEdit {
    this.file.assertOpen();
    if (!this.byId.has(id)) return { ok: false, reason: `no contact ${id}` };
    const checked = checkContact(input);
    if (!checked.ok) return checked;
    const contact: Contact = Object.freeze({ id, ...checked.contact });
    this.byId.set(id, contact);
    this.changed();
    return { ok: true, contact };
  }

  delete(id: number): boolean {
    this.file.assertOpen();
    if (!this.byId.delete(id)) return false;
    this.changed();
    return true;
  }

  /** Contacts whose name, or a word of it, starts with `prefix` (case and accents ignored), in name order; all for "". */
  searchByName(prefix: string): Contact[] {
    return this.contacts().filter((c) => nameMatchesPrefix(c.name, prefix));
  }

  /** Contacts with a number containing `digits` (separators ignored), in name order; none for "". */
  searchByNumber(digits: string): Contact[] {
    const query = dialableForm(digits);
    if (query === '') return [];
    return this.contacts().filter((c) => c.numbers.some((n) => dialableForm(n.number).includes(query)));
  }

  /**
   * The contact to name on the screen for a call from `number` (see
   * numberMatchStrength: the same dialable number, else the same last seven
   * digits or more); the best match wins, ties go to the first in name order.
   */
  lookup(number: string): CallerMatch | undefined {
    let best: CallerMatch | undefined;
    let bestStrength = 0;
    for (const contact of this.contacts()) {
      for (const n of contact.numbers) {
        const strength = numberMatchStrength(number, n.number);
        if (strength > bestStrength) {
          best = { contact, number: n };
          bestStrength = strength;
        }
      }
    }
    return best;
  }

  /** Imports a CSV file (csv-phonebook.ts); never throws over the file's contents. */
  importCsv(input: string | Uint8Array, options: ImportOptions = {}): ImportReport {
    return this.importFile(input, { source: 'CSV file', ...options }, readCsvPhonebook);
  }

  /** Imports a Yealink remote or local phonebook XML file (yealink-xml-phonebook.ts); never throws over the file's contents. */
  importYealinkXml(input: string | Uint8Array, options: ImportOptions = {}): ImportReport {
    return this.importFile(input, { source: 'XML file', ...options }, readYealinkXmlPhonebook);
  }

  /**
   * Adds (or with `replace`, puts in place of the phonebook) the contacts a
   * reader found. A contact equal to one already there or earlier in the
   * file is skipped, as are those past the phonebook's capacity. A replace
   * that would leave the phonebook empty changes nothing.
   */
  importParsed(parsed: ParsedPhonebook, options: ImportOptions = {}): ImportReport {
    this.file.assertOpen();
    if (parsed.error !== undefined) return { added: 0, skipped: [], error: parsed.error };
    const skipped: ImportSkip[] = [...parsed.skipped];
    const kept: ContactInput[] = options.replace === true ? [] : [...this.byId.values()];
    const accepted: ContactInput[] = [];
    for (const { line, entry, contact } of parsed.contacts) {
      const at = entry === undefined ? { line } : { line, entry };
      if (kept.some((c) => sameContact(c, contact))) skipped.push({ ...at, reason: 'already in the phonebook or earlier in the file' });
      else if (kept.length >= this.maxContacts) skipped.push({ ...at, reason: `the phonebook is full (${this.maxContacts} contacts)` });
      else {
        kept.push(contact);
        accepted.push(contact);
      }
    }
    skipped.sort((a, b) => a.line - b.line);
    if (options.replace === true && accepted.length === 0) {
      return { added: 0, skipped, error: 'no contact in the file could be imported; the phonebook was left as it was' };
    }
    if (options.replace === true) this.byId.clear();
    for (const contact of accepted) this.store(contact);
    if (accepted.length > 0) this.changed();
    return { added: accepted.length, skipped };
  }

  /** Writes pending changes now; resolves once they are durable. */
  async flush(): Promise<void> {
    await this.file.flush();
  }

  /** Writes pending changes and closes the phonebook: later changes throw. */
  async dispose(): Promise<void> {
    this.changes.clear();
    await this.file.dispose();
  }

  private importFile(input: string | Uint8Array, options: ImportOptions, read: (text: string) => ParsedPhonebook): ImportReport {
    const text = importText(options.source ?? 'file', input);
    return this.importParsed('text' in text ? read(text.text) : failedParse(text.error), options);
  }

  private store(input: ContactInput): Contact {
    const contact: Contact = Object.freeze({ id: this.nextId++, ...input });
    this.byId.set(contact.id, contact);
    return contact;
  }

  private changed(): void {
    this.sorted = undefined;
    this.file.changed();
    this.changes.emit();
  }
}
