import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { answerCryptoOffer, formatCryptoLine, generateCryptoOffer } from '../../firmware/media/srtp/sdes.js';
import { connect, countToneFrames, createParty, createTwoPhones, PERIOD_MS, pump, shutdownAll, type Party } from './engine-harness.js';

/**
 * Two phones in one process: A's microphone hears a 1000 Hz tone, B's a
 * 440 Hz tone; each must hear the other's tone in at least 99 % of the 20 ms
 * frames after the first 200 ms, for every codec.
 */
const CODECS = [
  { codec: 'PCMU', payloadType: 0 },
  { codec: 'PCMA', payloadType: 8 },
  { codec: 'G722', payloadType: 9 },
  { codec: 'opus', payloadType: 111 },
] as const;

const AUDIO_MS = 2200;
const open: Party[] = [];
after(() => shutdownAll(open));

const pair = (): ReturnType<typeof createTwoPhones> => createTwoPhones(open);

function assertHears(listener: Party, hz: number, notHz: number): void {
  const heard = countToneFrames(listener.sink.samples(), hz);
  const own = countToneFrames(listener.sink.samples(), notHz, { minShare: 0.1 });
  assert.ok(heard.frames >= 99, `${heard.frames} frames analysed`);
  assert.ok(heard.fraction >= 0.99, `${listener.name} heard ${hz} Hz in ${heard.withTone}/${heard.frames} frames`);
  assert.equal(own.withTone, 0, `${listener.name} must not hear its own ${notHz} Hz microphone`);
  console.log(`# ${listener.name} heard ${hz} Hz in ${(100 * heard.fraction).toFixed(1)} % of ${heard.frames} frames`);
}

describe('media engine: two phones hear each other', () => {
  for (const c of CODECS) {
    it(`${c.codec}: A hears 440 Hz, B hears 1000 Hz`, async () => {
      const { clock, a, b } = await pair();
      await connect(a, b, 'call', c);
      await pump(clock, AUDIO_MS);
      assertHears(a, 440, 1000);
      assertHears(b, 1000, 440);
      const [sa] = a.engine.stats('call');
      const [sb] = b.engine.stats('call');
      assert.ok(sa && sb);
      assert.equal(sa.codec.toLowerCase(), c.codec.toLowerCase());
      // One packet per 20 ms capture period (the capture clock paces sending).
      const expected = AUDIO_MS / 20;
      assert.ok(Math.abs(sa.packetsSent - expected) <= 1, `A sent ${sa.packetsSent}, expected ~${expected}`);
      // The first packet is held by RFC 3550 A.1 probation; the rest all arrive.
      assert.ok(sb.packetsReceived >= sa.packetsSent - 2, `B received ${sb.packetsReceived} of ${sa.packetsSent}`);
      assert.equal(sb.loss.cumulative, 0);
      assert.equal(sb.dropped.bad + sb.dropped.wrongSource + sb.dropped.srtpAuth, 0);
      console.log(`# ${c.codec}: A sent ${sa.packetsSent} packets in ${AUDIO_MS} ms (${((sa.packetsSent * 1000) / AUDIO_MS).toFixed(1)}/s)`);
      await shutdownAll([a, b]);
    });
  }

  it('with SRTP (keys from an SDES offer and answer): audio both ways, packets encrypted on the wire', async () => {
    const { clock, a, b } = await pair();
    const offer = generateCryptoOffer();
    const answer = answerCryptoOffer(offer.map(formatCryptoLine));
    assert.ok(answer.ok);
    const ours = offer.find((o) => o.tag === answer.answer.tag);
    assert.ok(ours);
    const srtp = {
      // A offered: it sends with its offered key and receives with the answer's.
      a: { send: formatCryptoLine(ours), recv: answer.answerLine },
      b: { send: answer.answerLine, recv: formatCryptoLine(answer.offer) },
    };
    const { aPort, bPort } = await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0, srtp });
    // Watch one datagram on the wire: B's socket sees the SRTP, not the µ-law.
    const wire: Uint8Array[] = [];
    b.sockets.byPort(bPort).onMessage((d) => wire.push(Uint8Array.from(d)));
    await pump(clock, AUDIO_MS);
    assertHears(a, 440, 1000);
    assertHears(b, 1000, 440);
    const [sb] = b.engine.stats('call');
    assert.ok(sb?.srtp);
    assert.equal(sb.dropped.srtpAuth, 0);
    const sample = wire[10];
    assert.ok(sample);
    // PCMU payload 160 octets + 12 header + 10 octets of HMAC-SHA1-80 tag (RFC 3711 §4.2).
    assert.equal(sample.length, 12 + 160 + 10);
    // From A's own socket (the right source): a copy of the latest packet given a
    // sequence number not yet seen passes the replay check and fails authentication;
    // an exact copy of an old one is a replay (RFC 3711 §3.3.2). Both are dropped.
    const latest = wire.at(-1);
    assert.ok(latest);
    const tampered = latest.slice();
    const view = new DataView(tampered.buffer);
    view.setUint16(2, (view.getUint16(2) + 50) & 0xffff);
    const aSocket = a.sockets.byPort(aPort);
    aSocket.send(tampered, { address: '127.0.0.1', port: bPort });
    aSocket.send(sample, { address: '127.0.0.1', port: bPort });
    await pump(clock, 400);
    const [after] = b.engine.stats('call');
    assert.equal(after?.dropped.srtpAuth, 1);
    assert.equal(after?.dropped.srtpReplay, 1);
    assert.ok(b.logLines.some((l) => /SRTP packet from 127\.0\.0\.1:\d+ dropped: auth/.test(l)), b.logLines.join('\n'));
    assertHears(b, 1000, 440);
    await shutdownAll([a, b]);
  });

  it('RTCP: reports flow both ways and give A a round-trip time', async () => {
    const clock = new VirtualClock();
    // Different draws, so A reports first (SR) and B's later report carries LSR/DLSR about it.
    const a = await createParty(clock, 'a', 'tone:1000', { rtcpRandom: () => 0.1 });
    const b = await createParty(clock, 'b', 'tone:440', { rtcpRandom: () => 0.9 });
    open.push(a, b);
    await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0 });
    await pump(clock, 3600);
    const [sa] = a.engine.stats('call');
    const [sb] = b.engine.stats('call');
    assert.ok(sa && sb);
    assert.ok(sa.rtcpSent >= 1 && sb.rtcpSent >= 1, `RTCP sent A ${sa.rtcpSent}, B ${sb.rtcpSent}`);
    assert.ok(sa.rtcpReceived >= 1);
    // Loopback on a virtual clock: a report sent at any moment of a 20 ms step is
    // received at the step's end, so each way takes 0 … 20 ms of virtual time.
    assert.ok(sa.rttMs !== undefined && sa.rttMs >= 0 && sa.rttMs <= 2 * PERIOD_MS + 1, `RTT ${sa.rttMs}`);
    assert.ok(sa.remoteReport);
    assert.equal(sa.remoteReport.cumulativeLost, 0);
    await shutdownAll([a, b]);
  });

  it('closing a stream sends RTCP BYE, which the peer reports', async () => {
    const { clock, a, b } = await pair();
    await connect(a, b, 'call', { codec: 'PCMA', payloadType: 8 });
    await pump(clock, 200);
    await a.engine.closeStream('call');
    await pump(clock, 40);
    assert.deepEqual(
      b.events.filter((e) => e.type === 'remote-bye').map((e) => e.streamId),
      ['call'],
    );
    assert.throws(() => a.engine.stats('call'), /no stream call/);
    await shutdownAll([a, b]);
  });
});
