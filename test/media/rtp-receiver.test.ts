import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { RateLimitedLog } from '../../firmware/media/rate-limited-log.js';
import { serializeRtp } from '../../firmware/media/rtp/rtp-packet.js';
import type { RtpReceiverOptions, TransportAddress } from '../../firmware/media/rtp/rtp-receiver.js';
import { RtpReceiver } from '../../firmware/media/rtp/rtp-receiver.js';

const PEER: TransportAddress = { address: '192.0.2.20', port: 40000 };

function setup(overrides: Partial<RtpReceiverOptions> = {}) {
  const clock = new VirtualClock();
  const lines: string[] = [];
  const log = new RateLimitedLog(clock, { warn: (l) => lines.push(l) }, { maxLines: 3, intervalMs: 1000 });
  const receiver = new RtpReceiver({ clock, clockRate: 8000, remote: PEER, log, ...overrides });
  return { clock, lines, receiver };
}

function rtp(seq: number, ssrc = 0xabc, payloadType = 0): Uint8Array {
  return serializeRtp({ payloadType, sequenceNumber: seq & 0xffff, timestamp: (seq * 160) % 2 ** 32, ssrc, payload: new Uint8Array(160) });
}

/** Sum of every outcome: each datagram is counted exactly once. */
function accounted(receiver: RtpReceiver): number {
  const c = receiver.counters;
  return c.accepted + c.droppedBad + c.droppedSource + c.droppedPayloadType + c.duplicates + c.droppedSequence;
}

describe('RtpReceiver: symmetric RTP (RFC 4961)', () => {
  it('drops a packet from another port of the peer and counts it', () => {
    const { receiver, lines } = setup();
    receiver.receive(rtp(1), PEER);
    const ok = receiver.receive(rtp(2), PEER);
    assert.equal(ok.kind, 'accepted');
    const stray = receiver.receive(rtp(3), { address: '192.0.2.20', port: 40002 });
    assert.deepEqual(stray, { kind: 'dropped', reason: 'wrong-source' });
    assert.equal(receiver.counters.droppedSource, 1);
    assert.equal(receiver.counters.accepted, 1);
    assert.equal(receiver.stats?.received, 1, 'the stray packet did not touch the statistics');
    assert.match(lines.at(-1) ?? '', /192\.0\.2\.20:40002 dropped: expecting 192\.0\.2\.20:40000/);
  });

  it('drops a packet from another host on the right port', () => {
    const { receiver } = setup();
    assert.equal(receiver.receive(rtp(1), { address: '198.51.100.9', port: 40000 }).kind, 'dropped');
    assert.equal(receiver.counters.droppedSource, 1);
  });

  it('takes an IPv4-mapped IPv6 source as the same address', () => {
    const { receiver } = setup();
    receiver.receive(rtp(1), { address: '::ffff:192.0.2.20', port: 40000 });
    assert.equal(receiver.receive(rtp(2), { address: '::FFFF:192.0.2.20', port: 40000 }).kind, 'accepted');
    assert.equal(receiver.counters.droppedSource, 0);
  });

  it('follows a new remote after a re-INVITE', () => {
    const { receiver } = setup();
    const moved = { address: '192.0.2.30', port: 50000 };
    receiver.setRemote(moved);
    assert.equal(receiver.receive(rtp(1), PEER).kind, 'dropped');
    receiver.receive(rtp(2), moved);
    assert.equal(receiver.receive(rtp(3), moved).kind, 'accepted');
  });
});

