import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppendixIConcealer } from '../../firmware/media/codecs/plc/g711-appendix-i.js';
import { findPitch, pitchSearchParams } from '../../firmware/media/codecs/plc/pitch-search.js';

/** A voiced-like periodic signal: fundamental plus two harmonics, period `period` samples. */
function voiced(n: number, period: number, amplitude: number, phase = 0, from = 0): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => {
    const w = (2 * Math.PI * (from + i)) / period + phase;
    return Math.round(amplitude * (0.7 * Math.sin(w) + 0.2 * Math.sin(2 * w + 0.5) + 0.1 * Math.sin(3 * w + 1)));
  });
}

function rms(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (a[i] ?? 0) ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Feeds `frames` good 20 ms frames of a signal to a concealer; returns the next sample index. */
function feed(plc: AppendixIConcealer, signal: (from: number, n: number) => Int16Array, frames: number, frame: number): number {
  for (let f = 0; f < frames; f++) plc.good(signal(f * frame, frame));
  return frames * frame;
}

describe('pitch search (G.711 Appendix I §I.2.2)', () => {
  it('finds the exact period of a periodic signal between 5 and 15 ms', () => {
    const params = pitchSearchParams(8000);
    assert.deepEqual(params, { minLag: 40, maxLag: 120, window: 160, decimation: 2 });
    assert.equal(findPitch(voiced(390, 100, 10000), params), 100);
    assert.equal(findPitch(voiced(390, 67, 10000), params), 67);
    // Two periods of a 57-sample signal also fit in the range; either is a period.
    assert.equal(findPitch(voiced(390, 57, 10000), params) % 57, 0);
  });

  it('scales the search to 16 kHz', () => {
    const params = pitchSearchParams(16000);
    assert.deepEqual(params, { minLag: 80, maxLag: 240, window: 320, decimation: 4 });
    assert.equal(findPitch(voiced(780, 150, 10000), params), 150);
  });

  it('refuses a history too short to search', () => {
    assert.throws(() => findPitch(new Int16Array(100), pitchSearchParams(8000)), RangeError);
  });
});

describe('G.711 Appendix I concealment', () => {
  const A = 12000;
  const period = 50; // 160 Hz at 8 kHz

  it('continues the period of a periodic signal through the first 10 ms', () => {
    const plc = new AppendixIConcealer(8000);
    const at = feed(plc, (from, n) => voiced(n, period, A, 0, from), 10, 160);
    const concealed = plc.conceal(80);
    const truth = voiced(80, period, A, 0, at);
    for (let i = 0; i < 80; i++) {
      assert.ok(Math.abs((concealed[i] ?? 0) - (truth[i] ?? 0)) < 0.02 * A, `sample ${i}: ${concealed[i]} vs ${truth[i]}`);
    }
    assert.equal(plc.stats.lastPitch, period);
  });

  it('keeps the period (with less energy) while the loss goes on', () => {
    const plc = new AppendixIConcealer(8000);
    const at = feed(plc, (from, n) => voiced(n, period, A, 0, from), 10, 160);
    const concealed = plc.conceal(240);
    const truth = voiced(240, period, A, 0, at);
    // Normalised correlation with the true continuation over 10–30 ms, where the loop is widened.
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 80; i < 240; i++) {
      xy += (concealed[i] ?? 0) * (truth[i] ?? 0);
      xx += (concealed[i] ?? 0) ** 2;
      yy += (truth[i] ?? 0) ** 2;
    }
    assert.ok(xy / Math.sqrt(xx * yy) > 0.98, `correlation ${xy / Math.sqrt(xx * yy)}`);
  });

  it('attenuates by 20 % per 10 ms after the first 10 ms, and is silent from 60 ms on', () => {
    const plc = new AppendixIConcealer(8000);
    const at = feed(plc, (from, n) => voiced(n, period, A, 0, from), 10, 160);
    const truth = voiced(640, period, A, 0, at);
    // Ask in odd-sized pieces: the schedule follows lost time, not call boundaries.
    const parts = [plc.conceal(100), plc.conceal(137), plc.conceal(403)];
    const out = new Int16Array(640);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    // Level of each 10 ms block relative to what the talker really said then.
    const gains = Array.from({ length: 8 }, (_, b) => rms(out, b * 80, b * 80 + 80) / rms(truth, b * 80, b * 80 + 80));
    assert.ok(Math.abs((gains[0] ?? 0) - 1) < 0.03, `first 10 ms at full level: ${gains[0]}`);
    for (let b = 1; b < 6; b++) {
      // Linear ramp over block b from 1 − 0.2(b−1) to 1 − 0.2b: RMS gain just above the mean, 1.1 − 0.2b.
      const expected = 1.1 - 0.2 * b;
      assert.ok(Math.abs((gains[b] ?? 0) - expected) < 0.04, `block ${b}: gain ${gains[b]} vs ≈${expected}`);
      assert.ok((gains[b] ?? 0) < (gains[b - 1] ?? 0), `energy decays in block ${b}`);
    }
    assert.ok(out.subarray(480).every((v) => v === 0), 'silent after 60 ms');
    assert.ok(out.subarray(400, 480).some((v) => v !== 0), 'not silent before 60 ms');
    assert.equal(plc.stats.mutedSamples, 160);
    assert.equal(plc.stats.concealedSamples, 640);
    assert.equal(plc.stats.losses, 1);
  });

  it('merges the first good frame after a loss without a step', () => {
    const plc = new AppendixIConcealer(8000);
    const at = feed(plc, (from, n) => voiced(n, period, A, 0, from), 10, 160);
    const lossEnd = at + 160;
    const concealed = plc.conceal(160);
    // The talker's waveform changed during the loss: the good frame is the inverse of
    // the continuation, so a plain splice at a peak would jump by almost 2A.
    const phase = Math.PI / 2 - (2 * Math.PI * lossEnd) / period;
    const good = voiced(160, period, -A, phase, lossEnd);
    const out = plc.good(good);
    const last = concealed[159] ?? 0;
    const naiveStep = Math.abs((good[0] ?? 0) - last);
    // The signal's own steepest slope, doubled, bounds a step-free join.
    const bound = 2 * A * ((2 * Math.PI) / period) * (0.7 + 0.4 + 0.3);
    assert.ok(naiveStep > bound, `a plain splice would step by ${naiveStep} (> ${bound})`);
    let prev = last;
    for (let i = 0; i < 60; i++) {
      const v = out[i] ?? 0;
      assert.ok(Math.abs(v - prev) <= bound, `step ${v - prev} at merged sample ${i}`);
      prev = v;
    }
    // Past the overlap (P/4 + 4 ms for the second 10 ms lost = 12 + 32 samples) the good frame is untouched.
    assert.deepEqual(out.subarray(44), good.subarray(44));
    assert.equal(plc.concealing, false);
  });

  it('fades a good frame in from silence after a long loss', () => {
    const plc = new AppendixIConcealer(8000);
    feed(plc, (from, n) => voiced(n, period, A, 0, from), 10, 160);
    plc.conceal(800);
    const good = new Int16Array(160).fill(10000);
    const out = plc.good(good);
    assert.ok(Math.abs(out[0] ?? 0) < 1000, `starts near silence: ${out[0]}`);
    assert.equal(out[159], 10000);
  });

  it('conceals silence with silence, and a loss before any audio with silence', () => {
    const fresh = new AppendixIConcealer(8000);
    assert.ok(fresh.conceal(160).every((v) => v === 0));
    const quiet = new AppendixIConcealer(8000);
    quiet.good(new Int16Array(400));
    assert.ok(quiet.conceal(160).every((v) => v === 0));
  });

  it('passes good frames through unchanged when nothing was lost', () => {
    const plc = new AppendixIConcealer(8000);
    const frame = voiced(160, period, A);
    assert.deepEqual(plc.good(frame), frame);
    assert.equal(plc.stats.goodSamples, 160);
  });

  it('runs at 16 kHz for G.722, continuing the period', () => {
    const plc = new AppendixIConcealer(16000);
    const p16 = 100;
    const at = feed(plc, (from, n) => voiced(n, p16, A, 0, from), 10, 320);
    const concealed = plc.conceal(160);
    const truth = voiced(160, p16, A, 0, at);
    for (let i = 0; i < 160; i++) assert.ok(Math.abs((concealed[i] ?? 0) - (truth[i] ?? 0)) < 0.02 * A, `sample ${i}`);
    assert.throws(() => new AppendixIConcealer(44100), RangeError);
  });
});
