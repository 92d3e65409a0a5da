import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { FloodGuard } from '../../firmware/media/engine/flood-guard.js';
import type { MediaSocket } from '../../firmware/media/engine/media-socket.js';
import { serializeRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { connect, countToneFrames, createParty, pump, shutdownAll, type Party } from './engine-harness.js';

const parties: Party[] = [];
const strangers: MediaSocket[] = [];
after(async () => {
  await shutdownAll(parties);
  await Promise.all(strangers.map((s) => s.close()));
});

function garbage(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Uint8Array(i % 2 === 0 ? 5 : 172).map((_, k) => (k * 37 + i) & 0xff);
    d[0] = i % 2 === 0 ? 0x80 : 0x00; // truncated RTP / version 0
    out.push(d);
  }
  return out;
}

describe('media engine: bad input is counted, logged (rate-limited) and dropped; the call goes on', () => {
  it('garbage from the peer, RTP from a stranger and a flood', async () => {
    const clock = new VirtualClock();
    const a = await createParty(clock, 'a', 'tone:1000');
    const b = await createParty(clock, 'b', 'silence');
    parties.push(a, b);
    const { aPort, bPort } = await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0 });
    const toB = { address: '127.0.0.1', port: bPort };
    const aSocket = a.sockets.byPort(aPort);
    // Every datagram that reaches B's RTP socket, to check each is accounted for once.
    let arrived = 0;
    b.sockets.byPort(bPort).onMessage(() => arrived++);
    const stranger = await dgramSocketFactory.bind('127.0.0.1', 0);
    strangers.push(stranger);
    await pump(clock, 400);

    // 1. Garbage from the peer's own address: not RTP (truncated, version 0).
    for (const d of garbage(20)) aSocket.send(d, toB);
    await pump(clock, 200);
    // 2. Well-formed RTP from an address that is not the peer's (symmetric RTP).
    for (let seq = 0; seq < 10; seq++) {
      stranger.send(serializeRtp({ payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0x5eed, payload: new Uint8Array(160).fill(0x55) }), toB);
    }
    await pump(clock, 200);
    // 3. A flood from the peer's address: 1000 datagrams within one instant of
    //    the (virtual) clock, sent 100 at a time so the kernel's socket buffer
    //    does not drop any before the engine sees them.
    const flood = garbage(1000);
    for (let i = 0; i < flood.length; i += 100) {
      for (const d of flood.slice(i, i + 100)) aSocket.send(d, toB);
      await sleep(3);
    }
    await pump(clock, 1200);

    const [s] = b.engine.stats('call');
    assert.ok(s);
    assert.equal(s.dropped.wrongSource, 10);
    // The flood guard lets a burst of about 200 through (then counted as bad) and
    // refuses the rest. (The kernel's socket buffer may drop some of the flood
    // before anyone sees it.)
    assert.ok(s.dropped.bad >= 20 + 190, `bad ${s.dropped.bad}`);
    assert.ok(s.dropped.flood >= 300, `flood ${s.dropped.flood}`);
    // Each datagram that arrived is counted exactly once, as media or as a drop.
    const d = s.dropped;
    assert.equal(s.packetsReceived + d.bad + d.wrongSource + d.unknownPayloadType + d.duplicate + d.sequence + d.flood, arrived);
    // Logged, but not once per packet.
    const badLines = b.logLines.filter((l) => /dropped/.test(l));
    assert.ok(badLines.length >= 3 && badLines.length <= 20, badLines.join('\n'));
    assert.ok(b.logLines.some((l) => /wrong|expecting/.test(l)));
    // And B heard A's tone all along.
    const heard = countToneFrames(b.sink.samples(), 1000);
    assert.ok(heard.fraction >= 0.99, `${heard.withTone}/${heard.frames} frames`);
    console.log(`# bad input: ${JSON.stringify(s.dropped)}; tone in ${(100 * heard.fraction).toFixed(1)} % of ${heard.frames} frames`);
  });

  it('FloodGuard: a burst, then the sustained rate', () => {
    const guard = new FloodGuard({ ratePerSecond: 100, burst: 5 });
    const admitted = Array.from({ length: 8 }, () => guard.admit(0)).filter(Boolean).length;
    assert.equal(admitted, 5);
    assert.equal(guard.dropped, 3);
    // 100 per second: one more every 10 ms.
    assert.equal(guard.admit(10), true);
    assert.equal(guard.admit(10), false);
    assert.equal(guard.admit(1000), true);
  });
});