describe('RtpReceiver: latching for NAT', () => {
  it('adopts the first source, then locks it against all others, the SDP address included', () => {
    const { receiver, lines } = setup({ latching: true, remote: { address: '10.0.0.5', port: 4000 } });
    const mapped = { address: '203.0.113.7', port: 61000 };
    assert.equal(receiver.acceptedSource, undefined);
    receiver.receive(rtp(1), mapped);
    assert.deepEqual(receiver.acceptedSource, mapped);
    assert.match(lines[0] ?? '', /latched to 203\.0\.113\.7:61000/);
    assert.equal(receiver.receive(rtp(2), mapped).kind, 'accepted');
    assert.equal(receiver.receive(rtp(3), { address: '10.0.0.5', port: 4000 }).kind, 'dropped');
    assert.equal(receiver.counters.droppedSource, 1);
  });

  it('does not latch onto garbage', () => {
    const { receiver } = setup({ latching: true });
    receiver.receive(Uint8Array.from([1, 2, 3]), { address: '198.51.100.1', port: 9 });
    assert.equal(receiver.acceptedSource, undefined);
    receiver.receive(rtp(1), PEER);
    assert.deepEqual(receiver.acceptedSource, PEER);
  });
});

describe('RtpReceiver: sources, sequence and counting', () => {
  it('switches to a new SSRC once it passes probation, restarting the statistics', () => {
    const { receiver, lines } = setup();
    for (let s = 1; s <= 4; s++) receiver.receive(rtp(s, 0xaaaa), PEER);
    assert.equal(receiver.stats?.received, 3);
    assert.deepEqual(receiver.receive(rtp(9000, 0xbbbb), PEER), { kind: 'dropped', reason: 'probation' });
    assert.equal(receiver.counters.ssrcChanges, 0, 'one packet does not make a new source');
    assert.equal(receiver.stats?.ssrc, 0xaaaa);
    const first = receiver.receive(rtp(9001, 0xbbbb), PEER);
    assert.equal(first.kind === 'accepted' && first.newSource, true);
    assert.equal(receiver.counters.ssrcChanges, 1);
    assert.equal(receiver.stats?.ssrc, 0xbbbb);
    assert.match(lines.at(-1) ?? '', /SSRC changed from 0x0000aaaa to 0x0000bbbb/);
    const next = receiver.receive(rtp(9002, 0xbbbb), PEER);
    assert.equal(next.kind === 'accepted' && next.newSource, false);
    assert.equal(receiver.stats?.received, 2);
    assert.equal(receiver.stats?.cumulativeLost, 0);
  });

  it('keeps the current source\'s statistics through a stray packet with another SSRC', () => {
    const { receiver } = setup();
    for (let s = 1; s <= 4; s++) receiver.receive(rtp(s, 0xaaaa), PEER);
    receiver.receive(rtp(777, 0xcccc), PEER);
    for (let s = 5; s <= 6; s++) assert.equal(receiver.receive(rtp(s, 0xaaaa), PEER).kind, 'accepted');
    assert.equal(receiver.stats?.ssrc, 0xaaaa);
    assert.equal(receiver.stats?.received, 5);
    assert.equal(receiver.counters.ssrcChanges, 0);
  });

  it('counts a duplicate and does not deliver it twice', () => {
    const { receiver } = setup();
    receiver.receive(rtp(10), PEER);
    receiver.receive(rtp(11), PEER);
    receiver.receive(rtp(12), PEER);
    assert.deepEqual(receiver.receive(rtp(11), PEER), { kind: 'dropped', reason: 'duplicate' });
    assert.deepEqual(receiver.receive(rtp(12), PEER), { kind: 'dropped', reason: 'duplicate' });
    assert.equal(receiver.counters.duplicates, 2);
    // A.1 still counts duplicates as received, so they offset losses in A.3.
    assert.equal(receiver.stats?.received, 4);
  });

  it('delivers a reordered packet once, with its extended sequence number across the wrap', () => {
    const { receiver } = setup();
    receiver.receive(rtp(65534), PEER);
    receiver.receive(rtp(65535), PEER);
    const after = receiver.receive(rtp(1), PEER);
    const late = receiver.receive(rtp(0), PEER);
    assert.equal(after.kind === 'accepted' && after.extendedSeq, 65537);
    assert.equal(late.kind === 'accepted' && late.extendedSeq, 65536);
    assert.equal(receiver.receive(rtp(0), PEER).kind, 'dropped');
  });

  it('holds an unconfirmed sequence jump and counts it', () => {
    const { receiver, lines } = setup();
    receiver.receive(rtp(100), PEER);
    receiver.receive(rtp(101), PEER);
    assert.deepEqual(receiver.receive(rtp(30000), PEER), { kind: 'dropped', reason: 'sequence-jump' });
    assert.equal(receiver.counters.droppedSequence, 2, 'probation packet + jump');
    assert.match(lines.at(-1) ?? '', /jumped to 30000/);
    assert.equal(receiver.receive(rtp(30001), PEER).kind, 'accepted', 'its successor confirms a restart');
  });

  it('drops a payload type that was not negotiated', () => {
    const { receiver } = setup({ payloadTypes: new Set([9, 101]) });
    assert.deepEqual(receiver.receive(rtp(1, 1, 0), PEER), { kind: 'dropped', reason: 'unknown-payload-type' });
    assert.equal(receiver.counters.droppedPayloadType, 1);
  });

  it('drops and logs bad packets, rate-limited, with the count held back', () => {
    const { receiver, lines, clock } = setup();
    for (let i = 0; i < 20; i++) {
      const out = receiver.receive(Uint8Array.from([0x80, 0, 0, 1, 2]), PEER);
      assert.equal(out.kind === 'dropped' && out.reason, 'bad-packet');
    }
    assert.equal(receiver.counters.droppedBad, 20);
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /truncated/);
    clock.advance(1000);
    receiver.receive(Uint8Array.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), PEER);
    assert.equal(lines.length, 4);
    assert.match(lines[3] ?? '', /version 1.*\(\+17 suppressed\)/);
  });

  it('accounts for every datagram exactly once', () => {
    const { receiver } = setup({ payloadTypes: new Set([0]) });
    const other = { address: PEER.address, port: 1 };
    const inputs: [Uint8Array, TransportAddress][] = [
      [rtp(1), PEER],
      [rtp(2), PEER],
      [rtp(2), PEER],
      [rtp(3), other],
      [new Uint8Array(5), PEER],
      [rtp(4, 0xabc, 8), PEER],
      [rtp(40000), PEER],
      [rtp(5), PEER],
    ];
    for (const [bytes, from] of inputs) receiver.receive(bytes, from);
    assert.equal(receiver.counters.received, inputs.length);
    assert.equal(accounted(receiver), inputs.length);
  });
});

