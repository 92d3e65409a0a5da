/**
 * `npm run bench`: runs every benchmark and prints what it measured, side by
 * side with the peer it is compared to, as ratios from the same run. A full
 * run also writes bench/results/<timestamp>.json and rewrites BENCHMARKS.md
 * (never edited by hand). `--smoke` runs one iteration of each, so the suite
 * can check they still run, and writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './registry.js';

const smoke = process.argv.includes('--smoke');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function machine(): { cpus: number; cpuModel: string; node: string; platform: string } {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version, platform: `${os.type()} ${os.release()}` };
}

async function main(): Promise<void> {
  const results: Array<{ name: string; lines: readonly string[] }> = [];
  for (const bench of benchmarks) {
    console.log(`\n## ${bench.name}`);
    const lines = await bench.run({ smoke });
    for (const line of lines) console.log(line);
    results.push({ name: bench.name, lines });
  }
  if (smoke) return;
  const at = new Date().toISOString();
  const m = machine();
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', `${at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify({ at, machine: m, results }, null, 2)}\n`);
  const md = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${at} — ${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.platform}.`,
    'Each table compares the phone with its reference measured in the same run; README.md ("Benchmarks") says how to read them.',
    '',
    ...results.flatMap((r) => [`## ${r.name}`, '', ...r.lines, '']),
  ].join('\n');
  writeFileSync(path.join(root, 'BENCHMARKS.md'), md);
  console.log(`\nwrote BENCHMARKS.md and bench/results/`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
