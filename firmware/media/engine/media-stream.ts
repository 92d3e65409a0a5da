/**
 * One RTP stream of a call: its socket pair, the send path fed by the capture
 * clock and the receive path read by the playback clock.
 *
 * The socket pair is bound when the stream opens, so its port can go into an
 * offer before the answer names the peer; until a remote is set nothing is
 * sent and nothing accepted. A re-INVITE changes the stream in place
 * (update()): remote, direction, codec, packet time, telephone-event and
 * keys, all at once or not at all; the port and the SSRC stay.
 *
 * Send (sendAudio, once per capture period):
 *   device-rate mono → resample to the codec rate → packet-time frames →
 *   [RFC 4733 event packets instead, while a digit is sent | in-band DTMF in
 *   place of the microphone] → encode → RtpSender → SRTP → UDP.
 *   With send off (hold) or no remote nothing at all is sent — call-flows:
 *   "no RTP is sent by A while it holds" — but the RTP timestamp keeps
 *   counting (RFC 3550 §5.1), and the first packet after it is marked as a
 *   talkspurt's start. RTCP goes on while held: RFC 3264 §5.1, RTCP "is
 *   still sent and received for sendonly, recvonly, and inactive streams".
 *
 * Receive (each datagram):
 *   a remote is set → symmetric source check (RFC 4961; before SRTP, so a
 *   stranger cannot touch the replay state) → flood guard → SRTP unprotect
 *   (receive-keys.ts) → the receive format (receive-formats.ts) →
 *   RtpReceiver (parse, payload type, A.1 sequence checks) →
 *   telephone-event receiver or the jitter buffer.
 *
 * Playback (pullAudio, once per playback period): the jitter buffer in 10 ms
 * pulls (NetEQ's unit, and a multiple of Opus's 2.5 ms) → resample to the
 * device rate → a small FIFO that hands out exactly one period.
 *
 * Nothing here throws on what arrives from the network: it is counted,
 * logged through the rate-limited log, and dropped.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { CodecRegistry } from '../codecs/codec.js';
import type { TelephoneEventReceiver } from '../codecs/telephone-event/receiver.js';
import { createResampler, type Resampler } from '../dsp/resampler.js';
import type { JitterBuffer } from '../jitter/jitter-buffer.js';
import { RateLimitedLog, type LogSink } from '../rate-limited-log.js';
import type { WallClock } from '../rtp/ntp.js';
import type { UnitRandom } from '../rtp/rtcp-interval.js';
import { parseRtcpCompound } from '../rtp/rtcp-packet.js';
import { normalizeAddress, RtpReceiver, sameTransportAddress, type TransportAddress } from '../rtp/rtp-receiver.js';
import { RtpSender } from '../rtp/rtp-sender.js';
import type { SrtpContext, SrtpFailure } from '../srtp/srtp-context.js';
import { createDtmfGenerator } from '../tones/dtmf-inband.js';
import type { ToneGenerator } from '../tones/tone-generator.js';
import { FloodGuard } from './flood-guard.js';
import { bindRtpPortPair, type MediaSocket, type SocketFactory } from './media-socket.js';
import { createReceiveFormat, ReceiveFormats } from './receive-formats.js';
import { ReceiveKeys } from './receive-keys.js';
import { RtcpSession } from './rtcp-session.js';
import { SampleFifo } from './sample-fifo.js';
import { createSendFormat, sendFormatIdentity, type SendFormat } from './send-format.js';
import {
  applyStreamChange,
  checkStreamConfig,
  sameSrtpKey,
  srtpContextFor,
  usableRemote,
  type RemoteEndpoint,
  type SrtpKey,
  type StreamConfig,
  type StreamDirection,
  type StreamChange,
} from './stream-config.js';
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

/** Audio and headers of one stream, for the RTCP bandwidth share (§6.2): generous for G.711/G.722. */
const SESSION_BITS_PER_SECOND = 90_000;
/** The jitter buffer is read in 10 ms pieces. */
const PULL_MS = 10;
/** A second of audio at the highest codec rate: room for any capture period plus a frame in waiting. */
const FIFO_SAMPLES = 48000;
/**
 * The receiver's remote before there is one. Never used to accept anything
 * (onRtp drops all while there is no remote); port 0 is no sender's port.
 */
