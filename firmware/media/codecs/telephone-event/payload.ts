/**
 * The RFC 4733 §2.3 event payload, four octets:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     event     |E|R| volume    |          duration             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * volume is the tone's power "expressed in dBm0 after dropping the sign"
 * (0 … 63, §2.3.4); duration is in RTP timestamp units since the event's
 * (or segment's) timestamp (§2.3.5). R is reserved: sent as 0, ignored.
 */

export interface TelephoneEventFields {
  /** Event code (§3.2 Table 3 for DTMF: 0–9, * = 10, # = 11, A–D = 12–15). */
  readonly event: number;
  /** E bit: this packet ends the event. */
  readonly end: boolean;
  /** Power level in −dBm0, 0 … 63. */
  readonly volume: number;
  /** Duration so far, in timestamp units, 0 … 0xFFFF. */
  readonly duration: number;
}

export const TELEPHONE_EVENT_PAYLOAD_BYTES = 4;

export function encodeTelephoneEvent(f: TelephoneEventFields): Uint8Array {
  if (!Number.isInteger(f.event) || f.event < 0 || f.event > 255) throw new RangeError(`event code ${f.event}`);
  if (!Number.isInteger(f.volume) || f.volume < 0 || f.volume > 63) throw new RangeError(`volume ${f.volume}`);
  if (!Number.isInteger(f.duration) || f.duration < 0 || f.duration > 0xffff) throw new RangeError(`duration ${f.duration}`);
  return Uint8Array.of(f.event, (f.end ? 0x80 : 0) | f.volume, f.duration >> 8, f.duration & 0xff);
}

/**
 * Reads the first event block of a payload. (§2.5.1.5 lets a packet carry
 * several consecutive events; this phone never sends that, and reads only
 * the first block of such a packet.)
 */
export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEventFields {
  if (payload.length < TELEPHONE_EVENT_PAYLOAD_BYTES) {
    throw new RangeError(`telephone-event payload of ${payload.length} octets, need ${TELEPHONE_EVENT_PAYLOAD_BYTES}`);
  }
  const flags = payload[1] ?? 0;
  return {
    event: payload[0] ?? 0,
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
  };
}

const DTMF = '0123456789*#ABCD';

/** RFC 4733 §3.2 Table 3: the event code of a DTMF key, or undefined. */
export function dtmfEventCode(key: string): number | undefined {
  const i = DTMF.indexOf(key.toUpperCase());
  return key.length === 1 && i >= 0 ? i : undefined;
}

/** The DTMF key of an event code 0–15, or undefined for other events. */
export function dtmfKey(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? DTMF[event] : undefined;
}
