import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from './impairment-relay/decision.js';
import { clockDrift, delaySpikes, fifoConstraint, reorder } from './impairment-relay/delay-models.js';
import { gilbertElliott } from './impairment-relay/loss-models.js';
import { modelImpairment, parseModelSpec } from './impairment-relay/model-spec.js';
import { mixSeed, mulberry32 } from './impairment-relay/prng.js';

function draw(spec: string, seed: number, n: number): Decision[] {
  const impairment = modelImpairment(parseModelSpec(spec))(seed);
  return Array.from({ length: n }, () => impairment.next());
}

describe('seeded PRNG', () => {
  it('mulberry32 repeats for one seed, differs between seeds, and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
    assert.notDeepEqual(xs, Array.from({ length: 1000 }, () => c()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });

  it('mixSeed gives distinct streams for distinct (seed, direction, flow)', () => {
    const seeds = new Set([mixSeed(1, 0, 0), mixSeed(1, 1, 0), mixSeed(1, 0, 1), mixSeed(2, 0, 0)]);
    assert.equal(seeds.size, 4);
  });
});

describe('model spec parsing', () => {
  it('reads combined stages with defaults filled in', () => {
    const spec = parseModelSpec('gaussian:mean=40,sd=10+gilbert:p=0.02,r=0.3+reorder:p=0.05,depth=3+drift:ppm=200');
    assert.deepEqual(
      spec.map((s) => s.name),
      ['gaussian', 'gilbert', 'reorder', 'drift'],
    );
    assert.deepEqual(spec[1]?.params, { p: 0.02, r: 0.3, h: 0, k: 1 });
    assert.deepEqual(spec[2]?.params, { p: 0.05, depth: 3, period: 20 });
  });

  it('refuses unknown models, unknown or missing parameters, bad numbers and out-of-range values', () => {
    assert.throws(() => parseModelSpec('gausian:mean=1,sd=1'), /unknown model "gausian"/);
    assert.throws(() => parseModelSpec('gaussian:mean=40,sigma=10'), /unknown parameter "sigma"/);
    assert.throws(() => parseModelSpec('gaussian:mean=40'), /"sd" is required/);
    assert.throws(() => parseModelSpec('loss:p=abc'), /not a number/);
    assert.throws(() => parseModelSpec('loss:p=1.5'), /loss\.p must be ≤ 1/);
    assert.throws(() => parseModelSpec('reorder:p=0.1,depth=1.5'), /integer/);
    assert.throws(() => parseModelSpec('shift:at=10'), /needs both at= and by=/);
    assert.throws(() => parseModelSpec('shift:at=10,by=5,p=0.1'), /either at= and by=/);
    assert.throws(() => parseModelSpec(''), /none/);
  });

  it('"none" passes every packet untouched', () => {
    assert.ok(draw('none', 1, 100).every((d) => !d.drop && d.delayMs === 0));
  });
});

describe('model decisions', () => {
  it('one seed gives one decision sequence; another seed gives another', () => {
    const spec = 'gaussian:mean=40,sd=10+pareto:scale=5,shape=2+gilbert:p=0.05,r=0.3+reorder:p=0.1,depth=3';
    assert.deepEqual(draw(spec, 7, 500), draw(spec, 7, 500));
    assert.notDeepEqual(draw(spec, 7, 500), draw(spec, 8, 500));
  });

  it('adding a stage does not change the draws of the stages before it', () => {
    const alone = draw('gaussian:mean=40,sd=10', 3, 200).map((d) => d.delayMs);
    const withConstant = draw('gaussian:mean=40,sd=10+delay:ms=5', 3, 200).map((d) => d.delayMs - 5);
    withConstant.forEach((d, i) => assert.ok(Math.abs(d - (alone[i] ?? Number.NaN)) < 1e-9));
  });

  it('gaussian delays have the asked mean and spread', () => {
    const delays = draw('gaussian:mean=40,sd=10', 11, 5000).map((d) => d.delayMs);
    const mean = delays.reduce((s, x) => s + x, 0) / delays.length;
    const sd = Math.sqrt(delays.reduce((s, x) => s + (x - mean) ** 2, 0) / delays.length);
    assert.ok(Math.abs(mean - 40) < 0.6, `mean ${mean}`);
    assert.ok(Math.abs(sd - 10) < 0.6, `sd ${sd}`);
  });

  it('Gilbert–Elliott: long-run loss rate p/(p+r) and bursts of 1/r packets over 10,000 decisions', () => {
    const p = 0.02;
    const r = 0.3;
    const stage = gilbertElliott({ p, r }, mulberry32(2024));
    const lost = Array.from({ length: 10_000 }, () => stage.next());
    const rate = lost.filter(Boolean).length / lost.length;
    assert.ok(Math.abs(rate - p / (p + r)) < 0.015, `loss rate ${rate}, expected ${p / (p + r)}`);
    const bursts: number[] = [];
    let run = 0;
    for (const l of lost) {
      if (l) run++;
      else if (run > 0) {
        bursts.push(run);
        run = 0;
      }
    }
    const meanBurst = bursts.reduce((s, b) => s + b, 0) / bursts.length;
    assert.ok(Math.abs(meanBurst - 1 / r) < 0.8, `mean burst ${meanBurst}, expected ${1 / r}`);
  });

  it('Gilbert–Elliott with k < 1 also loses in the Good state', () => {
    const stage = gilbertElliott({ p: 0, r: 1, k: 0.9 }, mulberry32(5)); // never Bad
    const rate = Array.from({ length: 10_000 }, () => stage.next()).filter(Boolean).length / 10_000;
    assert.ok(Math.abs(rate - 0.1) < 0.015, `loss rate ${rate}`);
  });

  it('reorder holds a packet back behind 1…depth following packets', () => {
    const stage = reorder(0.2, 3, 20, mulberry32(9));
    const delays = Array.from({ length: 2000 }, () => stage.next());
    const held = delays.filter((d) => d > 0);
    assert.ok(Math.abs(held.length / delays.length - 0.2) < 0.03);
    assert.deepEqual([...new Set(held)].sort((a, b) => a - b), [30, 50, 70]);
  });

  it('spikes hold one packet `height` ms and drain the queue behind it one period per packet', () => {
    const draws = [0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]; // a spike starts at the first packet only
    const single = delaySpikes(0.5, 100, 20, () => draws.shift() ?? 0.9);
    assert.deepEqual(
      Array.from({ length: 7 }, () => single.next()),
      [100, 80, 60, 40, 20, 0, 0],
    );
  });

  it('drift delays packet n by start + n·period·ppm/1e6, never below 0', () => {
    const slow = clockDrift(200, 0, 20);
    const delays = Array.from({ length: 1001 }, () => slow.next());
    assert.ok(Math.abs((delays[1000] ?? 0) - 4) < 1e-9); // 1000 × 20 ms × 200e-6 = 4 ms
    const fast = clockDrift(-500, 5, 20);
    const fastDelays = Array.from({ length: 1000 }, () => fast.next());
    assert.ok(Math.abs((fastDelays[100] ?? 0) - 4) < 1e-9);
    assert.equal(fastDelays[999], 0);
  });

  it('shift:at=N,by=D adds D from packet N on', () => {
    const delays = draw('shift:at=3,by=25', 1, 6).map((d) => d.delayMs);
    assert.deepEqual(delays, [0, 0, 0, 25, 25, 25]);
  });

  it('shift:p=P,max=M moves the extra delay to a new level in [0, M] about P·n times', () => {
    const delays = draw('shift:p=0.01,max=100', 6, 5000).map((d) => d.delayMs);
    const changes = delays.filter((d, i) => i > 0 && d !== delays[i - 1]).length;
    assert.ok(changes >= 30 && changes <= 75, `${changes} level changes`);
    assert.ok(delays.every((d) => d >= 0 && d <= 100));
  });

  it('pareto has a heavy tail with mean scale/(shape − 1), capped at max', () => {
    const delays = draw('pareto:scale=10,shape=3,max=1000', 12, 20_000).map((d) => d.delayMs);
    const mean = delays.reduce((s, x) => s + x, 0) / delays.length;
    assert.ok(Math.abs(mean - 5) < 0.5, `mean ${mean}`);
    const sorted = [...delays].sort((a, b) => a - b);
    const median = sorted[10_000] ?? 0;
    assert.ok(median < mean, 'most packets see less than the mean');
    assert.ok(draw('pareto:scale=10,shape=0.5,max=250', 12, 2000).some((d) => d.delayMs === 250), 'the cap holds');
  });

  it('fifo keeps delivered packets in order: a packet never leaves before the one before it', () => {
    const fifo = fifoConstraint(20);
    const kept = [100, 10, 50, 0, 0].map((d) => fifo.apply(d, true));
    assert.deepEqual(kept, [100, 80, 60, 40, 20]);
    const departures = kept.map((d, n) => n * 20 + d);
    assert.deepEqual(departures, [...departures].sort((a, b) => a - b));
  });

  it('gaussian jitter reorders on its own but not with fifo', () => {
    const departures = (spec: string): number[] => draw(spec, 4, 1000).map((d, n) => n * 20 + d.delayMs);
    const inversions = (t: number[]): number => {
      let latest = Number.NEGATIVE_INFINITY;
      return t.filter((x) => {
        const early = x < latest;
        latest = Math.max(latest, x);
        return early;
      }).length;
    };
    assert.ok(inversions(departures('gaussian:mean=40,sd=15')) > 10);
    assert.equal(inversions(departures('gaussian:mean=40,sd=15+fifo')), 0);
  });
});
