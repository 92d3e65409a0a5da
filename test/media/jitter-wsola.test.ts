import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accelerate, bestLag, expand } from '../../firmware/media/jitter/wsola.js';
import { speechFrame } from '../../scripts/trace-gen/speech-signal.js';
import { Xoshiro128 } from '../../scripts/trace-gen/prng.js';
import { maxStep, voicedFrame } from './jitter-fixtures.js';

const PITCH = { minLag: 20, maxLag: 120 };

describe('WSOLA time-scale modification', () => {
  it('finds the period of a periodic signal as the best lag', () => {
    const x = voicedFrame(0, 400); // period 64 samples
    const lag = bestLag(x, PITCH);
    assert.equal(lag?.lag, 64);
    assert.ok((lag?.correlation ?? 0) > 0.99);
  });

  for (const rate of [16000, 48000]) {
    it(`at ${rate / 1000} kHz (searched on an averaged copy, then refined) finds the same period as a full search would`, () => {
      const period = rate / 125; // voicedSample: 125 Hz
      const x = voicedFrame(0, Math.round((rate * 50) / 1000), rate);
      const lags = { minLag: Math.round(rate / 400), maxLag: Math.round((rate * 15) / 1000) };
      const lag = bestLag(x, lags);
      assert.equal(lag?.lag, period);
      assert.ok((lag?.correlation ?? 0) > 0.99);
      // Speech with a gliding pitch: the refined lag correlates as well as the best lag of a full search (checked by brute force here).
      for (const at of [4000, 15000]) {
        const speech = speechFrame((at * rate) / 8000, Math.round((rate * 40) / 1000), rate);
        const found = bestLag(speech, lags);
        let bruteBest = -1;
        for (let t = lags.minLag; t <= lags.maxLag; t++) {
          let xy = 0;
          let xx = 0;
          let yy = 0;
          for (let i = 0; i < t; i++) {
            const a = speech[i] ?? 0;
            const b = speech[t + i] ?? 0;
            xy += a * b;
            xx += a * a;
            yy += b * b;
          }
          bruteBest = Math.max(bruteBest, xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0);
        }
        assert.ok(found && found.correlation >= bruteBest - 0.02, `at ${at}: ${found?.correlation} vs the full search's ${bruteBest}`);
      }
    });
  }

  it('accelerate removes exactly one period, with no step larger than the signal has', () => {
    const x = voicedFrame(0, 400);
    const r = accelerate(x, PITCH);
    assert.ok(r);
    assert.equal(r.changed, 64);
    assert.equal(r.output.length, x.length - 64);
    assert.ok(maxStep(r.output) <= maxStep(x) + 1, `step ${maxStep(r.output)} vs the signal's ${maxStep(x)}`);
    // The splice starts as the input (within the crossfade's first step) and ends as the input one period on.
    assert.ok(Math.abs((r.output[0] ?? 0) - (x[0] ?? 0)) < 80);
    assert.deepEqual(Array.from(r.output.subarray(200)), Array.from(x.subarray(264)));
  });

  it('expand inserts exactly one period, with no step larger than the signal has', () => {
    const x = voicedFrame(0, 400);
    const r = expand(x, PITCH);
    assert.ok(r);
    assert.equal(r.changed, 64);
    assert.equal(r.output.length, x.length + 64);
    assert.ok(maxStep(r.output) <= maxStep(x) + 1, `step ${maxStep(r.output)} vs the signal's ${maxStep(x)}`);
    assert.deepEqual(Array.from(r.output.subarray(128)), Array.from(x.subarray(64)));
  });

  it('keeps to the longest lag it is allowed (the amount the caller intends at most)', () => {
    // Strictly periodic (period 64), so one and two periods match equally well.
    const x = Int16Array.from({ length: 400 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * i) / 64) + 2000 * Math.sin((4 * Math.PI * i) / 64)));
    // Up to 130: two periods (128) fit and match as well as one; the longer is taken.
    assert.equal(accelerate(x, { minLag: 20, maxLag: 130 })?.changed, 128);
    // Up to 100: only one period fits.
    assert.equal(accelerate(x, { minLag: 20, maxLag: 100 })?.changed, 64);
  });

  it('stretches speech with a gliding pitch smoothly both ways', () => {
    for (const at of [1200, 4000, 9000, 15000]) {
      const x = speechFrame(at, 480, 8000);
      for (const op of [accelerate, expand]) {
        const r = op(x, PITCH);
        assert.ok(r, `${op.name} at ${at}`);
        assert.equal(Math.abs(r.output.length - x.length), r.changed);
        assert.ok(maxStep(r.output) <= maxStep(x), `${op.name} at ${at}: step ${maxStep(r.output)} vs ${maxStep(x)}`);
      }
    }
  });

  it('refuses to splice noise-like audio, where no lag matches', () => {
    const rng = new Xoshiro128(9);
    const noise = Int16Array.from({ length: 400 }, () => Math.round(8000 * rng.normal()));
    assert.equal(accelerate(noise, PITCH), undefined);
    assert.equal(expand(noise, PITCH), undefined);
  });

  it('splices silence at the longest lag allowed', () => {
    const quiet = Int16Array.from({ length: 400 }, (_, i) => (i % 7) - 3);
    const r = accelerate(quiet, { minLag: 20, maxLag: 90 });
    assert.equal(r?.changed, 90);
  });

  it('splices a few samples only in silence when asked to (shorter than any pitch period)', () => {
    const quiet = Int16Array.from({ length: 400 }, (_, i) => (i % 7) - 3);
    assert.equal(accelerate(quiet, { minLag: 9, maxLag: 9, onlyInSilence: true })?.changed, 9);
    // Voiced audio correlates with itself at a 9-sample lag, but a splice that short would be heard.
    const voiced = voicedFrame(0, 400);
    assert.ok((bestLag(voiced, { minLag: 9, maxLag: 9 })?.correlation ?? 0) >= 0.6);
    assert.equal(accelerate(voiced, { minLag: 9, maxLag: 9, onlyInSilence: true }), undefined);
  });

  it('refuses when the audio is too short for two lags', () => {
    assert.equal(bestLag(voicedFrame(0, 30), PITCH), undefined);
  });
});