const NOWHERE: TransportAddress = { address: '0.0.0.0', port: 0 };

interface Drops {
  srtpAuth: number;
  srtpReplay: number;
  srtpOther: number;
  rtcp: number;
  /** RTP that arrived while no remote was set. */
  noRemote: number;
}

function srtpDropKind(reason: SrtpFailure): keyof Drops {
  if (reason === 'auth') return 'srtpAuth';
  if (reason === 'replay' || reason === 'too-old') return 'srtpReplay';
  return 'srtpOther';
}

/** The payload type in an RTP header (RFC 3550 §5.1), or -1 for what is too short to be one. */
function peekPayloadType(packet: Uint8Array): number {
  return packet.length >= 12 ? (packet[1] ?? 0) & 0x7f : -1;
}

function transportOf(remote: RemoteEndpoint): TransportAddress {
  return { address: remote.host, port: remote.port };
}

function sameRemote(a: RemoteEndpoint | undefined, b: RemoteEndpoint | undefined): boolean {
  if (!a || !b) return a === b;
  return sameTransportAddress(transportOf(a), transportOf(b)) && a.rtcpPort === b.rtcpPort;
}

/** A change of keys for one direction: undefined when the key stays; else the new protection (undefined: none). */
function keyChange(before: SrtpKey | undefined, after: SrtpKey | undefined, what: string): { readonly context: SrtpContext | undefined } | undefined {
  if (before === undefined && after === undefined) return undefined;
  if (before !== undefined && after !== undefined && sameSrtpKey(before, after)) return undefined;
  return { context: after === undefined ? undefined : srtpContextFor(after, what) };
}

/** The parts of a stream made (and refused) before a port is taken. */
interface StreamParts {
  readonly send: SendFormat;
  readonly formats: ReceiveFormats;
  readonly srtpSend: SrtpContext | undefined;
  readonly srtpReceive: SrtpContext | undefined;
}

export class MediaStream {
  readonly id: string;
  private readonly log: RateLimitedLog;
  private readonly sender: RtpSender;
  private readonly receiver: RtpReceiver;
  private readonly rtcp: RtcpSession;
  private readonly formats: ReceiveFormats;
  private readonly srtpReceive: ReceiveKeys;
  private readonly captureFifo = new SampleFifo(FIFO_SAMPLES);
  private readonly playFifo = new SampleFifo(FIFO_SAMPLES);
  private readonly rtpGuard = new FloodGuard();
  private readonly rtcpGuard = new FloodGuard({ ratePerSecond: 20, burst: 10 });
  private config: StreamConfig;
  private send: SendFormat;
  private srtpSend: SrtpContext | undefined;
  private remote: RemoteEndpoint | undefined;
  private directionNow: StreamDirection;
  private captureResampler: Resampler | undefined;
  private playResampler: Resampler | undefined;
  private inband: ToneGenerator | undefined;
  private readonly inbandQueue: ToneGenerator[] = [];
  private rtcpStarted = false;
  private closed = false;
  private octetsIn = 0;
  private dtmfOut = 0;
  private dtmfIn = 0;
  private readonly drops: Drops = { srtpAuth: 0, srtpReplay: 0, srtpOther: 0, rtcp: 0, noRemote: 0 };

