import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForgettingHistogram } from '../../firmware/media/jitter/forgetting-histogram.js';
import { DEFAULT_TARGET_DELAY_CONFIG, TargetDelayEstimator, forgetFactorFor, lowLimitQuantile } from '../../firmware/media/jitter/target-delay.js';
import { DEFAULT_DELAY_PEAK_CONFIG, peaksRepeat } from '../../firmware/media/jitter/delay-peak-detector.js';
import { decideStretch, nextFrameAction, playoutDeadline, type StretchStatus } from '../../firmware/media/jitter/decision-logic.js';
import { Xoshiro128 } from '../../scripts/trace-gen/prng.js';

/** Feeds packets i = from..to−1 (20 ms apart) with transit `transit(i)`; returns the estimator. */
function feed(e: TargetDelayEstimator, from: number, to: number, transit: (i: number) => number, each?: (i: number) => void): void {
  for (let i = from; i < to; i++) {
    e.observe(i * 20 + transit(i), i * 20);
    each?.(i);
  }
}

describe('forgetting histogram', () => {
  it('reads quantiles of what it holds, erring to the upper edge of a bucket', () => {
    const h = new ForgettingHistogram({ bucketMs: 1, buckets: 200 });
    for (let v = 0; v < 100; v++) h.add(v + 0.5, 1);
    assert.equal(h.quantile(0.5), 50);
    assert.equal(h.quantile(0.99), 99);
    assert.equal(h.quantile(1), 100);
  });

  it('lets old observations fade by the forget factor', () => {
    const h = new ForgettingHistogram();
    for (let i = 0; i < 500; i++) h.add(100, 1);
    // 500 new values at 10 with a memory of 100: the old mass fades to e^-5 of its weight.
    for (let i = 0; i < 500; i++) h.add(10, 0.99);
    assert.equal(h.quantile(0.95), 11);
    assert.equal(h.quantile(0.9999), 101, 'still a trace of the old values');
  });

  it('slides its window to take values far outside it, keeping high values exact', () => {
    const h = new ForgettingHistogram({ bucketMs: 1, buckets: 100 });
    h.add(0, 1);
    h.add(1000, 1);
    h.add(1001, 1);
    assert.equal(h.count, 3);
    assert.equal(h.quantile(0.99), 1002);
    h.shift(-1000);
    assert.equal(h.quantile(0.99), 2);
  });

  it('weights all observations alike until the memory is full, then forgets', () => {
    assert.equal(forgetFactorFor(0, 1000), 1);
    assert.equal(forgetFactorFor(999, 1000), 1);
    assert.equal(forgetFactorFor(1000, 1000), 0.999);
  });
});

