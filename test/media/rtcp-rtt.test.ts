import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WallClock } from '../../firmware/media/rtp/ntp.js';
import {
  ntpFromEpochMs,
  ntpMiddle32,
  ntpShortFromDurationMs,
  ntpShortFromEpochMs,
  NTP_UNIX_OFFSET_SECONDS,
} from '../../firmware/media/rtp/ntp.js';
import type { ReportBlock } from '../../firmware/media/rtp/rtcp-packet.js';
import { roundTripFromReportBlock, roundTripNtpShort, roundTripSeconds } from '../../firmware/media/rtp/rtt.js';

/** A wall clock pinned to a given NTP short time of day (16.16 seconds). */
function wallClockAtNtpShort(ntpShort: number, era = 0xe000): WallClock {
  const ntpSeconds = era * 65536 + ntpShort / 65536;
  return { epochMs: () => (ntpSeconds - NTP_UNIX_OFFSET_SECONDS) * 1000 };
}

describe('NTP timestamps (RFC 3550 §4)', () => {
  it('puts the Unix epoch at 2208988800 s since 1900', () => {
    assert.deepEqual(ntpFromEpochMs(0), { seconds: 2_208_988_800, fraction: 0 });
    assert.deepEqual(ntpFromEpochMs(1500), { seconds: 2_208_988_801, fraction: 0x80000000 });
  });

  it('takes the middle 32 bits for the short format', () => {
    assert.equal(ntpMiddle32({ seconds: 0x1234b710, fraction: 0x8000abcd }), 0xb7108000);
    const short = ntpShortFromEpochMs(1250);
    assert.equal(short & 0xffff, 0x4000, 'a quarter second in the low 16 bits');
  });

  it('writes durations in 1/65536 s', () => {
    assert.equal(ntpShortFromDurationMs(5250), 0x00054000);
    assert.equal(ntpShortFromDurationMs(-3), 0);
  });
});

describe('round-trip time (§6.4.1)', () => {
  // §6.4.1 Figure 2: "[10 Nov 1995 11:33:25.125 UTC] … LSR=0xb705:2000 (46853.125 s)
  // … DLSR=0x0005:4000 (5.250 s) … A=0xb710:8000 (46864.500 s) … delay=0x0006:2000 (6.125 s)".
  const A = 0xb7108000;
  const LSR = 0xb7052000;
  const DLSR = 0x00054000;

  it('computes the RFC\'s worked example: A − LSR − DLSR = 6.125 s', () => {
    assert.equal(A / 65536, 46864.5);
    assert.equal(LSR / 65536, 46853.125);
    assert.equal(DLSR / 65536, 5.25);
    assert.equal(roundTripNtpShort(A, LSR, DLSR), 0x00062000);
    assert.equal(roundTripSeconds(A, LSR, DLSR), 6.125);
  });

  it('takes A from the injected wall clock when a report block arrives', () => {
    const block: ReportBlock = {
      ssrc: 1,
      fractionLost: 0,
      cumulativeLost: 0,
      extendedHighestSeq: 0,
      jitter: 0,
      lastSr: LSR,
      delaySinceLastSr: DLSR,
    };
    const rtt = roundTripFromReportBlock(block, wallClockAtNtpShort(A));
    assert.ok(rtt !== undefined && Math.abs(rtt - 6.125) < 1 / 65536, `rtt ${rtt}`);
  });

  it('survives the 16-bit seconds wrap of the short format', () => {
    // LSR just before the wrap, A just after it: 1.5 s round trip, 0.25 s held.
    const lsr = 0xffff8000;
    const a = 0x00018000 + 0x4000;
    assert.equal(roundTripSeconds(a, lsr, 0x4000), 2);
  });

  it('gives no answer without an SR (LSR 0) or when DLSR makes it negative', () => {
    assert.equal(roundTripSeconds(A, 0, 0), undefined);
    assert.equal(roundTripSeconds(A, LSR, 0x000c0000), undefined);
  });
});
