/**
 * Regenerates the committed traces and their manifest:
 *
 *   tsx scripts/trace-gen/generate.ts [--out test/fixtures/traces] [--seed-offset N]
 *
 * Deterministic: the same catalog writes the same bytes, so a diff after
 * running it means a model or a spec changed. `--seed-offset N` writes
 * held-out traces instead: the same models and parameters with every seed
 * moved by N, for checking that a change to the jitter buffer helps on
 * traces it was not tuned on (never into the committed directory).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SMOKE_TRACE, TRACE_CATALOG } from './catalog.js';
import { generateTrace, type TraceSpec } from './models.js';
import { formatTrace } from './trace-csv.js';

export const DEFAULT_TRACE_DIR = 'test/fixtures/traces';
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  readonly name: string;
  readonly file: string;
  readonly model: string;
  readonly description: string;
  readonly seed: number;
  readonly stationary: boolean;
  readonly packets: number;
  readonly durationS: number;
  /** The model parameters (the spec without its labels). */
  readonly parameters: Record<string, unknown>;
  /** Used by the benchmark's smoke mode only. */
  readonly smoke: boolean;
}

export function manifestEntry(spec: TraceSpec, smoke: boolean): ManifestEntry {
  const { name, model, description, seed, stationary, durationS, ...parameters } = spec;
  return {
    name,
    file: `${name}.csv`,
    model,
    description,
    seed,
    stationary,
    packets: Math.round((durationS * 1000) / 20),
    durationS,
    parameters,
    smoke,
  };
}

/**
 * The catalog and the smoke trace (flagged), with every seed moved by
 * `offset`: the committed set at 0, held-out traces from the same models
 * at any other offset.
 */
export function catalogSpecs(offset = 0): readonly (readonly [TraceSpec, boolean])[] {
  const all = [...TRACE_CATALOG.map((s) => [s, false] as const), [SMOKE_TRACE, true] as const];
  return all.map(([s, smoke]) => [{ ...s, seed: s.seed + offset }, smoke] as const);
}

export function writeTraces(dir: string, seedOffset = 0): ManifestEntry[] {
  mkdirSync(dir, { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const [spec, smoke] of catalogSpecs(seedOffset)) {
    const entry = manifestEntry(spec, smoke);
    writeFileSync(join(dir, entry.file), formatTrace(generateTrace(spec)));
    entries.push(entry);
  }
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--out');
  const dir = i >= 0 ? (process.argv[i + 1] ?? DEFAULT_TRACE_DIR) : DEFAULT_TRACE_DIR;
  const j = process.argv.indexOf('--seed-offset');
  const offset = j >= 0 ? Number(process.argv[j + 1]) : 0;
  if (!Number.isInteger(offset)) throw new Error('--seed-offset needs an integer');
  if (offset !== 0 && resolve(dir) === resolve(DEFAULT_TRACE_DIR)) throw new Error('held-out traces (--seed-offset) go elsewhere than the committed set: give --out');
  for (const e of writeTraces(dir, offset)) console.log(`${e.file}: ${e.model}, seed ${e.seed}, ${e.packets} packets`);
}
