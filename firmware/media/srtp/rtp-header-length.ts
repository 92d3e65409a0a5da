/**
 * Where an RTP packet's payload starts: the fixed header, the CSRC list and
 * the header extension (RFC 3550 §5.1, §5.3.1). SRTP encrypts from there on
 * (RFC 3711 §3.1) and leaves everything before it in the clear.
 *
 * Deliberately minimal and local so SRTP does not wait on the RTP parser in
 * firmware/media/rtp/; once that exists this should delegate to it.
 */

/** Octets of the fixed RTP header (RFC 3550 §5.1). */
export const RTP_FIXED_HEADER_LENGTH = 12;

/**
 * The header length in octets (12 + 4·CC, plus 4 + 4·length when X is set),
 * or undefined when the packet is not RTP version 2 or is shorter than the
 * header it announces.
 */
export function rtpHeaderLength(packet: Uint8Array): number | undefined {
  const first = packet[0];
  if (first === undefined || packet.length < RTP_FIXED_HEADER_LENGTH) return undefined;
  if (first >> 6 !== 2) return undefined;
  const csrcCount = first & 0x0f;
  let length = RTP_FIXED_HEADER_LENGTH + 4 * csrcCount;
  if ((first & 0x10) !== 0) {
    // Extension: 16-bit profile-defined word, then its length in 32-bit words.
    const high = packet[length + 2];
    const low = packet[length + 3];
    if (high === undefined || low === undefined) return undefined;
    length += 4 + 4 * ((high << 8) | low);
  }
  return length <= packet.length ? length : undefined;
}