describe('target-delay estimator', () => {
  it('converges on the 99th percentile of a Gaussian delay distribution', () => {
    const rng = new Xoshiro128(1);
    const e = new TargetDelayEstimator();
    feed(e, 0, 5000, () => 50 + 10 * rng.normal());
    // N(50, 10): q99 = 50 + 2.326 × 10.
    assert.ok(Math.abs((e.targetTransitMs ?? 0) - 73.3) < 3, `target ${e.targetTransitMs}`);
  });

  it('converges on the 99th percentile of an exponential (heavy-ish) tail', () => {
    const rng = new Xoshiro128(2);
    const e = new TargetDelayEstimator();
    feed(e, 0, 5000, () => 30 + rng.exponential(10));
    // Exp(mean 10): q99 = 10 ln 100 = 46.1 above the base.
    const above = (e.targetTransitMs ?? 0) - 30;
    assert.ok(Math.abs(above - 46.1) < 5, `target ${above} above the base`);
  });

  it('grows within about memory × (1 − q) packets when delays jump up', () => {
    const rng = new Xoshiro128(3);
    const e = new TargetDelayEstimator();
    feed(e, 0, 3000, () => 40 + 3 * rng.normal());
    const before = e.targetTransitMs ?? 0;
    assert.ok(before < 52, `settled at ${before}`);
    let grownAfter = -1;
    feed(
      e,
      3000,
      3100,
      () => 140 + 3 * rng.normal(),
      (i) => {
        if (grownAfter < 0 && (e.targetTransitMs ?? 0) >= 130) grownAfter = i - 3000 + 1;
      },
    );
    assert.ok(grownAfter > 0 && grownAfter <= 15, `grew after ${grownAfter} packets`);
  });

  it('shrinks slowly after a burst of late packets, and does shrink in the end', () => {
    const rng = new Xoshiro128(4);
    const e = new TargetDelayEstimator();
    feed(e, 0, 3000, () => 40 + 3 * rng.normal());
    const before = e.targetTransitMs ?? 0;
    feed(e, 3000, 3020, () => 240);
    const peak = e.targetTransitMs ?? 0;
    assert.ok(peak >= 230, `peak ${peak}`);
    let stillHighAt = 0;
    let backAt = -1;
    feed(
      e,
      3020,
      8000,
      () => 40 + 3 * rng.normal(),
      (i) => {
        const t = e.targetTransitMs ?? 0;
        if (t > 200) stillHighAt = i - 3020;
        if (backAt < 0 && t <= before + 3) backAt = i - 3020;
      },
    );
    // 20 late packets are 2 % of a 1000-packet memory: about 1000 ln 2 packets to fall below 1 %.
    assert.ok(stillHighAt >= 500, `released after only ${stillHighAt} packets`);
    assert.ok(backAt > 0 && backAt < 1500, `back to normal after ${backAt} packets`);
  });

  it('follows a route that gets shorter at once (the floor moves, the jitter stays)', () => {
    const rng = new Xoshiro128(5);
    const e = new TargetDelayEstimator();
    feed(e, 0, 3000, () => 120 + Math.abs(5 * rng.normal()));
    const before = e.targetTransitMs ?? 0;
    feed(e, 3000, 3010, () => 40 + Math.abs(5 * rng.normal()));
    const after = e.targetTransitMs ?? 0;
    assert.ok(before - after > 70, `target went from ${before} to ${after}`);
    assert.ok(e.targetDelayMs < 25, `target above the floor ${e.targetDelayMs}`);
  });

  it('tracks a clock drift of 200 ppm without lagging behind it', () => {
    const rng = new Xoshiro128(6);
    const e = new TargetDelayEstimator();
    // Transit shrinks by 0.2 ms a second (receiver clock slow): 12 ms over 60 s.
    feed(e, 0, 3000, (i) => 80 - i * 20 * 200e-6 + Math.abs(4 * rng.normal()));
    const floorNow = 80 - 3000 * 20 * 200e-6;
    const lag = (e.targetTransitMs ?? 0) - floorNow;
    // |N(0,4)| has q99 ≈ 10.3; allow the floor window's own lag (≤ 2 ms) and a bucket.
    assert.ok(lag < 14, `target ${lag} ms above the current floor`);
  });

  it('starts at least startTargetMs above the first packet, and forgets on reset', () => {
    const e = new TargetDelayEstimator({ startTargetMs: 60 });
    assert.equal(e.targetTransitMs, undefined);
    e.observe(100, 0);
    assert.equal(e.targetTransitMs, 160);
    e.reset();
    assert.equal(e.targetTransitMs, undefined);
    assert.equal(e.packetsObserved, 0);
  });
});

/**
 * Steady packets 20 ms apart with transit 40 + |N(0, 3)|, and at each of
 * `spikeAt` (packet indices) a stall of `heightMs`: the packets sent during
 * it arrive together at its end, in order, as trace-gen's spike model has them.
 */
function spiky(e: TargetDelayEstimator, count: number, spikeAt: readonly number[], heightMs: number, seed: number): void {
  const rng = new Xoshiro128(seed);
  for (let i = 0; i < count; i++) {
    const normal = 40 + Math.abs(3 * rng.normal());
    const start = spikeAt.find((s) => i >= s && i * 20 < s * 20 + heightMs);
    const transit = start === undefined ? normal : Math.max(normal, start * 20 + heightMs + 40 + (i - start) * 0.1 - i * 20);
    e.observe(i * 20 + transit, i * 20);
  }
}

