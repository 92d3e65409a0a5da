/**
 * The media engine: the phone's audio path between its PCM devices and the
 * network, driven only by the devices' own clocks (DESIGN.md, "How data
 * flows"): each capture period sends, each playback period pulls. No timer
 * here paces audio; the only timers are RTCP's (on the injected Clock).
 *
 * Pure TypeScript with its outside world injected — the Clock, the devices,
 * the UDP socket factory, the log — so tests run it in-process and the worker
 * (worker.ts) runs it on real devices and sockets.
 *
 *   capture period → mono → [mute] → per stream: mic (+ the other conference
 *     legs, N−1) → MediaStream.sendAudio (resample, encode, RTP, SRTP, UDP)
 *   playback period → per receiving stream: MediaStream.pullAudio (jitter
 *     buffer, decode, resample) → Σ streams + call-progress tone → volume →
 *     + ringer (its own volume) → clip → device channels
 *
 * Capture and playback must run at the same rate (one codec chip, one clock
 * domain), one of 8, 16 or 48 kHz; periods may differ.
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import type { PcmCapture, PcmPlayback } from '../../../drivers/bus/pcm.js';
import type { CodecRegistry } from '../codecs/codec.js';
import { createDefaultCodecRegistry } from '../codecs/default-registry.js';
import { isResamplerRate } from '../dsp/resampler.js';
import { consoleSink, type LogSink } from '../rate-limited-log.js';
import { systemWallClock, type WallClock } from '../rtp/ntp.js';
import type { UnitRandom } from '../rtp/rtcp-interval.js';
import { createRingTone, isRingToneName, RINGER_VOLUME_MAX } from '../tones/ring-tones.js';
import { ToneGenerator } from '../tones/tone-generator.js';
import { isCallProgressTone, isToneCountry, tonePattern } from '../tones/tone-plans.js';
import type { SocketFactory } from './media-socket.js';
import { MediaStream, type DtmfMethod } from './media-stream.js';
import { addInto, clipToInt16, conferenceSendMix, downmixToMono, gainFromDb, upmixFromMono } from './mixer.js';
import { SampleFifo } from './sample-fifo.js';
import type { StreamChange, StreamConfig } from './stream-config.js';
import type { MediaStreamStats } from './stream-stats.js';

export type MediaEngineEvent =
  | { readonly type: 'dtmf-received'; readonly streamId: string; readonly digit: string; readonly durationMs: number }
  | { readonly type: 'remote-bye'; readonly streamId: string; readonly reason?: string }
  | { readonly type: 'error'; readonly message: string; readonly streamId?: string };

export interface MediaEngineOptions {
  readonly clock: Clock;
  readonly sockets: SocketFactory;
  readonly codecs?: CodecRegistry;
  readonly log?: LogSink;
  /** Absolute time for RTCP sender reports (NTP timestamps). */
  readonly wallClock?: WallClock;
  /** RTCP interval randomisation (RFC 3550 §6.3.1); Math.random by default. */
  readonly rtcpRandom?: UnitRandom;
  /** RTCP SDES CNAME (§6.5.1): user@host of this phone. */
  readonly cname?: string;
  /**
   * The devices pause after this long with no stream, tone or ringer
   * (default DEFAULT_IDLE_PAUSE_MS; Infinity: never).
   */
  readonly idlePauseMs?: number;
}

/**
 * An idle phone's devices pause (PcmPausable): their period clocks were
 * most of its idle CPU (on the sim board 4.65 % with them running, 1.45 %
 * without). Not at once, so that the gaps between a dial tone, a call and
 * a busy tone do not start and stop a real device each time.
 */
export const DEFAULT_IDLE_PAUSE_MS = 5000;

export interface MediaDevices {
  readonly capture?: PcmCapture;
  readonly playback?: PcmPlayback;
}

/** Playback gain limits, dB: a handset or headset never needs more than +12 dB of digital gain. */
export const MIN_VOLUME_DB = -60;
export const MAX_VOLUME_DB = 12;

