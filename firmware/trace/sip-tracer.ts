/**
 * SIP capture to a pcap file that Wireshark, tshark and sngrep open: every
 * message the transport sends or receives, as a synthetic Ethernet/IP/UDP
 * packet between the real addresses and ports (udp-frame.ts), stamped with
 * the wall clock, written with rotation (pcap-writer.ts).
 *
 * The transport calls record() for each message, after framing and after TLS
 * decryption, so the trace shows plain SIP even for TLS. Messages that came
 * over TCP or TLS are written as UDP datagrams — one message per datagram,
 * between the same addresses and ports — rather than as a synthetic TCP
 * stream: the transport has already split the stream into messages, the
 * SIP dissectors of Wireshark and sngrep read SIP over UDP on any port, and
 * a made-up TCP stream (sequence numbers, no handshake) would only add
 * warnings. The Via header still says TCP or TLS. RTP can be traced the same
 * way by calling record() with the media ports.
 *
 * record() never throws and never waits; while no trace is running it
 * returns at once, so the transport can call it unconditionally.
 */
import type { TransportProtocol } from '../sip/transport/types.js';
import { parseIp, type IpBytes } from './ip-address.js';
import { PcapWriter, type PcapWriterOptions, type PcapWriterStats } from './pcap-writer.js';
import { buildUdpFrame, LOCAL_MAC, REMOTE_MAC } from './udp-frame.js';

export type TraceDirection = 'in' | 'out';

export interface TraceEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface SipTracerOptions extends PcapWriterOptions {
  /** Wall clock in ms since the epoch, with fractions; default: performance.timeOrigin + performance.now(). */
  readonly now?: () => number;
}

export interface SipTracerStats extends PcapWriterStats {
  /** Messages cut to fit one datagram (over 65507 bytes). */
  readonly truncated: number;
  /** Messages whose address was not an IP literal (written as 0.0.0.0). */
  readonly unresolved: number;
}

const UNSPECIFIED: IpBytes = { family: 4, bytes: new Uint8Array(4) };

const preciseNow = (): number => performance.timeOrigin + performance.now();

export class SipTracer {
  private writer: PcapWriter | undefined;
  private now: () => number = preciseNow;
  private identification = 0;
  private truncated = 0;
  private unresolved = 0;
  private lastStats: SipTracerStats | undefined;

  get active(): boolean {
    return this.writer !== undefined;
  }

  /** Starts tracing to `path` (replacing it and its rotations); a running trace is stopped first. */
  async start(path: string, options: SipTracerOptions = {}): Promise<void> {
    await this.stop();
    this.now = options.now ?? preciseNow;
    this.truncated = 0;
    this.unresolved = 0;
    this.writer = await PcapWriter.open(path, options);
  }

  /** Stops tracing; resolves once every recorded message is on disk. */
  async stop(): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    await writer.close();
    this.lastStats = { ...writer.stats, truncated: this.truncated, unresolved: this.unresolved };
  }

  /** Resolves once every message recorded so far is written (the trace stays open). */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  /** Counters of the running trace, or of the last one once stopped. */
  get stats(): SipTracerStats | undefined {
    if (this.writer === undefined) return this.lastStats;
    return { ...this.writer.stats, truncated: this.truncated, unresolved: this.unresolved };
  }

  record(direction: TraceDirection, local: TraceEndpoint, remote: TraceEndpoint, _protocol: TransportProtocol, bytes: Uint8Array): void {
    const writer = this.writer;
    if (writer === undefined) return;
    try {
      const localEnd = { ip: this.ip(local.host), port: local.port };
      const remoteEnd = { ip: this.ip(remote.host), port: remote.port };
      const outgoing = direction === 'out';
      const { frame, truncated } = buildUdpFrame({
        source: outgoing ? localEnd : remoteEnd,
        destination: outgoing ? remoteEnd : localEnd,
        sourceMac: outgoing ? LOCAL_MAC : REMOTE_MAC,
        destinationMac: outgoing ? REMOTE_MAC : LOCAL_MAC,
        payload: bytes,
        identification: this.identification,
      });
      this.identification = (this.identification + 1) & 0xffff;
      if (truncated) this.truncated += 1;
      writer.write(frame, this.now());
    } catch {
      // A trace is a diagnostic aid: whatever goes wrong here must not reach the transport.
    }
  }

  private ip(host: string): IpBytes {
    const ip = parseIp(host);
    if (ip !== undefined) return ip;
    this.unresolved += 1;
    return UNSPECIFIED;
  }
}