describe('delay peaks (after NetEQ’s peak detector)', () => {
  it('rides out an isolated stall-and-burst instead of holding its height for the next 20 s', () => {
    const e = new TargetDelayEstimator();
    spiky(e, 3200, [3000], 300, 11);
    assert.equal(e.delayPeaks, 1);
    assert.ok(e.targetDelayMs < 20, `target ${e.targetDelayMs} ms above the floor after one spike`);
    // The same packets learnt as any others would hold the target near the stall's height.
    const learning = new TargetDelayEstimator({ peaks: { ...DEFAULT_DELAY_PEAK_CONFIG, heightMs: Infinity } });
    spiky(learning, 3200, [3000], 300, 11);
    assert.ok(learning.targetDelayMs > 50, `without the detector: ${learning.targetDelayMs} ms`);
  });

  it('learns peaks once they repeat within 10 s: the third of three spikes 5 s apart lifts the target', () => {
    const e = new TargetDelayEstimator();
    const targets: number[] = [];
    for (const [from, to] of [
      [0, 3249],
      [3249, 3499],
      [3499, 3530],
    ] as const) {
      const rng = new Xoshiro128(from + 1);
      for (let i = from; i < to; i++) {
        const spikeStart = [3000, 3250, 3500].find((s) => i >= s && i < s + 15);
        const transit = spikeStart === undefined ? 40 + Math.abs(3 * rng.normal()) : spikeStart * 20 + 300 + 40 - i * 20;
        e.observe(i * 20 + transit, i * 20);
      }
      targets.push(e.targetDelayMs);
    }
    assert.equal(e.delayPeaks, 3);
    assert.ok((targets[0] ?? 0) < 20 && (targets[1] ?? 0) < 20, `after one and two spikes: ${targets.join(', ')}`);
    assert.ok((targets[2] ?? 0) > 50, `after the third: ${targets[2]}`);
  });

  it('counts a late packet that later ones overtook: a late loss, which the target must learn', () => {
    const rng = new Xoshiro128(12);
    const e = new TargetDelayEstimator();
    // 2 % of packets held 150 ms, overtaken by the seven after them; delivered in arrival order.
    const arrivals = Array.from({ length: 3000 }, (_, i) => ({ media: i * 20, at: i * 20 + 40 + Math.abs(3 * rng.normal()) + (i % 50 === 7 ? 150 : 0) }));
    for (const a of arrivals.sort((x, y) => x.at - y.at)) e.observe(a.at, a.media);
    assert.equal(e.delayPeaks, 0);
    assert.ok(e.targetDelayMs > 140, `target ${e.targetDelayMs}`);
  });

  it('takes a rise that lasts for a longer route, learnt at once, not a peak', () => {
    const rng = new Xoshiro128(13);
    const e = new TargetDelayEstimator();
    feed(e, 0, 3000, () => 40 + Math.abs(3 * rng.normal()));
    feed(e, 3000, 3030, () => 160 + Math.abs(3 * rng.normal()));
    assert.equal(e.delayPeaks, 0);
    assert.ok((e.targetTransitMs ?? 0) >= 160, `target transit ${e.targetTransitMs}`);
  });

  it('engages on repeats as NetEQ does: two spacings on record, the last peak within twice the longest', () => {
    assert.equal(peaksRepeat([4000], 1000, 2), false);
    assert.equal(peaksRepeat([4000, 6000], 11_000, 2), true);
    assert.equal(peaksRepeat([4000, 6000], 12_001, 2), false);
  });
});

