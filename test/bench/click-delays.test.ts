import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clickTrack, findClicks, silentMs } from '../../scripts/bench/click-track.js';
import { afterLeadIn, clickDelays } from '../../scripts/bench/click-delays.js';
import { PASS } from '../../test/tools/impairment-relay/decision.js';

const RATE = 8000;
const SENT_MS = (track: { clickStarts: readonly number[] }): number[] => track.clickStarts.map((s) => (s / RATE) * 1000);

describe('the click track and what the bench finds in a recording', () => {
  it('puts a click every 500 ms from the first, each starting a 20 ms packet, and finds exactly those', () => {
    const track = clickTrack(4, 1000, RATE);
    assert.deepEqual(track.clickStarts, [8000, 12000, 16000, 20000, 24000, 28000]);
    for (const s of track.clickStarts) assert.equal(s % 160, 0);
    // sin(0) = 0: the click's first sample is silent, its second is the onset found.
    assert.deepEqual(findClicks(track.samples, RATE), track.clickStarts.map((s) => s + 1));
  });

  it('counts 10 ms blocks of silence where the tone should be, and none in the tone', () => {
    const track = clickTrack(2, 1000, RATE);
    assert.equal(silentMs(track.samples, RATE, 0, track.samples.length), 0);
    const gapped = track.samples.slice();
    gapped.fill(0, 4000, 4000 + 480); // 60 ms dropped
    assert.equal(silentMs(gapped, RATE, 0, gapped.length), 60);
  });
});

describe('matching heard clicks to sent clicks, aligned by the first', () => {
  it('reads a constant delay off every click', () => {
    const track = clickTrack(4, 1000, RATE);
    const delays = clickDelays({ samples: track.samples, sampleRate: RATE, timeMs: (f) => (f / RATE) * 1000 + 80 }, SENT_MS(track));
    assert.equal(delays.delaysMs.length, track.clickStarts.length);
    for (const d of delays.delaysMs) assert.ok(Math.abs(d - 80.125) < 0.01, String(d));
    assert.equal(delays.gapMs, 0);
    assert.equal(delays.spanMs, 2500);
  });

  it('follows a delay that grows by 300 ms after a stall, and counts the stall as missing audio', () => {
    const track = clickTrack(4, 1000, RATE);
    // A decoder that writes as packets come: from sample 18000 on, everything is 300 ms later.
    const timeMs = (f: number): number => (f / RATE) * 1000 + 50 + (f >= 18000 ? 300 : 0);
    const delays = clickDelays({ samples: track.samples, sampleRate: RATE, timeMs }, SENT_MS(track));
    assert.deepEqual(delays.delaysMs.map((d) => Math.round(d)), [50, 50, 50, 350, 350, 350]);
    assert.equal(Math.round(delays.gapMs), 300);
  });

  it('skips a click that was lost and does not shift the ones after it', () => {
    const track = clickTrack(4, 1000, RATE);
    const samples = track.samples.slice();
    samples.fill(0, 16000, 16160); // the third click's packet concealed as silence
    const delays = clickDelays({ samples, sampleRate: RATE, timeMs: (f) => (f / RATE) * 1000 + 40 }, SENT_MS(track));
    assert.equal(delays.delaysMs.length, track.clickStarts.length - 1);
    for (const d of delays.delaysMs) assert.ok(Math.abs(d - 40.125) < 0.01);
    assert.equal(delays.gapMs, 20);
  });

  it('lets the lead-in through untouched and then hands over to the impairment', () => {
    const drop = afterLeadIn(3, () => ({ next: () => ({ drop: true, delayMs: 0 }) }))(1);
    const decisions = Array.from({ length: 5 }, () => drop.next());
    assert.deepEqual(decisions.slice(0, 3), [PASS, PASS, PASS]);
    assert.deepEqual(decisions.slice(3).map((d) => d.drop), [true, true]);
  });
});
