import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ToneGenerator, DEFAULT_RAMP_MS } from '../../firmware/media/tones/tone-generator.js';
import { CadenceCursor } from '../../firmware/media/tones/cadence-schedule.js';
import { tonePattern, type CallProgressTone, type ToneCountry } from '../../firmware/media/tones/tone-plans.js';
import { dbm0ToPeak, peakToDbm0, G711_TMAX_DBM0 } from '../../firmware/media/tones/tone-level.js';
import { repeating, onOff, sum, stepsMs, type ToneComponent, type TonePattern } from '../../firmware/media/tones/tone-pattern.js';
import { edgesOf, levelDbm0At, measuredSegments, plannedSegments, samplesFor } from './tones-measure.js';

const RATES = [8000, 16000, 48000] as const;

function render(pattern: TonePattern, sampleRate: number, ms: number): Int16Array {
  return new ToneGenerator(pattern, { sampleRate }).pull(samplesFor(ms, sampleRate));
}

/** The middle of the first sounding loop step, clear of its ramps: 100 ms, or the whole step less 2 ramps. */
function steadyPartOfFirstSound(pattern: TonePattern, sampleRate: number): { samples: Int16Array; components: readonly ToneComponent[] } {
  const steps = [...pattern.intro, ...pattern.loop];
  let startMs = 0;
  for (const step of steps) {
    if (step.sound !== undefined) {
      const rendered = render(pattern, sampleRate, startMs + step.ms);
      const from = samplesFor(startMs + DEFAULT_RAMP_MS, sampleRate);
      const to = Math.min(samplesFor(startMs + step.ms - DEFAULT_RAMP_MS, sampleRate), from + samplesFor(100, sampleRate));
      return { samples: rendered.subarray(from, to), components: step.sound.components };
    }
    startMs += step.ms;
  }
  throw new Error('no sounding step');
}

const CASES: [ToneCountry, CallProgressTone][] = [
  ['us', 'busy'],
  ['us', 'dial'],
  ['us', 'ringback'],
  ['uk', 'ringback'],
  ['uk', 'dial'],
  ['uk', 'congestion'],
  ['de', 'busy'],
  ['fr', 'ringback'],
  ['cn', 'congestion'],
  ['jp', 'dial'],
  ['jp', 'busy'],
];

describe('ToneGenerator: frequencies and levels', () => {
  for (const [country, tone] of CASES) {
    it(`${country} ${tone}: energy at the plan's frequencies, at their level ±0.5 dB, none off them`, () => {
      for (const rate of RATES) {
        const { samples, components } = steadyPartOfFirstSound(tonePattern(country, tone), rate);
        for (const c of components) {
          const level = levelDbm0At(samples, c.hz, rate);
          assert.ok(Math.abs(level - c.levelDbm0) <= 0.5, `${country} ${tone} ${c.hz} Hz @ ${rate}: ${level.toFixed(2)} dBm0, plan ${c.levelDbm0}`);
          for (const off of [c.hz * 0.8, c.hz * 1.25, c.hz + 170]) {
            if (components.some((o) => Math.abs(o.hz - off) < 30)) continue;
            const offLevel = levelDbm0At(samples, off, rate);
            assert.ok(offLevel < c.levelDbm0 - 40, `${off.toFixed(0)} Hz next to ${c.hz} Hz @ ${rate}: ${offLevel.toFixed(1)} dBm0`);
          }
        }
      }
    });
  }

  it("renders Japan's 400*16 ringing tone as a 400 Hz carrier with sidebands at 384 and 416 Hz", () => {
    const pattern = tonePattern('jp', 'ringback');
    const c = pattern.loop[0]?.sound?.components[0];
    assert.ok(c?.am !== undefined);
    // 1 + m·sin(ω_m t) puts m/2 of the carrier's amplitude in each sideband.
    const sidebandDb = 20 * Math.log10(c.am.depth / 2);
    const samples = render(pattern, 8000, 1000).subarray(samplesFor(250, 8000), samplesFor(750, 8000));
    assert.ok(Math.abs(levelDbm0At(samples, 400, 8000) - c.levelDbm0) <= 0.5);
    for (const side of [384, 416]) {
      const level = levelDbm0At(samples, side, 8000);
      assert.ok(Math.abs(level - (c.levelDbm0 + sidebandDb)) <= 0.5, `${side} Hz at ${level.toFixed(2)} dBm0`);
    }
    assert.ok(levelDbm0At(samples, 432, 8000) < c.levelDbm0 - 40, 'no second-order sideband');
  });

  it('converts dBm0 to Int16 peak per G.711 §5 Tmax (μ-law +3.17, A-law +3.14 dBm0 at full scale)', () => {
    assert.equal(G711_TMAX_DBM0['mu-law'], 3.17);
    assert.ok(Math.abs(dbm0ToPeak(3.17) - 32767) < 1e-9);
    assert.ok(Math.abs(dbm0ToPeak(3.14, 'a-law') - 32767) < 1e-9);
    for (const level of [-30, -13, 0]) assert.ok(Math.abs(peakToDbm0(dbm0ToPeak(level)) - level) < 1e-9);
    const alaw = new ToneGenerator(tonePattern('us', 'dial'), { sampleRate: 8000, levelReference: 'a-law' }).pull(800);
    const mulaw = new ToneGenerator(tonePattern('us', 'dial'), { sampleRate: 8000 }).pull(800);
    const ratio = Math.max(...alaw) / Math.max(...mulaw);
    assert.ok(Math.abs(20 * Math.log10(ratio) - 0.03) < 0.01, `A-law output is 0.03 dB above μ-law for the same dBm0 (${ratio})`);
  });
});