describe('target band and budget', () => {
  it('puts the low limit two standard errors of a 1 % share below the target', () => {
    // n = 2 × 1000 − 1 effective packets: σ = √(0.99 × 0.01 / 1999) ≈ 0.22 %.
    const low = lowLimitQuantile(0.99, 1000, 2);
    assert.ok(Math.abs(low - (0.99 - 2 * Math.sqrt(0.0099 / 1999))) < 1e-12);
    assert.ok(low > 0.985 && low < 0.986);
    assert.equal(lowLimitQuantile(0.99, 1, 100), 0.5);
  });

  it('reads a low limit under the target, and closes the band once the late share exceeds the budget', () => {
    const rng = new Xoshiro128(14);
    const e = new TargetDelayEstimator();
    feed(e, 0, 3000, () => 50 + 10 * rng.normal());
    const target = e.targetTransitMs ?? 0;
    const low = e.lowLimitTransitMs ?? 0;
    assert.ok(low < target, `low limit ${low}, target ${target}`);
    // N(50, 10): q = 0.9856 is 50 + 2.19 × 10.
    assert.ok(Math.abs(low - 71.9) < 3, `low limit ${low}`);
    assert.ok(e.lateShare === 0 && DEFAULT_TARGET_DELAY_CONFIG.budgetMemoryPackets > 4000);
    // The buffer reports 5 % of the next packets late: over the 4000 it is more than the 1 % budget, and the band closes.
    for (let i = 3000; i < 4000; i++) e.observe(i * 20 + 50 + 10 * rng.normal(), i * 20, i % 20 === 0);
    assert.ok(e.lateShare > 0.01, `late share ${e.lateShare}`);
    assert.equal(e.lowLimitTransitMs, e.targetTransitMs);
  });
});

describe('decision logic: the next piece of audio', () => {
  const base = { concealedSinceAdvance: 0, frameTs: 160, inComfortNoise: false, decoderHasFec: false };

  it('decodes the packet that is due, takes a CN packet, conceals when nothing is here', () => {
    assert.equal(nextFrameAction({ ...base, head: { leap: 0, comfortNoise: false } }), 'decode');
    assert.equal(nextFrameAction({ ...base, head: { leap: 0, comfortNoise: true } }), 'comfort-noise-update');
    assert.equal(nextFrameAction(base), 'conceal');
  });

  it('conceals a gap until the concealment spans it, then skips to the packet after it', () => {
    const head = { leap: 320, comfortNoise: false };
    assert.equal(nextFrameAction({ ...base, head }), 'conceal');
    assert.equal(nextFrameAction({ ...base, head, concealedSinceAdvance: 160 }), 'conceal');
    assert.equal(nextFrameAction({ ...base, head, concealedSinceAdvance: 320 }), 'skip-gap');
  });

  it('uses in-band FEC for a single missing frame when the decoder has it', () => {
    const head = { leap: 160, comfortNoise: false };
    assert.equal(nextFrameAction({ ...base, head, decoderHasFec: true }), 'fec');
    assert.equal(nextFrameAction({ ...base, head, decoderHasFec: false }), 'conceal');
    // Half the frame already concealed when the next packet came: FEC for the rest; all of it concealed: skip.
    assert.equal(nextFrameAction({ ...base, head, decoderHasFec: true, concealedSinceAdvance: 80 }), 'fec');
    assert.equal(nextFrameAction({ ...base, head, decoderHasFec: true, concealedSinceAdvance: 160 }), 'skip-gap');
    assert.equal(nextFrameAction({ ...base, head: { leap: 320, comfortNoise: false }, decoderHasFec: true }), 'conceal', 'two frames missing: no FEC for the first');
    assert.equal(nextFrameAction({ ...base, head: { leap: 320, comfortNoise: false }, decoderHasFec: true, concealedSinceAdvance: 160 }), 'fec', 'but for the second, the last of the burst');
    assert.equal(nextFrameAction({ ...base, head: { leap: 320, comfortNoise: false }, decoderHasFec: true, concealedSinceAdvance: 200 }), 'fec');
  });

  it('plays comfort noise in a DTX pause until the next packet is due', () => {
    assert.equal(nextFrameAction({ ...base, inComfortNoise: true }), 'comfort-noise');
    assert.equal(nextFrameAction({ ...base, inComfortNoise: true, head: { leap: 800, comfortNoise: false } }), 'comfort-noise');
    assert.equal(nextFrameAction({ ...base, inComfortNoise: true, head: { leap: 0, comfortNoise: false } }), 'decode');
  });
});

