import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeTelephoneEvent,
  dtmfEventCode,
  dtmfKey,
  encodeTelephoneEvent,
} from '../../firmware/media/codecs/telephone-event/payload.js';
import { telephoneEventPackets, type TelephoneEventPacket } from '../../firmware/media/codecs/telephone-event/sender.js';
import { TelephoneEventReceiver, type TelephoneEventNotice } from '../../firmware/media/codecs/telephone-event/receiver.js';
import { telephoneEvent } from '../../firmware/media/codecs/telephone-event/telephone-event-codec.js';

/** The packets as a compact table: [ms, M, timestamp, E, duration]. */
function table(packets: Iterable<TelephoneEventPacket>): [number, boolean, number, boolean, number][] {
  return [...packets].map((p) => [p.atMs, p.marker, p.timestamp, p.fields.end, p.fields.duration]);
}

/** Plays packets into a receiver at their send times; returns every notice, polling as time passes. */
function play(rx: TelephoneEventReceiver, packets: readonly TelephoneEventPacket[], offsetMs = 0): TelephoneEventNotice[] {
  const out: TelephoneEventNotice[] = [];
  for (const p of packets) {
    out.push(...rx.poll(offsetMs + p.atMs));
    out.push(...rx.receive(p, offsetMs + p.atMs));
  }
  return out;
}

describe('telephone-event payload (RFC 4733 §2.3)', () => {
  it('packs event, E bit, volume and duration into four octets', () => {
    const bytes = encodeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 1600 });
    assert.deepEqual(bytes, Uint8Array.of(0x05, 0x8a, 0x06, 0x40));
    assert.deepEqual(decodeTelephoneEvent(bytes), { event: 5, end: true, volume: 10, duration: 1600 });
    // The R bit is ignored on receipt.
    assert.equal(decodeTelephoneEvent(Uint8Array.of(11, 0x40 | 7, 0, 160)).end, false);
    assert.throws(() => decodeTelephoneEvent(Uint8Array.of(1, 2, 3)), RangeError);
    assert.throws(() => encodeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 }), RangeError);
    assert.throws(() => encodeTelephoneEvent({ event: 1, end: false, volume: 10, duration: 0x10000 }), RangeError);
  });

  it('maps the DTMF keys to event codes 0–15 (§3.2 Table 3)', () => {
    assert.deepEqual([...'0123456789*#ABCD'].map(dtmfEventCode), [...Array(16).keys()]);
    assert.equal(dtmfEventCode('d'), 15);
    assert.equal(dtmfEventCode('E'), undefined);
    assert.equal(dtmfKey(11), '#');
    assert.equal(dtmfKey(16), undefined);
  });
});

describe('telephone-event sender (RFC 4733 §2.5.1)', () => {
  it('sends a 200 ms digit as M-marked start, 50 ms updates and three end packets', () => {
    const packets = telephoneEventPackets({ event: 9, durationMs: 200, timestamp: 48000 });
    assert.deepEqual(table(packets), [
      [50, true, 48000, false, 400],
      [100, false, 48000, false, 800],
      [150, false, 48000, false, 1200],
      [200, false, 48000, true, 1600],
      [250, false, 48000, true, 1600],
      [300, false, 48000, true, 1600],
    ]);
  });

  it('marks the end packet as the start when the event is shorter than one update', () => {
    assert.deepEqual(table(telephoneEventPackets({ event: 1, durationMs: 40, timestamp: 0, intervalMs: 20 })), [
      [20, true, 0, false, 160],
      [40, false, 0, true, 320],
      [60, false, 0, true, 320],
      [80, false, 0, true, 320],
    ]);
    assert.deepEqual(table(telephoneEventPackets({ event: 1, durationMs: 30, timestamp: 0 })), [
      [30, true, 0, true, 240],
      [80, false, 0, true, 240],
      [130, false, 0, true, 240],
    ]);
  });

  it('counts duration in the format clock: 48 kHz for telephone-event/48000', () => {
    const desc = telephoneEvent(48000);
    const last = [...desc.packets({ event: 3, durationMs: 100, timestamp: 7 })].at(-1);
    assert.equal(last?.fields.duration, 4800);
  });

  it('cuts an event longer than 0xFFFF units into segments (§2.5.1.3), each final packet sent three times', () => {
    const start = 0xffffff00; // and the timestamp wraps in the second segment
    const packets = [...telephoneEventPackets({ event: 0, durationMs: 9000, timestamp: start, intervalMs: 1000 })];
    const markers = packets.filter((p) => p.marker);
    assert.equal(markers.length, 1, 'only the first packet of the event has M');
    const segmentEnds = packets.filter((p) => p.fields.duration === 0xffff);
    assert.equal(segmentEnds.length, 3);
    assert.ok(segmentEnds.every((p) => p.timestamp === start && !p.fields.end));
    const ends = packets.filter((p) => p.fields.end);
    assert.equal(ends.length, 3);
    assert.ok(ends.every((p) => p.timestamp === ((start + 0xffff) >>> 0) && p.fields.duration === 72000 - 0xffff));
    for (let i = 1; i < packets.length; i++) assert.ok((packets[i]?.atMs ?? 0) >= (packets[i - 1]?.atMs ?? 0), 'in time order');
  });

  it('refuses nonsense', () => {
    assert.throws(() => [...telephoneEventPackets({ event: 1, durationMs: 0, timestamp: 0 })], RangeError);
    assert.throws(() => [...telephoneEventPackets({ event: 1, durationMs: 100, timestamp: 0, intervalMs: 0 })], RangeError);
  });
});

