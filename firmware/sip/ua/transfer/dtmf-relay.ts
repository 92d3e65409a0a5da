/**
 * application/dtmf-relay bodies: DTMF in SIP INFO (RFC 6086 carries the
 * INFO; the body format is the de-facto one of Cisco and every desk phone
 * that offers "SIP INFO" DTMF):
 *
 *   Signal=5\r\n
 *   Duration=160\r\n
 *
 * Signal is the key (0-9, *, #, A-D; some senders write the RFC 4733 event
 * code instead, 10 for * … 15 for D, which is read too); Duration is in
 * milliseconds. Keys are read case-insensitively, lines end in CRLF or LF.
 */
import type { MessageBody } from '../../message/index.js';

export const DTMF_RELAY_CONTENT_TYPE = 'application/dtmf-relay';

/** The keys in RFC 4733 §3.2 event-code order (0-9 = 0-9, * = 10, # = 11, A-D = 12-15). */
const KEYS = '0123456789*#ABCD';

/** The default tone length a desk phone sends: 160 ms (two RTP-event durations of 80 ms). */
export const DEFAULT_DTMF_DURATION_MS = 160;

export interface DtmfRelay {
  /** One of 0-9 * # A-D. */
  readonly signal: string;
  readonly durationMs: number;
}

export function formatDtmfRelay(dtmf: DtmfRelay): MessageBody {
  const signal = dtmf.signal.toUpperCase();
  if (signal.length !== 1 || !KEYS.includes(signal)) throw new RangeError(`not a DTMF key: ${JSON.stringify(dtmf.signal)}`);
  if (!Number.isInteger(dtmf.durationMs) || dtmf.durationMs <= 0) throw new RangeError(`bad DTMF duration ${dtmf.durationMs}`);
  return { contentType: DTMF_RELAY_CONTENT_TYPE, bytes: new TextEncoder().encode(`Signal=${signal}\r\nDuration=${dtmf.durationMs}\r\n`) };
}

/** The key and duration, or undefined when there is no readable Signal (Duration defaults to 160 ms when absent). */
export function parseDtmfRelay(body: Uint8Array | string): DtmfRelay | undefined {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const signal = signalOf(fields.get('signal'));
  if (signal === undefined) return undefined;
  const rawDuration = fields.get('duration');
  const durationMs = rawDuration !== undefined && /^[0-9]{1,6}$/.test(rawDuration) ? Number(rawDuration) : DEFAULT_DTMF_DURATION_MS;
  return { signal, durationMs: durationMs > 0 ? durationMs : DEFAULT_DTMF_DURATION_MS };
}

function signalOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const upper = raw.toUpperCase();
  if (upper.length === 1 && KEYS.includes(upper)) return upper;
  if (/^1[0-5]$/.test(raw)) return KEYS[Number(raw)];
  return undefined;
}