describe('decision logic: stretching', () => {
  const at: StretchStatus = {
    deadlineTransitMs: 50,
    targetTransitMs: 45,
    misalignmentSamples: 0,
    pullSamples: 160,
    sampleRate: 8000,
    minStretchSamples: 20,
    releaseTargetMs: 45,
  };

  it('expands below the target, as far as the next pull boundary', () => {
    const d = decideStretch({ ...at, targetTransitMs: 55, misalignmentSamples: 40 });
    assert.deepEqual(d, { kind: 'expand', maxSamples: 120, reason: 'below-target' });
  });

  it('accelerates across a boundary only with a whole pull to spare, against the recent highest target', () => {
    assert.equal(decideStretch({ ...at, deadlineTransitMs: 64 }).kind, 'none');
    const d = decideStretch({ ...at, deadlineTransitMs: 65, misalignmentSamples: 30 });
    assert.deepEqual(d, { kind: 'accelerate', maxSamples: 190, reason: 'above-target' });
    // The target just dipped to 40, but it was 48 a moment ago: hold on.
    assert.equal(decideStretch({ ...at, deadlineTransitMs: 65, targetTransitMs: 40, releaseTargetMs: 48 }).kind, 'none');
  });

  it('stays inside the band between the low limit and the target, and grows below it', () => {
    assert.equal(decideStretch({ ...at, targetTransitMs: 55, lowLimitTransitMs: 48 }).kind, 'none');
    assert.equal(decideStretch({ ...at, targetTransitMs: 55, lowLimitTransitMs: 52 }).kind, 'expand');
  });

  it('after a stall, goes back down to the deadline it had, while that is inside the band', () => {
    // The stall raised the deadline from 50 to 70; the target (60) alone would keep it there.
    const stalled = { ...at, deadlineTransitMs: 70, targetTransitMs: 60, releaseTargetMs: 60, preStallDeadlineMs: 50 };
    assert.equal(decideStretch(stalled).kind, 'none', 'no band: nothing to go back to');
    assert.deepEqual(decideStretch({ ...stalled, lowLimitTransitMs: 45 }), { kind: 'accelerate', maxSamples: 160, reason: 'after-stall' });
    assert.equal(decideStretch({ ...stalled, lowLimitTransitMs: 55 }).kind, 'none', 'the old deadline is below the band now');
  });

  it('asks for as much as lies above, not one pull at a time (small pulls would cap the WSOLA lag below a pitch period)', () => {
    // 5 ms pulls, 105 ms above the target: 21 whole pulls.
    assert.deepEqual(decideStretch({ ...at, pullSamples: 40, deadlineTransitMs: 150, misalignmentSamples: 10 }), {
      kind: 'accelerate',
      maxSamples: 10 + 21 * 40,
      reason: 'above-target',
    });
    // A 250 ms stall over a band reaching down to 45: back down by 12 pulls, not below the band.
    const stalled = { ...at, deadlineTransitMs: 300, targetTransitMs: 290, releaseTargetMs: 290, preStallDeadlineMs: 50, lowLimitTransitMs: 45 };
    assert.deepEqual(decideStretch(stalled), { kind: 'accelerate', maxSamples: 12 * 160, reason: 'after-stall' });
  });

  it('removes misaligned audio (delay that buys no time) when a splice fits in it', () => {
    assert.deepEqual(decideStretch({ ...at, misalignmentSamples: 50 }), { kind: 'accelerate', maxSamples: 50, reason: 'misaligned' });
    assert.equal(decideStretch({ ...at, misalignmentSamples: 10 }).kind, 'none');
  });

  it('finds the deadline at the pull where the decoded audio runs out', () => {
    // 400 decoded, 160 pulled now: 240 left = 1 whole pull + 80; the next packet is due 2 pulls on.
    const d = playoutDeadline(1000, 400, 160, 8000, 900);
    assert.deepEqual(d, { deadlineTransitMs: 140, misalignmentSamples: 80 });
  });
});
