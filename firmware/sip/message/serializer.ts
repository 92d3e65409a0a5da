/**
 * SipMessage → bytes. Header lines are written in order, known names in
 * their canonical long form ("v" and "VIA" become "Via") or, with
 * `compact`, their compact form (§7.3.3, useful to stay under the UDP MTU,
 * §18.1.1); unknown names as received; values as stored. Content-Length is
 * always computed from the body, never copied (§20.14), in the place of the
 * first Content-Length line or at the end.
 */
import { canonicalHeaderName, compactHeaderName, headerKey } from './header-names.js';
import type { SipMessage } from './message.js';
import { formatUri } from './uri.js';

export interface SerializeOptions {
  /** Use compact header names where one exists. */
  readonly compact?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function startLine(message: SipMessage): string {
  return message.kind === 'request'
    ? `${message.method} ${formatUri(message.uri)} ${message.version}`
    : // A reason phrase may hold any text but CR and LF (§25.1 Reason-Phrase).
      `${message.version} ${message.status} ${message.reason.replace(/[\r\n]/g, ' ')}`;
}

/** The start line and headers, ending with the empty line. */
export function serializeHead(message: SipMessage, options: SerializeOptions = {}): string {
  const nameOf = (name: string): string =>
    (options.compact === true ? compactHeaderName(name) : undefined) ?? canonicalHeaderName(name);
  const lines = [startLine(message)];
  const contentLength = `${nameOf('Content-Length')}: ${message.body.length}`;
  let lengthWritten = false;
  for (const { name, value } of message.headers) {
    if (headerKey(name) === 'content-length') {
      if (!lengthWritten) lines.push(contentLength);
      lengthWritten = true;
      continue;
    }
    lines.push(`${nameOf(name)}: ${value}`);
  }
  if (!lengthWritten) lines.push(contentLength);
  return lines.join('\r\n') + '\r\n\r\n';
}

export function serialize(message: SipMessage, options: SerializeOptions = {}): Uint8Array {
  const head = encoder.encode(serializeHead(message, options));
  const out = new Uint8Array(head.length + message.body.length);
  out.set(head, 0);
  out.set(message.body, head.length);
  return out;
}

/** The message as text, for logs and traces (the body decoded as UTF-8). */
export function messageToString(message: SipMessage): string {
  return serializeHead(message) + decoder.decode(message.body);
}