export class MediaEngine {
  private readonly clock: Clock;
  private readonly codecs: CodecRegistry;
  private readonly log: LogSink;
  private readonly streams = new Map<string, MediaStream>();
  /** Streams being opened (their id is taken). */
  private readonly opening = new Set<string>();
  private readonly listeners = new Set<(event: MediaEngineEvent) => void>();
  private devices: MediaDevices = {};
  private rate: number | undefined;
  private muted = false;
  /** The period handed to the playback device while there is nothing to play (never written to). */
  private silence: Int16Array | undefined;
  private volumeGain = 1;
  private tone: ToneGenerator | undefined;
  private ringer: ToneGenerator | undefined;
  /** Conference legs and the audio each received, waiting for the next capture period. */
  private conference = new Map<string, SampleFifo>();
  private shutDown = false;
  /** Armed while nothing plays or sends; pauses the devices when it fires. */
  private pauseTimer: TimerHandle | undefined;
  private devicesPaused = false;

  constructor(private readonly options: MediaEngineOptions) {
    this.clock = options.clock;
    this.codecs = options.codecs ?? createDefaultCodecRegistry();
    this.log = options.log ?? consoleSink;
  }

  onEvent(listener: (event: MediaEngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- devices ----

  /** Starts the devices: from now on their clocks drive the engine. */
  openDevices(devices: MediaDevices): void {
    this.checkRunning();
    if (this.devices.capture || this.devices.playback) throw new Error('audio devices are already open');
    const { capture, playback } = devices;
    const rates = [capture?.format.sampleRate, playback?.format.sampleRate].filter((r): r is number => r !== undefined);
    for (const r of rates) if (!isResamplerRate(r)) throw new RangeError(`device rate ${r} Hz: the engine runs at 8000, 16000 or 48000 Hz`);
    if (rates.length === 2 && rates[0] !== rates[1]) throw new RangeError(`capture at ${rates[0]} Hz and playback at ${rates[1]} Hz: one rate for both`);
    this.devices = devices;
    this.rate = rates[0];
    if (capture) {
      capture.onError((e) => this.emit({ type: 'error', message: `capture: ${e.message}` }));
      capture.start((samples) => this.onCapture(samples));
    }
    if (playback) {
      playback.onError((e) => this.emit({ type: 'error', message: `playback: ${e.message}` }));
      playback.start(() => this.onPlayback());
    }
    this.powerDevices();
  }

  async closeDevices(): Promise<void> {
    const { capture, playback } = this.devices;
    this.devices = {};
    this.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = undefined;
    this.devicesPaused = false;
    this.tone = undefined;
    this.ringer = undefined;
    await capture?.stop();
    await playback?.stop();
  }

  // ---- streams ----

  /**
   * Binds the stream's port pair and starts it. Without `config.remote` (an
   * offer being written) the port is known at once but nothing is sent or
   * accepted until updateStream() names the peer.
   */
  async openStream(config: StreamConfig): Promise<{ readonly localPort: number }> {
    this.checkRunning();
    if (this.streams.has(config.id) || this.opening.has(config.id)) throw new Error(`stream ${config.id} is already open`);
    this.opening.add(config.id);
    this.powerDevices();
    try {
      const stream = await MediaStream.open(
        {
          clock: this.clock,
          wallClock: this.options.wallClock ?? systemWallClock,
          codecs: this.codecs,
          sockets: this.options.sockets,
          log: this.log,
          cname: this.options.cname ?? 'deskphone@localhost',
          ...(this.options.rtcpRandom ? { rtcpRandom: this.options.rtcpRandom } : {}),
          onDtmf: (digit, durationMs) => this.emit({ type: 'dtmf-received', streamId: config.id, digit, durationMs }),
          onBye: (reason) => this.emit({ type: 'remote-bye', streamId: config.id, ...(reason === undefined ? {} : { reason }) }),
        },
        config,
      );
      if (this.shutDown) {
        await stream.close();
        throw new Error('media engine is shut down');
      }
      this.streams.set(config.id, stream);
      return { localPort: stream.localPort };
    } finally {
      this.opening.delete(config.id);
      this.powerDevices();
    }
  }

  /**
   * What a re-INVITE (or the answer to an offer) changed: remote, direction
   * (hold, resume), codec, packet time, telephone-event, SRTP keys — on the
   * same socket and port. Throws, leaving the stream as it was, on a change
   * it cannot make.
   */
  updateStream(id: string, change: StreamChange): void {
    this.stream(id).update(change);
  }

  /** Sends RTCP BYE and closes the stream's sockets. */
  async closeStream(id: string): Promise<void> {
    const stream = this.stream(id);
    this.streams.delete(id);
    if (this.conference.has(id)) this.mixStreams([...this.conference.keys()].filter((leg) => leg !== id));
    this.powerDevices();
    await stream.close();
  }

  /**
   * Makes `ids` one conference (N−1 mixing): each hears the microphone and the
   * others; the local user hears them all. Fewer than two ends the conference.
   */
  mixStreams(ids: readonly string[]): void {
    for (const id of ids) this.stream(id);
    const unique = [...new Set(ids)];
    // Half a second at 48 kHz: more than any gap between the two clocks' periods.
    this.conference = new Map(unique.length >= 2 ? unique.map((id) => [id, new SampleFifo(24000)]) : []);
  }

  sendDtmf(id: string, digits: string, method: DtmfMethod, durationMs?: number): void {
    this.stream(id).sendDtmf(digits, method, durationMs);
  }

  stats(id?: string): MediaStreamStats[] {
    if (id !== undefined) return [this.stream(id).stats()];
    return [...this.streams.values()].map((s) => s.stats());
  }

  // ---- tones, ringer, mute, volume ----

  /** Plays a call-progress tone of a country's plan (tone-plans.ts) until stopTone() or its end. */
  playTone(country: string, tone: string): void {
    if (!isToneCountry(country)) throw new RangeError(`no tone plan for country "${country}"`);
    if (!isCallProgressTone(tone)) throw new RangeError(`"${tone}" is not a call-progress tone`);
    this.tone = new ToneGenerator(tonePattern(country, tone), { sampleRate: this.playbackRate() });
    this.powerDevices();
  }

  stopTone(): void {
    this.tone?.stop();
  }

  /** Starts the ringer with a ring tone (ring-tones.ts) at a ringer volume 0 … 10, or stops it. */
  ring(on: boolean, toneName = 'uk-double', volume = RINGER_VOLUME_MAX): void {
    if (!on) {
      this.ringer?.stop();
      return;
    }
    if (!isRingToneName(toneName)) throw new RangeError(`no ring tone "${toneName}"`);
    this.ringer = createRingTone(toneName, { sampleRate: this.playbackRate(), volume });
    this.powerDevices();
  }

  /** Mutes the microphone: every stream sends silence (a conference's other legs still hear each other). */
  setMute(muted: boolean): void {
    this.muted = muted;
  }

  /** Playback gain for calls and call-progress tones, dB (the ringer has its own volume). */
  setVolume(gainDb: number): void {
    if (Number.isNaN(gainDb)) throw new RangeError('volume NaN dB');
    this.volumeGain = gainFromDb(Math.min(MAX_VOLUME_DB, Math.max(MIN_VOLUME_DB, gainDb)));
  }

  /** Closes every stream (with BYE) and the devices. */
  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    this.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = undefined;
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.conference.clear();
    await Promise.all(streams.map((s) => s.close('shutdown')));
    await this.closeDevices();
  }

  // ---- device power ----

  /** Something to play or send: a stream (or one being opened), a tone, the ringer. */
  private busy(): boolean {
    return this.streams.size > 0 || this.opening.size > 0 || this.tone !== undefined || this.ringer !== undefined;
  }

  /** Wakes paused devices for what is about to play or send, or arms their pause once nothing does. */
  private powerDevices(): void {
    const { capture, playback } = this.devices;
    if (this.shutDown || (!capture && !playback)) return;
    if (this.busy()) {
      this.clock.clearTimer(this.pauseTimer);
      this.pauseTimer = undefined;
      if (this.devicesPaused) {
        this.devicesPaused = false;
        capture?.resume();
        playback?.resume();
      }
      return;
    }
    const idleMs = this.options.idlePauseMs ?? DEFAULT_IDLE_PAUSE_MS;
    if (this.devicesPaused || this.pauseTimer !== undefined || !Number.isFinite(idleMs)) return;
    this.pauseTimer = this.clock.setTimer(idleMs, () => {
      this.pauseTimer = undefined;
      if (this.busy() || this.shutDown) return;
      this.devicesPaused = true;
      Promise.all([capture?.pause(), playback?.pause()]).catch((e: unknown) =>
        this.emit({ type: 'error', message: `pausing the audio devices: ${e instanceof Error ? e.message : String(e)}` }),
      );
    });
  }

  /** Whether the devices are paused for want of anything to play or send. */
  get devicesIdle(): boolean {
    return this.devicesPaused;
  }

  // ---- the two clocks ----

  private onCapture(interleaved: Int16Array): void {
    const capture = this.devices.capture;
    if (!capture || this.rate === undefined || this.streams.size === 0) return;
    const rate = this.rate;
    const mono = downmixToMono(interleaved, capture.format.channels);
    const mic = this.muted ? new Int16Array(mono.length) : mono;
    let legs: Map<string, Int16Array> | undefined;
    if (this.conference.size >= 2) {
      legs = new Map();
      for (const [id, fifo] of this.conference) legs.set(id, fifo.take(mic.length));
    }
    for (const [id, stream] of this.streams) {
      const audio = legs?.has(id) ? conferenceSendMix(mic, id, legs) : mic;
      this.guard(id, () => stream.sendAudio(audio, rate));
    }
  }

  private onPlayback(): Int16Array {
    const playback = this.devices.playback;
    if (!playback || this.rate === undefined) return new Int16Array(0);
    const { periodFrames, channels } = playback.format;
    if (this.streams.size === 0 && !this.tone && !this.ringer) {
      if (this.silence?.length !== periodFrames * channels) this.silence = new Int16Array(periodFrames * channels);
      return this.silence;
    }
    const rate = this.rate;
    const mix = new Float32Array(periodFrames);
    for (const [id, stream] of this.streams) {
      const audio = this.guard(id, () => stream.pullAudio(periodFrames, rate));
      if (!audio) continue;
      addInto(mix, audio);
      this.conference.get(id)?.push(audio);
    }
    if (this.tone) {
      addInto(mix, this.tone.pull(periodFrames));
      if (this.tone.done) {
        this.tone = undefined;
        this.powerDevices();
      }
    }
    for (let i = 0; i < mix.length; i++) mix[i] = (mix[i] ?? 0) * this.volumeGain;
    if (this.ringer) {
      addInto(mix, this.ringer.pull(periodFrames));
      if (this.ringer.done) {
        this.ringer = undefined;
        this.powerDevices();
      }
    }
    return upmixFromMono(clipToInt16(mix), channels);
  }

  /** One stream's failure is reported, not allowed to stop the device's period for the others. */
  private guard<T>(id: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (e) {
      this.emit({ type: 'error', streamId: id, message: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  // ---- helpers ----

  private stream(id: string): MediaStream {
    const stream = this.streams.get(id);
    if (!stream) throw new Error(`no stream ${id}`);
    return stream;
  }

  private playbackRate(): number {
    const playback = this.devices.playback;
    if (!playback) throw new Error('no playback device is open');
    return playback.format.sampleRate;
  }

  private checkRunning(): void {
    if (this.shutDown) throw new Error('media engine is shut down');
  }

  private emit(event: MediaEngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
