/**
 * Request-Line = Method SP Request-URI SP SIP-Version CRLF
 * Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * (RFC 3261 §7.1, §7.2, §25.1): the three elements are separated by single
 * SP characters and no CR or LF may appear before the final CRLF. So RFC 4475 §3.1.2.8 (lwsruri, a space inside the Request-URI) and
 * §3.1.2.9 (lwsstart, double spaces) are refused. Trailing whitespace after
 * the version (§3.1.2.10 trws) is accepted with a warning: the three elements
 * are unambiguous and a phone gains nothing by refusing the request.
 */
import { isToken } from './grammar.js';
import { SIP_VERSION } from './message.js';

export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: string; readonly version: string }
  | { readonly kind: 'response'; readonly version: string; readonly status: number; readonly reason: string };

export type StartLineResult =
  | { ok: true; line: StartLine; warnings: string[] }
  | { ok: false; reason: string; status: 400 | 505; isRequest: boolean };

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; case-insensitive, sent upper-case (§7.1). */
const VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;

export function parseStartLine(text: string): StartLineResult {
  if (/[\r\n]/.test(text)) return { ok: false, reason: 'Bare CR in start line', status: 400, isRequest: false };
  const firstSp = text.indexOf(' ');
  const firstWord = firstSp < 0 ? text : text.slice(0, firstSp);
  if (VERSION.test(firstWord)) return parseStatusLine(text);
  return parseRequestLine(text);
}

function parseStatusLine(text: string): StartLineResult {
  // Reason-Phrase may be empty (RFC 4475 §3.1.1.13 noreason) and holds any UTF-8 (§3.1.1.12 unreason).
  const m = /^(SIP\/[0-9]+\.[0-9]+) ([0-9]{3})(?: (.*))?$/i.exec(text);
  const code = Number(m?.[2]);
  if (m === null || code < 100 || code > 699) {
    return { ok: false, reason: 'Malformed Status-Line', status: 400, isRequest: false };
  }
  const version = (m[1] ?? '').toUpperCase();
  if (version !== SIP_VERSION) return { ok: false, reason: 'Version Not Supported', status: 505, isRequest: false };
  return { ok: true, line: { kind: 'response', version, status: code, reason: m[3] ?? '' }, warnings: [] };
}

function parseRequestLine(text: string): StartLineResult {
  const warnings: string[] = [];
  let line = text;
  const trimmed = line.replace(/[ \t]+$/, '');
  if (trimmed !== line) {
    warnings.push('Trailing whitespace after the Request-Line ignored');
    line = trimmed;
  }
  const parts = line.split(' ');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || p.includes('\t'))) {
    return { ok: false, reason: 'Malformed Request-Line', status: 400, isRequest: true };
  }
  const [method = '', uri = '', rawVersion = ''] = parts;
  if (!isToken(method) || !VERSION.test(rawVersion)) {
    return { ok: false, reason: 'Malformed Request-Line', status: 400, isRequest: true };
  }
  const version = rawVersion.toUpperCase();
  if (version !== SIP_VERSION) return { ok: false, reason: 'Version Not Supported', status: 505, isRequest: true };
  return { ok: true, line: { kind: 'request', method, uri, version }, warnings };
}

/**
 * Loose reading of a start line that failed: whitespace-separated method and
 * URI, so a 400 can still be built (RFC 4475 expects lwsstart etc. answered).
 */
export function looseRequestLine(text: string): { method: string; uri: string; version: string } | undefined {
  const parts = text.trim().split(/[ \t]+/);
  const [method = '', uri = '', version = ''] = parts;
  if (!isToken(method) || VERSION.test(method) || uri.length === 0) return undefined;
  return { method, uri, version };
}
