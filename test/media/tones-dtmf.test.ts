import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DTMF_DIGITS,
  DTMF_HIGH_GROUP_HZ,
  DTMF_LOW_GROUP_HZ,
  DtmfDetector,
  createDtmfGenerator,
  dtmfFrequencies,
  dtmfPattern,
  type DtmfDigit,
} from '../../firmware/media/tones/dtmf-inband.js';
import { ToneGenerator } from '../../firmware/media/tones/tone-generator.js';
import { dbm0ToPeak } from '../../firmware/media/tones/tone-level.js';
import { continuous, mix, sum } from '../../firmware/media/tones/tone-pattern.js';
import { levelDbm0At, samplesFor, seededRandom } from './tones-measure.js';

/** Runs audio through a detector in frames of the given sizes (cycled), then a second of silence. */
function detect(audio: Int16Array, detector: DtmfDetector, frameSizes: readonly number[] = [160]): DtmfDigit[] {
  const found: DtmfDigit[] = [];
  for (let at = 0, k = 0; at < audio.length; k++) {
    const n = Math.min(frameSizes[k % frameSizes.length] ?? 160, audio.length - at);
    found.push(...detector.process(audio.subarray(at, at + n)));
    at += n;
  }
  found.push(...detector.process(new Int16Array(detector.sampleRate)));
  return found;
}

