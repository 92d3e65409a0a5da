/**
 * RTCP packets (RFC 3550 §6.4–§6.7) and compound packets (§6.1): SR, RR with
 * report blocks, SDES, BYE and APP; any other packet type (RTPFB, PSFB, XR …)
 * is carried through as opaque bytes so the reports around it still count.
 *
 * Every RTCP packet starts with the same 4 octets:
 *
 *  0                   1                   2                   3
 * |V=2|P|  count  |      PT       |             length            |
 *
 * where "length" is "the length of this RTCP packet in 32-bit words minus
 * one, including the header and any padding" (§6.4.1).
 *
 * Parsing never throws; a refusal says why. Serializing throws RangeError on
 * fields our own code got wrong.
 */
import type { NtpTimestamp } from './ntp.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

/** §6.5 SDES item types. */
export const SDES_END = 0;
export const SDES_CNAME = 1;
export const SDES_NAME = 2;
export const SDES_EMAIL = 3;
export const SDES_PHONE = 4;
export const SDES_LOC = 5;
export const SDES_TOOL = 6;
export const SDES_NOTE = 7;
export const SDES_PRIV = 8;

/** §6.4.1 report block: 24 octets about one source this participant hears. */
export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous report, 8-bit fixed point (lost/expected × 256). */
  readonly fractionLost: number;
  /** Cumulative number of packets lost, 24-bit signed. */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles in the high 16 bits). */
  readonly extendedHighestSeq: number;
  /** Interarrival jitter in RTP timestamp units. */
  readonly jitter: number;
  /** LSR: middle 32 bits of the NTP timestamp of the last SR from the source, 0 if none. */
  readonly lastSr: number;
  /** DLSR: delay since that SR arrived, in 1/65536 s, 0 if none. */
  readonly delaySinceLastSr: number;
}

/** §6.4.1 sender info. */
export interface SenderInfo {
  readonly ntp: NtpTimestamp;
  /** The same instant as `ntp`, in the sender's RTP timestamp units and offset. */
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  /** Payload octets sent (no headers or padding). */
  readonly octetCount: number;
}

export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  readonly senderInfo: SenderInfo;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension after the report blocks, if any. */
  readonly profileExtension?: Uint8Array;
}

export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  readonly profileExtension?: Uint8Array;
}

/**
 * One SDES item. `prefix` is used only by PRIV (§6.5.8), whose value is a
 * length-prefixed prefix string followed by the value string.
 */
