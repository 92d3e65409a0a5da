/**
 * Yealink .cfg text → validated settings plus diagnostics. Never throws: a
 * bad line is reported and skipped, and the rest of the file still applies —
 * a phone that refused a whole provisioning file over one typo would be
 * worse than one that keeps every setting it understood.
 *
 * The format, as Yealink's Auto Provisioning Guide describes it:
 * - The first line is `#!version:1.0.0.1` ("not a comment and must be placed
 *   in the first line"). Missing or different: a warning, the file still loads.
 * - "The line beginning with '#' is considered to be a comment." Only '#':
 *   a line starting with ';' (an INI habit) gets a warning and is ignored.
 * - Every other non-blank line is `key = value`: spaces around '=' optional,
 *   the value is the rest of the line, trimmed; no quotes, no trailing comment.
 *   An empty value resets the key to its default (setting-entry.ts).
 * - A key twice in one file: the later line wins, with a warning.
 * - A UTF-8 byte order mark and CRLF line ends are accepted.
 */
import { diagnostic, type ConfigDiagnostic } from './diagnostics.js';
import { checkSetting, type SettingEntry } from './setting-entry.js';

export const VERSION_HEADER = '#!version:1.0.0.1';

/** A parsed file: usable directly as a configuration layer. */
export interface ParsedCfg {
  /** The file name diagnostics and `source()` report. */
  readonly name: string;
  /** One entry a key, the later line winning, in the order of their lines. */
  readonly entries: readonly SettingEntry[];
  readonly diagnostics: readonly ConfigDiagnostic[];
}

/** Splits on CRLF, LF or a lone CR, after dropping a byte order mark. */
export function splitLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  // A final line end does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function checkHeader(first: string | undefined, file: string): ConfigDiagnostic | undefined {
  const line = (first ?? '').trim();
  if (line === VERSION_HEADER) return undefined;
  if (line.startsWith('#!version:')) {
    return diagnostic('warning', file, 1, `unexpected header ${line} (expected ${VERSION_HEADER}); reading the file anyway`);
  }
  return diagnostic('warning', file, 1, `missing ${VERSION_HEADER} header on the first line; reading the file anyway`);
}

export function parseCfg(text: string, file: string): ParsedCfg {
  const lines = splitLines(text);
  const diagnostics: ConfigDiagnostic[] = [];
  const header = checkHeader(lines[0], file);
  if (header !== undefined) diagnostics.push(header);

  const byKey = new Map<string, SettingEntry>();
  lines.forEach((rawLine, i) => {
    const lineNo = i + 1;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith(';')) {
      diagnostics.push(diagnostic('warning', file, lineNo, 'a line starting with ";" is not a comment in a .cfg file (use "#"); ignored'));
      return;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (key === '') {
      diagnostics.push(diagnostic('warning', file, lineNo, `not a "key = value" line, ignored: ${line}`));
      return;
    }
    const checked = checkSetting(key, line.slice(eq + 1), lineNo);
    if (!checked.ok) {
      const severity = checked.kind === 'unknown-key' ? 'warning' : 'error';
      diagnostics.push(diagnostic(severity, file, lineNo, checked.message, key));
      return;
    }
    for (const w of checked.warnings) diagnostics.push(diagnostic('warning', file, lineNo, w, key));
    const entry = checked.entry;
    const earlier = byKey.get(entry.key);
    if (earlier !== undefined) {
      diagnostics.push(
        diagnostic(
          'warning',
          file,
          lineNo,
          `${entry.key} is set again (first on line ${earlier.line ?? '?'}); this line wins`,
          entry.key,
        ),
      );
      byKey.delete(entry.key);
    }
    byKey.set(entry.key, entry);
  });
  return { name: file, entries: [...byKey.values()], diagnostics };
}
