import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { bindRtpPortPair, type RtpPortPair } from '../../firmware/media/engine/media-socket.js';
import type { StreamChange } from '../../firmware/media/engine/stream-config.js';
import type { RtpPacket } from '../../firmware/media/rtp/rtp-packet.js';
import { answerCryptoOffer, formatCryptoLine, generateCryptoOffer } from '../../firmware/media/srtp/sdes.js';
import { connect, countToneFrames, createTwoPhones, pump, shutdownAll, watchRtp, type Party } from './engine-harness.js';

/**
 * A stream that opens before the answer and changes in place: two in-process
 * engines on one VirtualClock over real UDP on 127.0.0.1 (engine-harness.ts).
 * A's microphone hears 1000 Hz, B's 440 Hz.
 */
const parties: Party[] = [];
const pairs: RtpPortPair[] = [];
after(async () => {
  await shutdownAll(parties);
  await Promise.all(pairs.flatMap((p) => [p.rtp.close(), p.rtcp.close()]));
});

const twoPhones = (): ReturnType<typeof createTwoPhones> => createTwoPhones(parties);

/** A call in PCMU with B's RTP socket watched: every RTP packet A sends, as B's socket gets it. */
async function pcmuCall(options: { srtp?: SrtpKeys } = {}): Promise<{ clock: VirtualClock; a: Party; b: Party; wire: RtpPacket[] }> {
  const { clock, a, b } = await twoPhones();
  const { bPort } = await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ...(options.srtp ? { srtp: options.srtp } : {}) });
  const wire = watchRtp(b, bPort);
  await pump(clock, 600);
  return { clock, a, b, wire };
}

/** Fraction of 20 ms frames from period `from` on (after the jitter buffer's start) in which `hz` is heard. */
function heard(party: Party, hz: number, from: number, skipMs = 200): number {
  const count = countToneFrames(party.sink.samples(from), hz, { skipMs });
  assert.ok(count.frames >= 20, `${count.frames} frames analysed`);
  return count.fraction;
}

interface SrtpKeys {
  readonly a: { send: string; recv: string };
  readonly b: { send: string; recv: string };
}

/** Keys as an SDES offer from A and B's answer give them (RFC 4568). */
function sdesKeys(): SrtpKeys {
  const offer = generateCryptoOffer();
  const answer = answerCryptoOffer(offer.map(formatCryptoLine));
  assert.ok(answer.ok);
  const ours = offer.find((o) => o.tag === answer.answer.tag);
  assert.ok(ours);
  return {
    a: { send: formatCryptoLine(ours), recv: answer.answerLine },
    b: { send: answer.answerLine, recv: formatCryptoLine(answer.offer) },
  };
}

