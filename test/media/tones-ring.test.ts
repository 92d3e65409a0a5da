import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  RING_TONES,
  RINGER_VOLUME_MAX,
  RINGER_VOLUME_STEP_DB,
  createRingTone,
  isRingToneName,
  melody,
  noteFrequency,
  ringerVolumeGainDb,
} from '../../firmware/media/tones/ring-tones.js';
import { DEFAULT_RAMP_MS } from '../../firmware/media/tones/tone-generator.js';
import { stepsMs } from '../../firmware/media/tones/tone-pattern.js';
import { edgesOf, levelDbm0At, measuredSegments, plannedSegments, samplesFor } from './tones-measure.js';

const NAMES = Object.keys(RING_TONES).filter(isRingToneName);

describe('ring tones', () => {
  it('offers the classic rings and melodies by name, each playable at 8, 16 and 48 kHz without clipping', () => {
    assert.ok(NAMES.includes('uk-double') && NAMES.includes('us-warble'));
    assert.ok(NAMES.length >= 4);
    for (const name of NAMES) {
      for (const rate of [8000, 16000, 48000]) {
        const ring = createRingTone(name, { sampleRate: rate });
        const cycle = ring.pull(samplesFor(stepsMs(RING_TONES[name].pattern.loop), rate));
        const peak = cycle.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        assert.ok(peak > 8000 && peak < 32767, `${name} @ ${rate}: peak ${peak}`);
      }
    }
    assert.ok(!isRingToneName('nope'));
  });

  it('tunes notes to equal temperament from A4 = 440 Hz', () => {
    assert.equal(noteFrequency('A4'), 440);
    assert.equal(noteFrequency('A5'), 880);
    assert.ok(Math.abs(noteFrequency('C4') - 261.626) < 0.001);
    assert.equal(noteFrequency('Bb3'), noteFrequency('A#3'));
    assert.throws(() => noteFrequency('H2'), /not a note name/);
    assert.throws(() => melody('C4', { levelDbm0: -10 }), /needs a length/);
  });

  it("uk-double: 400+450 Hz in the UK's 0.4/0.2/0.4/2.0 s double-ring cadence", () => {
    const pattern = RING_TONES['uk-double'].pattern;
    const samples = createRingTone('uk-double', { sampleRate: 8000 }).pull(samplesFor(2 * stepsMs(pattern.loop), 8000));
    const measured = edgesOf(measuredSegments(samples, 8000), DEFAULT_RAMP_MS);
    const planned = edgesOf(plannedSegments(pattern, 2));
    assert.deepEqual(
      measured.map((e) => e.on),
      planned.map((e) => e.on),
    );
    measured.forEach((e, i) => assert.ok(Math.abs(e.atMs - (planned[i]?.atMs ?? 0)) <= DEFAULT_RAMP_MS));
    assert.deepEqual(
      planned.map((e) => e.atMs),
      [0, 400, 600, 1000, 3000, 3400, 3600, 4000],
    );
    const burst = samples.subarray(samplesFor(50, 8000), samplesFor(350, 8000));
    assert.ok(levelDbm0At(burst, 400, 8000) > -10 && levelDbm0At(burst, 450, 8000) > -10);
  });

  it('us-warble: 800 and 1000 Hz alternating every 40 ms (12.5 Hz) for 2 s, then 4 s of silence', () => {
    const samples = createRingTone('us-warble', { sampleRate: 16000 }).pull(samplesFor(6000, 16000));
    const measured = edgesOf(measuredSegments(samples, 16000, 5), DEFAULT_RAMP_MS);
    assert.deepEqual(
      measured.map((e) => e.on),
      [true, false],
    );
    assert.ok(Math.abs((measured[1]?.atMs ?? 0) - 2000) <= 5);
    for (let k = 0; k < 50; k++) {
      const half = samples.subarray(samplesFor(k * 40 + 8, 16000), samplesFor(k * 40 + 32, 16000));
      const [hi, lo] = k % 2 === 0 ? [800, 1000] : [1000, 800];
      assert.ok(levelDbm0At(half, hi, 16000) > levelDbm0At(half, lo, 16000) + 20, `half-period ${k} is ${hi} Hz`);
    }
  });

  it('westminster: each note sounds at its pitch, in the order written', () => {
    const notes = ['E5', 'C5', 'D5', 'G4', 'G4', 'D5', 'E5', 'C5'];
    const lengths = [450, 450, 450, 900, 450, 450, 450, 900];
    const samples = createRingTone('westminster', { sampleRate: 8000 }).pull(samplesFor(4500, 8000));
    const candidates = [...new Set(notes)];
    let t = 0;
    notes.forEach((note, i) => {
      const mid = samples.subarray(samplesFor(t + 50, 8000), samplesFor(t + 350, 8000));
      const levels = candidates.map((n) => levelDbm0At(mid, noteFrequency(n), 8000));
      const loudest = candidates[levels.indexOf(Math.max(...levels))];
      assert.equal(loudest, note, `note ${i}`);
      t += lengths[i] ?? 0;
    });
  });

  it('a ringer volume scale of 3 dB steps, 0 muting', () => {
    assert.equal(ringerVolumeGainDb(RINGER_VOLUME_MAX), 0);
    assert.equal(ringerVolumeGainDb(RINGER_VOLUME_MAX - 1), -RINGER_VOLUME_STEP_DB);
    assert.equal(ringerVolumeGainDb(0), -Infinity);
    assert.throws(() => ringerVolumeGainDb(11), RangeError);
    assert.throws(() => ringerVolumeGainDb(2.5), RangeError);
    const loud = createRingTone('uk-double', { sampleRate: 8000, volume: 10 }).pull(samplesFor(300, 8000)).subarray(400);
    const soft = createRingTone('uk-double', { sampleRate: 8000, volume: 7 }).pull(samplesFor(300, 8000)).subarray(400);
    const drop = levelDbm0At(loud, 400, 8000) - levelDbm0At(soft, 400, 8000);
    assert.ok(Math.abs(drop - 3 * RINGER_VOLUME_STEP_DB) < 0.05, `volume 10 → 7 dropped ${drop} dB`);
    assert.ok(createRingTone('arpeggio', { sampleRate: 8000, volume: 0 }).pull(8000).every((x) => x === 0));
  });
});