describe('ToneGenerator: cadence', () => {
  const cadenceCases: [ToneCountry, CallProgressTone, number][] = [
    ['us', 'busy', 3],
    ['us', 'congestion', 3],
    ['uk', 'ringback', 2],
    ['uk', 'congestion', 2],
    ['uk', 'busy', 2],
    ['de', 'callWaiting', 1],
    ['cn', 'busy', 2],
    ['fr', 'ringback', 1],
    ['jp', 'ringback', 2],
    ['us', 'stutter', 1],
    ['us', 'confirmation', 0],
  ];
  for (const [country, tone, cycles] of cadenceCases) {
    it(`${country} ${tone}: on/off segments measured from frame energy match the plan within one ramp`, () => {
      for (const rate of [8000, 48000]) {
        const pattern = tonePattern(country, tone);
        const planned = plannedSegments(pattern, cycles);
        const totalMs = stepsMs(pattern.intro) + cycles * stepsMs(pattern.loop);
        const generator = new ToneGenerator(pattern, { sampleRate: rate });
        const samples = generator.pull(samplesFor(totalMs, rate));
        const measured = edgesOf(measuredSegments(samples, rate), DEFAULT_RAMP_MS);
        const expected = edgesOf(planned);
        assert.equal(measured.length, expected.length, `${country} ${tone} @ ${rate}: ${JSON.stringify(measured)}`);
        measured.forEach((m, i) => {
          assert.equal(m.on, expected[i]?.on);
          assert.ok(Math.abs(m.atMs - (expected[i]?.atMs ?? 0)) <= DEFAULT_RAMP_MS, `edge ${i} at ${m.atMs} ms, plan ${expected[i]?.atMs} ms`);
        });
      }
    });
  }

  it('plays a once-only tone to its end, then reports done and gives silence', () => {
    const generator = new ToneGenerator(tonePattern('us', 'confirmation'), { sampleRate: 8000 });
    generator.pull(samplesFor(stepsMs(tonePattern('us', 'confirmation').intro), 8000) - 1);
    assert.equal(generator.state, 'playing');
    generator.pull(1);
    assert.ok(generator.done, 'done the moment the last step ends');
    const after = generator.pull(160);
    assert.ok(after.every((x) => x === 0));
  });

  it('keeps cadence boundaries at exact sample positions after 10 minutes (US busy, UK ringback)', () => {
    for (const [country, tone, rate] of [
      ['us', 'busy', 8000],
      ['uk', 'ringback', 8000],
    ] as const) {
      const pattern = tonePattern(country, tone);
      const cycleMs = stepsMs(pattern.loop);
      const cycle = samplesFor(cycleMs, rate);
      const generator = new ToneGenerator(pattern, { sampleRate: rate });
      const first = generator.pull(cycle);
      const frame = samplesFor(20, rate);
      const tenMinutes = samplesFor(10 * 60 * 1000, rate);
      while (generator.position + frame <= tenMinutes) generator.pull(frame);
      generator.pull(tenMinutes - generator.position);
      assert.equal(tenMinutes % cycle, 0);
      const later = generator.pull(cycle);
      // Every frequency here makes whole cycles in one cadence period, so a drift-free generator repeats exactly.
      let worst = 0;
      for (let i = 0; i < cycle; i++) worst = Math.max(worst, Math.abs((later[i] ?? 0) - (first[i] ?? 0)));
      assert.ok(worst <= 1, `${country} ${tone}: cadence period 200+ cycles on differs by ${worst}`);
      // And the silent steps are exactly silent, to the sample.
      let t = 0;
      for (const step of pattern.loop) {
        const from = samplesFor(t, rate);
        const to = samplesFor(t + step.ms, rate);
        const part = later.subarray(from, to);
        if (step.sound === undefined) assert.ok(part.every((x) => x === 0), `off step at ${t} ms is silent`);
        else {
          assert.notEqual(part[samplesFor(DEFAULT_RAMP_MS, rate) + 3], 0);
          assert.notEqual(part[part.length - samplesFor(DEFAULT_RAMP_MS, rate) - 3], 0);
        }
        t += step.ms;
      }
    }
  });

  it('computes step starts from absolute time, so fractional-sample steps do not drift', () => {
    const third = 1000 / 3; // 2666.67 samples at 8 kHz
    const cursor = new CadenceCursor(repeating(onOff(sum([425], -16), [third, third])), 8000);
    for (let k = 0; k < 3600; k++) cursor.advance();
    const at = cursor.current();
    assert.equal(at?.startSample, Math.round((3600 * third * 8000) / 1000));
    assert.equal(at.endSample, Math.round((3601 * third * 8000) / 1000));
  });
});