describe('media engine: a stream opened before the answer', () => {
  it('binds its port at once, sends and accepts nothing without a remote, then flows once one is set', async () => {
    const { clock, a, b } = await twoPhones();
    const { localPort: aPort } = await a.engine.openStream({
      id: 'call',
      local: { host: '127.0.0.1', port: 0 },
      codec: { name: 'G722', payloadType: 9 },
      direction: { send: true, recv: true },
    });
    assert.equal(aPort % 2, 0, 'RTP on an even port (RFC 3550 §11)');
    // The pair is really bound: nobody else can take the port or the RTCP port above it.
    await assert.rejects(dgramSocketFactory.bind('127.0.0.1', aPort));
    await assert.rejects(dgramSocketFactory.bind('127.0.0.1', aPort + 1));

    // A watcher on the port A will later be told about: nothing reaches it meanwhile.
    const far = await bindRtpPortPair(dgramSocketFactory, '127.0.0.1', 0);
    pairs.push(far);
    let farRtp = 0;
    let farRtcp = 0;
    far.rtp.onMessage(() => farRtp++);
    far.rtcp.onMessage(() => farRtcp++);
    // B already knows A (it answered A's offer) and sends; A has no remote to accept it from.
    await b.engine.openStream({
      id: 'call',
      local: { host: '127.0.0.1', port: 0 },
      remote: { host: '127.0.0.1', port: aPort },
      codec: { name: 'G722', payloadType: 9 },
      direction: { send: true, recv: true },
    });
    // Longer than RTCP's first interval (2.5 s minimum halved, RFC 3550 §6.3.2 / A.7).
    await pump(clock, 3000);
    const [early] = a.engine.stats('call');
    assert.ok(early);
    assert.equal(early.remote, undefined);
    assert.equal(early.packetsSent, 0);
    assert.equal(early.rtcpSent, 0);
    assert.equal(early.packetsReceived, 0);
    assert.ok(early.dropped.wrongSource >= 100, `${early.dropped.wrongSource} of B's packets dropped`);
    assert.equal(farRtp + farRtcp, 0);
    assert.equal(countToneFrames(a.sink.samples(), 440).withTone, 0, 'A plays nothing of what it may not accept');

    const bPort = b.engine.stats('call')[0]?.localPort;
    assert.ok(bPort);
    const from = a.sink.periodCount;
    a.engine.updateStream('call', { remote: { host: '127.0.0.1', port: bPort } });
    await pump(clock, 1500);
    assert.ok(heard(a, 440, from) >= 0.99, 'A hears B once it knows B');
    assert.ok(heard(b, 1000, from) >= 0.99, 'B hears A once A sends');
    const [later] = a.engine.stats('call');
    assert.deepEqual(later?.remote, { host: '127.0.0.1', port: bPort });
    assert.equal(later?.localPort, aPort, 'the port never changes');
    assert.equal(farRtp, 0);
  });

  it('c=0.0.0.0 (RFC 3264 §8.4) counts as no remote: nothing is sent', async () => {
    const { clock, a } = await twoPhones();
    await a.engine.openStream({
      id: 'call',
      local: { host: '127.0.0.1', port: 0 },
      remote: { host: '0.0.0.0', port: 40000 },
      codec: { name: 'PCMU', payloadType: 0 },
      direction: { send: true, recv: true },
    });
    await pump(clock, 400);
    const [s] = a.engine.stats('call');
    assert.equal(s?.packetsSent, 0);
    assert.equal(s?.remote, undefined);
    assert.throws(() => a.engine.sendDtmf('call', '1', 'inband'), /no remote/);
  });
});

