/**
 * Mouth-to-ear delay and gaps at the receiving phone, the phone vs baresip,
 * with no impairment and through the impairment relay replaying committed
 * network traces (test/fixtures/traces/).
 *
 * Method:
 *  - The far end (rtp-far-end.ts, in the bench) sends click-track.ts's
 *    signal as PCMU: a quiet 400 Hz tone with a loud click every 500 ms,
 *    each click starting a packet. Packets leave on an exact 20 ms grid and
 *    each one's departure is stamped (process.hrtime). A click's "mouth"
 *    time is its packet's departure less 20 ms, when a real phone would
 *    have begun capturing that packet's audio.
 *  - The relay sits between the far end and the callee (media-call.ts) and
 *    delays or drops the far end's packets as the trace says, after a lead-in
 *    of the first second and the first click, which pass untouched.
 *  - The callee records what it hears: the phone through --audio-out (its
 *    playback device, paced by its own 20 ms clock), baresip through its
 *    sndfile module (dump-…-dec.wav). The bench watches the file grow and
 *    so knows when each sample was written (recording-timeline.ts): for the
 *    phone, when it was handed to the speaker; for baresip, when it left
 *    the decoder — before baresip's own playout buffer (audio_buffer
 *    20-160 ms), which no file shows, so baresip's delay is understated by
 *    at least 20 ms.
 *  - Clicks heard are matched to clicks sent, aligned by the first
 *    (click-delays.ts); a click's delay is heard time − mouth time.
 *  - Reported: with no impairment, the delay (median over clicks, min–max);
 *    for each trace, the delay added over the same callee's no-impairment
 *    median — the network delay the trace applies (its mean is shown) plus
 *    whatever the jitter buffer adds to ride it out; the gap, as ms per
 *    minute of silence where the tone should have been (10 ms blocks below
 *    a quarter of the tone's level) plus recording time missing between
 *    the first and last click (a decoder that skips a lost frame writes
 *    nothing for it); and the share of clicks heard.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { COMPARISON_HEADER, comparisonRow, median } from './figures.js';
import { CALLEE_KINDS, startCallee, type Callee, type CalleeKind } from './callee.js';
import { mediaCallWithRetry, NO_IMPAIRMENT } from './media-call.js';
import { PACKET_SAMPLES, PCMU_RATE } from './rtp-far-end.js';
import { clickTrack } from './click-track.js';
import { afterLeadIn, clickDelays, type ClickDelays } from './click-delays.js';
import { arrivalTimeline, FolderWatch, GrowthWatch, pacedTimeline, readRecording } from './recording-timeline.js';
import { startKamailio, type Kamailio } from '../../test/pbx/kamailio.js';
import type { ImpairmentFactory } from '../../test/tools/impairment-relay/decision.js';
import { parseTrace, traceImpairment } from '../../test/tools/impairment-relay/trace.js';

const TRACE_DIR = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'traces');
const FULL_TRACES = ['gauss-high', 'spikes', 'ge-loss'];
const SMOKE_TRACES = ['short-gauss'];
const FIRST_CLICK_MS = 1000;
/** Packets through untouched: up to and including the first click's. */
const LEAD_IN_PACKETS = FIRST_CLICK_MS / 20 + 1;
const CALLEE_USER: Readonly<Record<CalleeKind, string>> = { deskphone: '1001', baresip: '1002' };
/** The phone's playback period: 20 ms at the board's 16 kHz. */
const PHONE_PERIOD_MS = 20;

interface Condition {
  readonly name: string;
  readonly impairment: ImpairmentFactory;
}

