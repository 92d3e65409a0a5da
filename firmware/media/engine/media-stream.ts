/**
 * One RTP stream of a call: its socket pair, the send path fed by the capture
 * clock and the receive path read by the playback clock.
 *
 * Send (sendAudio, once per capture period):
 *   device-rate mono → resample to the codec rate → packet-time frames →
 *   [RFC 4733 event packets instead, while a digit is sent | in-band DTMF in
 *   place of the microphone] → encode → RtpSender → SRTP → UDP.
 *   With send off (hold) nothing at all is sent — call-flows: "no RTP is sent
 *   by A while it holds" — but the RTP timestamp keeps counting (RFC 3550
 *   §5.1), and the first packet after it is marked as a talkspurt's start.
 *
 * Receive (each datagram):
 *   symmetric source check (RFC 4961; before SRTP, so a stranger cannot touch
 *   the replay state) → flood guard → SRTP unprotect → RtpReceiver (parse,
 *   payload type, A.1 sequence checks) → telephone-event receiver or the
 *   jitter buffer.
 *
 * Playback (pullAudio, once per playback period): the jitter buffer in 10 ms
 * pulls (NetEQ's unit, and a multiple of Opus's 2.5 ms) → resample to the
 * device rate → a small FIFO that hands out exactly one period.
 *
 * Nothing here throws on what arrives from the network: it is counted,
 * logged through the rate-limited log, and dropped.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { AudioCodecDescriptor, AudioEncoder, CodecRegistry } from '../codecs/codec.js';
import { samplesPerFrame, timestampUnitsPerFrame } from '../codecs/codec.js';
import type { TelephoneEventReceiver } from '../codecs/telephone-event/receiver.js';
import { createResampler, type Resampler } from '../dsp/resampler.js';
import { JitterBuffer } from '../jitter/jitter-buffer.js';
import { RateLimitedLog, type LogSink } from '../rate-limited-log.js';
import type { WallClock } from '../rtp/ntp.js';
import type { UnitRandom } from '../rtp/rtcp-interval.js';
import { parseRtcpCompound } from '../rtp/rtcp-packet.js';
import { normalizeAddress, RtpReceiver, sameTransportAddress, type TransportAddress } from '../rtp/rtp-receiver.js';
import { RtpSender } from '../rtp/rtp-sender.js';
import type { SrtpContext, SrtpFailure } from '../srtp/srtp-context.js';
import { createDtmfGenerator } from '../tones/dtmf-inband.js';
import type { ToneGenerator } from '../tones/tone-generator.js';
import { DtmfEventQueue } from './dtmf-event-queue.js';
import { FloodGuard } from './flood-guard.js';
import { bindRtpPortPair, type MediaSocket, type SocketFactory } from './media-socket.js';
import { RtcpSession } from './rtcp-session.js';
import { SampleFifo } from './sample-fifo.js';
import { resolveCodecs, srtpContextFor, type RemoteEndpoint, type StreamConfig, type StreamDirection } from './stream-config.js';
import type { DroppedCounts, MediaStreamStats } from './stream-stats.js';

export interface MediaStreamContext {
  readonly clock: Clock;
  readonly wallClock: WallClock;
  readonly codecs: CodecRegistry;
  readonly sockets: SocketFactory;
  readonly log: LogSink;
  readonly cname: string;
  readonly rtcpRandom?: UnitRandom;
  /** A digit's end arrived (RFC 4733 §2.5.2): reported once per key press. */
  readonly onDtmf: (digit: string, durationMs: number) => void;
  readonly onBye: (reason: string | undefined) => void;
}

export type DtmfMethod = 'rfc4733' | 'inband';

/** The RFC 3389 comfort-noise payload type, accepted for the jitter buffer. */
const COMFORT_NOISE_PT = 13;
/** Audio and headers of one stream, for the RTCP bandwidth share (§6.2): generous for G.711/G.722. */
const SESSION_BITS_PER_SECOND = 90_000;
/** The jitter buffer is read in 10 ms pieces. */
const PULL_MS = 10;

interface SrtpPair {
  readonly send: SrtpContext;
  readonly recv: SrtpContext;
}

interface Drops {
  srtpAuth: number;
  srtpReplay: number;
  srtpOther: number;
  rtcp: number;
}

function srtpDropKind(reason: SrtpFailure): keyof Drops {
  if (reason === 'auth') return 'srtpAuth';
  if (reason === 'replay' || reason === 'too-old') return 'srtpReplay';
  return 'srtpOther';
}

