/**
 * An SRTP/SRTCP cryptographic context (RFC 3711 §3.2) for one master key:
 * protect and unprotect RTP (§3.3) and RTCP (§3.4) for the two RFC 4568
 * AES-CM/HMAC-SHA1 suites.
 *
 * The master key is shared by every SSRC of the RTP session (§8: allowed for
 * streams of one session and for SRTP with its SRTCP); what is per SSRC — the
 * rollover counter, s_l, the replay lists and the SRTCP index — lives in
 * per-SSRC stream state, kept apart for the sending and the receiving side.
 * State for a new SSRC is created only by a packet that authenticates, so a
 * forged stream cannot grow it.
 *
 * Nothing here throws on a bad packet: every failure is a result with a
 * reason, counted in stats().
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { aesCmIv, aesCmTransform, MAX_PACKET_INDEX } from './aes-cm.js';
import type { SrtpSuite, SrtpSuiteName } from './crypto-suite.js';
import { suiteByName } from './crypto-suite.js';
import { advanceRollover, estimateRoc, packetIndex } from './index-estimation.js';
import type { RolloverState } from './index-estimation.js';
import type { SessionKeys } from './key-derivation.js';
import { deriveSessionKeys, isValidKeyDerivationRate, keyDerivationEpoch } from './key-derivation.js';
import { MIN_REPLAY_WINDOW, ReplayWindow } from './replay-window.js';
import { rtpHeaderLength } from './rtp-header-length.js';

/** §9.2 / §8.2: a master key protects at most 2^48 SRTP and 2^31 SRTCP packets. */
export const MAX_SRTP_PACKETS_PER_KEY = 2 ** 48;
export const MAX_SRTCP_PACKETS_PER_KEY = 2 ** 31;

/** §3.4: the SRTCP index is 31 bits; the top bit of its word is E. */
const MAX_SRTCP_INDEX = 0x7fffffff;
const SRTCP_E_BIT = 0x80000000;
/** RTCP common header + sender SSRC, sent in the clear (§3.4). */
const RTCP_CLEAR_PREFIX = 8;

export type SrtpFailure =
  /** Not an RTP/RTCP packet, or too short for its header, MKI and tag. */
  | 'malformed'
  /** §3.3: the authentication tag did not verify. */
  | 'auth'
  /** §3.3.2: this index was already received (or, sending, already used). */
  | 'replay'
  /** §3.3.2: the index is below the replay window. */
  | 'too-old'
  /** The MKI in the packet is not this context's. */
  | 'mki'
  /** §9.2: the master key has protected all the packets it may. */
  | 'key-exhausted';

export type SrtpResult =
  | {
      readonly ok: true;
      readonly packet: Buffer;
      /** The 48-bit SRTP packet index, or the 31-bit SRTCP index. */
      readonly index: number;
    }
  | { readonly ok: false; readonly reason: SrtpFailure };

export interface SrtpContextOptions {
  readonly suite: SrtpSuiteName;
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  /** §4.3.1 key_derivation_rate: 0 (derive once, the default) or a power of 2 up to 2^24. */
  readonly keyDerivationRate?: number;
  /** §3.3.2 replay window, at least 64 (the default). RFC 4568 WSH may raise it. */
  readonly replayWindowSize?: number;
  /** Master key lifetime in packets (RFC 4568 `|2^n`); capped at 2^48 SRTP / 2^31 SRTCP. */
  readonly lifetime?: number;
  /** The MKI carried in each packet (RFC 3711 §3.1), when key management asked for one. */
  readonly mki?: Uint8Array;
  /** False for RFC 4568 UNENCRYPTED_SRTP. */
  readonly encryptRtp?: boolean;
  /** False for RFC 4568 UNENCRYPTED_SRTCP (sets E = 0, §3.4). */
  readonly encryptRtcp?: boolean;
  /** False for RFC 4568 UNAUTHENTICATED_SRTP (SRTCP is always authenticated, §3.4). */
  readonly authenticateRtp?: boolean;
  /** Called once, when the master key reaches its lifetime: key management must re-key (§8.1). */
  readonly onKeyExhausted?: () => void;
}