interface Heard extends ClickDelays {
  /** Mean delay the relay applied towards the callee, ms. */
  readonly networkMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function conditions(smoke: boolean): Condition[] {
  const traces = (smoke ? SMOKE_TRACES : FULL_TRACES).map((name) => ({
    name,
    impairment: traceImpairment(parseTrace(readFileSync(join(TRACE_DIR, `${name}.csv`), 'utf8'))),
  }));
  return [{ name: 'no impairment', impairment: NO_IMPAIRMENT }, ...traces];
}

async function listen(pbx: Kamailio, callee: Callee, condition: Condition, seconds: number): Promise<Heard> {
  const track = clickTrack(seconds - 1.5, FIRST_CLICK_MS, PCMU_RATE);
  const heardAt = callee.heard;
  if (heardAt === undefined) throw new Error(`${callee.kind} records nothing`);
  const watch = 'file' in heardAt ? new GrowthWatch(heardAt.file) : new FolderWatch(heardAt.folder, '-dec.wav');
  let file: string;
  let growth: GrowthWatch['growth'];
  let call;
  try {
    call = await mediaCallWithRetry({ pbx, callee: callee.user, seconds, signal: track.samples, impairment: afterLeadIn(LEAD_IN_PACKETS, condition.impairment) });
    await sleep(1500); // the phone's WAV header is brought up to date each second; baresip closes its dump at hang-up
    const latest = watch instanceof GrowthWatch ? watch : watch.latest();
    if (latest === undefined) throw new Error(`${callee.kind} wrote no recording`);
    file = latest.file;
    growth = [...latest.growth];
  } finally {
    watch.close();
  }
  const recording = readRecording(file);
  const timeline =
    callee.kind === 'deskphone'
      ? pacedTimeline(growth, recording.dataOffset, recording.sampleRate, (recording.sampleRate * PHONE_PERIOD_MS) / 1000)
      : arrivalTimeline(growth, recording.dataOffset, recording.sampleRate);
  const sentMs = track.clickStarts.map((s) => Number(call.sentNs[s / PACKET_SAMPLES] ?? 0n) / 1e6 - 20);
  const delays = clickDelays({ samples: recording.samples, sampleRate: recording.sampleRate, timeMs: (f) => timeline(f) / 1e6 }, sentMs);
  return { ...delays, networkMs: call.stats.directions['b-to-a'].delayMs.mean };
}

async function listenAll(pbx: Kamailio, kind: CalleeKind, all: readonly Condition[], seconds: number): Promise<Map<string, Heard>> {
  const callee = await startCallee(kind, pbx, CALLEE_USER[kind], { recordTo: true, micSeconds: seconds + 10 });
  try {
    const out = new Map<string, Heard>();
    for (const condition of all) out.set(condition.name, await listen(pbx, callee, condition, seconds));
    return out;
  } finally {
    await callee.stop();
  }
}

export const mouthToEarBenchmark: Benchmark = {
  name: 'Mouth-to-ear delay and gaps at the callee, through the relay on network traces (phone at its speaker, baresip at its decoder; lower is better)',
  async run({ smoke }) {
    const seconds = smoke ? 3.5 : 20;
    const all = conditions(smoke);
    const pbx = await startKamailio();
    const results = new Map<CalleeKind, Map<string, Heard>>();
    try {
      for (const kind of CALLEE_KINDS) results.set(kind, await listenAll(pbx, kind, all, seconds));
    } finally {
      await pbx.stop();
    }
    const heard = (kind: CalleeKind, name: string): Heard => {
      const h = results.get(kind)?.get(name);
      if (h === undefined) throw new Error(`no ${name} run for ${kind}`);
      return h;
    };
    const base = (kind: CalleeKind): number => median(heard(kind, 'no impairment').delaysMs);
    const row = (name: string, what: string, pick: (h: Heard, kind: CalleeKind) => readonly number[], digits: number): string[] =>
      comparisonRow(`${name}: ${what}`, pick(heard('deskphone', name), 'deskphone'), pick(heard('baresip', name), 'baresip'), digits);
    const rows: string[][] = [];
    for (const { name } of all) {
      const network = name === 'no impairment' ? '' : ` (relay adds ${heard('deskphone', name).networkMs.toFixed(0)} ms mean)`;
      rows.push(
        name === 'no impairment'
          ? row(name, 'delay, ms, median over clicks (min–max)', (h) => h.delaysMs, 1)
          : row(name, `added delay over no impairment${network}, ms`, (h, kind) => h.delaysMs.map((d) => d - base(kind)), 1),
        row(name, 'gap, ms of silence per minute', (h) => [h.spanMs > 0 ? (h.gapMs / h.spanMs) * 60_000 : 0], 0),
        row(name, 'clicks heard, %', (h) => [(h.delaysMs.length / Math.max(1, h.sent)) * 100], 0),
      );
    }
    return formatTable(COMPARISON_HEADER, rows);
  },
};
