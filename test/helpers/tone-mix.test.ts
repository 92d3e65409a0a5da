import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstChannel, tonesPerFrame, tonesTogether } from './tone-mix.js';

const RATE = 8000;

/** Sum of sines (amplitude 0.25 of full scale each) over [fromS, toS) of a `seconds` long recording; silence elsewhere. */
function mix(seconds: number, parts: readonly { hz: number; fromS: number; toS: number }[]): Int16Array {
  const out = new Int16Array(seconds * RATE);
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    let v = 0;
    for (const p of parts) if (t >= p.fromS && t < p.toS) v += 0.25 * Math.sin(2 * Math.PI * p.hz * t);
    out[i] = Math.round(v * 32767);
  }
  return out;
}

describe('tone-mix: several tones in one recording, per 20 ms frame', () => {
  it('finds each of three equal tones in a mix, which none of them dominates', () => {
    const flags = tonesPerFrame(mix(1, [440, 660, 880].map((hz) => ({ hz, fromS: 0, toS: 1 }))), RATE, [440, 660, 880, 1200]);
    assert.equal(flags[0]?.length, 50);
    for (const perTone of flags.slice(0, 3)) assert.ok(perTone.every(Boolean));
    assert.ok(flags[3]?.every((f) => !f), 'a tone that is not there is not found');
  });

  it('silence carries no tone', () => {
    const flags = tonesPerFrame(new Int16Array(RATE), RATE, [440]);
    assert.ok(flags[0]?.every((f) => !f));
  });

  it('the together stretch starts where both tones sound and reports a drop-out inside it', () => {
    // 880 throughout; 440 from 1 s to 4 s with a hole from 2 s to 2.5 s.
    const samples = mix(5, [
      { hz: 880, fromS: 0, toS: 5 },
      { hz: 440, fromS: 1, toS: 2 },
      { hz: 440, fromS: 2.5, toS: 4 },
    ]);
    const c = tonesTogether(samples, RATE, [440, 880]);
    assert.equal(c.firstMs, 1000);
    assert.equal(c.lastMs, 3980);
    assert.equal(c.frames, 140, '3 s less the 200 ms settling');
    assert.equal(c.shares[1], 1);
    assert.ok(Math.abs((c.shares[0] ?? 0) - 115 / 140) < 0.02, `440 Hz share ${c.shares[0]}`);
    assert.deepEqual(c.longestGapMs[0], [2000, 2500]);
    assert.equal(c.longestGapMs[1], undefined);
  });

  it('tones that never sound together give an empty stretch', () => {
    const c = tonesTogether(mix(2, [{ hz: 440, fromS: 0, toS: 1 }, { hz: 660, fromS: 1, toS: 2 }]), RATE, [440, 660]);
    assert.equal(c.frames, 0);
    assert.deepEqual(c.shares, [0, 0]);
  });

  it('takes the first channel of an interleaved recording', () => {
    assert.deepEqual(Array.from(firstChannel({ samples: Int16Array.from([1, 2, 3, 4, 5, 6]), channels: 2 })), [1, 3, 5]);
  });
});
