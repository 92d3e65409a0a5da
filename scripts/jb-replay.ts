/**
 * Replays a network trace through the real jitter buffer and decoder path,
 * on a virtual clock, and prints what it measured as one JSON line:
 *
 *   npm run --silent jb-replay -- <trace.csv> [--drift-ppm N] [--board sim|rpi-wm8960] [--pull-ms N] [--codec pcmu|opus|opus-fec]
 *
 * The sender: a deterministic speech-like signal (trace-gen/speech-signal.ts)
 * coded with PCMU (--codec: or Opus, with or without in-band FEC), one
 * 20 ms RTP packet per trace row (sequence numbers and
 * timestamps start near their wrap, so the buffer's extension is exercised).
 * The network: each packet is handed to the buffer at its arrival_ms, or
 * never. The receiver: the playback clock pulls from the buffer as the
 * media engine does on the board (--board, default sim): one device period
 * at a time (MediaStream.pullAudio), 10 ms on both boards today — or
 * --pull-ms N to try another period. The playout point can only move in
 * whole pulls, so the pull size bounds how close any buffer can come to
 * the oracle (trace-analysis.ts, gridOracleDelayMs). The clock may run
 * --drift-ppm fast or slow against the arrival clock; the buffer reports
 * when each packet's first sample is heard.
 *
 * Fields: packets (rows), lost_in_network (rows without arrival), late
 * (arrived after their audio was due, dropped), late_loss_pct (late ÷
 * packets that arrived × 100), mean_delay_ms and p95_delay_ms (playout time
 * − send_ms over played packets, on the trace's clock), concealed_ms,
 * stretched_ms (inserted + removed by time-scale modification); then extras:
 * played, duplicates, inserted_ms, removed_ms, min_one_way_ms, pull_ms,
 * codec, fec_recovered_ms (lost audio rebuilt from in-band FEC).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { VirtualClock } from '../drivers/emulated/virtual-clock.js';
import { findBoard } from '../boards/index.js';
import { boardPcmFormat } from '../boards/media-devices.js';
import type { AudioCodecDescriptor } from '../firmware/media/codecs/codec.js';
import { pcmu } from '../firmware/media/codecs/g711/g711-codec.js';
import { opus } from '../firmware/media/codecs/opus/opus-codec.js';
import { JitterBuffer } from '../firmware/media/jitter/jitter-buffer.js';
import type { TargetDelayConfig } from '../firmware/media/jitter/target-delay.js';
import type { RtpPacket } from '../firmware/media/rtp/rtp-packet.js';
import { speechFrame } from './trace-gen/speech-signal.js';
import { parseTrace, type TraceRow } from './trace-gen/trace-csv.js';
import { minOneWayMs, quantile } from './trace-gen/trace-analysis.js';

const FRAME_MS = 20;
/** The pull size is checked against the PCMU rate, the finest of the codecs' sample grids here. */
const SAMPLE_RATE = 8000;
/** Near the wrap of both counters, so that a 3-minute trace crosses it. */
const FIRST_SEQ = 60_000;
const FIRST_TS = 0xffff_0000;
const SSRC = 0x5eed_cafe;
/** At most this long after the last arrival the playback stops pulling. */
const TAIL_MS = 3000;
/** The board whose playback the replay stands for unless told otherwise. */
export const DEFAULT_REPLAY_BOARD = 'sim';
/** What MediaStream.pullAudio falls back to when a period is not a whole number of codec samples. */
const FALLBACK_PULL_MS = 10;

/**
 * How much the media engine pulls from the jitter buffer at a time on a
 * device with this period: the period itself when it is a whole number of
 * codec samples, else 10 ms pieces through a FIFO (MediaStream.pullAudio).
 */
export function jitterPullMs(periodMs: number, codecRate = SAMPLE_RATE): number {
  return Number.isInteger((codecRate * periodMs) / 1000) ? periodMs : FALLBACK_PULL_MS;
}

/** The pull size on a board named as --board takes it. */
export function boardPullMs(name: string): number {
  const known = findBoard(name);
  if (!known) throw new Error(`no board named ${name}`);
  const format = boardPcmFormat(known.description);
  return jitterPullMs((format.periodFrames * 1000) / format.sampleRate);
}

