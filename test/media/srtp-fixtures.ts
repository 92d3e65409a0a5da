/**
 * Builders shared by the SRTP tests: plain RTP and RTCP packets with known
 * fields, and fixed keys, so each test states only what it varies.
 */
import { SrtpContext } from '../../firmware/media/srtp/srtp-context.js';
import type { SrtpContextOptions } from '../../firmware/media/srtp/srtp-context.js';
import type { SrtpSuiteName } from '../../firmware/media/srtp/crypto-suite.js';

export const MASTER_KEY = Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex');
export const MASTER_SALT = Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex');
export const SSRC = 0xcafebabe;

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** An RTP v2 packet (RFC 3550 §5.1), PT 0, with a payload whose octets count up from `fill`. */
export function rtpPacket(seq: number, options: { ssrc?: number; payloadLength?: number; fill?: number } = {}): Buffer {
  const payloadLength = options.payloadLength ?? 160;
  const packet = Buffer.alloc(12 + payloadLength);
  packet[0] = 0x80;
  packet[1] = 0x00;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 160) >>> 0, 4);
  packet.writeUInt32BE((options.ssrc ?? SSRC) >>> 0, 8);
  for (let n = 0; n < payloadLength; n++) packet[12 + n] = ((options.fill ?? 0) + n) & 0xff;
  return packet;
}

/** A receiver report (RFC 3550 §6.4.2) with one report block: 32 octets. */
export function rtcpReceiverReport(ssrc = SSRC): Buffer {
  const packet = Buffer.alloc(32);
  packet[0] = 0x81;
  packet[1] = 201;
  packet.writeUInt16BE(7, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  packet.writeUInt32BE(0x11223344, 8);
  packet.writeUInt32BE(0x00000001, 12);
  packet.writeUInt32BE(0x00001234, 16);
  packet.writeUInt32BE(5, 20);
  return packet;
}

export function context(
  suite: SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80',
  extra: Partial<SrtpContextOptions> = {},
): SrtpContext {
  return new SrtpContext({ suite, masterKey: MASTER_KEY, masterSalt: MASTER_SALT, ...extra });
}

/** Protects and insists it worked: the tests of the receiving side need good input. */
export function mustProtect(sender: SrtpContext, packet: Buffer): Buffer {
  const result = sender.protectRtp(packet);
  if (!result.ok) throw new Error(`protect failed: ${result.reason}`);
  return result.packet;
}

/** A deterministic RandomSource: octets counting up from `start`. */
export function countingRandom(start = 0): (size: number) => Buffer {
  let next = start;
  return (size) => Buffer.from(Array.from({ length: size }, () => next++ & 0xff));
}