describe('telephone-event receiver (RFC 4733 §2.5.2)', () => {
  const digit = (event: number, timestamp: number, durationMs = 200): TelephoneEventPacket[] => [
    ...telephoneEventPackets({ event, durationMs, timestamp }),
  ];

  it('reports a digit once at its start and once at its end, dropping the retransmissions', () => {
    const rx = new TelephoneEventReceiver();
    const notices = play(rx, digit(5, 1000));
    assert.deepEqual(notices, [
      { type: 'start', event: 5, key: '5', timestamp: 1000, volume: 10 },
      { type: 'end', event: 5, key: '5', timestamp: 1000, duration: 1600, durationMs: 200, reason: 'end-bit' },
    ]);
    assert.deepEqual(rx.stats, { events: 1, duplicatesDropped: 2 });
    assert.deepEqual(rx.poll(10_000), [], 'an ended event does not time out again');
  });

  it('starts an event whose first packets were lost (no M bit needed)', () => {
    const rx = new TelephoneEventReceiver();
    const notices = play(rx, digit(7, 0).slice(2));
    assert.deepEqual(
      notices.map((n) => n.type),
      ['start', 'end'],
    );
  });

  it('reports start and end from end packets alone', () => {
    const rx = new TelephoneEventReceiver();
    const notices = play(rx, digit(12, 0).slice(4));
    assert.deepEqual(notices.map((n) => [n.type, n.key]), [
      ['start', 'A'],
      ['end', 'A'],
    ]);
  });

  it('ends an event whose end packets were all lost, after the timeout', () => {
    const rx = new TelephoneEventReceiver({ timeoutMs: 250 });
    const packets = digit(3, 0).filter((p) => !p.fields.end);
    assert.deepEqual(play(rx, packets).map((n) => n.type), ['start']);
    assert.deepEqual(rx.poll(150 + 249), [], 'not yet');
    assert.deepEqual(rx.poll(150 + 250), [
      { type: 'end', event: 3, key: '3', timestamp: 0, duration: 1200, durationMs: 150, reason: 'timeout' },
    ]);
    assert.deepEqual(rx.poll(2000), [], 'only once');
  });

  it('ends a digit whose end packets were lost when the next digit starts', () => {
    const rx = new TelephoneEventReceiver();
    const first = digit(1, 0).filter((p) => !p.fields.end);
    const second = digit(2, 2400);
    const notices = [...play(rx, first), ...play(rx, second, 200)];
    assert.deepEqual(
      notices.map((n) => [n.type, n.key, n.type === 'end' ? n.reason : '']),
      [
        ['start', '1', ''],
        ['end', '1', 'superseded'],
        ['start', '2', ''],
        ['end', '2', 'end-bit'],
      ],
    );
  });

  it('tells two presses of the same key apart by timestamp', () => {
    const rx = new TelephoneEventReceiver();
    const notices = [...play(rx, digit(5, 0)), ...play(rx, digit(5, 3200), 400)];
    assert.equal(notices.filter((n) => n.type === 'start').length, 2);
    assert.equal(notices.filter((n) => n.type === 'end').length, 2);
  });

  it('ignores late packets of an earlier event and reordered updates', () => {
    const rx = new TelephoneEventReceiver();
    const a = digit(4, 0);
    const b = digit(6, 2400);
    const notices: TelephoneEventNotice[] = [];
    notices.push(...rx.receive(a[0], 50));
    notices.push(...rx.receive(a[3], 200));
    notices.push(...rx.receive(a[1], 210)); // update arriving after the end
    notices.push(...rx.receive(b[0], 350));
    notices.push(...rx.receive(a[4], 360)); // old event's retransmitted end
    notices.push(...rx.receive(b[2], 450));
    notices.push(...rx.receive(b[1], 460)); // reordered: shorter duration
    notices.push(...rx.receive(b[3], 500));
    assert.deepEqual(notices.map((n) => [n.type, n.key]), [
      ['start', '4'],
      ['end', '4'],
      ['start', '6'],
      ['end', '6'],
    ]);
    const end6 = notices.at(-1);
    assert.equal(end6?.type === 'end' ? end6.duration : -1, 1600);
  });

  it('follows a long event across segments as one event (§2.5.1.3)', () => {
    const rx = new TelephoneEventReceiver({ timeoutMs: 5000 });
    const packets = [...telephoneEventPackets({ event: 0, durationMs: 9000, timestamp: 0xffffff00, intervalMs: 1000 })];
    const notices = play(rx, packets);
    assert.deepEqual(notices.map((n) => n.type), ['start', 'end']);
    const end = notices[1];
    assert.equal(end?.type === 'end' ? end.duration : -1, 72000);
    assert.equal(end?.type === 'end' ? end.timestamp : -1, 0xffffff00);
  });
});
