import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALL_PROGRESS_TONES,
  TONE_PLANS,
  isCallProgressTone,
  isToneCountry,
  tonePattern,
  type ToneCountry,
} from '../../firmware/media/tones/tone-plans.js';
import { checkPattern, stepsMs, type TonePattern } from '../../firmware/media/tones/tone-pattern.js';

const COUNTRIES = Object.keys(TONE_PLANS).filter(isToneCountry);

/** Frequencies sounding in a pattern, sorted. */
function frequencies(pattern: TonePattern): number[] {
  const all = new Set<number>();
  for (const step of [...pattern.intro, ...pattern.loop]) for (const c of step.sound?.components ?? []) all.add(c.hz);
  return [...all].sort((a, b) => a - b);
}

/** The loop as E.180 writes a cadence: alternating on/off ms, starting on. */
function cadence(pattern: TonePattern): number[] {
  return pattern.loop.map((s) => s.ms);
}

describe('tone plans (E.180 Supplement 2 data)', () => {
  it('has every call-progress tone for US, UK, DE, FR, CN and JP, playable at 8, 16 and 48 kHz', () => {
    assert.deepEqual([...COUNTRIES].sort(), ['cn', 'de', 'fr', 'jp', 'uk', 'us']);
    for (const country of COUNTRIES) {
      for (const tone of CALL_PROGRESS_TONES) {
        const pattern = tonePattern(country, tone);
        for (const rate of [8000, 16000, 48000]) assert.doesNotThrow(() => checkPattern(pattern, rate), `${country} ${tone} @ ${rate}`);
      }
    }
  });

  it('gives each component a level in the band tone plans use (−25…−3 dBm0)', () => {
    for (const country of COUNTRIES) {
      for (const tone of CALL_PROGRESS_TONES) {
        const p = tonePattern(country, tone);
        for (const step of [...p.intro, ...p.loop]) {
          for (const c of step.sound?.components ?? []) {
            assert.ok(c.levelDbm0 <= -3 && c.levelDbm0 >= -25, `${country} ${tone} ${c.hz} Hz at ${c.levelDbm0} dBm0`);
          }
        }
      }
    }
  });

  it('plays confirmation once and repeats every other tone', () => {
    for (const country of COUNTRIES) {
      assert.equal(tonePattern(country, 'confirmation').loop.length, 0, `${country} confirmation ends`);
      assert.ok(stepsMs(tonePattern(country, 'confirmation').intro) <= 1000, `${country} confirmation is short`);
      for (const tone of CALL_PROGRESS_TONES.filter((t) => t !== 'confirmation')) {
        assert.ok(tonePattern(country, tone).loop.length > 0, `${country} ${tone} repeats`);
      }
    }
  });

  it('matches the Supplement for the well-known entries', () => {
    const expect: [ToneCountry, (typeof CALL_PROGRESS_TONES)[number], number[], number[]][] = [
      ['us', 'busy', [480, 620], [500, 500]],
      ['us', 'ringback', [440, 480], [2000, 4000]],
      ['us', 'congestion', [480, 620], [250, 250]],
      ['uk', 'ringback', [400, 450], [400, 200, 400, 2000]],
      ['uk', 'busy', [400], [375, 375]],
      ['de', 'busy', [425], [480, 480]],
      ['de', 'ringback', [425], [1000, 4000]],
      ['fr', 'ringback', [440], [1500, 3500]],
      ['cn', 'busy', [450], [350, 350]],
      ['cn', 'congestion', [450], [700, 700]],
      ['jp', 'busy', [400], [500, 500]],
      ['jp', 'ringback', [400], [1000, 2000]],
    ];
    for (const [country, tone, hz, ms] of expect) {
      assert.deepEqual(frequencies(tonePattern(country, tone)), hz, `${country} ${tone} frequencies`);
      assert.deepEqual(cadence(tonePattern(country, tone)), ms, `${country} ${tone} cadence`);
    }
  });

  it('writes continuous dial tones as one sounding loop step (US 350+440 at −13 dBm0, DE 425, JP 400)', () => {
    const us = tonePattern('us', 'dial');
    assert.equal(us.loop.length, 1);
    assert.deepEqual(us.loop[0]?.sound?.components, [
      { hz: 350, levelDbm0: -13 },
      { hz: 440, levelDbm0: -13 },
    ]);
    assert.deepEqual(frequencies(tonePattern('de', 'dial')), [425]);
    assert.deepEqual(frequencies(tonePattern('jp', 'dial')), [400]);
  });

  it("models E.180's f1*f2 as amplitude modulation (Japan's ringing tone 400*16) and f1+f2 as a sum", () => {
    const jp = tonePattern('jp', 'ringback').loop[0]?.sound?.components[0];
    assert.equal(jp?.hz, 400);
    assert.equal(jp.am?.hz, 16);
    assert.ok(jp.am.depth > 0 && jp.am.depth <= 1);
    const uk = tonePattern('uk', 'ringback').loop[0]?.sound?.components ?? [];
    assert.ok(uk.every((c) => c.am === undefined));
  });

  it("gates only the 350 Hz of the UK special dial tone, under a steady 440 Hz", () => {
    const [a, b] = tonePattern('uk', 'stutter').loop;
    assert.deepEqual(a?.sound?.components.map((c) => c.hz), [350, 440]);
    assert.deepEqual(b?.sound?.components.map((c) => c.hz), [440]);
  });

  it('recognises country and tone names', () => {
    assert.ok(isToneCountry('jp'));
    assert.ok(!isToneCountry('gb'));
    assert.ok(!isToneCountry('toString'));
    assert.ok(isCallProgressTone('stutter'));
    assert.ok(!isCallProgressTone('ring'));
  });
});
