/**
 * The receiving side of one RTP stream: decides which datagrams are media
 * for this call, keeps the reception statistics of their source, and counts
 * everything it refuses.
 *
 * - Symmetric RTP (RFC 4961): by default only packets from the remote
 *   address and port the session negotiated are accepted; anything else is
 *   dropped and counted (§4: a device "SHOULD … check that the source
 *   address … of RTP packets … matches"), so a stray or spoofed stream cannot
 *   take over the earpiece.
 * - Latching, when configured, for peers behind NAT whose packets come from a
 *   mapped address the SDP does not name: the first acceptable packet's
 *   source is adopted, then locked like the configured one. Whoever races
 *   the peer's first packet wins the lock — the usual caveat of latching.
 * - SSRC change: a new SSRC from the accepted source is a new source
 *   (§8.2 collision, a restarted peer, a transfer) once it has passed A.1
 *   probation on its own; its statistics then replace the old ones.
 * - Bad input is logged through a rate-limited log, never thrown.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { RateLimitedLog } from '../rate-limited-log.js';
import type { ReportBlock, SenderReport } from './rtcp-packet.js';
import type { RtpPacket } from './rtp-packet.js';
import { parseRtp } from './rtp-packet.js';
import { DuplicateWindow } from './duplicate-window.js';
import { ReceiverStats } from './receiver-stats.js';

export interface TransportAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * One spelling per address: no brackets, lower case, and an IPv4-mapped
 * IPv6 address (what a dual-stack socket reports for an IPv4 peer) as IPv4.
 */
export function normalizeAddress(address: string): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1] ?? bare;
}

export function sameTransportAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.port === b.port && normalizeAddress(a.address) === normalizeAddress(b.address);
}

function formatAddress(a: TransportAddress): string {
  const host = normalizeAddress(a.address);
  return `${host.includes(':') ? `[${host}]` : host}:${a.port}`;
}

export interface RtpReceiverOptions {
  readonly clock: Clock;
  /** The payload format's RTP clock rate (Hz), for jitter in timestamp units. */
  readonly clockRate: number;
  /** Where the session says the peer sends from (its SDP c=/m= address). */
  readonly remote: TransportAddress;
  /** Adopt the first source instead of insisting on `remote` (NAT). Off by default. */
  readonly latching?: boolean;
  /** Payload types negotiated for this stream; any if absent. */
  readonly payloadTypes?: ReadonlySet<number>;
  readonly log: RateLimitedLog;
  /** A.1 MIN_SEQUENTIAL override for tests. */
  readonly minSequential?: number;
}

export type RtpDropReason = 'bad-packet' | 'wrong-source' | 'unknown-payload-type' | 'duplicate' | 'probation' | 'sequence-jump';

export type RtpReceiveOutcome =
  | {
      readonly kind: 'accepted';
      readonly packet: RtpPacket;
      /** The packet's sequence number extended with the wrap count (A.1). */
      readonly extendedSeq: number;
      /** True for the first packet delivered from a new SSRC. */
      readonly newSource: boolean;
    }
  | { readonly kind: 'dropped'; readonly reason: RtpDropReason; readonly detail?: string };

export interface RtpReceiverCounters {
  /** Datagrams handed to receive(). */
  received: number;
  accepted: number;
  droppedBad: number;
  droppedSource: number;
  droppedPayloadType: number;
  duplicates: number;
  /** Held back by A.1: probation, or an unconfirmed large jump. */
  droppedSequence: number;
  /** Times a new SSRC replaced the one being received. */
  ssrcChanges: number;
}

export class RtpReceiver {
  private remote: TransportAddress;
  private locked: TransportAddress | undefined;
  private statsValue: ReceiverStats | undefined;
  private readonly seen = new DuplicateWindow();
  /** A new SSRC still in probation, not yet trusted to replace the current one. */
  private candidate: ReceiverStats | undefined;
  private deliveredFromSource = false;
  private readonly countersValue: RtpReceiverCounters = {
    received: 0,
    accepted: 0,
    droppedBad: 0,
    droppedSource: 0,
    droppedPayloadType: 0,
    duplicates: 0,
    droppedSequence: 0,
    ssrcChanges: 0,
  };

  constructor(private readonly options: RtpReceiverOptions) {
    this.remote = options.remote;
    this.locked = options.latching === true ? undefined : options.remote;
  }

  get counters(): Readonly<RtpReceiverCounters> {
    return this.countersValue;
  }

  /** Statistics of the source being received, once one has passed probation. */
  get stats(): ReceiverStats | undefined {
    return this.statsValue;
  }

  /** The source packets are accepted from, or undefined while latching waits. */
  get acceptedSource(): TransportAddress | undefined {
    return this.locked;
  }

  /** A new remote after a re-INVITE: re-latches if latching is on. */
  setRemote(remote: TransportAddress): void {
    this.remote = remote;
    this.locked = this.options.latching === true ? undefined : remote;
  }