export class MediaStream {
  readonly id: string;
  readonly codec: AudioCodecDescriptor;
  readonly ptimeMs: number;
  readonly payloadType: number;
  private readonly log: RateLimitedLog;
  private readonly sender: RtpSender;
  private readonly receiver: RtpReceiver;
  private readonly jitter: JitterBuffer;
  private readonly encoder: AudioEncoder;
  private readonly rtcp: RtcpSession;
  private readonly dtmfEvents: DtmfEventQueue | undefined;
  private readonly telephoneEvents: TelephoneEventReceiver | undefined;
  private readonly telephoneEventPt: number | undefined;
  private readonly frameSamples: number;
  private readonly frameUnits: number;
  private readonly captureFifo: SampleFifo;
  private readonly playFifo: SampleFifo;
  private readonly rtpGuard = new FloodGuard();
  private readonly rtcpGuard = new FloodGuard({ ratePerSecond: 20, burst: 10 });
  private captureResampler: Resampler | undefined;
  private playResampler: Resampler | undefined;
  private inband: ToneGenerator | undefined;
  private readonly inbandQueue: ToneGenerator[] = [];
  private remote: RemoteEndpoint;
  private directionNow: StreamDirection;
  private closed = false;
  private octetsIn = 0;
  private dtmfOut = 0;
  private dtmfIn = 0;
  private readonly drops: Drops = { srtpAuth: 0, srtpReplay: 0, srtpOther: 0, rtcp: 0 };

  private constructor(
    private readonly context: MediaStreamContext,
    config: StreamConfig,
    private readonly rtpSocket: MediaSocket,
    private readonly rtcpSocket: MediaSocket,
    private readonly srtp: SrtpPair | undefined,
  ) {
    const { clock } = context;
    const resolved = resolveCodecs(context.codecs, config);
    this.id = config.id;
    this.codec = resolved.audio;
    this.ptimeMs = resolved.ptimeMs;
    this.payloadType = config.codec.payloadType;
    this.remote = config.remote;
    this.directionNow = config.direction;
    this.frameSamples = samplesPerFrame(this.codec, this.ptimeMs);
    this.frameUnits = timestampUnitsPerFrame(this.codec, this.ptimeMs);
    // A second of audio: room for any capture period plus a frame in waiting.
    this.captureFifo = new SampleFifo(this.codec.sampleRate);
    this.playFifo = new SampleFifo(48000);
    const sink: LogSink = { warn: (line) => context.log.warn(`media ${config.id}: ${line}`) };
    this.log = new RateLimitedLog(clock, sink, { maxLines: 5, intervalMs: 10_000 });
    this.sender = new RtpSender({ clock, payloadType: config.codec.payloadType, clockRate: this.codec.clockRate });
    const payloadTypes = new Set([config.codec.payloadType, COMFORT_NOISE_PT]);
    if (resolved.event && config.telephoneEvent) {
      payloadTypes.add(config.telephoneEvent.payloadType);
      this.telephoneEventPt = config.telephoneEvent.payloadType;
      this.telephoneEvents = resolved.event.createReceiver();
      this.dtmfEvents = new DtmfEventQueue(resolved.event, this.ptimeMs);
    }
    this.receiver = new RtpReceiver({
      clock,
      clockRate: this.codec.clockRate,
      remote: { address: config.remote.host, port: config.remote.port },
      latching: config.latching ?? false,
      payloadTypes,
      log: this.log,
    });
    this.jitter = new JitterBuffer({ clock, codec: this.codec, payloadType: config.codec.payloadType });
    this.encoder = this.codec.createEncoder(config.codec.fmtp);
    this.rtcp = new RtcpSession({
      clock,
      wallClock: context.wallClock,
      ...(context.rtcpRandom ? { random: context.rtcpRandom } : {}),
      sender: this.sender,
      receiver: this.receiver,
      clockRate: this.codec.clockRate,
      cname: context.cname,
      sessionBitsPerSecond: SESSION_BITS_PER_SECOND,
      transmit: (compound) => this.sendRtcp(compound),
      onBye: (reason) => context.onBye(reason),
    });
    rtpSocket.onMessage((datagram, from) => this.onRtp(datagram, from));
    rtcpSocket.onMessage((datagram, from) => this.onRtcp(datagram, from));
    for (const socket of [rtpSocket, rtcpSocket]) {
      socket.onError((error) => this.log.warn('socket-error', `socket on port ${socket.port}: ${error.message}`));
    }
    this.rtcp.start();
  }

