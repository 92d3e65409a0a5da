/**
 * In-process media engines for the engine tests: each "party" is a
 * MediaEngine with an emulated capture (a tone or silence, through
 * drivers/emulated/pcm-capture) and an emulated playback whose periods are
 * kept in memory, all on one VirtualClock, talking over real UDP on
 * 127.0.0.1.
 *
 * Why a VirtualClock with real sockets: the audio clocks then tick at exact
 * virtual times however loaded the (shared, 2-core) machine is, so a late
 * timer can never show up as network jitter and make the jitter buffer
 * conceal. pump() moves the clock one device period at a time and then lets
 * the event loop go round (setImmediate: each round passes the poll phase,
 * where datagrams are read) until no engine socket has received anything for
 * two rounds. Node sends a datagram on the next tick, or on the next poll
 * when the socket already has one queued, so two rounds are the least; a
 * fixed real wait instead is not enough on a loaded machine (the next period
 * can come before the poll phase). So every packet is received at the
 * virtual time it was sent. Two seconds of audio take about a quarter of a
 * second.
 */
import type { PcmFormat } from '../../drivers/bus/pcm.js';
import { createEmulatedCapture, type EmulatedPcmCapture } from '../../drivers/emulated/pcm-capture.js';
import { EmulatedPcmPlayback, type PcmSink } from '../../drivers/emulated/pcm-playback.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { MediaEngine, type MediaEngineEvent } from '../../firmware/media/engine/media-engine.js';
import type { MediaSocket, SocketFactory } from '../../firmware/media/engine/media-socket.js';
import type { StreamConfig } from '../../firmware/media/engine/stream-config.js';
import { parseRtp, type RtpPacket } from '../../firmware/media/rtp/rtp-packet.js';

export const FORMAT: PcmFormat = { sampleRate: 16000, channels: 1, periodFrames: 320 };
export const PERIOD_MS = 20;

/** A playback sink that keeps every period. */
export class MemorySink implements PcmSink {
  readonly description = 'memory';
  private readonly periods: Int16Array[] = [];

  write(samples: Int16Array): void {
    this.periods.push(samples.slice());
  }
  checkpoint(): void {}
  close(): void {}

  get periodCount(): number {
    return this.periods.length;
  }

