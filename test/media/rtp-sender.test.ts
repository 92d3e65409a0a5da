import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { ntpFromEpochMs } from '../../firmware/media/rtp/ntp.js';
import type { RtpPacket } from '../../firmware/media/rtp/rtp-packet.js';
import { parseRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { RtpSender } from '../../firmware/media/rtp/rtp-sender.js';

function randoms(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

function read(bytes: Uint8Array): RtpPacket {
  const r = parseRtp(bytes);
  if (!r.ok) assert.fail(r.reason);
  return r.packet;
}

/** 20 ms of G.722 at 64 kbit/s: 160 octets. */
const G722_FRAME = new Uint8Array(160);
/** RFC 3551 §4.5.2: G.722's RTP clock is 8000 Hz though it samples at 16 kHz. */
const G722_RTP_UNITS_PER_20MS = 160;

describe('RtpSender: stamping (RFC 3550 §5.1)', () => {
  it('draws SSRC, initial sequence and initial timestamp from the random source', () => {
    const clock = new VirtualClock();
    const s = new RtpSender({ clock, payloadType: 9, clockRate: 8000, random32: randoms(0xcafebabe, 0x1234fffe, 0xfffffe00) });
    assert.equal(s.ssrc, 0xcafebabe);
    assert.equal(s.nextSequence, 0xfffe, 'the low 16 bits');
    assert.equal(s.nextTimestamp, 0xfffffe00);
  });

  it('advances the sequence by 1 and the timestamp by the caller\'s RTP units, wrapping both', () => {
    const clock = new VirtualClock();
    const s = new RtpSender({ clock, payloadType: 9, clockRate: 8000, ssrc: 7, initialSequence: 0xfffe, initialTimestamp: 0xfffffe00 });
    const packets = [0, 1, 2, 3].map(() => read(s.send(G722_FRAME, G722_RTP_UNITS_PER_20MS)));
    assert.deepEqual(packets.map((p) => p.sequenceNumber), [0xfffe, 0xffff, 0, 1]);
    assert.deepEqual(packets.map((p) => p.timestamp), [0xfffffe00, 0xfffffea0, 0xffffff40, 0xffffffe0]);
    assert.equal(s.nextTimestamp, 0x80);
    assert.ok(packets.every((p) => p.ssrc === 7 && p.payloadType === 9));
  });

  it('marks the first packet of a talkspurt only', () => {
    const clock = new VirtualClock();
    const s = new RtpSender({ clock, payloadType: 0, clockRate: 8000, ssrc: 1, initialSequence: 100, initialTimestamp: 0 });
    const a = read(s.send(new Uint8Array(160), 160));
    const b = read(s.send(new Uint8Array(160), 160));
    s.skip(160); // one suppressed (silent) frame
    s.skip(160);
    const c = read(s.send(new Uint8Array(160), 160));
    const d = read(s.send(new Uint8Array(160), 160));
    assert.deepEqual([a, b, c, d].map((p) => p.marker), [true, false, true, false]);
    assert.deepEqual([a, b, c, d].map((p) => p.sequenceNumber), [100, 101, 102, 103], 'no sequence gap for silence');
    assert.equal(c.timestamp - b.timestamp, 3 * 160, 'the timestamp covers the silence');
  });

  it('uses another payload type on the same stream when asked (telephone-event)', () => {
    const clock = new VirtualClock();
    const s = new RtpSender({ clock, payloadType: 9, clockRate: 8000, ssrc: 1, initialSequence: 1, initialTimestamp: 1 });
    s.send(G722_FRAME, 160);
    const dtmf = read(s.send(Uint8Array.from([5, 0x0a, 0, 160]), 0, { payloadType: 101, marker: true }));
    assert.equal(dtmf.payloadType, 101);
    assert.equal(dtmf.marker, true);
    assert.equal(dtmf.sequenceNumber, 2);
  });
});

describe('RtpSender: sender info for the SR (§6.4.1)', () => {
  it('counts packets and payload octets only', () => {
    const clock = new VirtualClock();
    const s = new RtpSender({ clock, payloadType: 9, clockRate: 8000, random32: randoms(1, 2, 3) });
    for (let i = 0; i < 5; i++) s.send(G722_FRAME, 160);
    s.send(new Uint8Array(33), 160);
    assert.equal(s.packetCount, 6);
    assert.equal(s.octetCount, 5 * 160 + 33);
  });

  it('pairs the wall-clock NTP time with the RTP timestamp of the same instant', () => {
    const clock = new VirtualClock(1000);
    const wall = { epochMs: () => 1_700_000_000_000 + clock.now() };
    const s = new RtpSender({ clock, payloadType: 9, clockRate: 8000, ssrc: 1, initialSequence: 0, initialTimestamp: 50_000 });
    s.send(G722_FRAME, 160); // stamped 50000 at clock 1000 ms
    clock.advance(20);
    s.send(G722_FRAME, 160); // stamped 50160 at clock 1020 ms
    clock.advance(35); // 1055 ms: 35 ms after the last packet's first sample
    const info = s.senderInfo(wall);
    assert.equal(info.rtpTimestamp, 50_160 + (35 * 8000) / 1000);
    assert.deepEqual(info.ntp, ntpFromEpochMs(1_700_000_000_000 + 1055));
    assert.equal(info.packetCount, 2);
    assert.equal(info.octetCount, 320);
  });

  it('resets the counts on an SSRC change (§8.2 collision)', () => {
    const clock = new VirtualClock();
    const s = new RtpSender({ clock, payloadType: 0, clockRate: 8000, random32: randoms(10, 20, 30, 40) });
    s.send(new Uint8Array(160), 160);
    const seq = s.nextSequence;
    assert.equal(s.changeSsrc(), 40);
    assert.equal(s.packetCount, 0);
    assert.equal(s.octetCount, 0);
    const p = read(s.send(new Uint8Array(160), 160));
    assert.equal(p.ssrc, 40);
    assert.equal(p.sequenceNumber, seq);
    assert.equal(p.marker, true);
  });

  it('draws different random SSRCs by default', () => {
    const clock = new VirtualClock();
    const ssrcs = new Set(Array.from({ length: 8 }, () => new RtpSender({ clock, payloadType: 0, clockRate: 8000 }).ssrc));
    assert.ok(ssrcs.size > 1);
    for (const v of ssrcs) assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32);
  });
});
