import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';

describe('VirtualClock', () => {
  it('fires timers in due order and reads their due time while they run', () => {
    const clock = new VirtualClock(100);
    const seen: Array<[string, number]> = [];
    clock.setTimer(30, () => seen.push(['b', clock.now()]));
    clock.setTimer(10, () => seen.push(['a', clock.now()]));
    clock.setTimer(30, () => seen.push(['c', clock.now()]));
    clock.advance(29);
    assert.deepEqual(seen, [['a', 110]]);
    clock.advance(1);
    assert.deepEqual(seen, [['a', 110], ['b', 130], ['c', 130]]);
    assert.equal(clock.now(), 130);
  });

  it('fires timers set by a timer within the same advance', () => {
    const clock = new VirtualClock();
    const at: number[] = [];
    const tick = (): void => {
      at.push(clock.now());
      if (at.length < 4) clock.setTimer(500, tick);
    };
    clock.setTimer(500, tick);
    clock.advance(10_000);
    assert.deepEqual(at, [500, 1000, 1500, 2000]);
  });

  it('does not fire a cleared timer', () => {
    const clock = new VirtualClock();
    let fired = false;
    const h = clock.setTimer(5, () => (fired = true));
    clock.clearTimer(h);
    clock.advance(10);
    assert.equal(fired, false);
    assert.equal(clock.pendingCount, 0);
  });

  it('resolves a clock-based delay on advanceAsync', async () => {
    const clock = new VirtualClock();
    const delay = clockDelay(clock);
    const order: string[] = [];
    const task = (async () => {
      await delay.delayMs(5);
      order.push(`first at ${clock.now()}`);
      await delay.delayUs(4100);
      order.push(`second at ${clock.now()}`);
    })();
    await clock.advanceAsync(20);
    await task;
    assert.deepEqual(order, ['first at 5', 'second at 9.1']);
  });
});
