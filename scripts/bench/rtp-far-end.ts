/**
 * The far end of the media benchmarks: a UDP socket in the bench that sends
 * a signal as PCMU RTP (RFC 3551 PT 0, 20 ms = 160 samples a packet) and
 * takes whatever the callee sends back (the impairment relay's arrival log
 * is where the callee's pacing is read, not here).
 *
 * Packets leave on an exact 20 ms grid from the first one, through the
 * relay's PreciseScheduler (setTimeout alone would add its own jitter), and
 * the time each actually left is kept: the mouth-to-ear benchmark measures
 * from those times.
 */
import { mulawEncode } from '../../firmware/media/codecs/g711/mulaw.js';
import { serializeRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { PreciseScheduler } from '../../test/tools/impairment-relay/scheduler.js';
import { UdpPeer } from '../../test/tools/impairment-relay/udp-peer.js';
import type { Endpoint } from '../../test/tools/impairment-relay/relay.js';

export const PCMU_RATE = 8000;
export const PACKET_SAMPLES = 160;
const PACKET_NS = 20_000_000n;

/** The RTP packets of a signal: packet n carries samples [160 n, 160 n + 160). */
export function pcmuPackets(signal: Int16Array, ssrc: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let n = 0; n * PACKET_SAMPLES < signal.length; n++) {
    const frame = new Int16Array(PACKET_SAMPLES);
    frame.set(signal.subarray(n * PACKET_SAMPLES, (n + 1) * PACKET_SAMPLES));
    packets.push(
      serializeRtp({
        marker: n === 0, // RFC 3551 §4.1: the first packet of a talkspurt
        payloadType: 0,
        sequenceNumber: n & 0xffff,
        timestamp: (n * PACKET_SAMPLES) >>> 0,
        ssrc,
        payload: mulawEncode(frame),
      }),
    );
  }
  return packets;
}

export class RtpFarEnd {
  private readonly scheduler = new PreciseScheduler();

  private constructor(private readonly peer: UdpPeer) {}

  static async open(): Promise<RtpFarEnd> {
    return new RtpFarEnd(await UdpPeer.open());
  }

  get address(): Endpoint {
    return this.peer.address;
  }

  /**
   * Sends `signal` to `to`, one packet every 20 ms; resolves with the
   * hrtime (ns) each packet left at, once the last has.
   */
  play(signal: Int16Array, to: Endpoint): Promise<bigint[]> {
    const packets = pcmuPackets(signal, 0x5eed0000 + (process.pid & 0xffff));
    const sentNs: bigint[] = [];
    const start = process.hrtime.bigint() + PACKET_NS;
    return new Promise((resolve, reject) => {
      packets.forEach((packet, n) => {
        this.scheduler.schedule(start + BigInt(n) * PACKET_NS, (startedNs) => {
          sentNs.push(startedNs);
          this.peer.send(packet, to).catch(reject);
          if (sentNs.length === packets.length) resolve(sentNs);
        });
      });
    });
  }

  async close(): Promise<void> {
    this.scheduler.dispose();
    await this.peer.close();
  }
}