/**
 * What the sender codes with: PCMU (the default: G.711 Appendix I
 * concealment), or Opus at the phone's default 32 kbit/s with or without
 * in-band FEC (useinbandfec=1 asks the sender for LBRR; the receiver uses
 * it, see the jitter buffer's FEC margin).
 */
export type ReplayCodec = 'pcmu' | 'opus' | 'opus-fec';

const REPLAY_CODECS: Readonly<Record<ReplayCodec, { readonly codec: AudioCodecDescriptor; readonly payloadType: number; readonly fmtp?: string }>> = {
  pcmu: { codec: pcmu, payloadType: pcmu.staticPayloadType ?? 0 },
  opus: { codec: opus, payloadType: 111, fmtp: 'useinbandfec=0' },
  'opus-fec': { codec: opus, payloadType: 111, fmtp: 'useinbandfec=1' },
};

export function isReplayCodec(name: string): name is ReplayCodec {
  return name in REPLAY_CODECS;
}

export interface ReplayOptions {
  /** Playback clock error against the arrival clock, ppm (positive: pulls come fast). */
  readonly driftPpm?: number;
  /** Pull size, ms (default: the playback period of DEFAULT_REPLAY_BOARD). */
  readonly pullMs?: number;
  readonly target?: Partial<TargetDelayConfig>;
  /** Default pcmu. */
  readonly codec?: ReplayCodec;
}

export interface ReplayResult {
  readonly packets: number;
  readonly lost_in_network: number;
  readonly late: number;
  readonly late_loss_pct: number;
  readonly mean_delay_ms: number;
  readonly p95_delay_ms: number;
  readonly concealed_ms: number;
  readonly stretched_ms: number;
  readonly played: number;
  readonly duplicates: number;
  readonly inserted_ms: number;
  readonly removed_ms: number;
  readonly min_one_way_ms: number;
  readonly pull_ms: number;
  readonly codec: ReplayCodec;
  /** Lost audio rebuilt from in-band FEC instead of concealed (Opus with FEC only). */
  readonly fec_recovered_ms: number;
}

/**
 * The payload of every frame, coded in send order by one encoder (Opus
 * carries state, and its FEC for frame n rides in packet n + 1).
 */
function payloads(count: number, codec: ReplayCodec): Uint8Array[] {
  const { codec: descriptor, fmtp } = REPLAY_CODECS[codec];
  const encoder = descriptor.createEncoder(fmtp);
  const frameSamples = (descriptor.sampleRate * FRAME_MS) / 1000;
  return Array.from({ length: count }, (_, i) => encoder.encode(speechFrame(i * frameSamples, frameSamples, descriptor.sampleRate)));
}

