/**
 * Regenerates the committed traces and their manifest:
 *
 *   tsx scripts/trace-gen/generate.ts [--out test/fixtures/traces]
 *
 * Deterministic: the same catalog writes the same bytes, so a diff after
 * running it means a model or a spec changed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

export function writeTraces(dir: string): ManifestEntry[] {
  mkdirSync(dir, { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const [spec, smoke] of [...TRACE_CATALOG.map((s) => [s, false] as const), [SMOKE_TRACE, true] as const]) {
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
  for (const e of writeTraces(dir)) console.log(`${e.file}: ${e.model}, seed ${e.seed}, ${e.packets} packets`);
}
