/**
 * Whether a downloaded file replaces the copy the phone has.
 *
 * The --config file is read line by line and a bad line is skipped
 * (cfg-parser.ts): a person is at the keyboard and reads the diagnostics.
 * Provisioning runs unattended on many phones at once, so a file with an
 * invalid line is refused whole, and the phone keeps its last good copy of
 * that file: half a file can leave a phone with a new server and an old
 * port, which is worse than yesterday's configuration. The status page and
 * the log carry each refused line (URL:line: why) for the person who fixes
 * the server.
 *
 * Unknown keys are warnings, not refusals: provisioning files written for
 * other Yealink models carry many settings this phone does not have. A body
 * that is not text (an HTML error page served as 200, a binary) fails the
 * "is it a .cfg at all" test: no version header and nothing usable in it.
 *
 * And as Yealink's guide describes ("If the MD5 values … are the same as those
 * of the last downloaded configuration files … The phone will complete auto
 * provisioning without repeated update"), a file whose content hash matches
 * the copy the phone has is not applied again, whatever its ETag.
 */
import { createHash } from 'node:crypto';
import { parseCfg, VERSION_HEADER, type ParsedCfg } from '../cfg-parser.js';
import { diagnostic, hasErrors, type ConfigDiagnostic } from '../diagnostics.js';

export function contentHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export type DownloadVerdict =
  | { readonly accept: true; readonly parsed: ParsedCfg; readonly text: string }
  | { readonly accept: false; readonly reason: string; readonly diagnostics: readonly ConfigDiagnostic[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function lineOfFirstBadByte(body: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x0a) {
      try {
        utf8.decode(body.subarray(start, i));
      } catch {
        return line;
      }
      line += 1;
      start = i + 1;
    }
  }
  return line;
}

/** Decodes, parses and judges a download; `name` (its URL) locates the diagnostics. */
export function judgeDownload(body: Uint8Array, name: string): DownloadVerdict {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    const d = diagnostic('error', name, lineOfFirstBadByte(body), 'not UTF-8 text');
    return { accept: false, reason: 'not a configuration file: not UTF-8 text', diagnostics: [d] };
  }
  const parsed = parseCfg(text, name);
  if (hasErrors(parsed.diagnostics)) {
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    return {
      accept: false,
      reason: `${errors.length} invalid line${errors.length === 1 ? '' : 's'} (first: ${errors[0]?.text ?? ''}); the last good copy stays in effect`,
      diagnostics: parsed.diagnostics,
    };
  }
  const hasHeader = text.replace(/^\uFEFF/, '').trimStart().startsWith('#!version:');
  if (!hasHeader && parsed.entries.length === 0 && text.trim() !== '') {
    return {
      accept: false,
      reason: `not a configuration file: no ${VERSION_HEADER} header and no setting in it`,
      diagnostics: parsed.diagnostics,
    };
  }
  return { accept: true, parsed, text };
}
