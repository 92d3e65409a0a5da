/**
 * What reading a phonebook file yields and what importing it did. The
 * readers (csv-phonebook.ts, yealink-xml-phonebook.ts) never throw on bad
 * input: a fault in one contact skips that contact with its position and a
 * reason; a fault in the whole file (not UTF-8, not well-formed XML, no
 * usable header) is the `error` and nothing is imported.
 */
import { ConfigFileError, decodeConfigBytes } from '../../config/load.js';
import type { ContactInput } from './contact.js';

export interface ImportSkip {
  /** 1-based line in the file where the contact starts. */
  readonly line: number;
  /** 1-based position among the file's contact entries (XML), when the file has entries. */
  readonly entry?: number;
  readonly reason: string;
}

export interface ParsedContact {
  readonly line: number;
  readonly entry?: number;
  readonly contact: ContactInput;
}

/** A file read into contacts, before they meet the phonebook. */
export interface ParsedPhonebook {
  readonly contacts: readonly ParsedContact[];
  readonly skipped: readonly ImportSkip[];
  /** Set when the file as a whole could not be read: then `contacts` is empty. */
  readonly error?: string;
}

export interface ImportReport {
  readonly added: number;
  /** Every contact of the file that was not added, in file order. */
  readonly skipped: readonly ImportSkip[];
  /** The file as a whole was refused; nothing was changed. */
  readonly error?: string;
}

/** Files larger than a 1000-contact phonebook could plausibly be are refused before parsing. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

export function failedParse(error: string): ParsedPhonebook {
  return { contacts: [], skipped: [], error };
}

/** Where a skipped contact was: "line 7" or "entry 3 (line 12)". */
export function skipPosition(s: { readonly line: number; readonly entry?: number }): string {
  return s.entry === undefined ? `line ${s.line}` : `entry ${s.entry} (line ${s.line})`;
}

/** One line for the log or the screen, then one line per skipped contact. */
export function describeImport(source: string, report: ImportReport): string[] {
  if (report.error !== undefined) return [`${source}: not imported: ${report.error}`];
  return [
    `${source}: ${report.added} contact${report.added === 1 ? '' : 's'} added, ${report.skipped.length} skipped`,
    ...report.skipped.map((s) => `${source}: ${skipPosition(s)}: ${s.reason}`),
  ];
}

/**
 * The text of an imported file: strict UTF-8 (a bad sequence is named by its
 * line, as for a .cfg file), a byte order mark dropped. Returns the reason
 * instead of throwing.
 */
export function importText(source: string, input: string | Uint8Array): { text: string } | { error: string } {
  if (typeof input !== 'string' && input.byteLength > MAX_IMPORT_BYTES) {
    return { error: `the file is larger than ${MAX_IMPORT_BYTES} bytes` };
  }
  let text: string;
  try {
    text = typeof input === 'string' ? input : decodeConfigBytes(source, input);
  } catch (e) {
    // Its message is "<source>: line N is not valid UTF-8 text"; the report names the source itself.
    if (e instanceof ConfigFileError) return { error: e.message.replace(`${source}: `, '') };
    throw e;
  }
  if (text.length > MAX_IMPORT_BYTES) return { error: `the file is larger than ${MAX_IMPORT_BYTES} bytes` };
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}
