/**
 * The RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1,
 * §5.3.1), read from and written to a datagram.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 *
 * Parsing never throws: a datagram off the network is untrusted, so every
 * length is checked against the bytes actually there and a refusal comes
 * back as { ok: false, reason }.
 */

export const RTP_VERSION = 2;
/** §5.1: the fixed header is 12 octets. */
export const RTP_FIXED_HEADER_LENGTH = 12;

/** §5.3.1: a 16-bit profile-defined value, then the extension's own length in 32-bit words. */
export interface RtpHeaderExtension {
  /** "defined by profile" (0xBEDE for RFC 8285 one-byte headers, 0x100x for two-byte). */
  readonly profile: number;
  /** The extension body, a multiple of 4 octets, without its 4-octet header. */
  readonly data: Uint8Array;
}

export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension?: RtpHeaderExtension;
  /** Padding octets at the end (including the count octet itself); 0 when P is clear. */
  readonly paddingLength: number;
  /** The payload, a view into the parsed datagram (no copy). */
  readonly payload: Uint8Array;
}

export type RtpParseResult =
  | { readonly ok: true; readonly packet: RtpPacket }
  | { readonly ok: false; readonly reason: string };

function refuse(reason: string): RtpParseResult {
  return { ok: false, reason };
}

/**
 * RFC 5761 §4: an RTP packet whose second octet is 200..204 (marker set,
 * PT 72..76) cannot be told from RTCP SR/RR/SDES/BYE/APP on a shared port, and
 * RFC 3550 A.1 says the payload type "must not be equal to SR or RR".
 */
function collidesWithRtcp(secondOctet: number): boolean {
  return secondOctet >= 200 && secondOctet <= 204;
}

export function parseRtp(datagram: Uint8Array): RtpParseResult {
  const length = datagram.length;
  if (length < RTP_FIXED_HEADER_LENGTH) {
    return refuse(`truncated: ${length} octets is shorter than the ${RTP_FIXED_HEADER_LENGTH}-octet fixed header`);
  }
  const view = new DataView(datagram.buffer, datagram.byteOffset, length);
  const first = view.getUint8(0);
  const second = view.getUint8(1);
  const version = first >> 6;
  if (version !== RTP_VERSION) return refuse(`version ${version}, not 2`);
  if (collidesWithRtcp(second)) return refuse(`second octet ${second} is an RTCP packet type (RFC 5761 §4)`);

  const hasPadding = (first & 0x20) !== 0;
  const hasExtension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;

  let offset = RTP_FIXED_HEADER_LENGTH;
  if (offset + 4 * csrcCount > length) {
    return refuse(`CSRC count ${csrcCount} runs past the end of a ${length}-octet packet`);
  }
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(view.getUint32(offset + 4 * i));
  offset += 4 * csrcCount;

  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    if (offset + 4 > length) return refuse('X bit set but the header extension header runs past the end');
    const profile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    const start = offset + 4;
    const end = start + 4 * words;
    if (end > length) return refuse(`header extension of ${words} words runs past the end of a ${length}-octet packet`);
    extension = { profile, data: datagram.subarray(start, end) };
    offset = end;
  }

  let paddingLength = 0;
  if (hasPadding) {
    // §5.1: "The last octet of the padding contains a count of how many
    // padding octets should be ignored, including itself" — so at least 1,
    // and never more than what follows the header.
    paddingLength = view.getUint8(length - 1);
    if (paddingLength === 0) return refuse('P bit set but the padding count is 0');
    if (paddingLength > length - offset) {
      return refuse(`padding count ${paddingLength} is larger than the ${length - offset} octets after the header`);
    }
  }

  return {
    ok: true,
    packet: {
      marker: (second & 0x80) !== 0,
      payloadType: second & 0x7f,
      sequenceNumber: view.getUint16(2),
      timestamp: view.getUint32(4),
      ssrc: view.getUint32(8),
      csrcs,
      ...(extension ? { extension } : {}),
      paddingLength,
      payload: datagram.subarray(offset, length - paddingLength),
    },
  };
}

/** What serializeRtp needs; the optional parts default to absent. */
export interface RtpPacketFields {
  readonly marker?: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs?: readonly number[];
  readonly extension?: RtpHeaderExtension;
  /** Padding octets to append, count octet included (1..255); 0 or absent for none. */
  readonly paddingLength?: number;
  readonly payload: Uint8Array;
}

function checkUint(name: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`RTP ${name} ${value} is not a ${bits}-bit unsigned integer`);
  }
}

/**
 * Writes a packet. Throws RangeError on fields our own code got wrong (a
 * 17-bit sequence number, 16 CSRCs, an extension that is not whole words):
 * those are bugs, not network input.
 */
export function serializeRtp(fields: RtpPacketFields): Uint8Array {
  const csrcs = fields.csrcs ?? [];
  const paddingLength = fields.paddingLength ?? 0;
  checkUint('payload type', fields.payloadType, 7);
  checkUint('sequence number', fields.sequenceNumber, 16);
  checkUint('timestamp', fields.timestamp, 32);
  checkUint('SSRC', fields.ssrc, 32);
  if (csrcs.length > 15) throw new RangeError(`RTP carries at most 15 CSRCs, not ${csrcs.length}`);
  csrcs.forEach((c) => checkUint('CSRC', c, 32));
  checkUint('padding length', paddingLength, 8);
  const ext = fields.extension;
  if (ext) {
    checkUint('extension profile', ext.profile, 16);
    if (ext.data.length % 4 !== 0) throw new RangeError('RTP header extension data must be whole 32-bit words');
    checkUint('extension length (words)', ext.data.length / 4, 16);
  }

  const headerLength = RTP_FIXED_HEADER_LENGTH + 4 * csrcs.length + (ext ? 4 + ext.data.length : 0);
  const out = new Uint8Array(headerLength + fields.payload.length + paddingLength);
  const view = new DataView(out.buffer);
  view.setUint8(
    0,
    (RTP_VERSION << 6) | (paddingLength > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length,
  );
  view.setUint8(1, (fields.marker === true ? 0x80 : 0) | fields.payloadType);
  view.setUint16(2, fields.sequenceNumber);
  view.setUint32(4, fields.timestamp);
  view.setUint32(8, fields.ssrc);
  let offset = RTP_FIXED_HEADER_LENGTH;
  for (const c of csrcs) {
    view.setUint32(offset, c);
    offset += 4;
  }
  if (ext) {
    view.setUint16(offset, ext.profile);
    view.setUint16(offset + 2, ext.data.length / 4);
    out.set(ext.data, offset + 4);
    offset += 4 + ext.data.length;
  }
  out.set(fields.payload, offset);
  if (paddingLength > 0) out[out.length - 1] = paddingLength;
  return out;
}
