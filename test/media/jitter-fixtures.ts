/**
 * Helpers for the jitter-buffer tests: a cheap voiced test signal, RTP
 * packets of it, and a simulation that delivers packets at given arrival
 * times and pulls the buffer on a VirtualClock.
 */
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import type { AudioCodecDescriptor } from '../../firmware/media/codecs/codec.js';
import { pcmu } from '../../firmware/media/codecs/g711/g711-codec.js';
import { JitterBuffer, type JitterBufferOptions, type PlayoutEvent } from '../../firmware/media/jitter/jitter-buffer.js';
import type { JitterBufferStats } from '../../firmware/media/jitter/jitter-stats.js';
import type { RtpPacket } from '../../firmware/media/rtp/rtp-packet.js';

export const FRAME_MS = 20;

/**
 * Sample n of a voiced signal: 125 Hz (period 64 at 8 kHz), three
 * harmonics, a slow 2.5 Hz swell — so the whole signal repeats every 400 ms
 * (20 frames), and packets can be encoded once and reused.
 */
export function voicedSample(n: number, sampleRate = 8000): number {
  const w = (2 * Math.PI * 125 * n) / sampleRate;
  const swell = 0.6 + 0.4 * Math.sin((2 * Math.PI * 2.5 * n) / sampleRate);
  return Math.round(8000 * swell * (0.6 * Math.sin(w) + 0.3 * Math.sin(2 * w + 0.4) + 0.1 * Math.sin(3 * w + 1.1)));
}

export function voicedFrame(from: number, count: number, sampleRate = 8000): Int16Array {
  return Int16Array.from({ length: count }, (_, i) => voicedSample(from + i, sampleRate));
}

export function rms(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (a[i] ?? 0) ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

export interface SentPacket {
  readonly arrivalMs: number;
  readonly packet: RtpPacket;
}

export interface StreamOptions {
  readonly codec?: AudioCodecDescriptor;
  readonly ssrc?: number;
  readonly firstSeq?: number;
  readonly firstTs?: number;
}

const SIGNAL_PERIOD_FRAMES = 20;
const payloadCache = new Map<string, Uint8Array>();

/** The encoded payload of frame `index` of the test signal (cached: the signal repeats). */
function payloadFor(codec: AudioCodecDescriptor, index: number): Uint8Array {
  const key = `${codec.name}/${codec.clockRate}/${index % SIGNAL_PERIOD_FRAMES}`;
  let payload = payloadCache.get(key);
  if (!payload) {
    const samples = (codec.sampleRate * FRAME_MS) / 1000;
    const frame = voicedFrame((index % SIGNAL_PERIOD_FRAMES) * samples, samples, codec.sampleRate);
    payload = codec.createEncoder().encode(frame);
    payloadCache.set(key, payload);
  }
  return payload;
}

/** A packet of the test signal for frame `index` (seq and timestamp follow the index). */
export function audioPacket(index: number, o: StreamOptions = {}, payloadOverride?: Uint8Array): RtpPacket {
  const codec = o.codec ?? pcmu;
  const tsPerFrame = (codec.clockRate * FRAME_MS) / 1000;
  return {
    marker: false,
    payloadType: codec.staticPayloadType ?? 111,
    sequenceNumber: ((o.firstSeq ?? 1000) + index) & 0xffff,
    timestamp: ((o.firstTs ?? 160_000) + index * tsPerFrame) >>> 0,
    ssrc: o.ssrc ?? 0x1234,
    csrcs: [],
    paddingLength: 0,
    payload: payloadOverride ?? payloadFor(codec, index),
  };
}

/**
 * Frames `from`..`to`−1, sent every 20 ms from 0, arriving after
 * `delay(index)` ms (undefined: lost).
 */
export function stream(from: number, to: number, delay: (index: number) => number | undefined, o: StreamOptions = {}): SentPacket[] {
  const out: SentPacket[] = [];
  for (let i = from; i < to; i++) {
    const d = delay(i);
    if (d !== undefined) out.push({ arrivalMs: i * FRAME_MS + d, packet: audioPacket(i, o) });
  }
  return out;
}

export interface Simulation {
  readonly output: Int16Array;
  readonly stats: JitterBufferStats;
  readonly playouts: readonly PlayoutEvent[];
  /** Stats after every traceStats-th pull, with the pull's time. */
  readonly trace: readonly { readonly atMs: number; readonly stats: JitterBufferStats }[];
  readonly buffer: JitterBuffer;
}

export interface SimulationOptions {
  readonly packets: readonly SentPacket[];
  readonly durationMs: number;
  readonly pullMs?: number;
  /** Playback clock error, ppm (positive: it pulls fast). */
  readonly playbackPpm?: number;
  readonly codec?: AudioCodecDescriptor;
  readonly payloadType?: number;
  /** Record stats after every n-th pull. */
  readonly traceStats?: number;
  readonly buffer?: Partial<JitterBufferOptions>;
}

/** Delivers `packets` at their arrival times and pulls every pullMs until durationMs or until all is played. */
export function simulate(o: SimulationOptions): Simulation {
  const codec = o.codec ?? pcmu;
  const clock = new VirtualClock(0);
  const playouts: PlayoutEvent[] = [];
  const buffer = new JitterBuffer({
    clock,
    codec,
    payloadType: o.payloadType ?? codec.staticPayloadType ?? 111,
    onPlayout: (e) => playouts.push(e),
    ...o.buffer,
  });
  const pullMs = o.pullMs ?? FRAME_MS;
  const pullSamples = (codec.sampleRate * pullMs) / 1000;
  const period = pullMs / (1 + (o.playbackPpm ?? 0) * 1e-6);
  const arrivals = [...o.packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const chunks: Int16Array[] = [];
  const trace: { atMs: number; stats: JitterBufferStats }[] = [];

  let next = 0;
  const deliver = (): void => {
    while (next < arrivals.length && (arrivals[next]?.arrivalMs ?? Infinity) <= clock.now()) {
      const a = arrivals[next];
      if (a) buffer.insert(a.packet);
      next++;
    }
    const a = arrivals[next];
    if (a) clock.setTimer(a.arrivalMs - clock.now(), deliver);
  };
  if (arrivals[0]) clock.setTimer(arrivals[0].arrivalMs, deliver);

  let pulls = 0;
  const pull = (): void => {
    chunks.push(buffer.pull(pullSamples));
    if (o.traceStats !== undefined && pulls % o.traceStats === 0) trace.push({ atMs: clock.now(), stats: buffer.stats });
    pulls++;
    // Once everything sent has been played, pulling on would only conceal the silence after it.
    if (next >= arrivals.length && buffer.stats.bufferedMs < pullMs) return;
    const due = pulls * period;
    if (due < o.durationMs) clock.setTimer(due - clock.now(), pull);
  };
  clock.setTimer(0, pull);
  clock.advance(o.durationMs);

  const output = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    output.set(c, at);
    at += c.length;
  }
  return { output, stats: buffer.stats, playouts, trace, buffer };
}

/** Largest |x[i+1] − x[i]|. */
export function maxStep(x: ArrayLike<number>, from = 0, to = x.length): number {
  let m = 0;
  for (let i = from + 1; i < to; i++) m = Math.max(m, Math.abs((x[i] ?? 0) - (x[i - 1] ?? 0)));
  return m;
}
