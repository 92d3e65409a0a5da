/** A benchmark: measures, and returns the lines of its table. */
export interface Benchmark {
  readonly name: string;
  run(options: { readonly smoke: boolean }): Promise<readonly string[]>;
}

import { sipParseBenchmark } from './sip-parse-bench.js';
import { codecBenchmark } from './codec-bench.js';
import { jitterBenchmark } from './jitter-bench.js';
import { systemBenchmark } from './system-bench.js';

/** Registered benchmarks, in the order `npm run bench` runs them. */
export const benchmarks: readonly Benchmark[] = [sipParseBenchmark, codecBenchmark, jitterBenchmark, systemBenchmark];
