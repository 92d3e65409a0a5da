/**
 * message/sipfrag bodies (RFC 3420) as the refer event package uses them
 * (RFC 3515 §2.4.5): "Each NOTIFY MUST contain a body of type
 * "message/sipfrag" [...] The body of a NOTIFY MUST begin with a SIP
 * Response Status-Line". Only that Status-Line is read; any header lines
 * after it are ignored (the transferee may add none, RFC 3515 §2.4.5:
 * "The NOTIFY MAY contain [...] additional SIP header fields").
 */
import { SIP_VERSION } from './message.js';
import { reasonPhrase } from './reason-phrases.js';
import { parseStartLine } from './start-line.js';

/** RFC 3420 §3: version 2.0 is that of the SIP the fragment follows. */
export const SIPFRAG_CONTENT_TYPE = 'message/sipfrag;version=2.0';

export interface SipfragStatus {
  readonly status: number;
  readonly reason: string;
}

const dec = new TextDecoder();

/** "SIP/2.0 180 Ringing\r\n": a sipfrag holding only a Status-Line (RFC 3420 §2: start line alone is a valid fragment). */
export function formatSipfragStatus(status: number, reason: string = reasonPhrase(status)): string {
  if (!Number.isInteger(status) || status < 100 || status > 699) throw new RangeError(`not a SIP status: ${status}`);
  return `${SIP_VERSION} ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\n`;
}

/** The Status-Line a sipfrag begins with; undefined when it begins with anything else (a request line, garbage). */
export function parseSipfragStatus(body: Uint8Array | string): SipfragStatus | undefined {
  const text = typeof body === 'string' ? body : dec.decode(body);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const parsed = parseStartLine(firstLine);
  if (!parsed.ok || parsed.line.kind !== 'response') return undefined;
  return { status: parsed.line.status, reason: parsed.line.reason };
}
