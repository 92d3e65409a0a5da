/**
 * The sending side of one RTP stream: stamps each payload with the stream's
 * SSRC, sequence number, timestamp and marker, and counts what the SR's
 * sender info reports (RFC 3550 §5.1, §6.4.1).
 *
 * Timestamps are in RTP clock units, which the caller supplies per frame:
 * the payload format's clock, not the audio sample rate. G.722 is the
 * classic trap — 16 kHz audio, but RFC 3551 §4.5.2 fixes its RTP clock at
 * 8000 Hz, so a 20 ms frame advances the timestamp by 160, not 320.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { SenderInfo } from './rtcp-packet.js';
import type { WallClock } from './ntp.js';
import { ntpFromEpochMs } from './ntp.js';
import type { Uint32Random } from './random.js';
import { cryptoUint32 } from './random.js';
import { serializeRtp } from './rtp-packet.js';
import { seqAdd, timestampAdd } from './sequence.js';

export interface RtpSenderOptions {
  readonly clock: Clock;
  readonly payloadType: number;
  /** The payload format's RTP clock rate in Hz (8000 for PCMU, PCMA, G.722; 48000 for Opus). */
  readonly clockRate: number;
  readonly random32?: Uint32Random;
  /** Fixed values for tests; random otherwise, as §5.1 asks. */
  readonly ssrc?: number;
  readonly initialSequence?: number;
  readonly initialTimestamp?: number;
}

export interface RtpSendOptions {
  /** Force the marker bit (it is set anyway on the first packet of a talkspurt). */
  readonly marker?: boolean;
  /** Another payload type on the same stream, e.g. RFC 4733 telephone-event. */
  readonly payloadType?: number;
  /** When the first sample of this payload was captured (Clock ms); now by default. */
  readonly captureMs?: number;
}

export class RtpSender {
  private ssrcValue: number;
  private sequence: number;
  private timestamp: number;
  private readonly random32: Uint32Random;
  private talkspurtStart = true;
  private packets = 0;
  private octets = 0;
  /** A (clock ms, RTP timestamp) pair naming the same instant, for the SR. */
  private anchorMs: number;
  private anchorTimestamp: number;

  constructor(private readonly options: RtpSenderOptions) {
    this.random32 = options.random32 ?? cryptoUint32;
    this.ssrcValue = (options.ssrc ?? this.random32()) >>> 0;
    this.sequence = (options.initialSequence ?? this.random32()) & 0xffff;
    this.timestamp = (options.initialTimestamp ?? this.random32()) >>> 0;
    this.anchorMs = options.clock.now();
    this.anchorTimestamp = this.timestamp;
  }

  get ssrc(): number {
    return this.ssrcValue;
  }

  /** §6.4.1 sender's packet count. */
  get packetCount(): number {
    return this.packets;
  }

  /** §6.4.1 sender's octet count: payload octets only. */
  get octetCount(): number {
    return this.octets;
  }

  /** The sequence number the next packet will carry. */
  get nextSequence(): number {
    return this.sequence;
  }

  /** The timestamp the next packet will carry. */
  get nextTimestamp(): number {
    return this.timestamp;
  }

  /**
   * One packet carrying `payload`, whose duration is `duration` RTP clock
   * units; the timestamp then advances by that much.
   */
  send(payload: Uint8Array, duration: number, options: RtpSendOptions = {}): Uint8Array {
    // RFC 3551 §4.1: "the first packet of a talkspurt (consecutive packets
    // in which the marker bit is not set) is distinguished by setting the
    // marker bit" — also the very first packet of the stream.
    const marker = this.talkspurtStart || options.marker === true;
    const bytes = serializeRtp({
      marker,
      payloadType: options.payloadType ?? this.options.payloadType,
      sequenceNumber: this.sequence,
      timestamp: this.timestamp,
      ssrc: this.ssrcValue,
      payload,
    });
    this.anchorMs = options.captureMs ?? this.options.clock.now();
    this.anchorTimestamp = this.timestamp;
    this.talkspurtStart = false;
    this.sequence = seqAdd(this.sequence, 1);
    this.timestamp = timestampAdd(this.timestamp, duration);
    // §6.4.1: both counts wrap around "if the count overflows".
    this.packets = (this.packets + 1) >>> 0;
    this.octets = (this.octets + payload.length) >>> 0;
    return bytes;
  }

  /**
   * Silence suppressed (DTX/VAD): `duration` RTP units pass with nothing
   * sent. The timestamp advances — §5.1: it "increments by one for each
   * sampling period" whether or not a packet is sent — the sequence does
   * not, and the next packet starts a talkspurt.
   */
  skip(duration: number): void {
    this.timestamp = timestampAdd(this.timestamp, duration);
    this.talkspurtStart = true;
  }

  /** Marks the next packet as the start of a talkspurt. */
  startTalkspurt(): void {
    this.talkspurtStart = true;
  }

  /** The RTP timestamp for the instant `ms` on the Clock, from the last packet sent. */
  rtpTimestampAt(ms: number): number {
    const units = Math.round(((ms - this.anchorMs) * this.options.clockRate) / 1000);
    return timestampAdd(this.anchorTimestamp, units);
  }

  /**
   * §6.4.1 sender info for an SR made now: the wall-clock NTP time and the
   * RTP timestamp of the same instant, and the counts.
   */
  senderInfo(wallClock: WallClock): SenderInfo {
    return {
      ntp: ntpFromEpochMs(wallClock.epochMs()),
      rtpTimestamp: this.rtpTimestampAt(this.options.clock.now()),
      packetCount: this.packets,
      octetCount: this.octets,
    };
  }

  /**
   * A new SSRC after a collision (§8.2). §6.4.1: the counts "SHOULD be
   * reset if the sender changes its SSRC identifier". Sequence and
   * timestamp continue.
   */
  changeSsrc(): number {
    let next = this.random32() >>> 0;
    if (next === this.ssrcValue) next = (next + 1) >>> 0;
    this.ssrcValue = next;
    this.packets = 0;
    this.octets = 0;
    this.talkspurtStart = true;
    return next;
  }
}