describe('ToneGenerator: continuity, stop and restart', () => {
  /** The largest sample-to-sample step a sum of ramped sines can take, plus one for rounding. */
  function maxStep(components: readonly ToneComponent[], rate: number, rampSamples: number): number {
    return components.reduce((s, c) => s + dbm0ToPeak(c.levelDbm0) * ((2 * Math.PI * c.hz) / rate + Math.PI / (2 * rampSamples)), 1);
  }

  for (const [country, tone] of [
    ['us', 'dial'],
    ['uk', 'stutter'],
    ['uk', 'ringback'],
    ['us', 'stutter'],
  ] as const) {
    it(`${country} ${tone}: frames of any size give the same samples, with no jump beyond the sines' slope`, () => {
      for (const rate of RATES) {
        const pattern = tonePattern(country, tone);
        const total = samplesFor(2000, rate);
        const whole = new ToneGenerator(pattern, { sampleRate: rate }).pull(total);
        const pieces = new ToneGenerator(pattern, { sampleRate: rate });
        const joined = new Int16Array(total);
        const sizes = [1, 37, samplesFor(20, rate), 999, 2, samplesFor(10, rate) + 1];
        for (let at = 0, k = 0; at < total; k++) {
          const n = Math.min(sizes[k % sizes.length] ?? 1, total - at);
          joined.set(pieces.pull(n), at);
          at += n;
        }
        assert.deepEqual(joined, whole, `${country} ${tone} @ ${rate}`);
        const all = [...pattern.intro, ...pattern.loop].flatMap((s) => s.sound?.components ?? []);
        const unique = [...new Map(all.map((c) => [c.hz, c])).values()];
        const limit = maxStep(unique, rate, pieces.rampSamples);
        for (let i = 1; i < total; i++) {
          const jump = Math.abs((whole[i] ?? 0) - (whole[i - 1] ?? 0));
          assert.ok(jump <= limit, `${country} ${tone} @ ${rate}: step ${jump} > ${limit.toFixed(0)} at sample ${i}`);
        }
      }
    });
  }

  it('stop() fades out within one ramp and then stays silent; restart() plays from the top again', () => {
    const pattern = tonePattern('de', 'dial');
    const generator = new ToneGenerator(pattern, { sampleRate: 16000 });
    const fresh = generator.pull(1600);
    generator.pull(1234);
    generator.stop();
    assert.equal(generator.state, 'stopping');
    const tail = generator.pull(1000);
    assert.ok(generator.done);
    assert.ok(tail.subarray(generator.rampSamples).every((x) => x === 0));
    assert.ok(tail.subarray(0, generator.rampSamples / 2).some((x) => x !== 0), 'fades rather than cuts');
    let biggestStep = 0;
    for (let i = 1; i < generator.rampSamples + 1; i++) biggestStep = Math.max(biggestStep, Math.abs((tail[i] ?? 0) - (tail[i - 1] ?? 0)));
    assert.ok(biggestStep < dbm0ToPeak(-16) * ((2 * Math.PI * 425) / 16000 + Math.PI / (2 * generator.rampSamples)) + 1);
    assert.ok(generator.pull(500).every((x) => x === 0));
    generator.restart();
    assert.equal(generator.state, 'playing');
    assert.deepEqual(generator.pull(1600), fresh);
  });

  it('setGainDb() changes the level by that many dB after one ramp', () => {
    const generator = new ToneGenerator(tonePattern('jp', 'dial'), { sampleRate: 8000 });
    const before = generator.pull(800).subarray(400);
    generator.setGainDb(-6);
    const after = generator.pull(800).subarray(400);
    const drop = levelDbm0At(before, 400, 8000) - levelDbm0At(after, 400, 8000);
    assert.ok(Math.abs(drop - 6) < 0.05, `dropped ${drop} dB`);
    generator.setGainDb(-Infinity);
    generator.pull(100);
    assert.ok(generator.pull(100).every((x) => x === 0));
  });

  it('refuses what it cannot play', () => {
    assert.throws(() => new ToneGenerator(repeating(onOff(sum([5000], -10), [100, 100])), { sampleRate: 8000 }), /below 4000 Hz/);
    assert.throws(() => new ToneGenerator({ intro: [], loop: [] }, { sampleRate: 8000 }), /at least one step/);
    assert.throws(() => new ToneGenerator(repeating([{ ms: 0 }]), { sampleRate: 8000 }), /> 0 ms/);
    assert.throws(() => new ToneGenerator(tonePattern('us', 'dial'), { sampleRate: 8000 }).pull(-1), RangeError);
  });
});
