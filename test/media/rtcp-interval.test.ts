import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import type { RtcpIntervalInput } from '../../firmware/media/rtp/rtcp-interval.js';
import {
  COMPENSATION,
  deterministicRtcpInterval,
  rtcpBandwidthOctets,
  rtcpInterval,
} from '../../firmware/media/rtp/rtcp-interval.js';
import { RtcpScheduler } from '../../firmware/media/rtp/rtcp-scheduler.js';

/** 64 kbit/s session: RTCP gets 5% = 3200 bit/s = 400 octets/s (§6.2). */
const BW = rtcpBandwidthOctets(64_000);

const twoParty: RtcpIntervalInput = {
  members: 2,
  senders: 1,
  rtcpBandwidth: BW,
  weSent: true,
  avgRtcpSize: 100,
  initial: false,
};

describe('rtcp_interval (§6.3.1, A.7)', () => {
  it('gives RTCP 5% of a 64 kbit/s session: 400 octets/s', () => {
    assert.equal(BW, 400);
  });

  it('uses e − 3/2 = 1.21828 as the compensation', () => {
    assert.ok(Math.abs(COMPENSATION - 1.21828) < 1e-12);
  });

  it('holds members=2, senders=1 to the 5 s minimum (2.5 s before the first report)', () => {
    // 100 octets × 2 members / 400 octets/s = 0.5 s, under the minimum.
    assert.equal(deterministicRtcpInterval(twoParty), 5);
    assert.equal(deterministicRtcpInterval({ ...twoParty, weSent: false }), 5);
    assert.equal(deterministicRtcpInterval({ ...twoParty, initial: true }), 2.5);
  });

  it('randomizes members=2, senders=1 over [0.5, 1.5) × 5 s / 1.21828', () => {
    const low = rtcpInterval(twoParty, () => 0);
    const mid = rtcpInterval(twoParty, () => 0.5);
    const high = rtcpInterval(twoParty, () => 0.999999);
    assert.ok(Math.abs(low - (5 * 0.5) / 1.21828) < 1e-9, `low ${low}`);
    assert.ok(Math.abs(mid - 5 / 1.21828) < 1e-9, `mid ${mid}`);
    assert.ok(high < (5 * 1.5) / 1.21828 && high > (5 * 1.4999) / 1.21828, `high ${high}`);
    assert.ok(low > 2.05 && high < 6.16);
    let seed = 7;
    const lcg = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 200; i++) {
      const t = rtcpInterval(twoParty, lcg);
      assert.ok(t >= low && t < (5 * 1.5) / 1.21828);
    }
  });

  it('scales with members × size / bandwidth above the minimum', () => {
    // 1200 octets × 2 / 400 = 6 s: senders (1) are more than a quarter of 2, no split.
    assert.equal(deterministicRtcpInterval({ ...twoParty, avgRtcpSize: 1200 }), 6);
  });

  it('gives senders 1/4 of the bandwidth when they are at most a quarter of the members', () => {
    const big = { ...twoParty, members: 8, senders: 1, avgRtcpSize: 1000 };
    // A sender shares 100 octets/s with the 1 sender: 1000 × 1 / 100 = 10 s.
    assert.equal(deterministicRtcpInterval({ ...big, weSent: true }), 10);
    // A receiver shares 300 octets/s with the 7 receivers: 1000 × 7 / 300.
    assert.ok(Math.abs(deterministicRtcpInterval({ ...big, weSent: false }) - 7000 / 300) < 1e-9);
  });
});

function scheduler(clock: VirtualClock, randoms: number[], sizes: number[] = [], initialAvgRtcpSize = 100) {
  const sendTimes: number[] = [];
  let r = 0;
  const s = new RtcpScheduler({
    clock,
    rtcpBandwidth: BW,
    initialAvgRtcpSize,
    random: () => randoms[Math.min(r++, randoms.length - 1)] ?? 0.5,
    weSent: () => false,
    sendReport: () => {
      sendTimes.push(clock.now());
      return sizes[sendTimes.length - 1] ?? 100;
    },
  });
  return { s, sendTimes };
}

