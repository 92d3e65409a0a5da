/**
 * A log record as an RFC 5424 syslog message (§6):
 *
 *   SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]
 *   HEADER     = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 *
 *   <134>1 2024-05-01T12:00:00.000Z phone-1 deskphone 4242 sip.transport - dropped a datagram from=10.0.0.9:5060
 *
 * - PRI (§6.2.1): "calculated by first multiplying the Facility number by 8
 *   and then adding the numerical value of the Severity"; facility 16 is local0.
 * - VERSION is 1 (§6.2.2).
 * - TIMESTAMP (§6.2.3): RFC 3339 with a "T" and upper case, at most six
 *   fraction digits; this phone writes UTC milliseconds with "Z".
 * - HOSTNAME, APP-NAME, PROCID, MSGID are PRINTUSASCII (%d33-126) of at most
 *   255, 48, 128 and 32 characters, or "-" (NILVALUE). MSGID is the module.
 * - STRUCTURED-DATA is "-", or, when an SD-ID is configured, one element
 *   holding the fields: [id key="value" …] with '"', '\' and ']' escaped in
 *   values (§6.3.3). A private SD-ID must be name@<enterprise number> (§7.2.2).
 * - MSG (§6.4): the message and its fields. UTF-8 text "MUST start with the
 *   Unicode byte order mask (BOM)"; plain ASCII is sent without one.
 *
 * Over UDP each datagram is one message and no octet count is sent (RFC 5426
 * §3.1). Receivers "SHOULD be able to receive messages of up to and including
 * 2048 octets" (§3.2), so longer messages are cut to that size, on a
 * character boundary.
 */
import { SYSLOG_SEVERITY } from './levels.js';
import { escapeControls, fieldKey, formatFields, type LogFields, type LogRecord } from './log-record.js';

export const NILVALUE = '-';
export const SYSLOG_VERSION = 1;
/** RFC 5424 §6.2.1 Table 1: local0. */
export const FACILITY_LOCAL0 = 16;
export const DEFAULT_MAX_OCTETS = 2048;

export interface SyslogHeaderOptions {
  /** 0..23 (RFC 5424 §6.2.1 Table 1). */
  readonly facility: number;
  readonly hostname: string;
  readonly appName: string;
  /** The process id, or undefined for "-". */
  readonly procId?: string;
  /** Put the fields in one SD-ELEMENT with this SD-ID instead of in MSG. */
  readonly structuredDataId?: string;
  /** Largest message, in octets (RFC 5426 §3.2). */
  readonly maxOctets?: number;
}

/** PRIVAL = facility * 8 + severity (§6.2.1), 0..191. */
export function priority(facility: number, severity: number): number {
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new RangeError(`facility ${facility} is not 0..23`);
  if (!Number.isInteger(severity) || severity < 0 || severity > 7) throw new RangeError(`severity ${severity} is not 0..7`);
  return facility * 8 + severity;
}

/** A header field: PRINTUSASCII only (others become "_"), at most `max` characters, "-" when empty. */
export function headerField(text: string | undefined, max: number): string {
  if (text === undefined || text === '') return NILVALUE;
  const printable = text.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable === '' ? NILVALUE : printable;
}

/** TIMESTAMP (§6.2.3): "2024-05-01T12:00:00.000Z". */
export function syslogTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** SD-NAME (§6.3.2): PRINTUSASCII except '=', SP, ']', '"'; at most 32 characters. */
export function sdName(text: string): string {
  const cleaned = text.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32);
  return cleaned === '' ? '_' : cleaned;
}

/** PARAM-VALUE (§6.3.3): '"', '\' and ']' escaped with a backslash. */
export function sdParamValue(text: string): string {
  return text.replace(/["\\\]]/g, (c) => `\\${c}`);
}

export function structuredData(id: string | undefined, fields: LogFields): string {
  if (id === undefined) return NILVALUE;
  const params = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${sdName(fieldKey(k))}="${sdParamValue(v === null ? '-' : String(v))}"`);
  return `[${[sdName(id), ...params].join(' ')}]`;
}

const BOM = '\uFEFF';
const encoder = new TextEncoder();

/** Cuts `text` to at most `octets` UTF-8 octets without splitting a character. */
export function cutToOctets(text: string, octets: number): string {
  if (encoder.encode(text).length <= octets) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (used + size > octets) break;
    out += ch;
    used += size;
  }
  return out;
}

export function formatSyslogMessage(record: LogRecord, options: SyslogHeaderOptions): string {
  const pri = priority(options.facility, SYSLOG_SEVERITY[record.level]);
  const header = [
    `<${pri}>${SYSLOG_VERSION}`,
    syslogTimestamp(record.time),
    headerField(options.hostname, 255),
    headerField(options.appName, 48),
    headerField(options.procId, 128),
    headerField(record.module, 32),
  ].join(' ');
  const sd = structuredData(options.structuredDataId, record.fields);
  const fields = options.structuredDataId === undefined ? formatFields(record.fields) : '';
  const text = escapeControls(record.message) + (fields === '' ? '' : ` ${fields}`);
  // eslint-disable-next-line no-control-regex
  const msg = /^[\x00-\x7f]*$/.test(text) ? text : BOM + text;
  const head = `${header} ${sd}`;
  if (msg === '') return head;
  const room = (options.maxOctets ?? DEFAULT_MAX_OCTETS) - encoder.encode(head).length - 1;
  return room <= 0 ? head : `${head} ${cutToOctets(msg, room)}`;
}