export interface SrtpStats {
  readonly rtpProtected: number;
  readonly rtpUnprotected: number;
  readonly rtcpProtected: number;
  readonly rtcpUnprotected: number;
  readonly failures: Readonly<Record<SrtpFailure, number>>;
  /** Packets processed under this master key, SRTP and SRTCP (§9.2 counts them apart). */
  readonly srtpPacketsUnderKey: number;
  readonly srtcpPacketsUnderKey: number;
  readonly keyExhausted: boolean;
}

interface RtpStream {
  rollover: RolloverState;
  readonly window: ReplayWindow;
}

interface RtcpSendStream {
  nextIndex: number;
}

interface CachedKeys {
  readonly epoch: number;
  readonly keys: SessionKeys;
}

export class SrtpContext {
  readonly suite: SrtpSuite;
  private readonly masterKey: Buffer;
  private readonly masterSalt: Buffer;
  private readonly rate: number;
  private readonly windowSize: number;
  private readonly mki: Buffer;
  private readonly encryptRtp: boolean;
  private readonly encryptRtcp: boolean;
  private readonly authenticateRtp: boolean;
  private readonly srtpLimit: number;
  private readonly srtcpLimit: number;
  private readonly onKeyExhausted: (() => void) | undefined;

  private readonly rtpSend = new Map<number, RtpStream>();
  private readonly rtpReceive = new Map<number, RtpStream>();
  private readonly rtcpSend = new Map<number, RtcpSendStream>();
  private readonly rtcpReceive = new Map<number, ReplayWindow>();
  private rtpKeys: CachedKeys | undefined;
  private rtcpKeys: CachedKeys | undefined;

  private counts = { rtpProtected: 0, rtpUnprotected: 0, rtcpProtected: 0, rtcpUnprotected: 0 };
  private readonly failureCounts: Record<SrtpFailure, number> = {
    malformed: 0,
    auth: 0,
    replay: 0,
    'too-old': 0,
    mki: 0,
    'key-exhausted': 0,
  };
  private srtpUsed = 0;
  private srtcpUsed = 0;
  private exhausted = false;

  /** Throws on a bad configuration (wrong key length, bad rate): that is a programming error, not a packet. */
  constructor(options: SrtpContextOptions) {
    this.suite = suiteByName(options.suite);
    if (options.masterKey.length !== this.suite.keyLength) {
      throw new RangeError(`${this.suite.name} needs a ${this.suite.keyLength}-octet master key`);
    }
    if (options.masterSalt.length !== this.suite.saltLength) {
      throw new RangeError(`${this.suite.name} needs a ${this.suite.saltLength}-octet master salt`);
    }
    const rate = options.keyDerivationRate ?? 0;
    if (!isValidKeyDerivationRate(rate)) throw new RangeError(`invalid key derivation rate ${rate}`);
    const lifetime = options.lifetime ?? MAX_SRTP_PACKETS_PER_KEY;
    if (!Number.isInteger(lifetime) || lifetime < 1) throw new RangeError(`invalid key lifetime ${lifetime}`);
    this.masterKey = Buffer.from(options.masterKey);
    this.masterSalt = Buffer.from(options.masterSalt);
    this.rate = rate;
    // Built once here so a bad size is refused now rather than on the first packet.
    this.windowSize = new ReplayWindow(options.replayWindowSize ?? MIN_REPLAY_WINDOW).size;
    this.mki = Buffer.from(options.mki ?? []);
    this.encryptRtp = options.encryptRtp ?? true;
    this.encryptRtcp = options.encryptRtcp ?? true;
    this.authenticateRtp = options.authenticateRtp ?? true;
    this.srtpLimit = Math.min(lifetime, MAX_SRTP_PACKETS_PER_KEY);
    this.srtcpLimit = Math.min(lifetime, MAX_SRTCP_PACKETS_PER_KEY);
    this.onKeyExhausted = options.onKeyExhausted;
  }

