/**
 * RTCP for one stream (RFC 3550 §6): when to report (RtcpScheduler, §6.3),
 * what a report holds, and what the peer's reports tell us.
 *
 *  - A report is an SR if we sent RTP since the report before last (A.7
 *    we_sent), else an RR (§6.4); either carries a report block about the
 *    peer's stream once it has passed probation, and an SDES CNAME (§6.1:
 *    every compound packet carries one).
 *  - From the peer: an SR's NTP time becomes the LSR of our next block
 *    (§6.4.1); a block about our SSRC gives the round-trip time
 *    (A − LSR − DLSR, rtt.ts) and the peer's view of our loss and jitter.
 *  - Leaving: a BYE (§6.6) in a compound with a last report.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { WallClock } from '../rtp/ntp.js';
import type { UnitRandom } from '../rtp/rtcp-interval.js';
import { rtcpBandwidthOctets } from '../rtp/rtcp-interval.js';
import type { RtcpPacket, ReportBlock } from '../rtp/rtcp-packet.js';
import { SDES_CNAME, serializeRtcpCompound } from '../rtp/rtcp-packet.js';
import { RtcpScheduler, UDP_IPV4_OVERHEAD } from '../rtp/rtcp-scheduler.js';
import type { RtpReceiver } from '../rtp/rtp-receiver.js';
import type { RtpSender } from '../rtp/rtp-sender.js';
import { roundTripFromReportBlock } from '../rtp/rtt.js';
import type { RemoteReport } from './stream-stats.js';

export interface RtcpSessionOptions {
  readonly clock: Clock;
  readonly wallClock: WallClock;
  readonly random?: UnitRandom;
  readonly sender: RtpSender;
  readonly receiver: RtpReceiver;
  /** The RTP clock rate we send with now (the peer's jitter about our stream, in ms); it changes with the codec. */
  readonly clockRate: () => number;
  readonly cname: string;
  /** Session bandwidth, bits per second (audio plus headers): RTCP gets 5 % of it. */
  readonly sessionBitsPerSecond: number;
  /** Sends a compound packet (protecting it if keyed); returns the octets put on the wire. */
  readonly transmit: (compound: Uint8Array) => number;
  readonly onBye: (reason: string | undefined) => void;
}

/** A first guess of a compound report's size: RR + one block + SDES CNAME + UDP/IP. */
const INITIAL_RTCP_SIZE = 8 + 24 + 40 + UDP_IPV4_OVERHEAD;

export class RtcpSession {
  private readonly scheduler: RtcpScheduler;
  /** The sender's packet count at the last two reports (A.7 we_sent). */
  private countAtReports: [number, number] = [0, 0];
  private rtt: number | undefined;
  private remote: RemoteReport | undefined;
  private peerSends = false;
  private received = 0;

  constructor(private readonly options: RtcpSessionOptions) {
    this.scheduler = new RtcpScheduler({
      clock: options.clock,
      rtcpBandwidth: rtcpBandwidthOctets(options.sessionBitsPerSecond),
      initialAvgRtcpSize: INITIAL_RTCP_SIZE,
      ...(options.random ? { random: options.random } : {}),
      weSent: () => this.weSent(),
      sendReport: () => this.sendReport(),
    });
  }

  get reportsSent(): number {
    return this.scheduler.sent;
  }

  get reportsReceived(): number {
    return this.received;
  }

  /** Round-trip time in ms from the peer's last report about us, once known. */
  get rttMs(): number | undefined {
    return this.rtt;
  }

  get remoteReport(): RemoteReport | undefined {
    return this.remote;
  }

  start(): void {
    this.scheduler.start();
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  /** A compound packet that arrived (already authenticated and parsed); `size` in octets as received. */
  handle(packets: readonly RtcpPacket[], size: number): void {
    this.received++;
    this.scheduler.onRtcpReceived(size + UDP_IPV4_OVERHEAD);
    for (const packet of packets) {
      switch (packet.type) {
        case 'sr':
          this.peerSends = true;
          this.options.receiver.onSenderReport(packet);
          this.readBlocks(packet.reports);
          break;
        case 'rr':
          this.readBlocks(packet.reports);
          break;
        case 'bye':
          this.options.onBye(packet.reason);
          break;
        default:
          break;
      }
    }
    this.scheduler.setMembership(2, (this.weSent() ? 1 : 0) + (this.peerSends ? 1 : 0));
  }

  /** The last compound packet of the stream: a report, the CNAME and a BYE (§6.6). */
  byePacket(reason?: string): Uint8Array {
    return serializeRtcpCompound([
      ...this.reportPackets(),
      { type: 'bye', ssrcs: [this.options.sender.ssrc], ...(reason === undefined ? {} : { reason }) },
    ]);
  }

  private weSent(): boolean {
    return this.options.sender.packetCount !== this.countAtReports[0];
  }

  private readBlocks(blocks: readonly ReportBlock[]): void {
    const ours = blocks.find((b) => b.ssrc === this.options.sender.ssrc);
    if (!ours) return;
    const seconds = roundTripFromReportBlock(ours, this.options.wallClock);
    if (seconds !== undefined) this.rtt = seconds * 1000;
    this.remote = {
      fractionLost: ours.fractionLost / 256,
      cumulativeLost: ours.cumulativeLost,
      jitterMs: (ours.jitter * 1000) / this.options.clockRate(),
    };
  }

  private reportPackets(): RtcpPacket[] {
    const { sender, receiver, wallClock, cname } = this.options;
    const block = receiver.makeReportBlock();
    const reports = block ? [block] : [];
    const report: RtcpPacket = this.weSent()
      ? { type: 'sr', ssrc: sender.ssrc, senderInfo: sender.senderInfo(wallClock), reports }
      : { type: 'rr', ssrc: sender.ssrc, reports };
    return [report, { type: 'sdes', chunks: [{ ssrc: sender.ssrc, items: [{ type: SDES_CNAME, text: cname }] }] }];
  }

  private sendReport(): number {
    const compound = serializeRtcpCompound(this.reportPackets());
    this.countAtReports = [this.countAtReports[1], this.options.sender.packetCount];
    return this.options.transmit(compound) + UDP_IPV4_OVERHEAD;
  }
}
