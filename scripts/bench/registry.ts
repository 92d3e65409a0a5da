/** A benchmark: measures, and returns the lines of its table. */
export interface Benchmark {
  readonly name: string;
  run(options: { readonly smoke: boolean }): Promise<readonly string[]>;
}

import { sipParseBenchmark } from './sip-parse-bench.js';
import { codecBenchmark } from './codec-bench.js';
import { jitterBenchmark } from './jitter-bench.js';
import { fecBenchmark } from './fec-bench.js';
import { systemBenchmark } from './system-bench.js';
import { callSetupBenchmark } from './call-setup-bench.js';
import { callCostBenchmark } from './call-cost-bench.js';
import { sendPacingBenchmark } from './send-pacing-bench.js';
import { mouthToEarBenchmark } from './mouth-to-ear-bench.js';

/** Registered benchmarks, in the order `npm run bench` runs them. */
export const benchmarks: readonly Benchmark[] = [
  sipParseBenchmark,
  codecBenchmark,
  jitterBenchmark,
  fecBenchmark,
  systemBenchmark,
  callSetupBenchmark,
  callCostBenchmark,
  sendPacingBenchmark,
  mouthToEarBenchmark,
];