  /** RTP → SRTP (§3.3): encrypt the payload, append MKI and tag. */
  protectRtp(packet: Uint8Array): SrtpResult {
    const headerLength = rtpHeaderLength(packet);
    if (headerLength === undefined) return this.fail('malformed');
    if (this.exhausted) return this.fail('key-exhausted');
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.length);
    const seq = view.readUInt16BE(2);
    const ssrc = view.readUInt32BE(8);

    // The sender estimates its own index the same way (libsrtp does too), so
    // that SEQ wrapping to 0 steps the ROC, and refuses an index it already
    // used: re-encrypting under one index is the two-time pad of §9.1.
    const stream = this.rtpSend.get(ssrc);
    const v = stream === undefined ? 0 : estimateRoc(stream.rollover.roc, stream.rollover.highestSeq, seq);
    if (v < 0) return this.fail('too-old');
    const index = packetIndex(v, seq);
    // Past 2^48 the index, and so the keystream, would repeat (§9.2).
    if (index > MAX_PACKET_INDEX) return this.fail('key-exhausted');
    if (stream !== undefined) {
      const verdict = stream.window.check(index);
      if (verdict !== 'new') return this.fail(verdict);
    }

    const keys = this.keysFor('srtp', index);
    const tagLength = this.authenticateRtp ? this.suite.rtpTagLength : 0;
    const out = Buffer.alloc(packet.length + this.mki.length + tagLength);
    view.copy(out, 0, 0, headerLength);
    const payload = view.subarray(headerLength);
    const body = this.encryptRtp ? aesCmTransform(keys.encryptionKey, aesCmIv(keys.salt, ssrc, index), payload) : payload;
    body.copy(out, headerLength);
    this.mki.copy(out, packet.length);
    if (tagLength > 0) {
      rtpTag(keys.authenticationKey, out.subarray(0, packet.length), v, tagLength).copy(out, packet.length + this.mki.length);
    }