  private constructor(
    private readonly context: MediaStreamContext,
    config: StreamConfig,
    parts: StreamParts,
    private readonly rtpSocket: MediaSocket,
    private readonly rtcpSocket: MediaSocket,
  ) {
    const { clock } = context;
    this.id = config.id;
    this.config = config;
    this.send = parts.send;
    this.formats = parts.formats;
    this.srtpSend = parts.srtpSend;
    this.srtpReceive = new ReceiveKeys(parts.srtpReceive);
    this.remote = usableRemote(config.remote);
    this.directionNow = config.direction;
    const sink: LogSink = { warn: (line) => context.log.warn(`media ${config.id}: ${line}`) };
    this.log = new RateLimitedLog(clock, sink, { maxLines: 5, intervalMs: 10_000 });
    const sendFormat = (): SendFormat => this.send;
    const formats = this.formats;
    this.sender = new RtpSender({
      clock,
      // Read at each packet and each SR: the send format of the moment, so a
      // codec change (update()) keeps this sender, and with it the SSRC, the
      // sequence, the timestamp and the SR's counts.
      get payloadType() {
        return sendFormat().payloadType;
      },
      get clockRate() {
        return sendFormat().codec.clockRate;
      },
    });
    this.receiver = new RtpReceiver({
      clock,
      // Read when a new source starts (a transfer's new peer): the format being received.
      get clockRate() {
        return formats.current.codec.clockRate;
      },
      remote: this.remote ? transportOf(this.remote) : NOWHERE,
      latching: config.latching ?? false,
      payloadTypes: formats.payloadTypes,
      log: this.log,
    });
    this.rtcp = new RtcpSession({
      clock,
      wallClock: context.wallClock,
      ...(context.rtcpRandom ? { random: context.rtcpRandom } : {}),
      sender: this.sender,
      receiver: this.receiver,
      clockRate: () => this.send.codec.clockRate,
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
    this.startRtcp();
  }

  /** Binds the port pair and, once there is a remote, starts RTCP; throws on a configuration the phone cannot honour. */
  static async open(context: MediaStreamContext, config: StreamConfig): Promise<MediaStream> {
    // Everything that can be refused is made before a port is taken.
    const resolved = checkStreamConfig(context.codecs, config);
    const parts: StreamParts = {
      send: createSendFormat(resolved, config),
      formats: new ReceiveFormats(createReceiveFormat(context.clock, resolved, config)),
      srtpSend: config.srtp ? srtpContextFor(config.srtp.send, 'send') : undefined,
      srtpReceive: config.srtp ? srtpContextFor(config.srtp.recv, 'receive') : undefined,
    };
    const pair = await bindRtpPortPair(context.sockets, config.local.host, config.local.port);
    return new MediaStream(context, config, parts, pair.rtp, pair.rtcp);
  }

  get localPort(): number {
    return this.rtpSocket.port;
  }

  get direction(): StreamDirection {
    return this.directionNow;
  }

  /** RTP goes out: the direction sends and there is somewhere to send to. */
  private get sending(): boolean {
    return this.directionNow.send && this.remote !== undefined;
  }

  // ---- control ----

  /**
   * Changes the stream as a re-INVITE settled it (stream-config.ts
   * StreamChange). All or nothing: everything that can be refused — the
   * codec, the packet time, the payload types, the keys, the remote — is
   * checked and made first, and a refusal (RangeError) leaves the stream as
   * it was. The socket pair and local port never change.
   */
  update(change: StreamChange): void {
    if (this.closed) throw new Error(`stream ${this.id} is closed`);
    const next = applyStreamChange(this.config, change);
    const resolved = checkStreamConfig(this.context.codecs, next);
    const send = sendFormatIdentity(resolved, next) === this.send.identity ? this.send : createSendFormat(resolved, next);
    const receive = createReceiveFormat(this.context.clock, resolved, next, this.formats.current);
    const sendKeys = keyChange(this.config.srtp?.send, next.srtp?.send, 'send');
    const receiveKeys = keyChange(this.config.srtp?.recv, next.srtp?.recv, 'receive');
    const remote = usableRemote(next.remote);

    // Nothing below throws.
    const wasSending = this.sending;
    this.config = next;
    if (send !== this.send) this.switchSendFormat(send);
    this.formats.change(receive);
    if (sendKeys) this.srtpSend = sendKeys.context;
    if (receiveKeys) this.srtpReceive.replace(receiveKeys.context);
    if (!sameRemote(remote, this.remote)) {
      this.remote = remote;
      // The same address again (a re-offer repeats it) keeps a latched source.
      if (remote) this.receiver.setRemote(transportOf(remote));
      this.startRtcp();
    }
    // Back from a hold: nothing pulled the jitter buffer meanwhile, so its
    // playout point still sits where the hold began and the peer's timestamps
    // are a hold's length ahead. Start it afresh, or it conceals that gap.
    const resumesReceiving = !this.directionNow.recv && next.direction.recv;
    this.directionNow = next.direction;
    if (resumesReceiving) this.formats.current.jitter.reset();
    if (wasSending && !this.sending) this.dropPendingDtmf();
  }

  /** Queues DTMF digits: as RFC 4733 events (needs telephone-event) or as tones in the audio. */
  sendDtmf(digits: string, method: DtmfMethod, durationMs?: number): void {
    // Digits queued on hold would go out at some later resume, long after the user pressed them.
    if (!this.directionNow.send) throw new Error(`stream ${this.id} is not sending (on hold): DTMF not sent`);
    if (!this.remote) throw new Error(`stream ${this.id} has no remote yet: DTMF not sent`);
    const events = this.send.events;
    if (method === 'rfc4733') {
      if (!events) throw new Error(`stream ${this.id} has no telephone-event payload type`);
      events.queue.enqueue(digits, durationMs);
    } else {
      const toneMs = Math.max(durationMs ?? 100, 40);
      // Checked now (it throws on a non-DTMF key); played after what is already queued.
      const generator = createDtmfGenerator(digits, { sampleRate: this.send.codec.sampleRate, toneMs, pauseMs: Math.max(toneMs / 2, 40) });
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

  /** RTCP starts with the first remote (§6.3.2: the first report goes out after the initial interval). */
  private startRtcp(): void {
    if (this.rtcpStarted || !this.remote) return;
    this.rtcpStarted = true;
    this.rtcp.start();
  }

  /**
   * A new send format (codec, payload type, packet time, telephone-event).
   *
   * The RTP timestamp's choice: the SSRC, the sequence number and the
   * timestamp run on through the change — RFC 3550 §5.1: the sequence
   * "increments by one for each RTP data packet sent", the timestamp
   * "reflects the sampling instant". The first packet of the new codec
   * carries the timestamp the old clock had reached (the instant its first
   * sample was taken) and from there it advances in the new clock's units.
   * A new SSRC instead would send the peer's receiver through A.1 probation
   * (a lost packet) and restart its statistics. Between the 8000 Hz formats
   * (G.711, G.722) this is exact continuity. Across clock rates (Opus,
   * 48 kHz) RFC 7160 §4.1 would rather have a new SSRC; one SSRC is kept
   * there too, as receivers start their playout over on a new payload type
   * anyway (ours does: receive-formats.ts). The first packet carries the
   * marker bit, telling the peer's playout to re-synchronise (RFC 3551 §4.1).
   */
  private switchSendFormat(next: SendFormat): void {
    const old = this.send;
    // A digit being sent belongs to the old format (its clock and payload type): it ends here.
    this.dropPendingDtmf();
    if (next.codec.sampleRate !== old.codec.sampleRate) {
      // Samples waiting for a whole packet are at the old codec's rate: their time passes unsent.
      const waiting = this.captureFifo.length;
      this.captureFifo.clear();
      this.sender.skip(Math.round((waiting * old.codec.clockRate) / old.codec.sampleRate));
    }
    this.send = next;
    this.sender.startTalkspurt();
  }

  /** Forgets DTMF not yet sent; the timestamp still counts the time of an event cut short. */
  private dropPendingDtmf(): void {
    const unsent = this.send.events?.queue.clear();
    if (unsent !== undefined) this.sender.skip(unsent);
    this.inband = undefined;
    this.inbandQueue.length = 0;
  }

  // ---- send path (capture clock) ----

  /** One capture period of mono audio at `rate`: sends every whole packet-time frame it completes. */
  sendAudio(samples: Int16Array, rate: number): void {
    if (this.closed) return;
    const codecRate = this.send.codec.sampleRate;
    if (this.captureResampler?.fromRate !== rate || this.captureResampler.toRate !== codecRate) {
      this.captureResampler = createResampler(rate, codecRate);
    }
    this.captureFifo.push(this.captureResampler.process(samples));
    while (this.captureFifo.length >= this.send.frameSamples) this.sendFrame(this.captureFifo.take(this.send.frameSamples));
    this.pollTelephoneEvents();
  }

  private sendFrame(pcm: Int16Array): void {
    const { frameSamples, frameUnits, encoder, events } = this.send;
    if (!this.sending) {
      this.sender.skip(frameUnits);
      return;
    }
    const event = events?.queue.frame(this.sender.nextTimestamp);
    if (events && event?.active) {
      for (const p of event.packets) {
        this.sendRtp(this.sender.send(p.payload, 0, { payloadType: events.payloadType, marker: p.marker }));
      }
      if (event.finishedUnits !== undefined) this.sender.skip(event.finishedUnits);
      return;
    }
    let audio = pcm;
    this.inband ??= this.inbandQueue.shift();
    if (this.inband) {
      audio = this.inband.pull(frameSamples);
      if (this.inband.done) this.inband = undefined;
    }
    let payload: Uint8Array;
    try {
      payload = encoder.encode(audio);
    } catch (e) {
      this.log.warn('encode', `encoder failed: ${e instanceof Error ? e.message : String(e)}`);
      this.sender.skip(frameUnits);
      return;
    }
    this.sendRtp(this.sender.send(payload, frameUnits));
  }

  private sendRtp(packet: Uint8Array): void {
    const remote = this.remote;
    if (!remote) return;
    let datagram = packet;
    if (this.srtpSend) {
      const protectedPacket = this.srtpSend.protectRtp(packet);
      if (!protectedPacket.ok) {
        this.log.warn('srtp-protect', `SRTP protect failed: ${protectedPacket.reason}`);
        return;
      }
      datagram = protectedPacket.packet;
    }
    this.rtpSocket.send(datagram, transportOf(remote));
  }

  private sendRtcp(compound: Uint8Array): number {
    const remote = this.remote;
    if (!remote) return 0;
    let datagram = compound;
    if (this.srtpSend) {
      const protectedPacket = this.srtpSend.protectRtcp(compound);
      if (!protectedPacket.ok) {
        this.log.warn('srtcp-protect', `SRTCP protect failed: ${protectedPacket.reason}`);
        return 0;
      }
      datagram = protectedPacket.packet;
    }
    this.rtcpSocket.send(datagram, { address: remote.host, port: remote.rtcpPort ?? remote.port + 1 });
    return datagram.length;
  }

  // ---- receive path (network) ----

  private onRtp(datagram: Uint8Array, from: TransportAddress): void {
    if (this.closed) return;
    if (!this.remote) {
      // Nothing is accepted before the peer is known: not even latching may pick one.
      this.drops.noRemote++;
      this.log.warn('rtp-no-remote', `RTP from ${from.address}:${from.port} dropped: no remote set yet`);
      return;
    }
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
    const clear = this.srtpReceive.unprotectRtp(datagram);
    if (!clear.ok) {
      this.drops[srtpDropKind(clear.reason)]++;
      this.log.warn(`srtp-${clear.reason}`, `SRTP packet from ${from.address}:${from.port} dropped: ${clear.reason}`);
      return;
    }
    // The first packet of a newly negotiated format switches to it before the
    // receiver sees it, so a new source starts with the right clock rate.
    this.formats.arrived(peekPayloadType(clear.packet));
    const outcome = this.receiver.receive(clear.packet, from);
    if (outcome.kind !== 'accepted') return;
    const rtp = outcome.packet;
    this.octetsIn += rtp.payload.length;
    if (!this.directionNow.recv) return;
    const events = this.formats.eventsFor(rtp.payloadType);
    if (events) {
      this.onTelephoneEvent(events, rtp.timestamp, rtp.marker, rtp.payload);
      return;
    }
    this.formats.current.jitter.insert(rtp);
  }

  private onTelephoneEvent(events: TelephoneEventReceiver, timestamp: number, marker: boolean, payload: Uint8Array): void {
    try {
      this.reportNotices(events.receive({ timestamp, marker, payload }, this.context.clock.now()));
    } catch (e) {
      this.log.warn('telephone-event', `bad telephone-event payload: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private pollTelephoneEvents(): void {
    const receiver = this.formats.current.events?.receiver;
    if (receiver) this.reportNotices(receiver.poll(this.context.clock.now()));
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
    const expected = this.receiver.acceptedSource?.address ?? this.remote?.host;
    if (expected === undefined || normalizeAddress(expected) !== normalizeAddress(from.address)) {
      this.drops.rtcp++;
      this.log.warn('rtcp-wrong-source', `RTCP from ${from.address}:${from.port} dropped: expecting ${expected ?? 'no one yet'}`);
      return;
    }
    if (!this.rtcpGuard.admit(this.context.clock.now())) {
      this.drops.rtcp++;
      this.log.warn('rtcp-flood', `RTCP flood from ${from.address}:${from.port}: dropped`);
      return;
    }
    const clear = this.srtpReceive.unprotectRtcp(datagram);
    if (!clear.ok) {
      this.drops[srtpDropKind(clear.reason)]++;
      this.log.warn(`srtcp-${clear.reason}`, `SRTCP packet from ${from.address}:${from.port} dropped: ${clear.reason}`);
      return;
    }
    const parsed = parseRtcpCompound(clear.packet);
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
    const { codec, jitter } = this.formats.current;
    if (this.playResampler?.toRate !== rate || this.playResampler.fromRate !== codec.sampleRate) {
      this.playResampler = createResampler(codec.sampleRate, rate);
      this.playFifo.clear();
    }
    const resampler = this.playResampler;
    const codecCount = (count * codec.sampleRate) / rate;
    if (Number.isInteger(codecCount) && resampler.outputLength(codecCount) === count && this.playFifo.length === 0) {
      return resampler.process(this.pullDecoded(jitter, codecCount));
    }
    const piece = (codec.sampleRate * PULL_MS) / 1000;
    while (this.playFifo.length < count) this.playFifo.push(resampler.process(this.pullDecoded(jitter, piece)));
    return this.playFifo.take(count);
  }

  private pullDecoded(jitter: JitterBuffer, count: number): Int16Array {
    try {
      return jitter.pull(count);
    } catch (e) {
      // A decoder that chokes on a payload must not silence the call for good.
      this.log.warn('decode', `jitter buffer/decoder failed: ${e instanceof Error ? e.message : String(e)}`);
      jitter.reset();
      return new Int16Array(count);
    }
  }

  // ---- statistics ----

  stats(): MediaStreamStats {
    const c = this.receiver.counters;
    const source = this.receiver.stats;
    const received = this.formats.current;
    const jb = received.jitter.stats;
    const expected = source?.expected ?? 0;
    const cumulative = source?.cumulativeLost ?? 0;
    const dropped: DroppedCounts = {
      bad: c.droppedBad,
      wrongSource: c.droppedSource + this.drops.noRemote,
      unknownPayloadType: c.droppedPayloadType,
      duplicate: c.duplicates,
      sequence: c.droppedSequence,
      srtpAuth: this.drops.srtpAuth,
      srtpReplay: this.drops.srtpReplay,
      srtpOther: this.drops.srtpOther,
      flood: this.rtpGuard.dropped,
      rtcp: this.drops.rtcp,
      late: this.formats.latePackets,
    };
    const rtt = this.rtcp.rttMs;
    const remoteReport = this.rtcp.remoteReport;
    return {
      id: this.id,
      codec: this.send.codec.name,
      payloadType: this.send.payloadType,
      ptimeMs: this.send.ptimeMs,
      direction: { ...this.directionNow },
      localPort: this.localPort,
      ...(this.remote ? { remote: { host: this.remote.host, port: this.remote.port } } : {}),
      srtp: this.srtpSend !== undefined,
      packetsSent: this.sender.packetCount,
      octetsSent: this.sender.octetCount,
      packetsReceived: c.accepted,
      octetsReceived: this.octetsIn,
      jitterMs: ((source?.jitterExact ?? 0) * 1000) / received.codec.clockRate,
      loss: { fraction: expected > 0 ? Math.max(0, cumulative) / expected : 0, cumulative },
      ...(remoteReport ? { remoteReport } : {}),
      ...(rtt === undefined ? {} : { rttMs: rtt }),
      bufferDelayMs: jb.currentDelayMs,
      targetDelayMs: jb.targetDelayMs,
      concealedMs: this.formats.concealedMs,
      fecRecoveredMs: this.formats.fecRecoveredMs,
      dropped,
      dtmfSent: this.dtmfOut,
      dtmfReceived: this.dtmfIn,
      rtcpSent: this.rtcp.reportsSent,
      rtcpReceived: this.rtcp.reportsReceived,
    };
  }
}
