import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { connect, countToneFrames, createParty, FORMAT, pump, shutdownAll, toneAmplitude, type Party } from './engine-harness.js';

const parties: Party[] = [];
after(() => shutdownAll(parties));

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += (s / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

function db(x: number): number {
  return 20 * Math.log10(x);
}

describe('media engine: tones, ringer, mute and volume', () => {
  it('plays a country’s call-progress tone into the playback device until stopped', async () => {
    const clock = new VirtualClock();
    const p = await createParty(clock, 'p', 'silence');
    parties.push(p);
    await pump(clock, 100);
    const from = p.sink.periodCount;
    p.engine.playTone('us', 'dial');
    await pump(clock, 400);
    const dial = p.sink.samples(from);
    // US dial tone: 350 + 440 Hz, each at −13 dBm0.
    for (const hz of [350, 440]) assert.ok(countToneFrames(dial, hz, { skipMs: 20, minShare: 0.3, minAmplitude: 0.1 }).fraction >= 0.99, `${hz} Hz`);
    p.engine.stopTone();
    await pump(clock, 40);
    const stopped = p.sink.periodCount;
    await pump(clock, 200);
    assert.equal(rms(p.sink.samples(stopped)), 0, 'silence once the tone has faded out');
    assert.throws(() => p.engine.playTone('xx', 'dial'), /no tone plan/);
    assert.throws(() => p.engine.playTone('us', 'hum'), /not a call-progress tone/);
  });

  it('rings with a named ring tone and stops', async () => {
    const clock = new VirtualClock();
    const p = await createParty(clock, 'p', 'silence');
    parties.push(p);
    const from = p.sink.periodCount;
    p.engine.ring(true, 'uk-double');
    await pump(clock, 300);
    const ring = p.sink.samples(from);
    assert.ok(toneAmplitude(ring.subarray(1600, 4800), 400, FORMAT.sampleRate) > 0.1, 'UK double ring: 400 + 450 Hz');
    p.engine.ring(false);
    await pump(clock, 40);
    const stopped = p.sink.periodCount;
    await pump(clock, 100);
    assert.equal(rms(p.sink.samples(stopped)), 0);
    assert.throws(() => p.engine.ring(true, 'no-such-tone'), /no ring tone/);
  });

  it('volume scales what is heard; mute silences what is sent', async () => {
    const clock = new VirtualClock();
    const a = await createParty(clock, 'a', 'tone:1000');
    const b = await createParty(clock, 'b', 'silence');
    parties.push(a, b);
    await connect(a, b, 'call', { codec: 'G722', payloadType: 9 });
    await pump(clock, 600);
    const level0 = toneAmplitude(b.sink.samples(b.sink.periodCount - 10), 1000, FORMAT.sampleRate);

    b.engine.setVolume(-20);
    await pump(clock, 40);
    const quiet = b.sink.periodCount;
    await pump(clock, 200);
    const level20 = toneAmplitude(b.sink.samples(quiet), 1000, FORMAT.sampleRate);
    const change = db(level20) - db(level0);
    assert.ok(Math.abs(change + 20) < 0.5, `volume −20 dB changed the level by ${change.toFixed(2)} dB`);

    a.engine.setMute(true);
    await pump(clock, 200);
    const muted = b.sink.periodCount;
    await pump(clock, 300);
    assert.ok(rms(b.sink.samples(muted)) < 1e-3, 'B hears (nearly) nothing while A is muted');
    a.engine.setMute(false);
    b.engine.setVolume(0);
    await pump(clock, 200);
    const back = b.sink.periodCount;
    await pump(clock, 300);
    assert.ok(countToneFrames(b.sink.samples(back), 1000, { skipMs: 0 }).fraction >= 0.99);
  });
});