    this.commitRtp(this.rtpSend, stream, ssrc, v, seq, index);
    this.counts.rtpProtected++;
    this.countSrtp();
    return { ok: true, packet: out, index };
  }

  /** SRTP → RTP (§3.3): estimate the index, check replay, verify the tag, decrypt. */
  unprotectRtp(packet: Uint8Array): SrtpResult {
    const headerLength = rtpHeaderLength(packet);
    const tagLength = this.authenticateRtp ? this.suite.rtpTagLength : 0;
    const trailer = this.mki.length + tagLength;
    if (headerLength === undefined || packet.length < headerLength + trailer) return this.fail('malformed');
    if (this.exhausted) return this.fail('key-exhausted');
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.length);
    const seq = view.readUInt16BE(2);
    const ssrc = view.readUInt32BE(8);
    const authenticatedEnd = packet.length - trailer;

    // §3.3.1: a new SSRC starts with ROC 0 and s_l = SEQ of its first packet.
    const stream = this.rtpReceive.get(ssrc);
    const v = stream === undefined ? 0 : estimateRoc(stream.rollover.roc, stream.rollover.highestSeq, seq);
    if (v < 0) return this.fail('too-old');
    const index = packetIndex(v, seq);
    // Past 2^48 the index, and so the keystream, would repeat (§9.2).
    if (index > MAX_PACKET_INDEX) return this.fail('key-exhausted');
    if (stream !== undefined) {
      const verdict = stream.window.check(index);
      if (verdict !== 'new') return this.fail(verdict);
    }
    if (!view.subarray(authenticatedEnd, authenticatedEnd + this.mki.length).equals(this.mki)) return this.fail('mki');

    const keys = this.keysFor('srtp', index);
    if (tagLength > 0) {
      const expected = rtpTag(keys.authenticationKey, view.subarray(0, authenticatedEnd), v, tagLength);
      if (!timingSafeEqual(expected, view.subarray(packet.length - tagLength))) return this.fail('auth');
    }

    const out = Buffer.alloc(authenticatedEnd);
    view.copy(out, 0, 0, headerLength);
    const payload = view.subarray(headerLength, authenticatedEnd);
    const body = this.encryptRtp ? aesCmTransform(keys.encryptionKey, aesCmIv(keys.salt, ssrc, index), payload) : payload;
    body.copy(out, headerLength);

    this.commitRtp(this.rtpReceive, stream, ssrc, v, seq, index);
    this.counts.rtpUnprotected++;
    this.countSrtp();
    return { ok: true, packet: out, index };
  }

  /**
   * RTCP → SRTCP (§3.4): encrypt all but the first 8 octets, append
   * E || SRTCP index, MKI and tag. The tag covers the packet and E || index.
   */
  protectRtcp(packet: Uint8Array): SrtpResult {
    if (!isRtcp(packet)) return this.fail('malformed');
    if (this.exhausted) return this.fail('key-exhausted');
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.length);
    const ssrc = view.readUInt32BE(4);
    const stream = this.rtcpSend.get(ssrc) ?? { nextIndex: 0 };
    const index = stream.nextIndex;
    // The index may not wrap under one key: that would reuse keystream (§9.1).
    if (index > MAX_SRTCP_INDEX) return this.fail('key-exhausted');

    const keys = this.keysFor('srtcp', index);
    const tagLength = this.suite.rtcpTagLength;
    const out = Buffer.alloc(packet.length + 4 + this.mki.length + tagLength);
    view.copy(out, 0, 0, RTCP_CLEAR_PREFIX);
    const payload = view.subarray(RTCP_CLEAR_PREFIX);
    const body = this.encryptRtcp ? aesCmTransform(keys.encryptionKey, aesCmIv(keys.salt, ssrc, index), payload) : payload;
    body.copy(out, RTCP_CLEAR_PREFIX);
    out.writeUInt32BE(((this.encryptRtcp ? SRTCP_E_BIT : 0) | index) >>> 0, packet.length);
    this.mki.copy(out, packet.length + 4);
    const authenticatedEnd = packet.length + 4;
    rtcpTag(keys.authenticationKey, out.subarray(0, authenticatedEnd), tagLength).copy(out, authenticatedEnd + this.mki.length);

    stream.nextIndex = index + 1;
    this.rtcpSend.set(ssrc, stream);
    this.counts.rtcpProtected++;
    this.countSrtcp();
    return { ok: true, packet: out, index };
  }

  /** SRTCP → RTCP (§3.4): read E || index, check replay, verify the tag, decrypt when E is set. */
  unprotectRtcp(packet: Uint8Array): SrtpResult {
    const tagLength = this.suite.rtcpTagLength;
    const trailer = 4 + this.mki.length + tagLength;
    if (!isRtcp(packet) || packet.length < RTCP_CLEAR_PREFIX + trailer) return this.fail('malformed');
    if (this.exhausted) return this.fail('key-exhausted');
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.length);
    const ssrc = view.readUInt32BE(4);
    const rtcpEnd = packet.length - trailer;
    const word = view.readUInt32BE(rtcpEnd);
    const encrypted = (word & SRTCP_E_BIT) !== 0;
    const index = word & MAX_SRTCP_INDEX;

    const window = this.rtcpReceive.get(ssrc);
    if (window !== undefined) {
      const verdict = window.check(index);
      if (verdict !== 'new') return this.fail(verdict);
    }
    const mkiStart = rtcpEnd + 4;
    if (!view.subarray(mkiStart, mkiStart + this.mki.length).equals(this.mki)) return this.fail('mki');

    const keys = this.keysFor('srtcp', index);
    const expected = rtcpTag(keys.authenticationKey, view.subarray(0, rtcpEnd + 4), tagLength);
    if (!timingSafeEqual(expected, view.subarray(packet.length - tagLength))) return this.fail('auth');

    const out = Buffer.alloc(rtcpEnd);
    view.copy(out, 0, 0, RTCP_CLEAR_PREFIX);
    const payload = view.subarray(RTCP_CLEAR_PREFIX, rtcpEnd);
    const body = encrypted ? aesCmTransform(keys.encryptionKey, aesCmIv(keys.salt, ssrc, index), payload) : payload;
    body.copy(out, RTCP_CLEAR_PREFIX);

    const accepted = window ?? new ReplayWindow(this.windowSize);
    accepted.accept(index);
    this.rtcpReceive.set(ssrc, accepted);
    this.counts.rtcpUnprotected++;
    this.countSrtcp();
    return { ok: true, packet: out, index };
  }

  /** ROC and s_l of a sending or receiving SRTP stream, or undefined for an SSRC not seen yet. */
  rolloverState(direction: 'send' | 'receive', ssrc: number): RolloverState | undefined {
    return (direction === 'send' ? this.rtpSend : this.rtpReceive).get(ssrc >>> 0)?.rollover;
  }

  /** The SRTCP index the next protectRtcp() of this SSRC will use. */
  nextSrtcpIndex(ssrc: number): number {
    return this.rtcpSend.get(ssrc >>> 0)?.nextIndex ?? 0;
  }

  stats(): SrtpStats {
    return {
      ...this.counts,
      failures: { ...this.failureCounts },
      srtpPacketsUnderKey: this.srtpUsed,
      srtcpPacketsUnderKey: this.srtcpUsed,
      keyExhausted: this.exhausted,
    };
  }

  private fail(reason: SrtpFailure): SrtpResult {
    this.failureCounts[reason]++;
    return { ok: false, reason };
  }

  /** §3.3.1 / §3.3.2: ROC, s_l and the replay list change only once a packet is accepted. */
  private commitRtp(
    streams: Map<number, RtpStream>,
    stream: RtpStream | undefined,
    ssrc: number,
    v: number,
    seq: number,
    index: number,
  ): void {
    if (stream === undefined) {
      const created: RtpStream = { rollover: { roc: v, highestSeq: seq }, window: new ReplayWindow(this.windowSize) };
      created.window.accept(index);
      streams.set(ssrc, created);
      return;
    }
    stream.rollover = advanceRollover(stream.rollover, v, seq);
    stream.window.accept(index);
  }

  /** Session keys for this index, re-derived only when index DIV rate changes (§4.3.1). */
  private keysFor(protocol: 'srtp' | 'srtcp', index: number): SessionKeys {
    const epoch = keyDerivationEpoch(index, this.rate);
    const cached = protocol === 'srtp' ? this.rtpKeys : this.rtcpKeys;
    if (cached?.epoch === epoch) return cached.keys;
    const keys = deriveSessionKeys(this.masterKey, this.masterSalt, protocol, this.suite, index, this.rate);
    if (protocol === 'srtp') this.rtpKeys = { epoch, keys };
    else this.rtcpKeys = { epoch, keys };
    return keys;
  }

  private countSrtp(): void {
    this.srtpUsed++;
    if (this.srtpUsed >= this.srtpLimit) this.exhaust();
  }

  private countSrtcp(): void {
    this.srtcpUsed++;
    if (this.srtcpUsed >= this.srtcpLimit) this.exhaust();
  }

  private exhaust(): void {
    if (this.exhausted) return;
    this.exhausted = true;
    this.onKeyExhausted?.();
  }
}

/**
 * §4.2: the SRTP tag is HMAC-SHA1 over the authenticated portion (header and
 * encrypted payload) followed by the 32-bit ROC the packet was sent under,
 * truncated to the suite's tag length (§4.2.1: the leftmost n_tag bits).
 */
function rtpTag(authKey: Buffer, authenticated: Buffer, roc: number, length: number): Buffer {
  const rocField = Buffer.alloc(4);
  rocField.writeUInt32BE(roc >>> 0, 0);
  return createHmac('sha1', authKey).update(authenticated).update(rocField).digest().subarray(0, length);
}

/** §3.4: the SRTCP tag covers the (encrypted) RTCP packet and the E || SRTCP index word; no ROC. */
function rtcpTag(authKey: Buffer, authenticated: Buffer, length: number): Buffer {
  return createHmac('sha1', authKey).update(authenticated).digest().subarray(0, length);
}

/** RTCP version 2 with at least the header and sender SSRC (RFC 3550 §6.4). */
function isRtcp(packet: Uint8Array): boolean {
  const first = packet[0];
  return first !== undefined && packet.length >= RTCP_CLEAR_PREFIX && first >> 6 === 2;
}