describe('RtcpScheduler on a VirtualClock', () => {
  it('sends the first report after the initial interval, then every 5 s / 1.21828', () => {
    const clock = new VirtualClock();
    const { s, sendTimes } = scheduler(clock, [0.5]);
    s.setMembership(2, 1);
    s.start();
    const first = (2.5 / COMPENSATION) * 1000;
    clock.advance(first - 1);
    assert.equal(sendTimes.length, 0);
    clock.advance(1);
    assert.equal(sendTimes.length, 1);
    const every = (5 / COMPENSATION) * 1000;
    clock.advance(3 * every + 1);
    assert.equal(sendTimes.length, 4);
    for (let i = 1; i < sendTimes.length; i++) {
      assert.ok(Math.abs(sendTimes[i] - sendTimes[i - 1] - every) < 0.01, `gap ${i}`);
    }
    s.dispose();
    assert.equal(clock.pendingCount, 0);
  });

  it('reconsiders at expiry: a longer redrawn interval postpones the report (§6.3.6)', () => {
    const clock = new VirtualClock();
    // Drawn at start: 0 (shortest). Redrawn at expiry: 0.999 (longest) → wait.
    // Redrawn again at the new time: 0.999 → tp + T is now due → send.
    const { s, sendTimes } = scheduler(clock, [0, 0.999, 0.999, 0.5]);
    s.setMembership(2, 1);
    s.start();
    const shortest = ((2.5 * 0.5) / COMPENSATION) * 1000;
    const longest = ((2.5 * 1.499) / COMPENSATION) * 1000;
    clock.advance(shortest + 1);
    assert.equal(sendTimes.length, 0, 'not sent at the first expiry');
    assert.ok(Math.abs((s.nextDue ?? 0) - longest) < 0.01);
    clock.advance(longest - shortest);
    assert.equal(sendTimes.length, 1);
    assert.ok(Math.abs(sendTimes[0] - longest) < 0.01);
    s.dispose();
  });

  it('pulls the report in when members fall (reverse reconsideration, §6.3.4)', () => {
    const clock = new VirtualClock();
    const { s, sendTimes } = scheduler(clock, [0.5], [], 1000);
    // 10 receivers sharing 3/4 of 400 octets/s at 1000 octets: 33.3 s, far
    // above the minimum; with 2 members it would be 6.7 s, still above it.
    s.setMembership(10, 0);
    s.start();
    const t0 = ((1000 * 10) / 300 / COMPENSATION) * 1000;
    assert.ok(Math.abs((s.nextDue ?? 0) - t0) < 0.01);
    clock.advance(1000);
    s.setMembership(2, 0);
    // tn = tc + (members/pmembers)(tn − tc); tp moves back alike, so the
    // interval redrawn at expiry for 2 members lands on the same instant.
    const pulled = 1000 + (2 / 10) * (t0 - 1000);
    assert.ok(Math.abs((s.nextDue ?? 0) - pulled) < 0.01);
    clock.advance(pulled - 1000 - 1);
    assert.equal(sendTimes.length, 0);
    clock.advance(1.01);
    assert.equal(sendTimes.length, 1, `sent at ${pulled} ms instead of ${t0} ms`);
    s.dispose();
  });

  it('tracks the average compound size over sent and received packets (§6.3.3)', () => {
    const clock = new VirtualClock();
    const { s } = scheduler(clock, [0.5], [260]);
    s.start();
    clock.advance(3000);
    assert.equal(s.sent, 1);
    assert.equal(s.averageRtcpSize, 100 + (260 - 100) / 16);
    s.onRtcpReceived(420);
    assert.equal(s.averageRtcpSize, 110 + (420 - 110) / 16);
    s.dispose();
  });

  it('refuses a second start, stops on dispose and leaves no timer', () => {
    const clock = new VirtualClock();
    const { s, sendTimes } = scheduler(clock, [0.5]);
    s.start();
    assert.throws(() => s.start(), /illegal transition running → running/);
    s.dispose();
    assert.equal(s.state, 'disposed');
    assert.equal(clock.pendingCount, 0);
    clock.advance(60_000);
    assert.equal(sendTimes.length, 0);
    s.dispose();
  });
});