function packetFor(row: TraceRow, seqBase: number, codec: ReplayCodec, payload: Uint8Array): RtpPacket {
  const index = row.seq - seqBase;
  const { codec: descriptor, payloadType } = REPLAY_CODECS[codec];
  return {
    marker: index === 0,
    payloadType,
    sequenceNumber: (FIRST_SEQ + index) & 0xffff,
    timestamp: (FIRST_TS + index * ((descriptor.clockRate * FRAME_MS) / 1000)) >>> 0,
    ssrc: SSRC,
    csrcs: [],
    paddingLength: 0,
    payload,
  };
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Replays `rows` (a parsed trace) and returns the measurements. */
export function replayTrace(rows: readonly TraceRow[], options: ReplayOptions = {}): ReplayResult {
  const pullMs = options.pullMs ?? boardPullMs(DEFAULT_REPLAY_BOARD);
  if (!Number.isInteger((SAMPLE_RATE * pullMs) / 1000) || pullMs <= 0) throw new Error(`a pull of ${pullMs} ms is not a whole number of samples`);
  const codecName = options.codec ?? 'pcmu';
  const { codec, payloadType } = REPLAY_CODECS[codecName];
  const pullSamples = (codec.sampleRate * pullMs) / 1000;
  const seqBase = rows.reduce((m, r) => Math.min(m, r.seq), Infinity);
  const seqTop = rows.reduce((m, r) => Math.max(m, r.seq), -Infinity);
  const frames = payloads(seqTop - seqBase + 1, codecName);
  const sendBySeq = new Map<number, number>();
  for (const r of rows) sendBySeq.set((FIRST_SEQ + r.seq - seqBase) & 0xffff, r.sendMs);
  const arrivals = rows
    .filter((r): r is TraceRow & { arrivalMs: number } => r.arrivalMs !== undefined)
    .sort((a, b) => a.arrivalMs - b.arrivalMs || a.seq - b.seq);
  const first = arrivals[0];
  const last = arrivals[arrivals.length - 1];
  if (!first || !last) throw new Error('the trace has no packet that arrived');

  const clock = new VirtualClock(first.arrivalMs);
  const delays: number[] = [];
  const jb = new JitterBuffer({
    clock,
    codec,
    payloadType,
    ...(options.target ? { target: options.target } : {}),
    onPlayout: (e) => {
      const send = sendBySeq.get(e.sequenceNumber);
      if (send !== undefined) delays.push(e.playoutMs - send);
    },
  });

  // One pending timer per chain keeps the virtual clock's queue tiny.
  let next = 0;
  const deliver = (): void => {
    for (;;) {
      const row = arrivals[next];
      if (!row || row.arrivalMs > clock.now()) break;
      jb.insert(packetFor(row, seqBase, codecName, frames[row.seq - seqBase] ?? new Uint8Array(0)));
      next++;
    }
    const row = arrivals[next];
    if (row) clock.setTimer(row.arrivalMs - clock.now(), deliver);
  };
  clock.setTimer(0, deliver);

  const period = pullMs / (1 + (options.driftPpm ?? 0) * 1e-6);
  const end = last.arrivalMs + TAIL_MS;
  let pulls = 0;
  const pull = (): void => {
    jb.pull(pullSamples);
    pulls++;
    // Stop once everything that arrived has been played: pulling on would
    // only measure concealment of the silence after the call.
    if (next >= arrivals.length && jb.stats.bufferedMs < pullMs) return;
    const due = first.arrivalMs + pulls * period;
    if (due <= end) clock.setTimer(due - clock.now(), pull);
  };
  clock.setTimer(0, pull);
  clock.advance(end - first.arrivalMs + period);

  const s = jb.stats;
  const msPerSample = 1000 / codec.sampleRate;
  const mean = delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length);
  return {
    packets: rows.length,
    lost_in_network: rows.length - arrivals.length,
    late: s.latePackets,
    late_loss_pct: round((s.latePackets / arrivals.length) * 100, 3),
    mean_delay_ms: round(mean),
    p95_delay_ms: round(quantile(delays, 0.95)),
    concealed_ms: round(s.concealedSamples * msPerSample, 1),
    stretched_ms: round((s.insertedSamples + s.removedSamples) * msPerSample, 1),
    played: delays.length,
    duplicates: s.duplicatePackets,
    inserted_ms: round(s.insertedSamples * msPerSample, 1),
    removed_ms: round(s.removedSamples * msPerSample, 1),
    min_one_way_ms: round(minOneWayMs(rows)),
    pull_ms: pullMs,
    codec: codecName,
    fec_recovered_ms: round(s.samplesRecoveredByFec * msPerSample, 1),
  };
}

function option(args: readonly string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`${name} needs a number`);
  return v;
}

function main(args: readonly string[]): void {
  const file = args.find((a, i) => !a.startsWith('--') && !(i > 0 && (args[i - 1] ?? '').startsWith('--')));
  if (!file) throw new Error('usage: jb-replay <trace.csv> [--drift-ppm N] [--board sim|rpi-wm8960] [--pull-ms N] [--codec pcmu|opus|opus-fec]');
  const driftPpm = option(args, '--drift-ppm');
  const b = args.indexOf('--board');
  const pullMs = option(args, '--pull-ms') ?? (b >= 0 ? boardPullMs(args[b + 1] ?? '') : undefined);
  const c = args.indexOf('--codec');
  const codec = c >= 0 ? (args[c + 1] ?? '') : 'pcmu';
  if (!isReplayCodec(codec)) throw new Error(`--codec ${codec}: pcmu, opus or opus-fec`);
  const result = replayTrace(parseTrace(readFileSync(file, 'utf8')), {
    ...(driftPpm !== undefined ? { driftPpm } : {}),
    ...(pullMs !== undefined ? { pullMs } : {}),
    codec,
  });
  console.log(JSON.stringify(result));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (e: unknown) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
