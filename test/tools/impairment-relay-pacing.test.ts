import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pacingStats } from './impairment-relay/pacing.js';
import { percentile } from './impairment-relay/summary.js';

const PERIOD_MS = 20;
const MS = 1_000_000; // ns per ms

/** An hrtime-like grid: packet k at `start + k·period(1 + ppm) + jitter(k)` ns. */
function grid(n: number, jitterMs: (k: number) => number = () => 0, ppm = 0): bigint[] {
  const start = 123_456_789_000_000n; // a day and a half of uptime, beyond float ms precision of raw ns
  return Array.from({ length: n }, (_, k) => start + BigInt(Math.round((k * PERIOD_MS * (1 + ppm * 1e-6) + jitterMs(k)) * MS)));
}

describe('pacingStats (send pacing against an ideal 20 ms grid)', () => {
  it('a perfect grid has zero error and zero drift', () => {
    const s = pacingStats(grid(500), PERIOD_MS);
    assert.equal(s.packets, 500);
    assert.ok(s.errorMs.max < 1e-6, `max ${s.errorMs.max}`);
    assert.ok(Math.abs(s.driftPpm) < 1e-3, `drift ${s.driftPpm}`);
    assert.ok(Math.abs(s.actualPeriodMs - 20) < 1e-9);
  });

  it('known jitter gives the known p50/p99/max', () => {
    // Of 1000 packets 40 are 2 ms off and 10 are 5 ms off (each half late, half early): the
    // nearest-rank p99 (the 990th smallest |error|) is 2 ms, the max 5 ms, the median 0.
    const jitter = (k: number): number =>
      k % 200 === 10 ? 5 : k % 200 === 110 ? -5 : k % 50 === 20 ? 2 : k % 50 === 45 ? -2 : 0;
    const s = pacingStats(grid(1000, jitter), PERIOD_MS);
    assert.ok(Math.abs(s.errorMs.p50) < 0.05, `p50 ${s.errorMs.p50}`);
    assert.ok(Math.abs(s.errorMs.p99 - 2) < 0.05, `p99 ${s.errorMs.p99}`);
    assert.ok(Math.abs(s.errorMs.max - 5) < 0.05, `max ${s.errorMs.max}`);
    assert.ok(Math.abs(s.driftPpm) < 5, `jitter is not drift: ${s.driftPpm}`);
  });

  it('a linear drift is reported in ppm and in ms over the run, not as jitter', () => {
    const s = pacingStats(grid(3000, () => 0, 150), PERIOD_MS);
    assert.ok(Math.abs(s.driftPpm - 150) < 0.5, `drift ${s.driftPpm}`);
    assert.ok(Math.abs(s.driftMs - 2999 * 20 * 150e-6) < 0.01, `drift ${s.driftMs} ms`);
    assert.ok(s.errorMs.max < 0.001, `residual ${s.errorMs.max}`);
    const fast = pacingStats(grid(3000, () => 0, -80), PERIOD_MS);
    assert.ok(Math.abs(fast.driftPpm + 80) < 0.5, `drift ${fast.driftPpm}`);
  });

  it('a grid index (RTP seq) keeps a packet the sender skipped from shifting the rest', () => {
    const times = grid(100).filter((_, k) => k !== 40);
    const index = Array.from({ length: 100 }, (_, k) => k).filter((k) => k !== 40);
    const withIndex = pacingStats(times, PERIOD_MS, index);
    assert.ok(withIndex.errorMs.max < 1e-6);
    const withoutIndex = pacingStats(times, PERIOD_MS);
    assert.ok(withoutIndex.errorMs.max > 5, 'without the index the gap looks like a 20 ms step');
  });

  it('accepts plain numbers of ns and degenerates to zeros for fewer than two packets', () => {
    assert.ok(pacingStats([0, 20 * MS, 40 * MS], PERIOD_MS).errorMs.max < 1e-9);
    assert.deepEqual(pacingStats([5n], PERIOD_MS).errorMs, { p50: 0, p99: 0, max: 0 });
  });

  it('percentile is nearest-rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 99), 0);
  });
});
