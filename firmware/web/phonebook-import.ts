/**
 * A phonebook file uploaded on the web page: which kind it is, and what the
 * answer tells the admin about the import.
 */
import { describeImport, type ImportReport } from '../phone/directory/index.js';
import type { PhonebookFormat } from './backend.js';

/**
 * An XML document starts with "<" (its declaration, a comment or the root
 * element; XML 1.0 §2.1, white space allowed before it here as editors leave
 * it); a CSV phonebook starts with its header row, which names a column.
 */
export function phonebookFormatOf(text: string): PhonebookFormat {
  return /^\uFEFF?\s*</.test(text) ? 'yealink-xml' : 'csv';
}

const SOURCE_NAME: Readonly<Record<PhonebookFormat, string>> = { csv: 'CSV file', 'yealink-xml': 'Yealink XML file' };

export interface PhonebookImportAnswer {
  readonly format: PhonebookFormat;
  readonly added: number;
  readonly skipped: ImportReport['skipped'];
  /** "CSV file: 2 contacts added, 1 skipped", then "CSV file: line 4: no number" for each skipped contact. */
  readonly messages: readonly string[];
}

/**
 * What the page shows; undefined `error` means the phonebook was replaced.
 * A refused file still lists its skipped contacts: when none could be
 * imported, they are why.
 */
export function importAnswer(format: PhonebookFormat, report: ImportReport): PhonebookImportAnswer & { readonly error?: string } {
  const source = SOURCE_NAME[format];
  const { error, ...counts } = report;
  const [summary = '', ...skips] = describeImport(source, counts);
  const answer = { format, added: report.added, skipped: report.skipped };
  if (error === undefined) return { ...answer, messages: [summary, ...skips] };
  const refusal = describeImport(source, report)[0] ?? error;
  return { ...answer, messages: [refusal, ...skips], error: refusal };
}
