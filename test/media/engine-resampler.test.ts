import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';
import { createResampler, RESAMPLER_RATES } from '../../firmware/media/dsp/resampler.js';

/** A sine of peak `amplitude` (fraction of full scale), `seconds` long. */
function sine(hz: number, rate: number, seconds: number, amplitude = 0.5): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** Level of `hz` in dB relative to full scale, Hann-windowed so other content does not leak in. */
function levelDb(samples: Int16Array, hz: number, rate: number): number {
  const n = samples.length;
  const windowed = new Float64Array(n);
  for (let i = 0; i < n; i++) windowed[i] = (samples[i] ?? 0) * 0.5 * (1 - Math.cos((2 * Math.PI * i) / n));
  // Goertzel gives (A/2)² for a sine of peak A; the Hann window's coherent gain is ½.
  const peak = 2 * 2 * Math.sqrt(goertzelPower(windowed, hz, rate));
  return 20 * Math.log10(peak);
}

function rmsDb(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += (s / 32768) ** 2;
  return 10 * Math.log10(sum / samples.length);
}

/** Runs `input` through in frames of `frame` input samples. */
function framed(from: number, to: number, input: Int16Array, frame: number): Int16Array {
  const r = createResampler(from, to);
  const parts: Int16Array[] = [];
  for (let at = 0; at < input.length; at += frame) parts.push(r.process(input.subarray(at, at + frame)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const PAIRS = RESAMPLER_RATES.flatMap((from) => RESAMPLER_RATES.filter((to) => to !== from).map((to) => [from, to] as const));

describe('resampler: exact frame sizes', () => {
  it('turns 20 ms at 16 kHz into 20 ms at 8 and 48 kHz, every frame', () => {
    const down = createResampler(16000, 8000);
    const up = createResampler(16000, 48000);
    for (let i = 0; i < 5; i++) {
      assert.equal(down.process(new Int16Array(320)).length, 160);
      assert.equal(up.process(new Int16Array(320)).length, 960);
    }
  });

  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: a 20 ms frame gives ${(to * 20) / 1000} samples`, () => {
      const r = createResampler(from, to);
      assert.equal(r.process(new Int16Array((from * 20) / 1000)).length, (to * 20) / 1000);
    });
  }

  it('refuses a rate it does not know', () => {
    assert.throws(() => createResampler(44100, 8000), /44100/);
  });
});

describe('resampler: a 1 kHz tone survives every conversion at its level (±0.5 dB)', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}`, () => {
      const input = sine(1000, from, 0.3);
      const r = createResampler(from, to);
      const out = r.process(input);
      // Skip the filter's start-up (its delay, twice over) and measure 0.2 s.
      const skip = Math.ceil(2 * r.delaySamples) + 8;
      const measured = out.subarray(skip, skip + Math.round(0.2 * to));
      const gain = levelDb(measured, 1000, to) - levelDb(input.subarray(0, Math.round(0.2 * from)), 1000, from);
      assert.ok(Math.abs(gain) <= 0.5, `gain ${gain.toFixed(3)} dB`);
    });
  }
});

describe('resampler: anti-alias filtering', () => {
  it('attenuates a 7 kHz tone by at least 40 dB going 16 → 8 kHz (it would alias to 1 kHz)', () => {
    const input = sine(7000, 16000, 0.3);
    const r = createResampler(16000, 8000);
    const out = r.process(input);
    const skip = Math.ceil(2 * r.delaySamples) + 8;
    const measured = out.subarray(skip);
    const inputDb = rmsDb(input);
    const outputDb = rmsDb(measured);
    assert.ok(inputDb - outputDb >= 40, `attenuation ${(inputDb - outputDb).toFixed(1)} dB`);
    // The alias frequency in particular.
    assert.ok(levelDb(input, 7000, 16000) - levelDb(measured, 1000, 8000) >= 40);
  });

  it('removes the images when going 8 → 48 kHz (nothing at 7 kHz from a 1 kHz tone)', () => {
    const r = createResampler(8000, 48000);
    const out = r.process(sine(1000, 8000, 0.3));
    const measured = out.subarray(Math.ceil(2 * r.delaySamples) + 8);
    // Zero-stuffing puts images at 8 ± 1 kHz, 16 ± 1 kHz …
    for (const image of [7000, 9000, 15000, 17000]) {
      assert.ok(levelDb(measured, 1000, 48000) - levelDb(measured, image, 48000) >= 40, `image at ${image} Hz`);
    }
  });
});

describe('resampler: streaming', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: frame by frame equals one shot (no clicks at frame boundaries)`, () => {
      const input = sine(1000, from, 0.2);
      const oneShot = createResampler(from, to).process(input);
      assert.deepEqual(framed(from, to, input, (from * 20) / 1000), oneShot);
      // Frames that are not a multiple of the ratio still join up exactly.
      assert.deepEqual(framed(from, to, input, 77), oneShot);
    });
  }

  it('reset() forgets the history', () => {
    const r = createResampler(16000, 8000);
    const first = r.process(sine(1000, 16000, 0.02));
    r.process(sine(3000, 16000, 0.02));
    r.reset();
    assert.deepEqual(r.process(sine(1000, 16000, 0.02)), first);
  });
});
