/**
 * Jitter buffer quality on the committed traces (test/fixtures/traces/):
 * for each, the playout delay our adaptive buffer needed, replayed through
 * the real buffer and PCMU decoder path (scripts/jb-replay.ts), against
 *  - the oracle: the smallest fixed delay, chosen in hindsight, that keeps
 *    late loss at or below 1 % (the 99th percentile of arrival − send), and
 *  - a fixed 60 ms buffer started at the first arrival, never adapting.
 * All delays are above the trace's minimum one-way delay. A ratio below 1
 * means adapting beat every fixed delay; late % is late packets over
 * packets that arrived. Lower is better for every number.
 *
 * Quality, not speed: each trace is replayed once (the replay is
 * deterministic). The smoke mode replays the short trace only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { replayTrace } from '../jb-replay.js';
import { DEFAULT_TRACE_DIR, MANIFEST_FILE, type ManifestEntry } from '../trace-gen/generate.js';
import { parseTrace } from '../trace-gen/trace-csv.js';
import { fixedBuffer, oracleDelayMs } from '../trace-gen/trace-analysis.js';

const FIXED_MS = 60;
/** The committed traces, wherever the bench is run from. */
const TRACE_DIR = join(import.meta.dirname, '..', '..', DEFAULT_TRACE_DIR);

function isManifest(value: unknown): value is ManifestEntry[] {
  return (
    Array.isArray(value) &&
    value.every((e: unknown) => typeof e === 'object' && e !== null && 'file' in e && 'name' in e && 'model' in e && 'smoke' in e)
  );
}

function loadManifest(dir: string): ManifestEntry[] {
  const parsed: unknown = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  if (!isManifest(parsed)) throw new Error(`${join(dir, MANIFEST_FILE)} is not a trace manifest`);
  return parsed;
}

/** The table rows for the traces in `dir` (smoke: only the smoke trace). */
export function jitterBenchRows(dir: string, smoke: boolean): string[][] {
  const rows: string[][] = [];
  for (const entry of loadManifest(dir).filter((e) => e.smoke === smoke)) {
    const trace = parseTrace(readFileSync(join(dir, entry.file), 'utf8'));
    const oracle = oracleDelayMs(trace);
    const ours = replayTrace(trace);
    const oursMean = ours.mean_delay_ms - ours.min_one_way_ms;
    const fixed = fixedBuffer(trace, FIXED_MS);
    rows.push([
      entry.name,
      `${entry.model}${entry.stationary ? '' : ' (non-stationary)'}`,
      oracle.toFixed(1),
      oursMean.toFixed(1),
      (oursMean / oracle).toFixed(2),
      ours.late_loss_pct.toFixed(2),
      fixed.meanDelayMs.toFixed(1),
      fixed.latePct.toFixed(2),
    ]);
  }
  return rows;
}

export const jitterBenchmark: Benchmark = {
  name: 'Jitter buffer on network traces (delay above the minimum one-way delay, ms; lower is better)',
  run({ smoke }) {
    const rows = jitterBenchRows(TRACE_DIR, smoke);
    return Promise.resolve(
      formatTable(
        ['trace', 'model', 'oracle ms', 'ours mean ms', 'ratio', 'ours late %', `fixed-${FIXED_MS} mean ms`, `fixed-${FIXED_MS} late %`],
        rows,
      ),
    );
  },
};
