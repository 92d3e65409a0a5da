import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonRow, median, medianCell, ratioCell, spread } from '../../scripts/bench/figures.js';

describe('bench figures: median over runs with the spread, phone over peer', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('shows the median with min–max, and — for nothing measured', () => {
    assert.equal(spread([3, -1, 2], 1), '-1.0–3.0');
    assert.equal(medianCell([10, 30, 20], 0), '20 (10–30)');
    assert.equal(medianCell([], 1), '—');
  });

  it('gives the ratio of the medians, and — when the peer is 0 or missing', () => {
    assert.equal(ratioCell([4, 6, 5], [2, 3, 2]), '2.50');
    assert.equal(ratioCell([1], [0]), '—');
    assert.equal(ratioCell([1], []), '—');
    assert.deepEqual(comparisonRow('boot, ms', [100, 200, 150], [50], 0), ['boot, ms', '150 (100–200)', '50 (50–50)', '3.00']);
  });
});
