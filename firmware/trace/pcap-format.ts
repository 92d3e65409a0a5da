/**
 * The classic libpcap file format (the format tcpdump writes; Wireshark,
 * tshark and sngrep all read it):
 *
 *   global header, 24 bytes: magic 0xA1B2C3D4 (microsecond timestamps),
 *     version 2.4, thiszone 0, sigfigs 0, snaplen, link-layer type
 *   per packet, 16 bytes: ts_sec, ts_usec, incl_len, orig_len, then the frame
 *
 * Written little-endian: a reader tells the byte order from how the magic
 * reads back (D4 C3 B2 A1 on disk). The link type is LINKTYPE_ETHERNET (1):
 * every reader handles it, sngrep included.
 */
export const PCAP_MAGIC = 0xa1b2c3d4;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const LINKTYPE_ETHERNET = 1;
export const PCAP_GLOBAL_HEADER = 24;
export const PCAP_RECORD_HEADER = 16;
/** tcpdump's default snapshot length. */
export const DEFAULT_SNAPLEN = 262144;

export function pcapGlobalHeader(linkType = LINKTYPE_ETHERNET, snapLength = DEFAULT_SNAPLEN): Buffer {
  const h = Buffer.alloc(PCAP_GLOBAL_HEADER);
  h.writeUInt32LE(PCAP_MAGIC, 0);
  h.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
  h.writeUInt16LE(PCAP_VERSION_MINOR, 6);
  h.writeInt32LE(0, 8); // thiszone: timestamps are UTC
  h.writeUInt32LE(0, 12); // sigfigs
  h.writeUInt32LE(snapLength, 16);
  h.writeUInt32LE(linkType, 20);
  return h;
}

/** A packet record: header and frame. `timeMs` is wall-clock milliseconds since the epoch (fractions kept to the µs). */
export function pcapRecord(frame: Uint8Array, timeMs: number, snapLength = DEFAULT_SNAPLEN): Buffer {
  const totalUs = Math.round(timeMs * 1000);
  const seconds = Math.floor(totalUs / 1_000_000);
  const micros = totalUs - seconds * 1_000_000;
  const included = Math.min(frame.length, snapLength);
  const h = Buffer.alloc(PCAP_RECORD_HEADER);
  h.writeUInt32LE(seconds >>> 0, 0);
  h.writeUInt32LE(micros, 4);
  h.writeUInt32LE(included, 8);
  h.writeUInt32LE(frame.length, 12);
  return Buffer.concat([h, frame.subarray(0, included)]);
}