describe('media engine: update-stream changes a running stream in place', () => {
  it('PCMU → G.722 mid-call: same SSRC and port, sequence and timestamp run on, the tone still heard both ways', async () => {
    const { clock, a, b, wire } = await pcmuCall();
    const portBefore = a.engine.stats('call')[0]?.localPort;
    const from = a.sink.periodCount;
    const g722: StreamChange = { codec: { name: 'G722', payloadType: 9 } };
    a.engine.updateStream('call', g722);
    b.engine.updateStream('call', g722);
    await pump(clock, 1500);

    const switchAt = wire.findIndex((p) => p.payloadType === 9);
    assert.ok(switchAt > 0, 'A sends G.722 after the update');
    const last = wire[switchAt - 1];
    const first = wire[switchAt];
    assert.ok(last && first);
    assert.equal(last.payloadType, 0);
    assert.equal(wire.slice(switchAt).every((p) => p.payloadType === 9), true, 'no PCMU after the switch');
    // RFC 3550 §5.1: one SSRC; the sequence goes on by one; the timestamp counts
    // the sampling instants (both formats have an 8000 Hz RTP clock, RFC 3551 §4.5.2).
    assert.equal(new Set(wire.map((p) => p.ssrc)).size, 1);
    assert.equal((first.sequenceNumber - last.sequenceNumber + 0x10000) % 0x10000, 1);
    assert.equal((first.timestamp - last.timestamp) >>> 0, 160);
    assert.equal(first.marker, true, 'the first packet of the new format restarts the peer playout');
    // B decodes the new payload type (G.722 is 16 kHz audio) and hears A's tone.
    assert.ok(heard(b, 1000, from) >= 0.95, `B heard 1000 Hz in ${heard(b, 1000, from)}`);
    assert.ok(heard(a, 440, from) >= 0.95, `A heard 440 Hz in ${heard(a, 440, from)}`);
    const [sa] = a.engine.stats('call');
    const [sb] = b.engine.stats('call');
    assert.equal(sa?.codec, 'G722');
    assert.equal(sa?.payloadType, 9);
    assert.equal(sa?.localPort, portBefore);
    // Nothing lost at the switch: both ends changed at the same instant.
    assert.equal(sb?.loss.cumulative, 0);
    assert.equal(sb?.dropped.unknownPayloadType, 0);
  });

  it('PCMU → Opus: the timestamp goes on from where the 8 kHz clock was, in 48 kHz units after', async () => {
    const { clock, a, b, wire } = await pcmuCall();
    const from = b.sink.periodCount;
    const opus: StreamChange = { codec: { name: 'opus', payloadType: 111 }, telephoneEvent: null };
    a.engine.updateStream('call', opus);
    b.engine.updateStream('call', opus);
    await pump(clock, 1500);
    const switchAt = wire.findIndex((p) => p.payloadType === 111);
    const last = wire[switchAt - 1];
    const [first, second] = wire.slice(switchAt);
    assert.ok(last && first && second);
    assert.equal((first.timestamp - last.timestamp) >>> 0, 160, 'the last PCMU frame lasted 160 units of 8 kHz');
    assert.equal((second.timestamp - first.timestamp) >>> 0, 960, 'a 20 ms Opus frame is 960 units of 48 kHz');
    assert.equal((first.sequenceNumber - last.sequenceNumber + 0x10000) % 0x10000, 1);
    assert.ok(heard(b, 1000, from) >= 0.95);
    assert.throws(() => a.engine.sendDtmf('call', '1', 'rfc4733'), /no telephone-event/, 'telephone-event: null removed it');
  });

  it('the answerer switches first: the old format is still decoded until the new one arrives (RFC 3264 §8.3.2)', async () => {
    const { clock, a, b } = await pcmuCall();
    const from = b.sink.periodCount;
    // B answered a re-offer and switched; A goes on in PCMU until the answer reaches it.
    b.engine.updateStream('call', { codec: { name: 'G722', payloadType: 9 } });
    await pump(clock, 600);
    const [midway] = b.engine.stats('call');
    assert.equal(midway?.dropped.unknownPayloadType, 0, "B still accepts A's PCMU");
    a.engine.updateStream('call', { codec: { name: 'G722', payloadType: 9 } });
    await pump(clock, 900);
    assert.ok(heard(b, 1000, from, 0) >= 0.95, `B heard A throughout: ${heard(b, 1000, from, 0)}`);
    const [after] = b.engine.stats('call');
    assert.equal(after?.dropped.unknownPayloadType, 0);
    assert.ok((after?.concealedMs ?? Infinity) <= 60, `${after?.concealedMs} ms concealed across the switch`);
  });

  it('a codec change with new SRTP keys on both sides: audio goes on, nothing fails authentication', async () => {
    const first = sdesKeys();
    const { clock, a, b, wire } = await pcmuCall({ srtp: first });
    const from = b.sink.periodCount;
    const second = sdesKeys();
    assert.notEqual(second.a.send, first.a.send);
    a.engine.updateStream('call', { codec: { name: 'G722', payloadType: 9 }, srtp: second.a });
    b.engine.updateStream('call', { codec: { name: 'G722', payloadType: 9 }, srtp: second.b });
    await pump(clock, 1500);
    assert.ok(heard(b, 1000, from) >= 0.95);
    assert.ok(heard(a, 440, from) >= 0.95);
    const [sb] = b.engine.stats('call');
    assert.ok(sb?.srtp);
    assert.equal(sb.dropped.srtpAuth + sb.dropped.srtpReplay + sb.dropped.srtpOther, 0);
    // Still SRTP on the wire: 12 header + 160 G.722 octets + 10 octets of HMAC-SHA1-80 tag.
    assert.equal(wire.at(-1)?.payloadType, 9);
    assert.equal(wire.at(-1)?.payload.length, 160 + 10);
  });

  it('keys changed on one side first: the old keys are honoured until a packet under the new ones arrives', async () => {
    const first = sdesKeys();
    const { clock, a, b } = await pcmuCall({ srtp: first });
    const second = sdesKeys();
    const from = b.sink.periodCount;
    // B takes A's new key from the re-offer and answers with its own new key; A applies the answer later.
    b.engine.updateStream('call', { srtp: { send: second.b.send, recv: second.a.send } });
    await pump(clock, 400);
    a.engine.updateStream('call', { srtp: { send: second.a.send, recv: second.b.send } });
    await pump(clock, 800);
    const [sa] = a.engine.stats('call');
    const [sb] = b.engine.stats('call');
    assert.equal(sb?.dropped.srtpAuth, 0, "B took A's packets under the old key meanwhile");
    assert.ok(heard(b, 1000, from, 0) >= 0.95);
    // A heard B's new-key packets only once it had the answer: ~400 ms failed authentication.
    assert.ok((sa?.dropped.srtpAuth ?? 0) >= 15, `A dropped ${sa?.dropped.srtpAuth}`);
    assert.ok(heard(a, 440, a.sink.periodCount - 30) >= 0.95, 'and hears B since');
  });

  it('an update repeating the stream as it is changes nothing (a re-offer, an early and a final answer)', async () => {
    const keys = sdesKeys();
    const { clock, a, b } = await pcmuCall({ srtp: keys });
    const bPort = b.engine.stats('call')[0]?.localPort;
    assert.ok(bPort);
    const from = b.sink.periodCount;
    for (let i = 0; i < 3; i++) {
      a.engine.updateStream('call', {
        remote: { host: '127.0.0.1', port: bPort },
        codec: { name: 'PCMU', payloadType: 0 },
        telephoneEvent: { payloadType: 101 },
        ptime: 20,
        direction: { send: true, recv: true },
        // The same key under another tag (sameSrtpKey, engine-update-parts.test.ts).
        srtp: { send: keys.a.send.replace(/^a=crypto:\d+ /, 'a=crypto:7 '), recv: keys.a.recv },
      });
      await pump(clock, 200);
    }
    const [sb] = b.engine.stats('call');
    assert.equal(sb?.dropped.srtpAuth, 0);
    assert.equal(sb?.concealedMs, 0, 'no jitter buffer reset, no gap');
    assert.ok(heard(b, 1000, from, 0) >= 0.99);
  });

  it('payload types that differ by direction (RFC 3264 §5.1): each end sends with the number the other receives on', async () => {
    const { clock, a, b } = await twoPhones();
    await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0 });
    const from = b.sink.periodCount;
    // A's description numbers Opus 96, B's 111: A sends with 111 and receives 96, B the other way round.
    a.engine.updateStream('call', { codec: { name: 'opus', payloadType: 111, receivePayloadType: 96 } });
    b.engine.updateStream('call', { codec: { name: 'opus', payloadType: 96, receivePayloadType: 111 } });
    await pump(clock, 1200);
    assert.ok(heard(b, 1000, from) >= 0.95);
    assert.ok(heard(a, 440, from) >= 0.95);
    assert.equal(a.engine.stats('call')[0]?.dropped.unknownPayloadType, 0);
  });

  it('an update the engine cannot make is refused with its reason and leaves the old codec working', async () => {
    const { clock, a, b, wire } = await pcmuCall();
    const before = a.engine.stats('call')[0];
    const refusals: [StreamChange, RegExp][] = [
      [{ codec: { name: 'AMR', payloadType: 96 } }, /codec AMR is not available/],
      [{ codec: { name: 'G722', payloadType: 9 }, ptime: 25 }, /does not take 25 ms packets/],
      [{ codec: { name: 'G722', payloadType: 200 } }, /payload type 200/],
      [{ codec: { name: 'G722', payloadType: 9 }, telephoneEvent: { payloadType: 9 } }, /share a payload type/],
      [{ codec: { name: 'G722', payloadType: 9 }, srtp: { send: 'a=crypto:garbage', recv: 'garbage' } }, /SRTP send key/],
      [{ codec: { name: 'G722', payloadType: 9 }, remote: { host: '127.0.0.1', port: 70000 } }, /remote RTP port 70000/],
    ];
    for (const [change, reason] of refusals) assert.throws(() => a.engine.updateStream('call', change), reason);
    const sentBefore = wire.length;
    const from = b.sink.periodCount;
    await pump(clock, 800);
    const after = a.engine.stats('call')[0];
    assert.equal(after?.codec, 'PCMU');
    assert.equal(after?.payloadType, 0);
    assert.deepEqual(after?.remote, before?.remote);
    assert.equal(after?.srtp, false);
    assert.ok(wire.length - sentBefore >= 39, 'A goes on sending');
    assert.equal(wire.slice(sentBefore).every((p) => p.payloadType === 0), true, 'in PCMU');
    assert.ok(heard(b, 1000, from, 0) >= 0.99, 'B never stopped hearing A');
    // The telephone-event the refused changes would have dropped or moved is still there.
    a.engine.sendDtmf('call', '5', 'rfc4733');
    await pump(clock, 400);
    assert.deepEqual(
      b.events.flatMap((e) => (e.type === 'dtmf-received' ? [e.digit] : [])),
      ['5'],
    );
  });
});