export interface SdesItem {
  readonly type: number;
  readonly text: string;
  readonly prefix?: string;
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

export interface SourceDescription {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

export interface Goodbye {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
  readonly reason?: string;
}

/** §6.7 APP: passed through for whoever understands the name. */
export interface AppPacket {
  readonly type: 'app';
  /** The 5-bit subtype in the count field. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  /** Application data, whole 32-bit words. */
  readonly data: Uint8Array;
}

/** A packet type this module does not interpret (RFC 4585 feedback, RFC 3611 XR …). */
export interface OtherRtcpPacket {
  readonly type: 'other';
  readonly packetType: number;
  /** The 5-bit count/format field. */
  readonly count: number;
  /** Everything after the 4-octet header, padding excluded. */
  readonly body: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | AppPacket | OtherRtcpPacket;

export type RtcpParseResult =
  | { readonly ok: true; readonly packets: readonly RtcpPacket[]; readonly paddingLength: number }
  | { readonly ok: false; readonly reason: string };

export interface RtcpCompoundOptions {
  /**
   * RFC 5506 reduced-size RTCP (only when negotiated with a=rtcp-rsize):
   * the first packet need not be SR or RR, and no CNAME is required.
   */
  readonly reducedSize?: boolean;
  /**
   * §6.1: "Each compound RTCP packet MUST include … An SDES packet
   * containing a CNAME item". Defaults to true, false with reducedSize.
   */
  readonly requireCname?: boolean;
}

const REPORT_BLOCK_LENGTH = 24;
const SENDER_INFO_LENGTH = 20;

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

type BodyResult<T> = { readonly ok: true; readonly packet: T } | { readonly ok: false; readonly reason: string };

function readReportBlocks(view: DataView, offset: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const at = offset + i * REPORT_BLOCK_LENGTH;
    const lossWord = view.getUint32(at + 4);
    const lost24 = lossWord & 0xffffff;
    blocks.push({
      ssrc: view.getUint32(at),
      fractionLost: lossWord >>> 24,
      cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
      extendedHighestSeq: view.getUint32(at + 8),
      jitter: view.getUint32(at + 12),
      lastSr: view.getUint32(at + 16),
      delaySinceLastSr: view.getUint32(at + 20),
    });
  }
  return blocks;
}

/** The octets after the report blocks, if any (§6.4.1 "profile-specific extensions"). */
function extensionAfter(body: Uint8Array, offset: number): { profileExtension?: Uint8Array } {
  return offset < body.length ? { profileExtension: body.subarray(offset) } : {};
}

function parseSr(body: Uint8Array, view: DataView, count: number): BodyResult<SenderReport> {
  const need = 4 + SENDER_INFO_LENGTH + count * REPORT_BLOCK_LENGTH;
  if (body.length < need) return { ok: false, reason: `SR with ${count} report blocks needs ${need} octets, has ${body.length}` };
  const end = 4 + SENDER_INFO_LENGTH + count * REPORT_BLOCK_LENGTH;
  return {
    ok: true,
    packet: {
      type: 'sr',
      ssrc: view.getUint32(0),
      senderInfo: {
        ntp: { seconds: view.getUint32(4), fraction: view.getUint32(8) },
        rtpTimestamp: view.getUint32(12),
        packetCount: view.getUint32(16),
        octetCount: view.getUint32(20),
      },
      reports: readReportBlocks(view, 4 + SENDER_INFO_LENGTH, count),
      ...extensionAfter(body, end),
    },
  };
}

function parseRr(body: Uint8Array, view: DataView, count: number): BodyResult<ReceiverReport> {
  const need = 4 + count * REPORT_BLOCK_LENGTH;
  if (body.length < need) return { ok: false, reason: `RR with ${count} report blocks needs ${need} octets, has ${body.length}` };
  return {
    ok: true,
    packet: { type: 'rr', ssrc: view.getUint32(0), reports: readReportBlocks(view, 4, count), ...extensionAfter(body, need) },
  };
}

/** §6.5: chunks of SSRC + items, each chunk's item list ended by null octets up to a word boundary. */
function parseSdes(body: Uint8Array, view: DataView, count: number): BodyResult<SourceDescription> {
  const chunks: SdesChunk[] = [];
  let offset = 0;
  for (let c = 0; c < count; c++) {
    if (offset + 4 > body.length) return { ok: false, reason: `SDES chunk ${c + 1} of ${count} runs past the end` };
    const ssrc = view.getUint32(offset);
    offset += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (offset >= body.length) return { ok: false, reason: `SDES chunk ${c + 1} has no end-of-items null octet` };
      const type = body[offset] ?? SDES_END;
      if (type === SDES_END) break;
      if (offset + 2 > body.length) return { ok: false, reason: `SDES item in chunk ${c + 1} runs past the end` };
      const length = body[offset + 1] ?? 0;
      const start = offset + 2;
      if (start + length > body.length) return { ok: false, reason: `SDES item of ${length} octets runs past the end` };
      const value = body.subarray(start, start + length);
      if (type === SDES_PRIV) {
        const prefixLength = value[0] ?? 0;
        if (length < 1 || 1 + prefixLength > length) return { ok: false, reason: 'SDES PRIV prefix runs past its item' };
        items.push({
          type,
          prefix: utf8.decode(value.subarray(1, 1 + prefixLength)),
          text: utf8.decode(value.subarray(1 + prefixLength)),
        });
      } else {
        items.push({ type, text: utf8.decode(value) });
      }
      offset = start + length;
    }
    // Skip the null item and the nulls padding to the next 32-bit boundary.
    offset = (offset + 4) & ~3;
    if (offset > body.length) return { ok: false, reason: `SDES chunk ${c + 1} padding runs past the end` };
    chunks.push({ ssrc, items });
  }
  return { ok: true, packet: { type: 'sdes', chunks } };
}

function parseBye(body: Uint8Array, view: DataView, count: number): BodyResult<Goodbye> {
  if (body.length < 4 * count) return { ok: false, reason: `BYE with ${count} sources needs ${4 * count} octets, has ${body.length}` };
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(view.getUint32(4 * i));
  const offset = 4 * count;
  if (offset >= body.length) return { ok: true, packet: { type: 'bye', ssrcs } };
  // §6.6: "Optionally, the BYE packet MAY include an 8-bit octet count
  // followed by that many octets of text indicating the reason for leaving".
  const length = body[offset] ?? 0;
  if (offset + 1 + length > body.length) return { ok: false, reason: `BYE reason of ${length} octets runs past the end` };
  return { ok: true, packet: { type: 'bye', ssrcs, reason: utf8.decode(body.subarray(offset + 1, offset + 1 + length)) } };
}

function parseApp(body: Uint8Array, view: DataView, count: number): BodyResult<AppPacket> {
  if (body.length < 8) return { ok: false, reason: `APP needs at least 8 octets after its header, has ${body.length}` };
  let name = '';
  for (let i = 4; i < 8; i++) name += String.fromCharCode(body[i] ?? 0);
  return { ok: true, packet: { type: 'app', subtype: count, ssrc: view.getUint32(0), name, data: body.subarray(8) } };
}

function parseBody(packetType: number, count: number, body: Uint8Array): BodyResult<RtcpPacket> {
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  switch (packetType) {
    case RTCP_SR:
      return parseSr(body, view, count);
    case RTCP_RR:
      return parseRr(body, view, count);
    case RTCP_SDES:
      return parseSdes(body, view, count);
    case RTCP_BYE:
      return parseBye(body, view, count);
    case RTCP_APP:
      return parseApp(body, view, count);
    default:
      return { ok: true, packet: { type: 'other', packetType, count, body } };
  }
}

function refuse(reason: string): RtcpParseResult {
  return { ok: false, reason };
}

/**
 * Parses and validates a compound RTCP packet as RFC 3550 A.2 does: the first
 * packet is an SR or RR with version 2 and no padding (unless it is also the
 * last), every packet is version 2, only the last may be padded, and the
 * packet lengths add up exactly to the datagram. Then each packet's own
 * contents are checked against its length, and (unless relaxed) a CNAME must
 * be present.
 */
export function parseRtcpCompound(datagram: Uint8Array, options: RtcpCompoundOptions = {}): RtcpParseResult {
  const reducedSize = options.reducedSize ?? false;
  const requireCname = options.requireCname ?? !reducedSize;
  const total = datagram.length;
  if (total < 4) return refuse(`truncated: ${total} octets is shorter than an RTCP header`);
  if (total % 4 !== 0) return refuse(`${total} octets is not a whole number of 32-bit words`);
  const view = new DataView(datagram.buffer, datagram.byteOffset, total);

  const firstType = view.getUint8(1);
  if (!reducedSize && firstType !== RTCP_SR && firstType !== RTCP_RR) {
    return refuse(`first packet is type ${firstType}, not SR (200) or RR (201)`);
  }

  const packets: RtcpPacket[] = [];
  let paddingLength = 0;
  let offset = 0;
  let index = 0;
  while (offset < total) {
    index += 1;
    if (offset + 4 > total) return refuse(`packet ${index} header runs past the end`);
    const first = view.getUint8(offset);
    const version = first >> 6;
    if (version !== 2) return refuse(`packet ${index} has version ${version}, not 2`);
    const padded = (first & 0x20) !== 0;
    const count = first & 0x1f;
    const packetType = view.getUint8(offset + 1);
    const length = 4 * (view.getUint16(offset + 2) + 1);
    const end = offset + length;
    if (end > total) return refuse(`packet ${index} length ${length} runs past the end of ${total} octets`);
    const isLast = end === total;
    let bodyEnd = end;
    if (padded) {
      // §6.4.1: "padding should only be applied, if it is needed, to the last packet".
      if (!isLast) return refuse(`packet ${index} is padded but is not the last packet`);
      paddingLength = view.getUint8(end - 1);
      if (paddingLength === 0 || paddingLength > length - 4) {
        return refuse(`padding count ${paddingLength} does not fit packet ${index} of ${length} octets`);
      }
      bodyEnd = end - paddingLength;
    }
    const body = parseBody(packetType, count, datagram.subarray(offset + 4, bodyEnd));
    if (!body.ok) return refuse(`packet ${index}: ${body.reason}`);
    packets.push(body.packet);
    offset = end;
  }

  if (requireCname && !packets.some(hasCname)) return refuse('no SDES packet with a CNAME item');
  return { ok: true, packets, paddingLength };
}

function hasCname(packet: RtcpPacket): boolean {
  return packet.type === 'sdes' && packet.chunks.some((chunk) => chunk.items.some((item) => item.type === SDES_CNAME));
}

/** The CNAME a compound packet gives for `ssrc`, if any. */
export function cnameOf(packets: readonly RtcpPacket[], ssrc: number): string | undefined {
  for (const p of packets) {
    if (p.type !== 'sdes') continue;
    for (const chunk of p.chunks) {
      if (chunk.ssrc !== ssrc) continue;
      const item = chunk.items.find((i) => i.type === SDES_CNAME);
      if (item) return item.text;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- serialize

function checkUint(name: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`RTCP ${name} ${value} is not a ${bits}-bit unsigned integer`);
  }
}

function checkCount(name: string, count: number): void {
  if (count > 31) throw new RangeError(`RTCP ${name} count ${count} does not fit the 5-bit field`);
}

class Writer {
  private readonly parts: number[] = [];

  u8(v: number): void {
    this.parts.push(v & 0xff);
  }
  u16(v: number): void {
    this.u8(v >>> 8);
    this.u8(v);
  }
  u32(v: number): void {
    this.u16(v >>> 16);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }
  /** Zero octets up to the next 32-bit boundary. */
  alignZero(): void {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
  }
  get length(): number {
    return this.parts.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function writeReportBlock(w: Writer, block: ReportBlock): void {
  checkUint('report SSRC', block.ssrc, 32);
  checkUint('fraction lost', block.fractionLost, 8);
  if (!Number.isInteger(block.cumulativeLost) || block.cumulativeLost < -0x800000 || block.cumulativeLost > 0x7fffff) {
    throw new RangeError(`RTCP cumulative lost ${block.cumulativeLost} does not fit 24 signed bits`);
  }
  checkUint('extended highest sequence', block.extendedHighestSeq, 32);
  checkUint('jitter', block.jitter, 32);
  checkUint('LSR', block.lastSr, 32);
  checkUint('DLSR', block.delaySinceLastSr, 32);
  w.u32(block.ssrc);
  w.u32(((block.fractionLost << 24) | (block.cumulativeLost & 0xffffff)) >>> 0);
  w.u32(block.extendedHighestSeq);
  w.u32(block.jitter);
  w.u32(block.lastSr);
  w.u32(block.delaySinceLastSr);
}

function writeExtension(w: Writer, ext: Uint8Array | undefined): void {
  if (!ext) return;
  if (ext.length % 4 !== 0) throw new RangeError('RTCP profile extension must be whole 32-bit words');
  w.bytes(ext);
}

function encodeText(what: string, text: string): Uint8Array {
  const bytes = utf8Encoder.encode(text);
  if (bytes.length > 255) throw new RangeError(`${what} is ${bytes.length} octets, more than 255`);
  return bytes;
}

/** The count field and body of one packet. */
function packetBody(packet: RtcpPacket): { packetType: number; count: number; body: Uint8Array } {
  const w = new Writer();
  switch (packet.type) {
    case 'sr': {
      checkCount('report', packet.reports.length);
      const info = packet.senderInfo;
      checkUint('SSRC', packet.ssrc, 32);
      checkUint('NTP seconds', info.ntp.seconds, 32);
      checkUint('NTP fraction', info.ntp.fraction, 32);
      checkUint('RTP timestamp', info.rtpTimestamp, 32);
      checkUint('packet count', info.packetCount, 32);
      checkUint('octet count', info.octetCount, 32);
      w.u32(packet.ssrc);
      w.u32(info.ntp.seconds);
      w.u32(info.ntp.fraction);
      w.u32(info.rtpTimestamp);
      w.u32(info.packetCount);
      w.u32(info.octetCount);
      packet.reports.forEach((b) => writeReportBlock(w, b));
      writeExtension(w, packet.profileExtension);
      return { packetType: RTCP_SR, count: packet.reports.length, body: w.toBytes() };
    }
    case 'rr':
      checkCount('report', packet.reports.length);
      checkUint('SSRC', packet.ssrc, 32);
      w.u32(packet.ssrc);
      packet.reports.forEach((b) => writeReportBlock(w, b));
      writeExtension(w, packet.profileExtension);
      return { packetType: RTCP_RR, count: packet.reports.length, body: w.toBytes() };
    case 'sdes':
      checkCount('SDES chunk', packet.chunks.length);
      for (const chunk of packet.chunks) {
        checkUint('SDES SSRC', chunk.ssrc, 32);
        w.u32(chunk.ssrc);
        for (const item of chunk.items) {
          checkUint('SDES item type', item.type, 8);
          if (item.type === SDES_END) throw new RangeError('SDES item type 0 is the end marker');
          let value = encodeText('SDES item', item.text);
          if (item.type === SDES_PRIV) {
            const prefix = encodeText('SDES PRIV prefix', item.prefix ?? '');
            value = Uint8Array.from([prefix.length, ...prefix, ...value]);
            if (value.length > 255) throw new RangeError('SDES PRIV item is longer than 255 octets');
          }
          w.u8(item.type);
          w.u8(value.length);
          w.bytes(value);
        }
        // §6.5: "terminated by one or more null octets … additional null
        // octets MUST be included if needed to pad until the next 32-bit boundary".
        w.u8(SDES_END);
        w.alignZero();
      }
      return { packetType: RTCP_SDES, count: packet.chunks.length, body: w.toBytes() };
    case 'bye':
      checkCount('BYE source', packet.ssrcs.length);
      for (const s of packet.ssrcs) {
        checkUint('BYE SSRC', s, 32);
        w.u32(s);
      }
      if (packet.reason !== undefined) {
        const reason = encodeText('BYE reason', packet.reason);
        w.u8(reason.length);
        w.bytes(reason);
        w.alignZero();
      }
      return { packetType: RTCP_BYE, count: packet.ssrcs.length, body: w.toBytes() };
    case 'app': {
      checkUint('APP subtype', packet.subtype, 5);
      checkUint('SSRC', packet.ssrc, 32);
      if (!/^[\x20-\x7e]{4}$/.test(packet.name)) throw new RangeError(`APP name "${packet.name}" is not 4 ASCII characters`);
      if (packet.data.length % 4 !== 0) throw new RangeError('APP data must be whole 32-bit words');
      w.u32(packet.ssrc);
      for (let i = 0; i < 4; i++) w.u8(packet.name.charCodeAt(i));
      w.bytes(packet.data);
      return { packetType: RTCP_APP, count: packet.subtype, body: w.toBytes() };
    }
    case 'other':
      checkUint('packet type', packet.packetType, 8);
      checkUint('count', packet.count, 5);
      if (packet.body.length % 4 !== 0) throw new RangeError('RTCP packet body must be whole 32-bit words');
      return { packetType: packet.packetType, count: packet.count, body: packet.body };
  }
}

/**
 * One RTCP packet with its header. `paddingLength` (a multiple of 4, up to
 * 252) appends padding and sets P; only the last packet of a compound may
 * carry it.
 */
export function serializeRtcpPacket(packet: RtcpPacket, paddingLength = 0): Uint8Array {
  if (!Number.isInteger(paddingLength) || paddingLength < 0 || paddingLength > 252 || paddingLength % 4 !== 0) {
    throw new RangeError(`RTCP padding ${paddingLength} is not a multiple of 4 in 0..252`);
  }
  const { packetType, count, body } = packetBody(packet);
  const length = 4 + body.length + paddingLength;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint8(0, 0x80 | (paddingLength > 0 ? 0x20 : 0) | count);
  view.setUint8(1, packetType);
  view.setUint16(2, length / 4 - 1);
  out.set(body, 4);
  if (paddingLength > 0) out[length - 1] = paddingLength;
  return out;
}

/**
 * A compound packet (§6.1): the packets back to back, padding (if asked) on
 * the last. Refuses (RangeError) a compound that breaks §6.1's rules our
 * side must keep: it starts with an SR or RR and carries an SDES CNAME —
 * unless it is an RFC 5506 reduced-size packet.
 */
export function serializeRtcpCompound(
  packets: readonly RtcpPacket[],
  options: RtcpCompoundOptions & { readonly paddingLength?: number } = {},
): Uint8Array {
  const reducedSize = options.reducedSize ?? false;
  const requireCname = options.requireCname ?? !reducedSize;
  const firstType = packets[0]?.type;
  if (firstType === undefined) throw new RangeError('an RTCP compound packet needs at least one packet');
  if (!reducedSize && firstType !== 'sr' && firstType !== 'rr') {
    throw new RangeError(`a compound RTCP packet starts with SR or RR, not ${firstType}`);
  }
  if (requireCname && !packets.some(hasCname)) throw new RangeError('a compound RTCP packet must carry an SDES CNAME');
  const encoded = packets.map((p, i) => serializeRtcpPacket(p, i === packets.length - 1 ? (options.paddingLength ?? 0) : 0));
  const out = new Uint8Array(encoded.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of encoded) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
