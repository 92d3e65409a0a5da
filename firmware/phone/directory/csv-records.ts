/**
 * Splits CSV text into records as RFC 4180 §2 defines them, remembering the
 * line each record starts on so an import can say "line 7: …".
 *
 *   §2.4  fields are separated by commas
 *   §2.5  "Each field may or may not be enclosed in double quotes ... If
 *         fields are not enclosed with double quotes, then double quotes may
 *         not appear inside the fields."
 *   §2.6  "Fields containing line breaks (CRLF), double quotes, and commas
 *         should be enclosed in double-quotes."
 *   §2.7  "a double-quote appearing inside a field must be escaped by
 *         preceding it with another double quote."
 *
 * Records end with CRLF as §2.1 says, or with LF or CR alone as other tools
 * write them. A record that breaks §2.5–2.7 is still returned, with a
 * `problem`, so the caller can report it and go on with the next one.
 */

export interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
  /** Why the record is not valid RFC 4180, when it is not. */
  readonly problem?: string;
}

const UNQUOTED = /[^,\r\n]*/y;
const LINE_BREAK = /\r\n?|\n/g;

function lineBreaks(s: string): number {
  return s.match(LINE_BREAK)?.length ?? 0;
}

export function readCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let pos = 0;
  let line = 1;

  // One field from `pos`; returns the value and any §2.5–2.7 fault.
  const field = (): { value: string; problem?: string } => {
    if (text[pos] !== '"') {
      UNQUOTED.lastIndex = pos;
      const value = UNQUOTED.exec(text)?.[0] ?? '';
      pos += value.length;
      return value.includes('"') ? { value, problem: 'a double quote inside a field that is not quoted (RFC 4180 §2.5)' } : { value };
    }
    let value = '';
    let from = pos + 1;
    for (;;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) {
        value += text.slice(from);
        line += lineBreaks(text.slice(pos));
        pos = text.length;
        return { value, problem: 'a quoted field is never closed (RFC 4180 §2.7)' };
      }
      value += text.slice(from, quote);
      if (text[quote + 1] !== '"') {
        line += lineBreaks(text.slice(pos, quote));
        pos = quote + 1;
        break;
      }
      value += '"';
      from = quote + 2;
    }
    UNQUOTED.lastIndex = pos;
    const trailing = UNQUOTED.exec(text)?.[0] ?? '';
    if (trailing === '') return { value };
    pos += trailing.length;
    return { value: value + trailing, problem: 'text after the closing quote of a field (RFC 4180 §2.5)' };
  };

  while (pos < text.length) {
    const start = line;
    const fields: string[] = [];
    let problem: string | undefined;
    for (;;) {
      const f = field();
      fields.push(f.value);
      problem ??= f.problem;
      if (text[pos] !== ',') break;
      pos++;
    }
    if (text[pos] === '\r') pos += text[pos + 1] === '\n' ? 2 : 1;
    else if (text[pos] === '\n') pos++;
    line++;
    records.push(problem === undefined ? { line: start, fields } : { line: start, fields, problem });
  }
  return records;
}
