import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { DEFAULT_IDLE_PAUSE_MS } from '../../firmware/media/engine/media-engine.js';
import { connect, countToneFrames, createParty, pump, shutdownAll, type Party } from './engine-harness.js';

/**
 * An idle phone pauses its audio devices (their period clocks were most of
 * its idle CPU) and wakes them for whatever plays or sends: a tone, the
 * ringer, a stream.
 */
const open: Party[] = [];
after(() => shutdownAll(open));

function deviceStates(p: Party): string {
  return `${p.capture.state}/${p.playback.state}`;
}

describe('media engine: devices pause when idle', () => {
  it(`pauses ${DEFAULT_IDLE_PAUSE_MS} ms after the last sound, and wakes for a tone, the ringer and a call`, async () => {
    const clock = new VirtualClock();
    const a = await createParty(clock, 'a', 'tone:1000');
    const b = await createParty(clock, 'b', 'tone:440');
    open.push(a, b);

    await pump(clock, DEFAULT_IDLE_PAUSE_MS - 100);
    assert.equal(deviceStates(a), 'running/running', 'not yet');
    await pump(clock, 200);
    assert.equal(deviceStates(a), 'paused/paused');
    assert.equal(a.engine.devicesIdle, true);
    const periodsWhenPaused = a.sink.periodCount;
    await pump(clock, 2000);
    assert.equal(a.sink.periodCount, periodsWhenPaused, 'no periods while paused');

    // A dial tone wakes the earpiece at once and is heard.
    a.engine.playTone('us', 'dial');
    assert.equal(deviceStates(a), 'running/running');
    await pump(clock, 1000);
    assert.ok(countToneFrames(a.sink.samples(periodsWhenPaused), 350, { minShare: 0.2 }).fraction > 0.9, 'the dial tone plays after the wake');
    a.engine.stopTone();
    await pump(clock, DEFAULT_IDLE_PAUSE_MS + 200);
    assert.equal(deviceStates(a), 'paused/paused', 'paused again once the tone has ended');

    // The ringer too.
    a.engine.ring(true);
    assert.equal(deviceStates(a), 'running/running');
    a.engine.ring(false);
    await pump(clock, DEFAULT_IDLE_PAUSE_MS + 200);
    assert.equal(deviceStates(a), 'paused/paused');

    // A call: both ends wake, and each hears the other's microphone.
    assert.equal(deviceStates(b), 'paused/paused');
    const from = a.sink.periodCount;
    const fromB = b.sink.periodCount;
    await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0 });
    assert.equal(deviceStates(a), 'running/running');
    assert.equal(deviceStates(b), 'running/running');
    await pump(clock, 2000);
    assert.ok(countToneFrames(a.sink.samples(from + 15), 440).fraction >= 0.95, 'a hears b');
    assert.ok(countToneFrames(b.sink.samples(fromB + 15), 1000).fraction >= 0.95, 'b hears a');
    await pump(clock, DEFAULT_IDLE_PAUSE_MS + 1000);
    assert.equal(deviceStates(a), 'running/running', 'never paused during a call');

    await a.engine.closeStream('call');
    await b.engine.closeStream('call');
    await pump(clock, DEFAULT_IDLE_PAUSE_MS + 200);
    assert.equal(deviceStates(a), 'paused/paused', 'paused after the call');
    await shutdownAll([a, b]);
    assert.equal(clock.pendingCount, 0, 'shutdown leaves no pause timer');
  });
});
