import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ToneGenerator } from '../../drivers/pcm/tone.js';
import { goertzelPower, zeroCrossingFrequency } from '../../firmware/media/dsp/tone-analysis.js';

describe('ToneGenerator', () => {
  it('produces the asked frequency (zero crossings and Goertzel)', () => {
    const tone = new ToneGenerator({ frequencyHz: 1000, sampleRate: 8000, amplitude: 0.5 });
    const second = tone.next(8000);
    assert.ok(Math.abs(zeroCrossingFrequency(second, 8000) - 1000) < 2);
    const at = goertzelPower(second, 1000, 8000);
    const off = goertzelPower(second, 1200, 8000);
    assert.ok(at > 0.05, `power at 1000 Hz ${at}`);
    assert.ok(off < at / 1000, `power at 1200 Hz ${off}`);
  });

  it('peaks at the asked amplitude', () => {
    const samples = new ToneGenerator({ frequencyHz: 400, sampleRate: 16000, amplitude: 0.25 }).next(4000);
    const peak = Math.max(...samples);
    assert.ok(Math.abs(peak - 0.25 * 32767) <= 2, `peak ${peak}`);
  });

  it('is phase-continuous across calls of any size', () => {
    const whole = new ToneGenerator({ frequencyHz: 697, sampleRate: 8000 }).next(1000);
    const pieces = new ToneGenerator({ frequencyHz: 697, sampleRate: 8000 });
    const joined: number[] = [];
    for (const n of [1, 7, 160, 333, 499]) joined.push(...pieces.next(n));
    assert.deepEqual(joined, [...whole]);
  });

  it('keeps the phase across a frequency change (no step larger than the new slope allows)', () => {
    const tone = new ToneGenerator({ frequencyHz: 440, sampleRate: 8000, amplitude: 1 });
    const a = tone.next(101);
    tone.setFrequency(480);
    const b = tone.next(100);
    const jump = Math.abs((b[0] ?? 0) - (a[100] ?? 0));
    const maxStep = 2 * Math.PI * (480 / 8000) * 32767; // |d/dn sin| ≤ ω
    assert.ok(jump <= maxStep, `step ${jump} at the change`);
  });

  it('sums two frequencies and writes each frame to every channel', () => {
    const tone = new ToneGenerator({ frequencyHz: [350, 440], sampleRate: 8000, channels: 2 });
    const stereo = tone.next(4000);
    const left = stereo.filter((_, i) => i % 2 === 0);
    const right = stereo.filter((_, i) => i % 2 === 1);
    assert.deepEqual([...left], [...right]);
    assert.ok(goertzelPower(left, 350, 8000) > 0.01);
    assert.ok(goertzelPower(left, 440, 8000) > 0.01);
    assert.ok(goertzelPower(left, 620, 8000) < 0.0001);
  });

  it('refuses frequencies at or above half the sample rate', () => {
    assert.throws(() => new ToneGenerator({ frequencyHz: 4000, sampleRate: 8000 }), /below 4000 Hz/);
    assert.throws(() => new ToneGenerator({ frequencyHz: 0, sampleRate: 8000 }), /above 0/);
  });
});