/** Everything a generator plays until done, after `leadIn` samples of silence. */
function renderAll(generator: ToneGenerator, leadIn = 0): Int16Array {
  const parts: Int16Array[] = [new Int16Array(leadIn)];
  while (!generator.done) parts.push(generator.pull(160));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function addNoise(audio: Int16Array, levelDbm0: number, seed: number): Int16Array {
  const random = seededRandom(seed);
  // Uniform noise of peak P has RMS P/√3; match the RMS of a sine at levelDbm0 (peak/√2).
  const peak = (dbm0ToPeak(levelDbm0) / Math.SQRT2) * Math.sqrt(3);
  return audio.map((x) => Math.max(-32768, Math.min(32767, Math.round(x + (2 * random() - 1) * peak))));
}

/**
 * Speech-like test signal: a voiced source whose pitch glides 90–240 Hz, all its
 * harmonics shaped by two moving formants (as vowels are), with breath noise.
 * It has energy near DTMF frequencies all the time, but never as one clean pair.
 */
function speechLike(seconds: number, sampleRate: number, seed: number): Int16Array {
  const random = seededRandom(seed);
  const out = new Int16Array(Math.round(seconds * sampleRate));
  const phases = new Float64Array(40);
  for (let n = 0; n < out.length; n++) {
    const t = n / sampleRate;
    const f0 = 165 + 75 * Math.sin(2 * Math.PI * 0.7 * t) * Math.sin(2 * Math.PI * 2.3 * t);
    const f1 = 650 + 250 * Math.sin(2 * Math.PI * 1.1 * t);
    const f2 = 1500 + 500 * Math.sin(2 * Math.PI * 0.9 * t + 1);
    const syllable = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    let x = 0;
    for (let h = 1; h < phases.length && h * f0 < sampleRate / 2 - 200; h++) {
      phases[h] = ((phases[h] ?? 0) + (h * f0) / sampleRate) % 1;
      const f = h * f0;
      const gain = 1 / (1 + ((f - f1) / 90) ** 2) + 0.6 / (1 + ((f - f2) / 120) ** 2) + 0.03;
      x += gain * Math.sin(2 * Math.PI * (phases[h] ?? 0));
    }
    out[n] = Math.round(syllable * 2500 * x + (2 * random() - 1) * 300);
  }
  return out;
}

describe('DTMF in-band generation (Q.23)', () => {
  it('sends the Q.23 pair of each key, the high group 2 dB above the low group, for the tone time', () => {
    for (const digit of DTMF_DIGITS) {
      const { lowHz, highHz } = dtmfFrequencies(digit);
      const audio = renderAll(createDtmfGenerator(digit, { sampleRate: 8000, toneMs: 100, pauseMs: 60 }));
      assert.equal(audio.length, samplesFor(160, 8000));
      const steady = audio.subarray(samplesFor(10, 8000), samplesFor(90, 8000));
      assert.ok(Math.abs(levelDbm0At(steady, lowHz, 8000) - -10) < 0.5, `${digit} low group`);
      assert.ok(Math.abs(levelDbm0At(steady, highHz, 8000) - -8) < 0.5, `${digit} high group`);
      for (const other of [...DTMF_LOW_GROUP_HZ, ...DTMF_HIGH_GROUP_HZ].filter((f) => f !== lowHz && f !== highHz)) {
        assert.ok(levelDbm0At(steady, other, 8000) < -40, `${digit}: nothing at ${other} Hz`);
      }
      assert.ok(audio.subarray(samplesFor(100, 8000)).every((x) => x === 0), `${digit}: silent pause`);
    }
  });

  it('refuses tones or pauses under 40 ms and characters that are not DTMF keys', () => {
    assert.throws(() => dtmfPattern('1', { toneMs: 39 }), /shorter than 40 ms/);
    assert.throws(() => dtmfPattern('1', { pauseMs: 30 }), /shorter than 40 ms/);
    assert.throws(() => dtmfPattern('12E'), /not a DTMF digit/);
    assert.throws(() => dtmfPattern(''), /no DTMF digits/);
  });
});

describe('DTMF detection', () => {
  it('round-trips every one of the 16 digits at 8 kHz, whatever the alignment to its blocks', () => {
    for (const [i, digit] of DTMF_DIGITS.entries()) {
      const detector = new DtmfDetector();
      const audio = renderAll(createDtmfGenerator(digit, { sampleRate: 8000, toneMs: 40, pauseMs: 40 }), i * 7);
      assert.deepEqual(detect(audio, detector), [digit], `digit ${digit}`);
      assert.equal(detector.state, 'idle');
    }
  });

  it('detects a digit string with proper gaps in order, each digit exactly once (40/40 ms and 80/80 ms, odd frame sizes, noise)', () => {
    const digits = '1234567890*#ABCD5559';
    for (const [toneMs, pauseMs, leadIn, frames] of [
      [40, 40, 0, [160]],
      [40, 40, 51, [1, 80, 333]],
      [80, 80, 13, [320, 7]],
    ] as const) {
      const audio = renderAll(createDtmfGenerator(digits, { sampleRate: 8000, toneMs, pauseMs }), leadIn);
      const noisy = addNoise(audio, -45, toneMs + leadIn);
      assert.equal(detect(noisy, new DtmfDetector(), frames).join(''), digits, `${toneMs}/${pauseMs} ms after ${leadIn} samples`);
    }
  });

  it('works at 16 kHz too (the block scales with the rate)', () => {
    const audio = renderAll(createDtmfGenerator('159#', { sampleRate: 16000, toneMs: 50, pauseMs: 50 }));
    const detector = new DtmfDetector({ sampleRate: 16000 });
    assert.equal(detector.blockSamples, 204);
    assert.equal(detect(audio, detector, [320]).join(''), '159#');
  });

  it('rejects a single tone, on any of the eight frequencies', () => {
    for (const hz of [...DTMF_LOW_GROUP_HZ, ...DTMF_HIGH_GROUP_HZ]) {
      const audio = new ToneGenerator(continuous(sum([hz], -8)), { sampleRate: 8000 }).pull(4000);
      const detector = new DtmfDetector();
      assert.deepEqual(detect(audio, detector), [], `${hz} Hz alone`);
    }
  });

  it('rejects speech-like sound and white noise, even when made 20 dB more sensitive', () => {
    const speech = speechLike(3, 8000, 7);
    assert.deepEqual(detect(speech, new DtmfDetector()), []);
    const sensitive = new DtmfDetector({ minLevelDbm0: -50 });
    assert.deepEqual(detect(speech, sensitive), []);
    assert.deepEqual(detect(addNoise(new Int16Array(16000), -15, 3), new DtmfDetector()), []);
    // With that sensitivity the level is not what rejects the speech: the pair, twist and energy checks are.
    const verdicts = [];
    for (let at = 0; at + 102 <= speech.length; at += 102) verdicts.push(sensitive.classify(speech.subarray(at, at + 102)));
    const rejectedOnShape = verdicts.filter((v) => v.digit === undefined && v.reason !== 'too-weak').length;
    assert.ok(rejectedOnShape > verdicts.length / 2, `${rejectedOnShape} of ${verdicts.length} blocks rejected on shape`);
  });

  it('rejects a pair whose twist is outside the limits, accepts one inside', () => {
    const pair = (lowDbm0: number, highDbm0: number): Int16Array =>
      new ToneGenerator(
        continuous(
          mix([
            { hz: 852, levelDbm0: lowDbm0 },
            { hz: 1477, levelDbm0: highDbm0 },
          ]),
        ),
        { sampleRate: 8000 },
      ).pull(1600);
    assert.deepEqual(detect(pair(-10, -16), new DtmfDetector()), ['9'], 'high group 6 dB down (normal twist)');
    assert.deepEqual(detect(pair(-13, -10), new DtmfDetector()), ['9'], 'high group 3 dB up (reverse twist)');
    assert.deepEqual(detect(pair(-6, -16), new DtmfDetector()), [], 'high group 10 dB down');
    assert.deepEqual(detect(pair(-16, -10), new DtmfDetector()), [], 'high group 6 dB up');
    const block = pair(-6, -16).subarray(400, 502);
    assert.deepEqual(new DtmfDetector().classify(block), { reason: 'twist' });
  });

  it('ignores tones too short to be a key press, and too weak', () => {
    const short = renderAll(createDtmfGenerator('5', { sampleRate: 8000, toneMs: 40, pauseMs: 40 })).subarray(0, samplesFor(20, 8000));
    assert.deepEqual(detect(short, new DtmfDetector()), []);
    const weak = renderAll(createDtmfGenerator('5', { sampleRate: 8000, lowLevelDbm0: -40, highLevelDbm0: -38 }));
    assert.deepEqual(detect(weak, new DtmfDetector()), []);
  });

  it('bridges a short dropout inside one key press instead of reporting the key twice', () => {
    const audio = new ToneGenerator(continuous(mix([{ hz: 770, levelDbm0: -10 }, { hz: 1336, levelDbm0: -8 }])), { sampleRate: 8000 }).pull(
      samplesFor(200, 8000),
    );
    audio.fill(0, samplesFor(100, 8000), samplesFor(105, 8000));
    assert.deepEqual(detect(audio, new DtmfDetector()), ['5']);
  });
});
