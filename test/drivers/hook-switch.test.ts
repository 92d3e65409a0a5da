import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedInput } from '../../drivers/emulated/gpio.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { HookSwitch, hookStateFor } from '../../drivers/hook/hook-switch.js';
import type { HookSwitchOptions } from '../../drivers/hook/hook-switch.js';

function rig(initial: 0 | 1, options?: HookSwitchOptions) {
  const clock = new VirtualClock();
  const line = new EmulatedInput('GPIO22 (hook)', clock, initial);
  const hook = new HookSwitch(line, clock, options);
  const log: string[] = [];
  hook.onChange((e) => log.push(`${e.state} @${e.timestampMs}`));
  return { clock, line, hook, log };
}

/** Sets the line at the given times (ms from now). */
function drive(clock: VirtualClock, line: EmulatedInput, steps: Array<[number, 0 | 1]>): void {
  let at = 0;
  for (const [t, level] of steps) {
    clock.advance(t - at);
    at = t;
    line.set(level);
  }
}

describe('HookSwitch', () => {
  it('maps levels to states, active low by default', () => {
    assert.equal(hookStateFor(0, true), 'off-hook');
    assert.equal(hookStateFor(1, true), 'on-hook');
    assert.equal(hookStateFor(1, false), 'off-hook');
  });

  it('reports a lift 30 ms after the line settles, not before', () => {
    const { clock, line, hook, log } = rig(1);
    assert.equal(hook.state, 'on-hook');
    clock.advance(100);
    line.set(0);
    clock.advance(29);
    assert.deepEqual(log, []);
    assert.equal(hook.state, 'on-hook');
    clock.advance(1);
    assert.deepEqual(log, ['off-hook @130']);
    assert.equal(hook.offHook, true);
    hook.dispose();
  });

  it('gives one event for a chattering lever, dated from the last bounce', () => {
    const { clock, line, hook, log } = rig(1);
    drive(clock, line, [[0, 0], [4, 1], [9, 0], [15, 1], [22, 0]]);
    clock.advance(500);
    drive(clock, line, [[0, 1], [6, 0], [10, 1]]); // hanging up, with bounce
    clock.advance(500);
    assert.deepEqual(log, ['off-hook @52', 'on-hook @562']); // last bounces at 22 and 522 + 10
    hook.dispose();
  });

  it('ignores a glitch that returns to the old level within the debounce time', () => {
    const { clock, line, hook, log } = rig(1);
    drive(clock, line, [[0, 0], [12, 1]]);
    clock.advance(200);
    assert.deepEqual(log, []);
    assert.equal(hook.state, 'on-hook');
    hook.dispose();
  });

  it('inverts with activeLow false and honours a configured debounce', () => {
    const { clock, line, hook, log } = rig(0, { activeLow: false, debounceMs: 10 });
    assert.equal(hook.state, 'on-hook');
    line.set(1);
    clock.advance(10);
    assert.deepEqual(log, ['off-hook @10']);
    hook.dispose();
  });

  it('takes the state at start from the line, with no event', () => {
    const { clock, hook, log } = rig(0);
    assert.equal(hook.state, 'off-hook');
    clock.advance(100);
    assert.deepEqual(log, []);
    hook.dispose();
  });

  it('clears its timer and stops watching on dispose', () => {
    const { clock, line, hook, log } = rig(1);
    line.set(0);
    assert.equal(clock.pendingCount, 1);
    hook.dispose();
    assert.equal(clock.pendingCount, 0);
    assert.equal(line.watcherCount, 0);
    clock.advance(100);
    assert.deepEqual(log, []);
  });
});
