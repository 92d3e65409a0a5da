import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, TimerHandle } from '../../drivers/bus/clock.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { PeriodPacer } from '../../drivers/emulated/pcm-pacer.js';

/** A clock whose timers come back late, like timers on a busy event loop. */
class LateClock implements Clock {
  lateMs: number;
  constructor(
    readonly inner: VirtualClock,
    lateMs: number,
  ) {
    this.lateMs = lateMs;
  }
  now(): number {
    return this.inner.now();
  }
  setTimer(ms: number, callback: () => void): TimerHandle {
    return this.inner.setTimer(ms + this.lateMs, callback);
  }
  clearTimer(handle: TimerHandle | undefined): void {
    this.inner.clearTimer(handle);
  }
}

describe('PeriodPacer', () => {
  it('ticks at start + (n+1) × period for capture', () => {
    const clock = new VirtualClock(1000);
    const pacer = new PeriodPacer({ clock, periodFrames: 160, sampleRate: 8000, firstTickAfterPeriods: 1 });
    const at: number[] = [];
    pacer.start(() => at.push(clock.now()));
    clock.advance(100);
    assert.deepEqual(at, [1020, 1040, 1060, 1080, 1100]);
    pacer.stop();
    assert.equal(clock.pendingCount, 0);
  });

  it('ticks at start + n × period for playback, never synchronously inside start()', () => {
    const clock = new VirtualClock();
    const pacer = new PeriodPacer({ clock, periodFrames: 320, sampleRate: 16000, firstTickAfterPeriods: 0 });
    const at: number[] = [];
    pacer.start(() => at.push(clock.now()));
    assert.deepEqual(at, []);
    clock.advance(45);
    assert.deepEqual(at, [0, 20, 40]);
    pacer.stop();
  });

  it('does not drift when every timer fires late: it catches up from the start time', () => {
    const inner = new VirtualClock();
    const clock = new LateClock(inner, 7);
    const pacer = new PeriodPacer({ clock, periodFrames: 160, sampleRate: 8000, firstTickAfterPeriods: 1 });
    let ticks = 0;
    let worstLateness = 0;
    pacer.start(() => {
      ticks++;
      worstLateness = Math.max(worstLateness, inner.now() - ticks * 20);
    });
    inner.advance(10_000);
    // A naive "set a 20 ms timer after each tick" would manage only 10000 / 27 ≈ 370 here.
    assert.ok(ticks >= 499 && ticks <= 500, `ticks ${ticks}`);
    assert.ok(worstLateness <= 7, `lateness ${worstLateness}`);
    pacer.stop();
  });

  it('delivers every period due after a stall, but skips those beyond the catch-up limit', () => {
    const inner = new VirtualClock();
    const clock = new LateClock(inner, 100);
    const pacer = new PeriodPacer({ clock, periodFrames: 160, sampleRate: 8000, firstTickAfterPeriods: 1, maxCatchUpPeriods: 10 });
    let ticks = 0;
    let skipped = 0;
    pacer.start(
      () => ticks++,
      (n) => (skipped += n),
    );
    inner.advance(120); // the first timer comes back 100 ms late: 6 periods due, all delivered
    assert.equal(ticks, 6);
    clock.lateMs = 1000;
    inner.advance(120); // the second (set while timers ran 100 ms late) at 240 ms: 6 more
    assert.equal(ticks, 12);
    inner.advance(1020); // the third comes back 1 s late at 1260 ms: 51 due, 10 delivered, 41 skipped
    assert.equal(ticks, 22);
    assert.equal(skipped, 41);
    assert.equal(pacer.tickCount, 63);
    pacer.stop();
  });
});
