import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampCumulativeLost,
  fractionLost,
  ReceiverStats,
} from '../../firmware/media/rtp/receiver-stats.js';

const SSRC = 0x11223344;

/** Feeds sequence numbers with a 20 ms / 160-unit cadence, arrival = send time + 30 ms. */
function feed(stats: ReceiverStats, seqs: readonly number[]): void {
  for (const seq of seqs) stats.onPacket(seq, seq * 160, seq * 20 + 30);
}

describe('ReceiverStats: RFC 3550 A.3 loss', () => {
  it('counts a lost run and a reordered pair, and the fraction over the interval', () => {
    const stats = new ReceiverStats(SSRC, 99, { clockRate: 8000 });
    // 99 is held in probation; 100 ends it and becomes base_seq.
    // 103–105 are lost; 107 and 108 arrive swapped.
    feed(stats, [99, 100, 101, 102, 106, 108, 107, 109, 110]);
    assert.equal(stats.expected, 110 - 100 + 1);
    assert.equal(stats.received, 8);
    assert.equal(stats.cumulativeLost, 3);

    const first = stats.makeReportBlock(1000);
    assert.equal(first.ssrc, SSRC);
    assert.equal(first.cumulativeLost, 3);
    // A.3: fraction = (lost_interval << 8) / expected_interval = 3·256/11, truncated.
    assert.equal(first.fractionLost, Math.floor((3 << 8) / 11));
    assert.equal(first.fractionLost, 69);
    assert.equal(first.extendedHighestSeq, 110);

    // Next interval: 113 lost but 114 duplicated — received_interval equals
    // expected_interval, so nothing is reported lost in this interval.
    feed(stats, [111, 112, 114, 114]);
    const second = stats.makeReportBlock(2000);
    assert.equal(second.fractionLost, 0);
    assert.equal(second.cumulativeLost, 3, 'the duplicate offsets the lost 113 in the cumulative count');
    assert.equal(second.extendedHighestSeq, 114);

    // An interval with nothing expected reports 0, not a division by zero.
    const third = stats.makeReportBlock(3000);
    assert.equal(third.fractionLost, 0);
  });

  it('reports the whole interval lost as 255/256 at most', () => {
    assert.equal(fractionLost(10, 0), 255);
    assert.equal(fractionLost(4, 3), 64);
    assert.equal(fractionLost(4, 6), 0, 'more received than expected (duplicates) is no loss');
    assert.equal(fractionLost(0, 0), 0);
  });

  it('clamps cumulative loss to 24 signed bits', () => {
    assert.equal(clampCumulativeLost(10_000_000), 0x7fffff);
    assert.equal(clampCumulativeLost(-9_000_000), -0x800000);
    assert.equal(clampCumulativeLost(-5), -5);
  });

  it('gives negative cumulative loss when duplicates outnumber losses', () => {
    const stats = new ReceiverStats(SSRC, 9, { clockRate: 8000 });
    feed(stats, [9, 10, 11, 11, 11, 12]);
    assert.equal(stats.expected, 3);
    assert.equal(stats.received, 5);
    assert.equal(stats.cumulativeLost, -2);
    assert.equal(stats.makeReportBlock(0).cumulativeLost, -2);
  });

  it('carries the wrap count in the extended highest sequence number', () => {
    const stats = new ReceiverStats(SSRC, 65533, { clockRate: 8000 });
    feed(stats, [65533, 65534, 65535, 0, 1]);
    assert.equal(stats.extendedHighestSeq, 0x10001);
    assert.equal(stats.cumulativeLost, 0);
  });

  it('starts the interval again after a sender restart', () => {
    const stats = new ReceiverStats(SSRC, 10, { clockRate: 8000 });
    feed(stats, [10, 11, 12, 13]);
    stats.makeReportBlock(0);
    // Jump + successor: A.1 re-syncs and init_seq() zeroes the priors.
    feed(stats, [20000, 20001, 20003]);
    assert.equal(stats.expected, 3);
    assert.equal(stats.received, 2);
    const block = stats.makeReportBlock(100);
    assert.equal(block.cumulativeLost, 1);
    assert.equal(block.fractionLost, Math.floor(256 / 3));
  });
});

describe('ReceiverStats: interarrival jitter (§6.4.1, A.8)', () => {
  it('stays 0 on a constant-delay stream, across a timestamp wrap', () => {
    const stats = new ReceiverStats(SSRC, 500, { clockRate: 8000 });
    const ts0 = 0xffffff00;
    for (let i = 0; i < 50; i++) {
      stats.onPacket(500 + i, (ts0 + i * 160) % 2 ** 32, 10_000 + i * 20 + 42);
    }
    assert.equal(stats.jitterExact, 0);
    assert.equal(stats.jitter, 0);
  });

  it('converges on an alternating ±10 ms stream as J(n) = |D|·(1 − (15/16)^(n−1))', () => {
    const clockRate = 8000;
    const stats = new ReceiverStats(SSRC, 0, { clockRate });
    // Sent every 20 ms; transit alternates 40 ms and 20 ms (a mean of 30 ± 10),
    // so every |D| is 20 ms = 160 units at the 8 kHz RTP clock.
    const dUnits = (20 / 1000) * clockRate;
    const arrival = (i: number): number => i * 20 + 30 + (i % 2 === 0 ? 10 : -10);
    // Packet 0 is held in probation; the first valid packet (1) only sets the transit.
    const expectAfter = (valid: number): number => dUnits * (1 - (15 / 16) ** (valid - 1));
    let i = 0;
    for (; i <= 10; i++) stats.onPacket(i, i * 160, arrival(i));
    assert.ok(Math.abs(stats.jitterExact - expectAfter(10)) < 1e-9, `${stats.jitterExact} vs ${expectAfter(10)}`);
    for (; i <= 300; i++) stats.onPacket(i, i * 160, arrival(i));
    assert.ok(Math.abs(stats.jitterExact - expectAfter(300)) < 1e-9);
    assert.ok(dUnits - stats.jitterExact < 1e-6, 'converged on |D|');
    assert.equal(stats.jitter, Math.floor(stats.jitterExact));
    assert.equal(stats.makeReportBlock(7000).jitter, stats.jitter);
  });

  it('measures jitter in the stream\'s RTP clock units (48 kHz: ±10 ms → 960)', () => {
    const stats = new ReceiverStats(SSRC, 0, { clockRate: 48000 });
    for (let i = 0; i <= 400; i++) stats.onPacket(i, i * 960, i * 20 + (i % 2 === 0 ? 10 : -10));
    assert.ok(Math.abs(stats.jitterExact - 960) < 1e-6);
  });
});

describe('ReceiverStats: LSR and DLSR', () => {
  it('reports 0 for both before any SR', () => {
    const stats = new ReceiverStats(SSRC, 1, { clockRate: 8000 });
    feed(stats, [1, 2]);
    const block = stats.makeReportBlock(500);
    assert.equal(block.lastSr, 0);
    assert.equal(block.delaySinceLastSr, 0);
  });

  it('takes the middle 32 bits of the SR\'s NTP time and the delay since in 1/65536 s', () => {
    const stats = new ReceiverStats(SSRC, 1, { clockRate: 8000 });
    feed(stats, [1, 2]);
    stats.onSenderReport({ seconds: 0xaabbccdd, fraction: 0x11223344 }, 1000);
    const block = stats.makeReportBlock(3500);
    assert.equal(block.lastSr, 0xccdd1122);
    assert.equal(block.delaySinceLastSr, 2.5 * 65536);
  });
});
