/** Small measurement helpers shared by the benchmarks. */

/** Keeps results alive so the work cannot be optimised away. */
let sink = 0;
export function consume(value: number): void {
  sink = (sink + value) | 0;
}
export function sinkValue(): number {
  return sink;
}

/**
 * Items per second of `work` (which processes `items` items per call): a
 * warm-up, then the median of five timed rounds of about 200 ms each. A smoke
 * run times one call, so the suite can check the benchmark still runs.
 */
export function measureRate(work: () => number, items: number, smoke: boolean): number {
  if (smoke) {
    const t0 = process.hrtime.bigint();
    consume(work());
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    return items / Math.max(s, 1e-9);
  }
  const roundNs = 200e6;
  const deadline = process.hrtime.bigint() + BigInt(roundNs);
  while (process.hrtime.bigint() < deadline) consume(work());
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < BigInt(roundNs)) {
      consume(work());
      calls++;
      elapsed = process.hrtime.bigint() - t0;
    }
    rates.push((calls * items) / (Number(elapsed) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return rates[2] ?? 0;
}

/** A Markdown table. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
