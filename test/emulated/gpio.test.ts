import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBusError } from '../../drivers/bus/errors.js';
import type { EdgeEvent } from '../../drivers/bus/gpio.js';
import { EmulatedGpioChip, EmulatedInput, EmulatedOutput } from '../../drivers/emulated/gpio.js';
import type { OutputState } from '../../drivers/emulated/gpio.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';

describe('EmulatedInput', () => {
  it('reports an edge only when the level really changes, stamped with the clock', () => {
    const clock = new VirtualClock(1000);
    const line = new EmulatedInput('GPIO5', clock);
    const seen: EdgeEvent[] = [];
    line.watch('both', (e) => seen.push(e));
    line.set(1); // already high (pull-up idle level): no edge
    clock.advance(7);
    line.set(0);
    line.set(0); // again: no edge
    clock.advance(3);
    line.set(1);
    assert.deepEqual(seen, [
      { level: 0, timestampMs: 1007 },
      { level: 1, timestampMs: 1010 },
    ]);
    assert.equal(line.read(), 1);
  });

  it('filters rising and falling watchers and stops telling after unsubscribe', () => {
    const clock = new VirtualClock();
    const line = new EmulatedInput('GPIO6', clock, 0);
    const rising: number[] = [];
    const falling: number[] = [];
    const stopRising = line.watch('rising', (e) => rising.push(e.level));
    line.watch('falling', (e) => falling.push(e.level));
    line.set(1);
    line.set(0);
    stopRising();
    line.set(1);
    line.set(0);
    assert.deepEqual(rising, [1]);
    assert.deepEqual(falling, [0, 0]);
    assert.equal(line.watcherCount, 1);
  });

  it('refuses reads after close', () => {
    const line = new EmulatedInput('GPIO7', new VirtualClock());
    line.close();
    assert.throws(() => line.read(), (e: unknown) => isBusError(e) && /GPIO7.*closed/.test(e.message));
  });
});

describe('EmulatedOutput', () => {
  it('lets the world observe level and floating, once per real change', () => {
    const clock = new VirtualClock();
    const line = new EmulatedOutput('GPIO20', clock, 'floated');
    const seen: OutputState[] = [];
    line.onChange((s) => seen.push(s));
    assert.equal(line.floated, true);
    assert.equal(line.driven, undefined);
    line.write(0); // floated → driven low
    line.write(0); // no change
    clock.advance(2);
    line.write(1);
    line.float();
    line.float(); // no change
    assert.deepEqual(seen, [
      { level: 0, floated: false, timestampMs: 0 },
      { level: 1, floated: false, timestampMs: 2 },
      { level: 1, floated: true, timestampMs: 2 },
    ]);
    assert.equal(line.read(), 1, 'read() is the level last written, even while floated');
    assert.equal(line.driven, undefined);
  });

  it('stops driving when closed', () => {
    const line = new EmulatedOutput('GPIO21', new VirtualClock(), 1);
    assert.equal(line.driven, 1);
    line.close();
    assert.equal(line.floated, true);
    assert.throws(() => line.write(0), /closed/);
  });
});

describe('EmulatedGpioChip', () => {
  it('hands out lines by number with their names and finds them again for the world', () => {
    const chip = new EmulatedGpioChip(new VirtualClock(), 'gpiochip0');
    const row = chip.input(17, 'GPIO17 (header pin 11)');
    const led = chip.output(27);
    assert.equal(row.name, 'GPIO17 (header pin 11)');
    assert.equal(led.name, 'gpiochip0 line 27');
    assert.equal(chip.inputAt(17), row);
    assert.equal(chip.outputAt(27), led);
    assert.deepEqual(chip.requested, [17, 27]);
    assert.throws(() => chip.outputAt(17), /no output/);
  });

  it('refuses a line requested twice, naming the holder, until the holder closes it', () => {
    const chip = new EmulatedGpioChip(new VirtualClock(), 'gpiochip0');
    const hook = chip.input(22, 'hook switch');
    assert.throws(
      () => chip.output(22, 'LED'),
      (e: unknown) => isBusError(e) && e.message === 'gpiochip0 line 22: line is busy: already requested as "hook switch", cannot request it again as "LED"',
    );
    hook.close();
    const led = chip.output(22, 'LED');
    assert.equal(chip.outputAt(22), led);
  });
});