  /** Binds the port pair and starts RTCP; throws on a configuration the phone cannot honour. */
  static async open(context: MediaStreamContext, config: StreamConfig): Promise<MediaStream> {
    // Everything that can be refused is checked before a port is taken.
    resolveCodecs(context.codecs, config);
    const srtp = config.srtp
      ? { send: srtpContextFor(config.srtp.send, 'send'), recv: srtpContextFor(config.srtp.recv, 'receive') }
      : undefined;
    const pair = await bindRtpPortPair(context.sockets, config.local.host, config.local.port);
    try {
      return new MediaStream(context, config, pair.rtp, pair.rtcp, srtp);
    } catch (e) {
      await Promise.all([pair.rtp.close(), pair.rtcp.close()]);
      throw e;
    }
  }

  get localPort(): number {
    return this.rtpSocket.port;
  }

  get direction(): StreamDirection {
    return this.directionNow;
  }

  // ---- control ----

  update(change: { readonly direction?: StreamDirection; readonly remote?: RemoteEndpoint }): void {
    if (change.remote) {
      this.remote = change.remote;
      this.receiver.setRemote({ address: change.remote.host, port: change.remote.port });
    }
    if (change.direction) {
      if (!change.direction.send && this.directionNow.send) this.stopSending();
      this.directionNow = change.direction;
    }
  }

  /** Queues DTMF digits: as RFC 4733 events (needs telephone-event) or as tones in the audio. */
  sendDtmf(digits: string, method: DtmfMethod, durationMs?: number): void {
    // Digits queued on hold would go out at some later resume, long after the user pressed them.
    if (!this.directionNow.send) throw new Error(`stream ${this.id} is not sending (on hold): DTMF not sent`);
    if (method === 'rfc4733') {
      if (!this.dtmfEvents) throw new Error(`stream ${this.id} has no telephone-event payload type`);
      this.dtmfEvents.enqueue(digits, durationMs);
    } else {
      const toneMs = Math.max(durationMs ?? 100, 40);
      // Checked now (it throws on a non-DTMF key); played after what is already queued.
      const generator = createDtmfGenerator(digits, { sampleRate: this.codec.sampleRate, toneMs, pauseMs: Math.max(toneMs / 2, 40) });
      this.inbandQueue.push(generator);
    }
    this.dtmfOut += digits.length;
  }