describe('RtpReceiver: report blocks', () => {
  it('has no report block before a source is valid, then carries LSR/DLSR from the peer\'s SR', () => {
    const { receiver, clock } = setup();
    receiver.receive(rtp(1), PEER);
    assert.equal(receiver.makeReportBlock(), undefined);
    receiver.receive(rtp(2), PEER);
    receiver.onSenderReport({
      type: 'sr',
      ssrc: 0xabc,
      senderInfo: { ntp: { seconds: 0x0000b705, fraction: 0x20000000 }, rtpTimestamp: 0, packetCount: 2, octetCount: 320 },
      reports: [],
    });
    clock.advance(5250);
    const block = receiver.makeReportBlock();
    assert.equal(block?.ssrc, 0xabc);
    assert.equal(block?.lastSr, 0xb7052000);
    assert.equal(block?.delaySinceLastSr, 0x00054000);
  });

  it('ignores an SR from another SSRC', () => {
    const { receiver } = setup();
    receiver.receive(rtp(1), PEER);
    receiver.receive(rtp(2), PEER);
    receiver.onSenderReport({
      type: 'sr',
      ssrc: 0xdef,
      senderInfo: { ntp: { seconds: 1, fraction: 0 }, rtpTimestamp: 0, packetCount: 0, octetCount: 0 },
      reports: [],
    });
    assert.equal(receiver.makeReportBlock()?.lastSr, 0);
  });
});
