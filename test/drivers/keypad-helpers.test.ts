import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { debounceKey, isUnsettled, RELEASED } from '../../drivers/keypad/debounce.js';
import type { KeyDebounce } from '../../drivers/keypad/debounce.js';
import { hasGhosting } from '../../drivers/keypad/ghosting.js';

/** A matrix state from "row,column" pairs: state[c] is the row bitmask of column c. */
function matrix(columns: number, ...keys: Array<[number, number]>): number[] {
  const state = new Array<number>(columns).fill(0);
  for (const [r, c] of keys) state[c] = (state[c] ?? 0) | (1 << r);
  return state;
}

describe('hasGhosting', () => {
  it('accepts states no rectangle makes ambiguous', () => {
    assert.equal(hasGhosting(matrix(4)), false);
    assert.equal(hasGhosting(matrix(4, [0, 0])), false);
    assert.equal(hasGhosting(matrix(4, [0, 0], [0, 1], [0, 3])), false, 'a whole row');
    assert.equal(hasGhosting(matrix(4, [0, 2], [1, 2], [3, 2])), false, 'a whole column');
    assert.equal(hasGhosting(matrix(4, [0, 0], [1, 1], [2, 2])), false, 'a diagonal');
  });

  it('rejects three corners of a rectangle, in any orientation and spread', () => {
    assert.equal(hasGhosting(matrix(4, [0, 0], [0, 1], [1, 1])), true);
    assert.equal(hasGhosting(matrix(4, [0, 0], [1, 0], [1, 1])), true);
    assert.equal(hasGhosting(matrix(4, [0, 3], [3, 3], [3, 0])), true, 'corners need not be adjacent');
    assert.equal(hasGhosting(matrix(4, [0, 0], [0, 1], [1, 0], [1, 1])), true, 'the four-corner read a ghost produces');
  });
});

describe('debounceKey', () => {
  it('reports a press only once it has held for the debounce time', () => {
    let k: KeyDebounce = RELEASED;
    k = debounceKey(k, true, 100, 20);
    assert.deepEqual(k, { stable: false, raw: true, rawSinceMs: 100 });
    assert.ok(isUnsettled(k));
    k = debounceKey(k, true, 119, 20);
    assert.equal(k.stable, false);
    k = debounceKey(k, true, 120, 20);
    assert.equal(k.stable, true);
    assert.equal(isUnsettled(k), false);
  });

  it('restarts the wait on every bounce', () => {
    let k: KeyDebounce = RELEASED;
    for (const [t, down] of [[0, true], [5, false], [10, true], [15, false], [20, true]] as const) {
      k = debounceKey(k, down, t, 20);
    }
    k = debounceKey(k, true, 35, 20);
    assert.equal(k.stable, false, '15 ms after the last bounce is not enough');
    k = debounceKey(k, true, 40, 20);
    assert.equal(k.stable, true);
  });

  it('forgets a glitch that reverts before the debounce time', () => {
    let k: KeyDebounce = RELEASED;
    k = debounceKey(k, true, 0, 20);
    k = debounceKey(k, false, 10, 20);
    k = debounceKey(k, false, 40, 20);
    assert.equal(k.stable, false);
    assert.equal(isUnsettled(k), false);
  });
});
