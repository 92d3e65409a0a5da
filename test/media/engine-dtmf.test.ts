import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { decodeTelephoneEvent } from '../../firmware/media/codecs/telephone-event/payload.js';
import type { RtpPacket } from '../../firmware/media/rtp/rtp-packet.js';
import { DtmfDetector } from '../../firmware/media/tones/dtmf-inband.js';
import { connect, countToneFrames, createParty, FORMAT, pump, shutdownAll, watchRtp, type Party } from './engine-harness.js';

const TE = 101;
const parties: Party[] = [];
after(() => shutdownAll(parties));

async function call(): Promise<{ clock: VirtualClock; a: Party; b: Party; wire: RtpPacket[] }> {
  const clock = new VirtualClock();
  const a = await createParty(clock, 'a', 'tone:1000');
  const b = await createParty(clock, 'b', 'silence');
  parties.push(a, b);
  const { bPort } = await connect(a, b, 'call', { codec: 'PCMU', payloadType: 0, telephoneEvent: TE });
  const wire = watchRtp(b, bPort);
  await pump(clock, 300);
  return { clock, a, b, wire };
}

describe('media engine: DTMF', () => {
  it('RFC 4733: each digit A sends is reported once by B, in order', async () => {
    const { clock, a, b, wire } = await call();
    a.engine.sendDtmf('call', '15#', 'rfc4733', 100);
    await pump(clock, 1200);
    const digits = b.events.flatMap((e) => (e.type === 'dtmf-received' ? [e] : []));
    assert.deepEqual(
      digits.map((d) => d.digit),
      ['1', '5', '#'],
    );
    for (const d of digits) assert.equal(d.durationMs, 100);
    const [sa] = a.engine.stats('call');
    const [sb] = b.engine.stats('call');
    assert.equal(sa?.dtmfSent, 3);
    assert.equal(sb?.dtmfReceived, 3);

    // On the wire (RFC 4733 §2.5.1): per event, updates every packet time with the
    // M bit on the first only, the end packet three times, all with the event's timestamp.
    const events = wire.filter((p) => p.payloadType === TE);
    assert.equal(events.length, 3 * 7);
    const byTimestamp = new Map<number, RtpPacket[]>();
    for (const p of events) byTimestamp.set(p.timestamp, [...(byTimestamp.get(p.timestamp) ?? []), p]);
    assert.equal(byTimestamp.size, 3);
    for (const packets of byTimestamp.values()) {
      assert.deepEqual(
        packets.map((p) => p.marker),
        [true, false, false, false, false, false, false],
      );
      const fields = packets.map((p) => decodeTelephoneEvent(p.payload));
      assert.deepEqual(
        fields.map((f) => f.end),
        [false, false, false, false, true, true, true],
      );
      assert.equal(fields.at(-1)?.duration, 800);
    }
    // Audio stops while a digit is sent, and its timestamps run on underneath.
    const audioAfter = wire.filter((p) => p.payloadType === 0 && p.sequenceNumber > (events.at(-1)?.sequenceNumber ?? 0));
    const firstAudio = audioAfter[0];
    const lastEvent = events.at(-1);
    assert.ok(firstAudio && lastEvent);
    assert.equal(firstAudio.marker, true);
    assert.equal((firstAudio.timestamp - lastEvent.timestamp) >>> 0, 7 * 160);
  });

  it('in-band: A plays the digit into its audio and B can detect it', async () => {
    const { clock, a, b } = await call();
    const from = b.sink.periodCount;
    a.engine.sendDtmf('call', '7', 'inband', 100);
    await pump(clock, 600);
    const heard = b.sink.samples(from);
    const detector = new DtmfDetector({ sampleRate: FORMAT.sampleRate });
    assert.deepEqual(detector.process(heard), ['7']);
    // The microphone comes back after the digit.
    assert.ok(countToneFrames(b.sink.samples(from + 15), 1000, { skipMs: 0 }).fraction >= 0.99);
  });

  it('refuses RFC 4733 without telephone-event, keys that are not DTMF, and digits on hold', async () => {
    const clock = new VirtualClock();
    const a = await createParty(clock, 'a', 'silence');
    const b = await createParty(clock, 'b', 'silence');
    parties.push(a, b);
    await connect(a, b, 'plain', { codec: 'PCMA', payloadType: 8 });
    assert.throws(() => a.engine.sendDtmf('plain', '1', 'rfc4733'), /no telephone-event/);
    assert.throws(() => a.engine.sendDtmf('plain', 'x', 'inband'), /not a DTMF digit/);
    a.engine.updateStream('plain', { direction: { send: false, recv: true } });
    assert.throws(() => a.engine.sendDtmf('plain', '1', 'inband'), /on hold/);
  });
});
