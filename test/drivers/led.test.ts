import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedOutput } from '../../drivers/emulated/gpio.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { Led, levelFor } from '../../drivers/led/led.js';
import type { LedOptions } from '../../drivers/led/led.js';
import { LED_PATTERNS, patternLitAt } from '../../drivers/led/patterns.js';

function rig(options?: LedOptions) {
  const clock = new VirtualClock();
  const line = new EmulatedOutput('GPIO23 (LED)', clock, 'floated');
  const led = new Led(line, clock, options);
  /** Every level the line took, as "level@time": the expectation list. */
  const changes: string[] = [];
  line.onChange((s) => changes.push(`${s.floated ? 'Z' : s.level}@${s.timestampMs}`));
  /** The line level at each given time (ms from the clock's current time). */
  const levelsAt = (times: number[]): number[] => {
    const start = clock.now();
    return times.map((t) => {
      clock.advance(start + t - clock.now());
      return line.read();
    });
  };
  return { clock, line, led, changes, levelsAt };
}

describe('Led', () => {
  it('drives the line dark at start, then on and off', () => {
    const { line, led } = rig();
    assert.equal(line.driven, 0);
    led.on();
    assert.equal(line.driven, 1);
    assert.equal(led.showing, 'on');
    led.off();
    assert.equal(line.driven, 0);
    assert.equal(led.showing, 'off');
  });

  it('blinks ringing as 500 ms on / 500 ms off', () => {
    const { led, levelsAt, changes } = rig();
    led.blink('ringing');
    assert.deepEqual(levelsAt([0, 499, 500, 999, 1000, 1499, 1500]), [1, 1, 0, 0, 1, 1, 0]);
    assert.deepEqual(changes, ['1@0', '0@500', '1@1000', '0@1500']);
    assert.equal(led.showing, 'ringing');
    led.dispose();
  });

  it('flashes message waiting slowly: 100 ms in every 2 s', () => {
    const { led, levelsAt } = rig();
    led.blink('messageWaiting');
    assert.deepEqual(levelsAt([0, 99, 100, 1999, 2000, 2100, 4000]), [1, 1, 0, 0, 1, 0, 1]);
    led.dispose();
  });

  it('inverts every level when active low', () => {
    assert.equal(levelFor(true, true), 0);
    assert.equal(levelFor(false, true), 1);
    const { line, led, levelsAt } = rig({ activeLow: true });
    assert.equal(line.driven, 1, 'dark is high');
    led.on();
    assert.equal(line.driven, 0);
    led.blink('hold');
    assert.deepEqual(levelsAt([0, 250, 500, 750]), [0, 1, 0, 1]);
    assert.equal(led.lit, false);
    led.dispose();
  });

  it('changes pattern at once, mid-step', () => {
    const { clock, led, changes } = rig();
    led.blink('ringing');
    clock.advance(700); // ringing is dark from 500
    led.blink('hold');
    clock.advance(600);
    assert.deepEqual(changes, ['1@0', '0@500', '1@700', '0@950', '1@1200']);
    led.off();
    assert.equal(clock.pendingCount, 0);
    assert.equal(led.lit, false);
  });

  it('keeps the phase when asked again for the pattern already playing', () => {
    const { clock, led, changes } = rig();
    led.blink('ringing');
    clock.advance(300);
    led.blink(LED_PATTERNS.ringing);
    clock.advance(300);
    assert.deepEqual(changes, ['1@0', '0@500']);
    led.dispose();
  });

  it('plays a custom pattern given as data, matching the pure patternLitAt', () => {
    const { led, levelsAt } = rig();
    const doubleFlash = { name: 'double', steps: [{ lit: true, ms: 100 }, { lit: false, ms: 100 }, { lit: true, ms: 100 }, { lit: false, ms: 700 }] };
    led.blink(doubleFlash);
    const times = [0, 50, 100, 150, 200, 250, 300, 999, 1000, 1150, 1250];
    assert.deepEqual(levelsAt(times), times.map((t) => (patternLitAt(doubleFlash, t) ? 1 : 0)));
    assert.deepEqual(times.map((t) => (patternLitAt(doubleFlash, t) ? 1 : 0)), [1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
    led.dispose();
  });

  it('refuses a pattern that could not be played', () => {
    const { led } = rig();
    assert.throws(() => led.blink({ name: 'empty', steps: [] }), /no steps/);
    assert.throws(() => led.blink({ name: 'zero', steps: [{ lit: true, ms: 0 }] }), /must be > 0 ms/);
  });

  it('clears its timer and goes dark on dispose', () => {
    const { clock, line, led } = rig();
    led.blink('hold');
    assert.equal(clock.pendingCount, 1);
    led.dispose();
    assert.equal(clock.pendingCount, 0);
    assert.equal(line.driven, 0);
  });
});
