/**
 * Jitter buffer quality on the committed traces (test/fixtures/traces/) and
 * on held-out ones (the same models with other seeds, made in memory): for
 * each, the playout delay our adaptive buffer needed, replayed through the
 * real buffer and PCMU decoder path at the board's playback period
 * (scripts/jb-replay.ts), against
 *  - the oracle: the smallest fixed delay, chosen in hindsight, that keeps
 *    late loss at or below 1 % (the 99th percentile of arrival − send),
 *  - the pull-grid bound: the same oracle for a buffer pulled at that
 *    period (trace-analysis.ts) — what no buffer on that clock beats with
 *    a fixed delay; the oracle is below it by up to a pull, and
 *  - a fixed 60 ms buffer started at the first arrival, never adapting.
 * All delays are above the trace's minimum one-way delay. A ratio below 1
 * means adapting beat every fixed delay; late % is late packets over
 * packets that arrived; "concealed (not network loss)" adds the stalls, in
 * which the buffer waited for a packet rather than lose it and the listener
 * heard concealment meanwhile (the oracle's counterpart is its late loss).
 * Lower is better for every number. The held-out
 * rows are there so that a change tuned to the committed traces shows.
 *
 * Quality, not speed: each trace is replayed once (the replay is
 * deterministic). The smoke mode replays the short trace only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { DEFAULT_REPLAY_BOARD, boardPullMs, replayTrace, type ReplayResult } from '../jb-replay.js';
import { DEFAULT_TRACE_DIR, MANIFEST_FILE, catalogSpecs, type ManifestEntry } from '../trace-gen/generate.js';
import { generateTrace } from '../trace-gen/models.js';
import { formatTrace, parseTrace, type TraceRow } from '../trace-gen/trace-csv.js';
import { fixedBuffer, gridOracleDelayMs, oracleDelayMs } from '../trace-gen/trace-analysis.js';

const FIXED_MS = 60;
/** Every trace row is one 20 ms packet. */
const FRAME_MS = 20;
/** The committed traces, wherever the bench is run from. */
const TRACE_DIR = join(import.meta.dirname, '..', '..', DEFAULT_TRACE_DIR);

function isManifest(value: unknown): value is ManifestEntry[] {
  return (
    Array.isArray(value) &&
    value.every((e: unknown) => typeof e === 'object' && e !== null && 'file' in e && 'name' in e && 'model' in e && 'smoke' in e)
  );
}

export function loadManifest(dir: string): ManifestEntry[] {
  const parsed: unknown = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  if (!isManifest(parsed)) throw new Error(`${join(dir, MANIFEST_FILE)} is not a trace manifest`);
  return parsed;
}

/** Seeds of the held-out traces: the catalog's moved by this much. */
export const HELD_OUT_SEED_OFFSET = 1000;

/**
 * Audio concealed for any reason but loss in the network, as a share of the
 * call: late packets, and stalls — a packet the buffer waited for is not
 * late, but the listener heard concealment until it came. The oracle's
 * counterpart is its late loss (≤ 1 %, 20 ms per packet).
 */
function concealedBeyondLossPct(r: ReplayResult): number {
  return (Math.max(0, r.concealed_ms - r.lost_in_network * FRAME_MS) / (r.packets * FRAME_MS)) * 100;
}

function row(name: string, model: string, trace: readonly TraceRow[], pullMs: number): string[] {
  const oracle = oracleDelayMs(trace);
  const ours = replayTrace(trace, { pullMs });
  const oursMean = ours.mean_delay_ms - ours.min_one_way_ms;
  const fixed = fixedBuffer(trace, FIXED_MS);
  return [
    name,
    model,
    oracle.toFixed(1),
    gridOracleDelayMs(trace, pullMs).toFixed(1),
    oursMean.toFixed(1),
    (oursMean / oracle).toFixed(2),
    ours.late_loss_pct.toFixed(2),
    concealedBeyondLossPct(ours).toFixed(2),
    fixed.meanDelayMs.toFixed(1),
    fixed.latePct.toFixed(2),
  ];
}

function modelLabel(model: string, stationary: boolean): string {
  return `${model}${stationary ? '' : ' (non-stationary)'}`;
}

/** The table rows for the traces in `dir` (smoke: only the smoke trace), pulled every `pullMs`. */
export function jitterBenchRows(dir: string, smoke: boolean, pullMs = boardPullMs(DEFAULT_REPLAY_BOARD)): string[][] {
  return loadManifest(dir)
    .filter((e) => e.smoke === smoke)
    .map((entry) => row(entry.name, modelLabel(entry.model, entry.stationary), parseTrace(readFileSync(join(dir, entry.file), 'utf8')), pullMs));
}

/** The rows for the held-out traces (three-minute ones only), generated as the CSV files would hold them. */
export function heldOutRows(offset: number, pullMs = boardPullMs(DEFAULT_REPLAY_BOARD)): string[][] {
  return catalogSpecs(offset)
    .filter(([, smoke]) => !smoke)
    .map(([spec]) => row(`${spec.name} (held-out, seed ${spec.seed})`, modelLabel(spec.model, spec.stationary), parseTrace(formatTrace(generateTrace(spec))), pullMs));
}

export const jitterBenchmark: Benchmark = {
  name: `Jitter buffer on network traces (${boardPullMs(DEFAULT_REPLAY_BOARD)} ms pulls, the ${DEFAULT_REPLAY_BOARD} board's playback period; delay above the minimum one-way delay, ms; lower is better)`,
  run({ smoke }) {
    const rows = [...jitterBenchRows(TRACE_DIR, smoke), ...(smoke ? [] : heldOutRows(HELD_OUT_SEED_OFFSET))];
    return Promise.resolve(
      formatTable(
        ['trace', 'model', 'oracle ms', 'pull-grid bound ms', 'ours mean ms', 'ratio', 'ours late %', 'ours concealed % (not network loss)', `fixed-${FIXED_MS} mean ms`, `fixed-${FIXED_MS} late %`],
        rows,
      ),
    );
  },
};
