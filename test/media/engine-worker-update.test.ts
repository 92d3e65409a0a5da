import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { MediaClient } from '../../firmware/media/engine/media-client.js';
import { bindRtpPortPair, type RtpPortPair } from '../../firmware/media/engine/media-socket.js';
import { parseRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { formatCryptoLine, generateCryptoOffer } from '../../firmware/media/srtp/sdes.js';

const clients: MediaClient[] = [];
const pairs: RtpPortPair[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(pairs.flatMap((p) => [p.rtp.close(), p.rtcp.close()]));
});

/** Polls (real time: the worker runs on the system clock) until `done` or the deadline. */
async function until(done: () => boolean, ms = 3000): Promise<void> {
  for (const end = performance.now() + ms; !done() && performance.now() < end; ) await sleep(20);
}

/**
 * The new capabilities end to end through the real worker thread: each
 * MediaClient method, its command over the thread boundary, the engine, and
 * what arrives at a plain UDP socket pair of the test.
 */
describe('media worker: a stream opened before the answer, then changed in place', () => {
  it('openStream without remote, setRemote, changeCodec, setSrtp, a refused update, setDirection', async () => {
    const client = await MediaClient.start(
      { kind: 'emulated', format: { sampleRate: 16000, channels: 1, periodFrames: 320 }, audioIn: 'tone:1000' },
      { timeoutMs: 10_000 },
    );
    clients.push(client);
    const far = await bindRtpPortPair(dgramSocketFactory, '127.0.0.1', 0);
    pairs.push(far);
    const arrivals: { payloadType: number; length: number }[] = [];
    far.rtp.onMessage((d) => {
      const parsed = parseRtp(d);
      if (parsed.ok) arrivals.push({ payloadType: parsed.packet.payloadType, length: parsed.packet.payload.length });
    });

    const { localPort } = await client.openStream({
      id: 'call',
      local: { host: '127.0.0.1', port: 0 },
      codec: { name: 'PCMU', payloadType: 0 },
      direction: { send: true, recv: true },
    });
    assert.equal(localPort % 2, 0);
    await sleep(200);
    const [early] = await client.stats('call');
    assert.equal(early?.packetsSent, 0, 'nothing sent without a remote');
    assert.equal(early?.remote, undefined);

    await client.setRemote('call', { host: '127.0.0.1', port: far.rtp.port });
    await until(() => arrivals.length >= 5);
    assert.ok(arrivals.length >= 5 && arrivals.every((a) => a.payloadType === 0 && a.length === 160));

    await client.changeCodec('call', { name: 'G722', payloadType: 9 }, { ptime: 20, telephoneEvent: null });
    const g722From = arrivals.length;
    await until(() => arrivals.slice(g722From).filter((a) => a.payloadType === 9).length >= 5);
    const g722 = arrivals.slice(g722From).filter((a) => a.payloadType === 9);
    assert.ok(g722.length >= 5, `${g722.length} G.722 packets`);

    const [offer] = generateCryptoOffer();
    assert.ok(offer);
    await client.setSrtp('call', { send: formatCryptoLine(offer), recv: formatCryptoLine(offer) });
    const srtpFrom = arrivals.length;
    // 160 octets of G.722 and the 10-octet HMAC-SHA1-80 tag (RFC 3711 §4.2).
    await until(() => arrivals.slice(srtpFrom).some((a) => a.length === 170));

    await assert.rejects(client.changeCodec('call', { name: 'G729', payloadType: 18 }), /codec G729 is not available/);
    await assert.rejects(client.updateStream('call', { remote: { host: '127.0.0.1', port: 0 } }), /remote RTP port 0/);
    const [still] = await client.stats('call');
    assert.deepEqual([still?.codec, still?.srtp, still?.localPort, still?.remote?.port], ['G722', true, localPort, far.rtp.port]);

    await client.setDirection('call', { send: false, recv: true });
    const [held] = await client.stats('call');
    await sleep(300);
    const [later] = await client.stats('call');
    assert.ok(held && later);
    assert.equal(later.packetsSent, held.packetsSent, 'no RTP while held');
    await until(() => arrivals.length >= held.packetsSent, 500);
    assert.equal(arrivals.length, held.packetsSent, 'the far end got every packet sent, and none after the hold');
    assert.ok(arrivals.slice(srtpFrom).some((a) => a.length === 170), 'SRTP on the wire after setSrtp');
  });
});
