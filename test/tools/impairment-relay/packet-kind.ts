/**
 * Tells RTP from RTCP from anything else (SIP, STUN) on a relayed port, so
 * each stream is impaired and logged as its own flow.
 */

export type PacketKind =
  | { readonly kind: 'rtp'; readonly seq: number; readonly ssrc: number }
  | { readonly kind: 'rtcp' }
  | { readonly kind: 'other' };

const RTP_HEADER_BYTES = 12;

export function classifyPacket(packet: Uint8Array): PacketKind {
  const first = packet[0];
  const second = packet[1];
  // RFC 3550 §5.1: version 2 in the top two bits of the first byte. SIP
  // starts with an ASCII letter (top bits 01) and STUN with 00, so neither
  // passes this test.
  if (first === undefined || second === undefined || first >> 6 !== 2 || packet.length < RTP_HEADER_BYTES) {
    return { kind: 'other' };
  }
  // RFC 5761 §4: with RTP and RTCP on one port, a second byte of 192–223
  // (RTCP packet types 200–204 and their neighbours) marks RTCP; RTP payload
  // types 64–95 that would collide are not used.
  if (second >= 192 && second <= 223) return { kind: 'rtcp' };
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return { kind: 'rtp', seq: view.getUint16(2), ssrc: view.getUint32(8) };
}

/** The flow a packet belongs to within one direction: one per RTP SSRC, one for RTCP, one for the rest. */
export function flowKey(kind: PacketKind): string {
  switch (kind.kind) {
    case 'rtp':
      return `rtp:ssrc=0x${kind.ssrc.toString(16).padStart(8, '0')}`;
    case 'rtcp':
      return 'rtcp';
    case 'other':
      return 'other';
  }
}
