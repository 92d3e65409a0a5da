import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { connect, countToneFrames, createParty, pump, shutdownAll, type Party } from './engine-harness.js';

/**
 * Roles: H is the phone that hosts a 3-way conference (its user's voice: a
 * 1000 Hz tone). P and Q are the two remote parties, each in a call with H
 * (P's voice 440 Hz, Q's 1700 Hz). H mixes its streams "p" and "q":
 *  - P hears H and Q; Q hears H and P (each is sent the host's microphone
 *    plus the OTHER party: N−1 mixing, nobody hears themselves back);
 *  - H's user hears P and Q (and not their own microphone).
 */
const H_HZ = 1000;
const P_HZ = 440;
const Q_HZ = 1700;

const parties: Party[] = [];
after(() => shutdownAll(parties));

/** Frames (after 200 ms) with `hz` at ≥ 20 % of the frame's power: one of two equal voices has half. */
function present(p: Party, hz: number, fromPeriod: number) {
  return countToneFrames(p.sink.samples(fromPeriod), hz, { minShare: 0.2 });
}

function absent(p: Party, hz: number, fromPeriod: number): number {
  return countToneFrames(p.sink.samples(fromPeriod), hz, { minShare: 0.05, minAmplitude: 0.01 }).withTone;
}

describe('media engine: 3-way conference (N−1 mixing)', () => {
  it('each remote party hears the host and the other party; the host hears both', async () => {
    const clock = new VirtualClock();
    const h = await createParty(clock, 'h', `tone:${H_HZ}`);
    const p = await createParty(clock, 'p', `tone:${P_HZ}`);
    const q = await createParty(clock, 'q', `tone:${Q_HZ}`);
    parties.push(h, p, q);
    // H's stream "p" ↔ P's stream "h"; H's stream "q" ↔ Q's stream "h".
    await connect(h, p, { a: 'p', b: 'h' }, { codec: 'PCMU', payloadType: 0 });
    await connect(h, q, { a: 'q', b: 'h' }, { codec: 'PCMU', payloadType: 0 });
    await pump(clock, 600);

    // Two separate calls: P hears only H, not Q.
    assert.ok(present(p, H_HZ, 0).fraction >= 0.99);
    assert.equal(absent(p, Q_HZ, 0), 0);

    const start = h.sink.periodCount;
    h.engine.mixStreams(['p', 'q']);
    await pump(clock, 2200);

    const checks: [Party, number, string][] = [
      [p, H_HZ, 'P hears the host'],
      [p, Q_HZ, 'P hears Q through the host'],
      [q, H_HZ, 'Q hears the host'],
      [q, P_HZ, 'Q hears P through the host'],
      [h, P_HZ, 'the host hears P'],
      [h, Q_HZ, 'the host hears Q'],
    ];
    for (const [party, hz, what] of checks) {
      const c = present(party, hz, start);
      assert.ok(c.frames >= 99 && c.fraction >= 0.99, `${what}: ${c.withTone}/${c.frames} frames`);
      console.log(`# ${what} (${hz} Hz): ${(100 * c.fraction).toFixed(1)} % of ${c.frames} frames`);
    }
    assert.equal(absent(p, P_HZ, start), 0, 'P does not hear itself');
    assert.equal(absent(q, Q_HZ, start), 0, 'Q does not hear itself');
    assert.equal(absent(h, H_HZ, start), 0, 'the host does not hear its own microphone');

    // Ending the conference: back to two calls.
    h.engine.mixStreams([]);
    const split = p.sink.periodCount;
    await pump(clock, 600);
    assert.equal(absent(p, Q_HZ, split + 5), 0, 'after the split P no longer hears Q');
  });
});