  /** Sends RTCP BYE (RFC 3550 §6.6) and releases the sockets. */
  async close(reason?: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rtcp.dispose();
    try {
      this.sendRtcp(this.rtcp.byePacket(reason));
    } catch (e) {
      this.log.warn('bye', `RTCP BYE not sent: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.log.flush();
    await Promise.all([this.rtpSocket.close(), this.rtcpSocket.close()]);
  }

  // ---- send path (capture clock) ----

  /** One capture period of mono audio at `rate`: sends every whole packet-time frame it completes. */
  sendAudio(samples: Int16Array, rate: number): void {
    if (this.closed) return;
    if (this.captureResampler?.fromRate !== rate) this.captureResampler = createResampler(rate, this.codec.sampleRate);
    this.captureFifo.push(this.captureResampler.process(samples));
    while (this.captureFifo.length >= this.frameSamples) this.sendFrame(this.captureFifo.take(this.frameSamples));
    this.pollTelephoneEvents();
  }

  private sendFrame(pcm: Int16Array): void {
    if (!this.directionNow.send) {
      this.sender.skip(this.frameUnits);
      return;
    }
    const event = this.dtmfEvents?.frame(this.sender.nextTimestamp);
    if (event?.active) {
      for (const p of event.packets) {
        this.sendRtp(this.sender.send(p.payload, 0, { payloadType: this.telephoneEventPt, marker: p.marker }));
      }
      if (event.finishedUnits !== undefined) this.sender.skip(event.finishedUnits);
      return;
    }
    let audio = pcm;
    this.inband ??= this.inbandQueue.shift();
    if (this.inband) {
      audio = this.inband.pull(this.frameSamples);
      if (this.inband.done) this.inband = undefined;
    }
    let payload: Uint8Array;
    try {
      payload = this.encoder.encode(audio);
    } catch (e) {
      this.log.warn('encode', `encoder failed: ${e instanceof Error ? e.message : String(e)}`);
      this.sender.skip(this.frameUnits);
      return;
    }
    this.sendRtp(this.sender.send(payload, this.frameUnits));
  }

  private stopSending(): void {
    const unsent = this.dtmfEvents?.clear();
    if (unsent !== undefined) this.sender.skip(unsent);
    this.inband = undefined;
    this.inbandQueue.length = 0;
  }

  private sendRtp(packet: Uint8Array): void {
    let datagram = packet;
    if (this.srtp) {
      const protectedPacket = this.srtp.send.protectRtp(packet);
      if (!protectedPacket.ok) {
        this.log.warn('srtp-protect', `SRTP protect failed: ${protectedPacket.reason}`);
        return;
      }
      datagram = protectedPacket.packet;
    }
    this.rtpSocket.send(datagram, { address: this.remote.host, port: this.remote.port });
  }

  private sendRtcp(compound: Uint8Array): number {
    let datagram = compound;
    if (this.srtp) {
      const protectedPacket = this.srtp.send.protectRtcp(compound);
      if (!protectedPacket.ok) {
        this.log.warn('srtcp-protect', `SRTCP protect failed: ${protectedPacket.reason}`);
        return 0;
      }
      datagram = protectedPacket.packet;
    }
    this.rtcpSocket.send(datagram, { address: this.remote.host, port: this.remote.rtcpPort ?? this.remote.port + 1 });
    return datagram.length;
  }

  // ---- receive path (network) ----

  private onRtp(datagram: Uint8Array, from: TransportAddress): void {
    if (this.closed) return;
    const locked = this.receiver.acceptedSource;
    if (locked && !sameTransportAddress(locked, from)) {
      // Cheapest test first: the receiver counts and logs it as from the wrong
      // source without parsing it, and a stranger never reaches the SRTP
      // replay state or uses up the flood allowance of the peer.
      this.receiver.receive(datagram, from);
      return;
    }
    if (!this.rtpGuard.admit(this.context.clock.now())) {
      this.log.warn('rtp-flood', `RTP flood from ${from.address}:${from.port}: datagrams beyond the rate limit dropped (${this.rtpGuard.dropped} so far)`);
      return;
    }
    let packet = datagram;
    if (this.srtp) {
      const clear = this.srtp.recv.unprotectRtp(datagram);
      if (!clear.ok) {
        this.drops[srtpDropKind(clear.reason)]++;
        this.log.warn(`srtp-${clear.reason}`, `SRTP packet from ${from.address}:${from.port} dropped: ${clear.reason}`);
        return;
      }
      packet = clear.packet;
    }
    const outcome = this.receiver.receive(packet, from);
    if (outcome.kind !== 'accepted') return;
    const rtp = outcome.packet;
    this.octetsIn += rtp.payload.length;
    if (!this.directionNow.recv) return;
    if (rtp.payloadType === this.telephoneEventPt && this.telephoneEvents) {
      this.onTelephoneEvent(rtp.timestamp, rtp.marker, rtp.payload);
      return;
    }
    this.jitter.insert(rtp);
  }

  private onTelephoneEvent(timestamp: number, marker: boolean, payload: Uint8Array): void {
    if (!this.telephoneEvents) return;
    try {
      this.reportNotices(this.telephoneEvents.receive({ timestamp, marker, payload }, this.context.clock.now()));
    } catch (e) {
      this.log.warn('telephone-event', `bad telephone-event payload: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private pollTelephoneEvents(): void {
    if (this.telephoneEvents) this.reportNotices(this.telephoneEvents.poll(this.context.clock.now()));
  }

  private reportNotices(notices: ReturnType<TelephoneEventReceiver['poll']>): void {
    for (const notice of notices) {
      if (notice.type !== 'end' || notice.key === undefined) continue;
      this.dtmfIn++;
      this.context.onDtmf(notice.key, notice.durationMs);
    }
  }

  private onRtcp(datagram: Uint8Array, from: TransportAddress): void {
    if (this.closed) return;
    // RTCP comes from the peer's host (its port may differ: RFC 3605, NATs).
    const expected = this.receiver.acceptedSource?.address ?? this.remote.host;
    if (normalizeAddress(expected) !== normalizeAddress(from.address)) {
      this.drops.rtcp++;
      this.log.warn('rtcp-wrong-source', `RTCP from ${from.address}:${from.port} dropped: expecting ${expected}`);
      return;
    }
    if (!this.rtcpGuard.admit(this.context.clock.now())) {
      this.drops.rtcp++;
      this.log.warn('rtcp-flood', `RTCP flood from ${from.address}:${from.port}: dropped`);
      return;
    }
    let packet = datagram;
    if (this.srtp) {
      const clear = this.srtp.recv.unprotectRtcp(datagram);
      if (!clear.ok) {
        this.drops[srtpDropKind(clear.reason)]++;
        this.log.warn(`srtcp-${clear.reason}`, `SRTCP packet from ${from.address}:${from.port} dropped: ${clear.reason}`);
        return;
      }
      packet = clear.packet;
    }
    const parsed = parseRtcpCompound(packet);
    if (!parsed.ok) {
      this.drops.rtcp++;
      this.log.warn('rtcp-bad', `RTCP from ${from.address}:${from.port} dropped: ${parsed.reason}`);
      return;
    }
    this.rtcp.handle(parsed.packets, datagram.length);
  }

  // ---- playback path (playback clock) ----

  /**
   * Exactly `count` mono samples at `rate` for the mixer, or undefined while
   * not receiving. The jitter buffer is pulled once per device period, with
   * the period's length at the codec rate: its delay model takes each pull to
   * be heard one pull after the previous. Only a period that is not a whole
   * number of codec samples (an odd ALSA period) is served from 10 ms pulls
   * through a FIFO.
   */
  pullAudio(count: number, rate: number): Int16Array | undefined {
    if (this.closed || !this.directionNow.recv) return undefined;
    if (this.playResampler?.toRate !== rate) {
      this.playResampler = createResampler(this.codec.sampleRate, rate);
      this.playFifo.clear();
    }
    const resampler = this.playResampler;
    const codecCount = (count * this.codec.sampleRate) / rate;
    if (Number.isInteger(codecCount) && resampler.outputLength(codecCount) === count && this.playFifo.length === 0) {
      return resampler.process(this.pullDecoded(codecCount));
    }
    const piece = (this.codec.sampleRate * PULL_MS) / 1000;
    while (this.playFifo.length < count) this.playFifo.push(resampler.process(this.pullDecoded(piece)));
    return this.playFifo.take(count);
  }

  private pullDecoded(count: number): Int16Array {
    try {
      return this.jitter.pull(count);
    } catch (e) {
      // A decoder that chokes on a payload must not silence the call for good.
      this.log.warn('decode', `jitter buffer/decoder failed: ${e instanceof Error ? e.message : String(e)}`);
      this.jitter.reset();
      return new Int16Array(count);
    }
  }

  // ---- statistics ----

  stats(): MediaStreamStats {
    const c = this.receiver.counters;
    const source = this.receiver.stats;
    const jb = this.jitter.stats;
    const expected = source?.expected ?? 0;
    const cumulative = source?.cumulativeLost ?? 0;
    const dropped: DroppedCounts = {
      bad: c.droppedBad,
      wrongSource: c.droppedSource,
      unknownPayloadType: c.droppedPayloadType,
      duplicate: c.duplicates,
      sequence: c.droppedSequence,
      srtpAuth: this.drops.srtpAuth,
      srtpReplay: this.drops.srtpReplay,
      srtpOther: this.drops.srtpOther,
      flood: this.rtpGuard.dropped,
      rtcp: this.drops.rtcp,
      late: jb.latePackets,
    };
    const rtt = this.rtcp.rttMs;
    const remoteReport = this.rtcp.remoteReport;
    return {
      id: this.id,
      codec: this.codec.name,
      payloadType: this.payloadType,
      ptimeMs: this.ptimeMs,
      direction: { ...this.directionNow },
      localPort: this.localPort,
      remote: { host: this.remote.host, port: this.remote.port },
      srtp: this.srtp !== undefined,
      packetsSent: this.sender.packetCount,
      octetsSent: this.sender.octetCount,
      packetsReceived: c.accepted,
      octetsReceived: this.octetsIn,
      jitterMs: ((source?.jitterExact ?? 0) * 1000) / this.codec.clockRate,
      loss: { fraction: expected > 0 ? Math.max(0, cumulative) / expected : 0, cumulative },
      ...(remoteReport ? { remoteReport } : {}),
      ...(rtt === undefined ? {} : { rttMs: rtt }),
      bufferDelayMs: jb.currentDelayMs,
      targetDelayMs: jb.targetDelayMs,
      concealedMs: (jb.concealedSamples * 1000) / this.codec.sampleRate,
      dropped,
      dtmfSent: this.dtmfOut,
      dtmfReceived: this.dtmfIn,
      rtcpSent: this.rtcp.reportsSent,
      rtcpReceived: this.rtcp.reportsReceived,
    };
  }
}
