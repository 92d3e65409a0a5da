// RFC 3261 Table 4 (Appendix A) and RFC 6026 §8.10: every transaction timer
// computed from T1, T2, T4 and the transport's reliability.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_TIMER_VALUES,
  checkTimerValues,
  nextTimerA,
  nextTimerE,
  nextTimerG,
  timerA,
  timerB,
  timerD,
  timerE,
  timerEInProceeding,
  timerF,
  timerG,
  timerH,
  timerI,
  timerJ,
  timerK,
  timerL,
  timerM,
} from '../../firmware/sip/transaction/index.js';

const v = DEFAULT_TIMER_VALUES;

/** The intervals a retransmit timer runs through, from `first`, `count` times. */
function intervals(first: number, next: (ms: number) => number, count: number): number[] {
  const out = [first];
  while (out.length < count) out.push(next(out[out.length - 1] ?? first));
  return out;
}

describe('transaction timers (RFC 3261 Table 4)', () => {
  it('T1 defaults to 500 ms, T2 to 4 s, T4 to 5 s', () => {
    assert.deepEqual(DEFAULT_TIMER_VALUES, { t1: 500, t2: 4000, t4: 5000 });
  });

  it('Timer A starts at T1 and doubles without a cap: 0.5, 1, 2, 4, 8, 16, 32 s', () => {
    assert.deepEqual(intervals(timerA(v), nextTimerA, 7), [500, 1000, 2000, 4000, 8000, 16000, 32000]);
  });

  it('Timers B, F, H, L and M are 64*T1 on any transport', () => {
    for (const timer of [timerB, timerF, timerH, timerL, timerM]) assert.equal(timer(v), 32_000);
    const slow = { t1: 1000, t2: 4000, t4: 5000 };
    for (const timer of [timerB, timerF, timerH, timerL, timerM]) assert.equal(timer(slow), 64_000);
  });

  it('Timer D is at least 32 s for unreliable transports and zero for reliable ones', () => {
    assert.equal(timerD(v, false), 32_000);
    assert.equal(timerD(v, true), 0);
    // It must outlast the server's Timer H (64*T1) when T1 is raised.
    assert.equal(timerD({ t1: 1000, t2: 4000, t4: 5000 }, false), 64_000);
  });

  it('Timers E and G double from T1 and are capped at T2: 0.5, 1, 2, 4, 4, 4 s', () => {
    const expected = [500, 1000, 2000, 4000, 4000, 4000];
    assert.deepEqual(intervals(timerE(v), (ms) => nextTimerE(ms, v), 6), expected);
    assert.deepEqual(intervals(timerG(v), (ms) => nextTimerG(ms, v), 6), expected);
  });

  it('Timer E in Proceeding is reset with T2', () => {
    assert.equal(timerEInProceeding(v), 4000);
  });

  it('Timers I and K are T4 for unreliable transports and zero for reliable ones', () => {
    assert.equal(timerI(v, false), 5000);
    assert.equal(timerK(v, false), 5000);
    assert.equal(timerI(v, true), 0);
    assert.equal(timerK(v, true), 0);
  });

  it('Timer J is 64*T1 for unreliable transports and zero for reliable ones', () => {
    assert.equal(timerJ(v, false), 32_000);
    assert.equal(timerJ(v, true), 0);
  });

  it('refuses timer values no schedule can be built from', () => {
    assert.throws(() => checkTimerValues({ t1: 0, t2: 4000, t4: 5000 }), RangeError);
    assert.throws(() => checkTimerValues({ t1: 500, t2: Number.NaN, t4: 5000 }), RangeError);
    assert.throws(() => checkTimerValues({ t1: 500, t2: 400, t4: 5000 }), /T2/);
    assert.deepEqual(checkTimerValues({ t1: 250, t2: 2000, t4: 2500 }), { t1: 250, t2: 2000, t4: 2500 });
  });
});
