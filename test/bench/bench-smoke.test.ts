import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { benchmarks } from '../../scripts/bench/registry.js';

/** Benchmarks are not tests, but one iteration of each runs here so they cannot rot. */
describe('benchmarks (one-iteration smoke)', () => {
  for (const bench of benchmarks) {
    it(`${bench.name} runs and prints a table with numbers`, async () => {
      const lines = await bench.run({ smoke: true });
      assert.ok(lines.length >= 3, lines.join('\n'));
      assert.match(lines[0] ?? '', /^\| .* \|$/);
      const body = lines.slice(2);
      for (const row of body) assert.match(row, /\| [0-9]+(\.[0-9]+)? /, `a measured number in: ${row}`);
    });
  }

  it('the SIP parser benchmark reads every message of both corpora with both parsers', async () => {
    const bench = benchmarks.find((b) => b.name.startsWith('SIP parse'));
    assert.ok(bench);
    const rows = (await bench.run({ smoke: true })).slice(2);
    assert.equal(rows.length, 2);
    for (const row of rows) assert.match(row, /\| 0 \/ \d+ +\|$/, `our parser read every message: ${row}`);
  });
});