  /** One datagram from the RTP socket, with the address it came from. */
  receive(datagram: Uint8Array, from: TransportAddress): RtpReceiveOutcome {
    const c = this.countersValue;
    c.received += 1;
    // Cheapest test first: a packet from the wrong source is not even parsed.
    if (this.locked && !sameTransportAddress(this.locked, from)) {
      c.droppedSource += 1;
      this.options.log.warn(
        'rtp-wrong-source',
        `RTP from ${formatAddress(from)} dropped: expecting ${formatAddress(this.locked)}`,
      );
      return { kind: 'dropped', reason: 'wrong-source' };
    }
    const parsed = parseRtp(datagram);
    if (!parsed.ok) {
      c.droppedBad += 1;
      this.options.log.warn('rtp-bad-packet', `RTP from ${formatAddress(from)} dropped: ${parsed.reason}`);
      return { kind: 'dropped', reason: 'bad-packet', detail: parsed.reason };
    }
    const packet = parsed.packet;
    const allowed = this.options.payloadTypes;
    if (allowed && !allowed.has(packet.payloadType)) {
      c.droppedPayloadType += 1;
      this.options.log.warn(
        'rtp-payload-type',
        `RTP from ${formatAddress(from)} dropped: payload type ${packet.payloadType} was not negotiated`,
      );
      return { kind: 'dropped', reason: 'unknown-payload-type' };
    }
    if (!this.locked) {
      this.locked = { address: normalizeAddress(from.address), port: from.port };
      this.options.log.warn('rtp-latched', `RTP latched to ${formatAddress(from)} (SDP named ${formatAddress(this.remote)})`);
    }

    // A different SSRC is a candidate until it passes A.1 probation on its
    // own packets; only then does it replace the current source. A stray
    // packet with another SSRC so cannot wipe the statistics of the call.
    let stats = this.statsValue;
    if (!stats || stats.ssrc !== packet.ssrc) {
      const candidate = this.candidate?.ssrc === packet.ssrc ? this.candidate : this.newStats(packet);
      this.candidate = candidate;
      stats = candidate;
    }
    const verdict = stats.onPacket(packet.sequenceNumber, packet.timestamp, this.options.clock.now());
    if (stats === this.candidate && stats.valid) {
      if (this.statsValue) {
        c.ssrcChanges += 1;
        this.options.log.warn(
          'rtp-ssrc-change',
          `RTP SSRC changed from ${hex(this.statsValue.ssrc)} to ${hex(stats.ssrc)}: statistics restart`,
        );
      }
      this.statsValue = stats;
      this.candidate = undefined;
      this.seen.clear();
      this.deliveredFromSource = false;
    }
    if (verdict === 'probation') {
      c.droppedSequence += 1;
      return { kind: 'dropped', reason: 'probation' };
    }
    if (verdict === 'jump') {
      c.droppedSequence += 1;
      this.options.log.warn(
        'rtp-sequence-jump',
        `RTP sequence jumped to ${packet.sequenceNumber} (SSRC ${hex(packet.ssrc)}): held until confirmed`,
      );
      return { kind: 'dropped', reason: 'sequence-jump' };
    }
    // After a restart numbering starts again at this packet.
    if (verdict === 'restart') this.seen.clear();
    // Extended after update_seq(), so the end of probation or a restart
    // (both re-base the count) and a wrap are already accounted for.
    const ext = stats.extend(packet.sequenceNumber);
    if (this.seen.has(ext)) {
      c.duplicates += 1;
      return { kind: 'dropped', reason: 'duplicate' };
    }
    this.seen.record(ext);
    c.accepted += 1;
    const newSource = !this.deliveredFromSource;
    this.deliveredFromSource = true;
    return { kind: 'accepted', packet, extendedSeq: ext, newSource };
  }

  private newStats(packet: RtpPacket): ReceiverStats {
    return new ReceiverStats(packet.ssrc, packet.sequenceNumber, {
      clockRate: this.options.clockRate,
      ...(this.options.minSequential !== undefined ? { minSequential: this.options.minSequential } : {}),
    });
  }

  /** An SR from the peer: its NTP time becomes LSR for our reports (§6.4.1). */
  onSenderReport(sr: SenderReport): void {
    if (this.statsValue?.ssrc === sr.ssrc) this.statsValue.onSenderReport(sr.senderInfo.ntp, this.options.clock.now());
  }

  /** The report block for the next RR/SR, or undefined before a valid source is heard. */
  makeReportBlock(): ReportBlock | undefined {
    const stats = this.statsValue;
    if (!stats?.valid) return undefined;
    return stats.makeReportBlock(this.options.clock.now());
  }
}

function hex(ssrc: number): string {
  return `0x${ssrc.toString(16).padStart(8, '0')}`;
}
