/**
 * A minimal classic-pcap reader for the trace tests: written from the format
 * description (pcap-format.ts cites it), not from the writer, so the tests
 * check the bytes rather than the writer against itself.
 */
import assert from 'node:assert/strict';

export interface PcapPacket {
  readonly seconds: number;
  readonly micros: number;
  readonly included: number;
  readonly original: number;
  readonly frame: Buffer;
}

export interface PcapFile {
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snapLength: number;
  readonly linkType: number;
  readonly packets: PcapPacket[];
}

export function readPcap(bytes: Buffer): PcapFile {
  assert.ok(bytes.length >= 24, 'shorter than a global header');
  assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4, 'little-endian microsecond magic');
  const packets: PcapPacket[] = [];
  let at = 24;
  while (at < bytes.length) {
    assert.ok(at + 16 <= bytes.length, `record header cut at ${at}`);
    const included = bytes.readUInt32LE(at + 8);
    assert.ok(at + 16 + included <= bytes.length, `record cut at ${at}`);
    packets.push({
      seconds: bytes.readUInt32LE(at),
      micros: bytes.readUInt32LE(at + 4),
      included,
      original: bytes.readUInt32LE(at + 12),
      frame: bytes.subarray(at + 16, at + 16 + included),
    });
    at += 16 + included;
  }
  return {
    versionMajor: bytes.readUInt16LE(4),
    versionMinor: bytes.readUInt16LE(6),
    snapLength: bytes.readUInt32LE(16),
    linkType: bytes.readUInt32LE(20),
    packets,
  };
}

/** The UDP payload of an Ethernet/IPv4 or Ethernet/IPv6 frame. */
export function udpPayload(frame: Buffer): Buffer {
  const type = frame.readUInt16BE(12);
  const ipHeader = type === 0x0800 ? (frame[14] ?? 0x45) & 0x0f : 10;
  return frame.subarray(14 + ipHeader * 4 + 8);
}