  /** Everything played from period `from` on, as one array. */
  samples(from = 0): Int16Array {
    const parts = this.periods.slice(from);
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Datagrams received by any engine socket of any party (for pump's quiet check). */
let received = 0;

/** Real UDP sockets, remembered so a test can send from the engine's own sockets (as the peer would). */
export class SpySocketFactory implements SocketFactory {
  readonly sockets: MediaSocket[] = [];
  /** Datagrams this returns true for are not sent: loss on the way out, as the network would lose them. */
  private readonly drop: ((datagram: Uint8Array) => boolean) | undefined;

  constructor(drop?: (datagram: Uint8Array) => boolean) {
    this.drop = drop;
  }

  async bind(host: string, port: number): Promise<MediaSocket> {
    const real = await dgramSocketFactory.bind(host, port);
    real.onMessage(() => received++);
    const drop = this.drop;
    const socket: MediaSocket = drop
      ? {
          port: real.port,
          send: (datagram, to) => {
            if (!drop(datagram)) real.send(datagram, to);
          },
          onMessage: (listener) => real.onMessage(listener),
          onError: (listener) => real.onError(listener),
          close: () => real.close(),
        }
      : real;
    this.sockets.push(socket);
    return socket;
  }
  byPort(port: number): MediaSocket {
    const socket = this.sockets.find((s) => s.port === port);
    if (!socket) throw new Error(`no socket on port ${port}`);
    return socket;
  }
}

export interface Party {
  readonly name: string;
  readonly engine: MediaEngine;
  readonly capture: EmulatedPcmCapture;
  readonly playback: EmulatedPcmPlayback;
  readonly sink: MemorySink;
  readonly sockets: SpySocketFactory;
  readonly events: MediaEngineEvent[];
  readonly logLines: string[];
}

export interface PartyOptions {
  /** RTCP interval randomisation (a fixed value makes the report times predictable). */
  readonly rtcpRandom?: () => number;
  /** Outgoing datagrams to lose (default: none). */
  readonly dropSent?: (datagram: Uint8Array) => boolean;
}

/** A party whose microphone hears `audioIn` ('tone:1000', 'silence' …). */
export async function createParty(clock: VirtualClock, name: string, audioIn: string, options: PartyOptions = {}): Promise<Party> {
  const sockets = new SpySocketFactory(options.dropSent);
  const logLines: string[] = [];
  const engine = new MediaEngine({
    clock,
    sockets,
    log: { warn: (line) => logLines.push(line) },
    wallClock: { epochMs: () => 1_700_000_000_000 + clock.now() },
    rtcpRandom: options.rtcpRandom ?? (() => 0.5),
    cname: `${name}@127.0.0.1`,
  });
  const capture = await createEmulatedCapture({ spec: audioIn, format: FORMAT, clock, name: `${name} capture` });
  const sink = new MemorySink();
  const playback = new EmulatedPcmPlayback({ format: FORMAT, clock, sink, name: `${name} playback` });
  const events: MediaEngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  engine.openDevices({ capture, playback });
  return { name, engine, capture, playback, sink, sockets, events, logLines };
}

/** Two phones on a new VirtualClock: A's microphone hears 1000 Hz, B's 440 Hz. `open` collects them for shutdownAll. */
export async function createTwoPhones(open: Party[]): Promise<{ clock: VirtualClock; a: Party; b: Party }> {
  const clock = new VirtualClock();
  const a = await createParty(clock, 'a', 'tone:1000');
  const b = await createParty(clock, 'b', 'tone:440');
  open.push(a, b);
  return { clock, a, b };
}

/** Every RTP packet that reaches `party`'s socket on `port`, parsed (the header even of SRTP). */
export function watchRtp(party: Party, port: number): RtpPacket[] {
  const wire: RtpPacket[] = [];
  party.sockets.byPort(port).onMessage((d) => {
    const parsed = parseRtp(Uint8Array.from(d));
    if (parsed.ok) wire.push(parsed.packet);
  });
  return wire;
}

const nextRound = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets the event loop go round until the engines' sockets have been quiet for two rounds. */
export async function settle(): Promise<void> {
  for (let rounds = 0, quiet = 0; quiet < 2 && rounds < 50; rounds++) {
    const before = received;
    await nextRound();
    quiet = received === before ? quiet + 1 : 0;
  }
}

/** Moves the clock `ms` forward one device period at a time, letting UDP deliver between periods. */
export async function pump(clock: VirtualClock, ms: number, stepMs = PERIOD_MS): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(stepMs);
    await settle();
  }
}

export interface CallOptions {
  readonly codec: string;
  readonly payloadType: number;
  /** The fmtp each side sends the other (each encodes as the other's asks). */
  readonly fmtp?: string;
  readonly telephoneEvent?: number;
  readonly srtp?: { readonly a: { send: string; recv: string }; readonly b: { send: string; recv: string } };
}

/**
 * Opens a stream on each side, pointed at each other. `id` names both ends,
 * or each end on its own ({ a: 'to-b', b: 'to-a' }).
 */
export async function connect(
  a: Party,
  b: Party,
  id: string | { readonly a: string; readonly b: string },
  options: CallOptions,
): Promise<{ aPort: number; bPort: number }> {
  const ids = typeof id === 'string' ? { a: id, b: id } : id;
  const base = (streamId: string, remotePort?: number): Omit<StreamConfig, 'srtp'> => ({
    id: streamId,
    local: { host: '127.0.0.1', port: 0 },
    ...(remotePort === undefined ? {} : { remote: { host: '127.0.0.1', port: remotePort } }),
    codec: { name: options.codec, payloadType: options.payloadType, ...(options.fmtp === undefined ? {} : { fmtp: options.fmtp }) },
    ...(options.telephoneEvent === undefined ? {} : { telephoneEvent: { payloadType: options.telephoneEvent } }),
    direction: { send: true, recv: true },
  });
  // As a call is set up: A opens with no peer yet (its port goes in the offer),
  // B answers towards A, then A learns B from the answer.
  const { localPort: aPort } = await a.engine.openStream({ ...base(ids.a), ...(options.srtp ? { srtp: options.srtp.a } : {}) });
  const { localPort: bPort } = await b.engine.openStream({ ...base(ids.b, aPort), ...(options.srtp ? { srtp: options.srtp.b } : {}) });
  a.engine.updateStream(ids.a, { remote: { host: '127.0.0.1', port: bPort } });
  return { aPort, bPort };
}

export async function shutdownAll(parties: readonly Party[]): Promise<void> {
  await Promise.all(parties.map((p) => p.engine.shutdown()));
}

/** Peak amplitude (fraction of full scale) of the component at `hz`: Goertzel gives (A/2)². */
export function toneAmplitude(frame: ArrayLike<number>, hz: number, rate: number): number {
  return 2 * Math.sqrt(goertzelPower(frame, hz, rate));
}

function meanSquare(frame: Int16Array): number {
  let sum = 0;
  for (const s of frame) sum += (s / 32768) ** 2;
  return sum / frame.length;
}

export interface ToneCount {
  readonly frames: number;
  readonly withTone: number;
  readonly fraction: number;
}

/**
 * Counts the 20 ms frames (after `skipMs`) in which `hz` is present: at least
 * `minAmplitude` of full scale (−26 dBFS by default) and at least `minShare`
 * of the frame's power (a pure tone has all of it; two equal tones half each).
 */
export function countToneFrames(
  samples: Int16Array,
  hz: number,
  options: { readonly skipMs?: number; readonly minAmplitude?: number; readonly minShare?: number; readonly rate?: number } = {},
): ToneCount {
  const rate = options.rate ?? FORMAT.sampleRate;
  const frame = (rate * PERIOD_MS) / 1000;
  const skip = ((options.skipMs ?? 200) * rate) / 1000;
  const minAmplitude = options.minAmplitude ?? 0.05;
  const minShare = options.minShare ?? 0.5;
  let frames = 0;
  let withTone = 0;
  for (let at = skip; at + frame <= samples.length; at += frame) {
    const f = samples.subarray(at, at + frame);
    const amplitude = toneAmplitude(f, hz, rate);
    const share = (amplitude * amplitude) / 2 / Math.max(meanSquare(f), 1e-12);
    frames++;
    if (amplitude >= minAmplitude && share >= minShare) withTone++;
  }
  return { frames, withTone, fraction: frames > 0 ? withTone / frames : 0 };
}
