/**
 * A synthetic Ethernet frame carrying one UDP datagram over IPv4 or IPv6, for
 * the pcap trace: what the wire would have carried, rebuilt from what the
 * transport saw (addresses, ports, payload), so Wireshark and sngrep decode it
 * as they would a capture.
 *
 * - Ethernet II (IEEE 802.3 §3.2.6 type field): 0x0800 IPv4, 0x86DD IPv6;
 *   the MAC addresses are made up (locally administered, 02:…:01 for this
 *   phone, 02:…:02 for the peer): the transport never sees them.
 * - IPv4 (RFC 791 §3.1): 20-byte header, DF set, TTL 64, identification
 *   counting up, and a correct header checksum.
 * - IPv6 (RFC 8200 §3): hop limit 64, no extension headers.
 * - UDP (RFC 768): length and checksum over the pseudo-header; a computed 0
 *   is sent as 0xFFFF. The checksum is optional over IPv4 but mandatory over
 *   IPv6 (RFC 8200 §8.1); it is always filled in, so no tool flags it.
 */
import { internetChecksum } from './internet-checksum.js';
import { mapToIpv6, type IpBytes } from './ip-address.js';

export const ETHERNET_HEADER = 14;
export const IPV4_HEADER = 20;
export const IPV6_HEADER = 40;
export const UDP_HEADER = 8;
/** IPv4 total length is 16 bits: 65535 - 20 - 8 bytes of payload at most. */
export const MAX_UDP_PAYLOAD_V4 = 0xffff - IPV4_HEADER - UDP_HEADER;
/** IPv6 payload length and UDP length are 16 bits: 65535 - 8. */
export const MAX_UDP_PAYLOAD_V6 = 0xffff - UDP_HEADER;

export const LOCAL_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x01);
export const REMOTE_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x02);

const PROTO_UDP = 17;

export interface UdpEndpoint {
  readonly ip: IpBytes;
  readonly port: number;
}

export interface UdpFrameInput {
  readonly source: UdpEndpoint;
  readonly destination: UdpEndpoint;
  readonly sourceMac: Uint8Array;
  readonly destinationMac: Uint8Array;
  readonly payload: Uint8Array;
  /** IPv4 identification field. */
  readonly identification: number;
}

function udpHeader(src: number, dst: number, payloadLength: number): Buffer {
  const h = Buffer.alloc(UDP_HEADER);
  h.writeUInt16BE(src, 0);
  h.writeUInt16BE(dst, 2);
  h.writeUInt16BE(UDP_HEADER + payloadLength, 4);
  return h;
}

function udpChecksum(pseudo: Uint8Array, udp: Buffer, payload: Uint8Array): number {
  const sum = internetChecksum(pseudo, udp, payload);
  // RFC 768: "If the computed checksum is zero, it is transmitted as all ones".
  return sum === 0 ? 0xffff : sum;
}

/** The frame; a payload too long for one datagram is cut to fit (`truncated` says so). */
export function buildUdpFrame(input: UdpFrameInput): { frame: Buffer; truncated: boolean } {
  const v6 = input.source.ip.family === 6 || input.destination.ip.family === 6;
  const src = v6 ? mapToIpv6(input.source.ip).bytes : input.source.ip.bytes;
  const dst = v6 ? mapToIpv6(input.destination.ip).bytes : input.destination.ip.bytes;
  const max = v6 ? MAX_UDP_PAYLOAD_V6 : MAX_UDP_PAYLOAD_V4;
  const payload = input.payload.length > max ? input.payload.subarray(0, max) : input.payload;
  const udpLength = UDP_HEADER + payload.length;

  const eth = Buffer.alloc(ETHERNET_HEADER);
  eth.set(input.destinationMac, 0);
  eth.set(input.sourceMac, 6);
  eth.writeUInt16BE(v6 ? 0x86dd : 0x0800, 12);

  const udp = udpHeader(input.source.port, input.destination.port, payload.length);
  let ip: Buffer;
  let pseudo: Buffer;
  if (v6) {
    ip = Buffer.alloc(IPV6_HEADER);
    ip.writeUInt32BE(0x60000000, 0); // version 6, traffic class 0, flow label 0
    ip.writeUInt16BE(udpLength, 4);
    ip[6] = PROTO_UDP;
    ip[7] = 64;
    ip.set(src, 8);
    ip.set(dst, 24);
    // RFC 8200 §8.1: source, destination, upper-layer length (32 bits), three zero bytes, next header.
    pseudo = Buffer.alloc(40);
    pseudo.set(src, 0);
    pseudo.set(dst, 16);
    pseudo.writeUInt32BE(udpLength, 32);
    pseudo[39] = PROTO_UDP;
  } else {
    ip = Buffer.alloc(IPV4_HEADER);
    ip[0] = 0x45; // version 4, IHL 5 words
    ip.writeUInt16BE(IPV4_HEADER + udpLength, 2);
    ip.writeUInt16BE(input.identification & 0xffff, 4);
    ip.writeUInt16BE(0x4000, 6); // DF, fragment offset 0
    ip[8] = 64;
    ip[9] = PROTO_UDP;
    ip.set(src, 12);
    ip.set(dst, 16);
    ip.writeUInt16BE(internetChecksum(ip), 10);
    // RFC 768 pseudo-header: source, destination, zero, protocol, UDP length.
    pseudo = Buffer.alloc(12);
    pseudo.set(src, 0);
    pseudo.set(dst, 4);
    pseudo[9] = PROTO_UDP;
    pseudo.writeUInt16BE(udpLength, 10);
  }
  udp.writeUInt16BE(udpChecksum(pseudo, udp, payload), 6);
  return { frame: Buffer.concat([eth, ip, udp, payload]), truncated: payload.length < input.payload.length };
}
