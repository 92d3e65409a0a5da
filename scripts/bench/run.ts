/**
 * `npm run bench`: runs every benchmark and prints what it measured, side by
 * side with the peer it is compared to, as ratios from the same run.
 * `--smoke` runs one iteration of each, so the suite can check they still run.
 */
import { benchmarks } from './registry.js';

const smoke = process.argv.includes('--smoke');

async function main(): Promise<void> {
  if (benchmarks.length === 0) {
    console.log('no benchmarks registered yet');
    return;
  }
  for (const bench of benchmarks) {
    console.log(`\n## ${bench.name}`);
    const rows = await bench.run({ smoke });
    for (const row of rows) console.log(row);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
