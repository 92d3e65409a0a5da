import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type {
  AppPacket,
  Goodbye,
  ReceiverReport,
  RtcpPacket,
  SenderReport,
  SourceDescription,
} from '../../firmware/media/rtp/rtcp-packet.js';
import {
  cnameOf,
  parseRtcpCompound,
  RTCP_RR,
  RTCP_SR,
  SDES_CNAME,
  SDES_NAME,
  SDES_PRIV,
  serializeRtcpCompound,
  serializeRtcpPacket,
} from '../../firmware/media/rtp/rtcp-packet.js';

const sr: SenderReport = {
  type: 'sr',
  ssrc: 0x01020304,
  senderInfo: {
    ntp: { seconds: 0xe8a1b2c3, fraction: 0x80000000 },
    rtpTimestamp: 0xfffffff0,
    packetCount: 1234,
    octetCount: 197440,
  },
  reports: [
    {
      ssrc: 0xa0a0a0a0,
      fractionLost: 69,
      cumulativeLost: 3,
      extendedHighestSeq: 0x00010005,
      jitter: 160,
      lastSr: 0xb7052000,
      delaySinceLastSr: 0x00054000,
    },
    {
      ssrc: 0xb0b0b0b0,
      fractionLost: 0,
      cumulativeLost: -2,
      extendedHighestSeq: 7,
      jitter: 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    },
  ],
};

const sdes: SourceDescription = {
  type: 'sdes',
  chunks: [
    {
      ssrc: 0x01020304,
      items: [
        { type: SDES_CNAME, text: 'alice@192.0.2.10' },
        { type: SDES_NAME, text: 'Älice' },
        { type: SDES_PRIV, prefix: 'x-dp', text: 'v1' },
      ],
    },
    { ssrc: 0x05060708, items: [] },
  ],
};

const rr: ReceiverReport = { type: 'rr', ssrc: 0x0badcafe, reports: [sr.reports[0]] };
const cnameOnly: SourceDescription = { type: 'sdes', chunks: [{ ssrc: 0x0badcafe, items: [{ type: SDES_CNAME, text: 'bob@h' }] }] };

function parsedCompound(bytes: Uint8Array): readonly RtcpPacket[] {
  const r = parseRtcpCompound(bytes);
  if (!r.ok) assert.fail(`expected a compound packet, got: ${r.reason}`);
  return r.packets;
}

/** Never throws: a throw fails the test as surely as an acceptance does. */
function refusal(bytes: Uint8Array): string {
  const r = parseRtcpCompound(bytes);
  if (r.ok) assert.fail('expected the compound packet to be refused');
  return r.reason;
}

/** Bytes of a compound with one octet changed. */
function patched(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = value;
  return copy;
}

describe('RTCP SR/RR round trip (§6.4)', () => {
  it('writes an SR header as §6.4.1 lays it out', () => {
    const bytes = serializeRtcpPacket(sr);
    assert.equal(bytes.length, 4 + 4 + 20 + 2 * 24);
    assert.equal(bytes[0], 0x80 | 2, 'V=2, P=0, RC=2');
    assert.equal(bytes[1], RTCP_SR);
    assert.equal((bytes[2] << 8) | bytes[3], bytes.length / 4 - 1, 'length in words minus one');
    // Cumulative lost −2 as 24-bit two's complement after fraction 0.
    const second = 4 + 4 + 20 + 24;
    assert.deepEqual([...bytes.subarray(second + 4, second + 8)], [0x00, 0xff, 0xff, 0xfe]);
  });

  it('parses back every SR, SDES, BYE and APP field', () => {
    const bye: Goodbye = { type: 'bye', ssrcs: [0x01020304], reason: 'hung up' };
    const app: AppPacket = { type: 'app', subtype: 3, ssrc: 0x01020304, name: 'DPHN', data: Uint8Array.from([1, 2, 3, 4]) };
    const packets = parsedCompound(serializeRtcpCompound([sr, sdes, bye, app]));
    assert.equal(packets.length, 4);
    assert.deepEqual(packets[0], sr);
    assert.deepEqual(packets[1], sdes);
    assert.deepEqual(packets[2], bye);
    const parsedApp = packets[3];
    assert.equal(parsedApp?.type, 'app');
    if (parsedApp?.type === 'app') {
      assert.equal(parsedApp.subtype, 3);
      assert.equal(parsedApp.name, 'DPHN');
      assert.deepEqual([...parsedApp.data], [1, 2, 3, 4]);
    }
    assert.equal(cnameOf(packets, 0x01020304), 'alice@192.0.2.10');
    assert.equal(cnameOf(packets, 0x05060708), undefined);
  });

  it('round-trips an RR with padding on the last packet', () => {
    const bytes = serializeRtcpCompound([rr, cnameOnly], { paddingLength: 8 });
    const r = parseRtcpCompound(bytes);
    if (!r.ok) assert.fail(r.reason);
    assert.equal(r.paddingLength, 8);
    assert.deepEqual(r.packets[0], rr);
    assert.deepEqual(r.packets[1], cnameOnly);
    assert.equal(bytes[0] & 0x20, 0, 'no padding on the first packet');
    assert.equal(bytes[rr.reports.length * 24 + 8] & 0x20, 0x20, 'P set on the last packet');
  });

  it('passes through an unknown packet type (RFC 4585 feedback) unread', () => {
    const pli: RtcpPacket = { type: 'other', packetType: 206, count: 1, body: Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 2]) };
    const packets = parsedCompound(serializeRtcpCompound([rr, cnameOnly, pli]));
    const last = packets[2];
    assert.equal(last?.type, 'other');
    if (last?.type === 'other') {
      assert.equal(last.packetType, 206);
      assert.equal(last.count, 1);
      assert.deepEqual([...last.body], [0, 0, 0, 1, 0, 0, 0, 2]);
    }
  });

  it('pads an SDES chunk with one to four null octets to a word boundary', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd']) {
      const one: SourceDescription = { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: SDES_CNAME, text }] }] };
      const bytes = serializeRtcpPacket(one);
      assert.equal(bytes.length % 4, 0);
      assert.equal(bytes.length, 4 + 4 + Math.floor((2 + text.length) / 4 + 1) * 4);
      assert.deepEqual(parsedCompound(serializeRtcpCompound([rr, one])).at(1), one);
    }
  });
});

describe('RTCP compound validation (A.2) refuses, never throws', () => {
  const good = serializeRtcpCompound([rr, cnameOnly]);
  const rrLength = 4 + 4 + 24;

  it('accepts the good compound the failures below are made from', () => {
    assert.equal(parsedCompound(good).length, 2);
  });

  it('a first packet that is not SR or RR', () => {
    const bytes = Uint8Array.from([...serializeRtcpPacket(cnameOnly), ...serializeRtcpPacket(rr)]);
    assert.match(refusal(bytes), /first packet is type 202/);
  });

  it('version 1 in the first and in a later packet', () => {
    assert.match(refusal(patched(good, 0, 0x40 | 1)), /version 1/);
    assert.match(refusal(patched(good, rrLength, 0x40 | 1)), /packet 2 has version 1/);
  });

  it('padding on a packet that is not the last', () => {
    assert.match(refusal(patched(good, 0, good[0] | 0x20)), /padded but is not the last/);
  });

  it('lengths that do not sum to the datagram', () => {
    // The last packet claims one word more than there is.
    assert.match(refusal(patched(good, rrLength + 3, good[rrLength + 3] + 1)), /runs past the end/);
    // Four trailing octets that are no RTCP packet (version 0).
    assert.match(refusal(Uint8Array.from([...good, 0, 0, 0, 0])), /version 0/);
    // Not a whole number of words.
    assert.match(refusal(Uint8Array.from([...good, 0x80])), /whole number of 32-bit words/);
  });

  it('a truncated datagram', () => {
    assert.match(refusal(Uint8Array.from([0x80, RTCP_RR])), /truncated/);
    assert.match(refusal(good.subarray(0, 8)), /runs past the end/);
  });

  it('a padding count that is zero or larger than the packet', () => {
    const padded = serializeRtcpCompound([rr, cnameOnly], { paddingLength: 4 });
    assert.match(refusal(patched(padded, padded.length - 1, 0)), /padding count 0/);
    assert.match(refusal(patched(padded, padded.length - 1, 200)), /padding count 200/);
  });

  it('a report count larger than the packet holds', () => {
    assert.match(refusal(patched(good, 0, 0x80 | 2)), /RR with 2 report blocks/);
  });

  it('an SDES item running past its packet', () => {
    // CNAME length octet after the SDES header and SSRC.
    assert.match(refusal(patched(good, rrLength + 9, 60)), /SDES item of 60 octets/);
  });

  it('a BYE reason running past its packet', () => {
    const bytes = serializeRtcpCompound([rr, cnameOnly, { type: 'bye', ssrcs: [1], reason: 'x' }]);
    assert.match(refusal(patched(bytes, bytes.length - 4, 9)), /BYE reason of 9 octets/);
  });

  it('a compound with no CNAME, unless reduced-size (RFC 5506) is in force', () => {
    const rrAlone = serializeRtcpPacket(rr);
    assert.match(refusal(rrAlone), /CNAME/);
    assert.equal(parseRtcpCompound(rrAlone, { reducedSize: true }).ok, true);
    const byeAlone = serializeRtcpPacket({ type: 'bye', ssrcs: [5] });
    assert.equal(parseRtcpCompound(byeAlone, { reducedSize: true }).ok, true);
  });

  it('random garbage of every short length', () => {
    let seed = 99;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: 4 * (n % 12) }, next);
      bytes[0] = 0x80 | (bytes[0] & 0x3f);
      bytes[1] = n % 2 === 0 ? RTCP_SR : RTCP_RR;
      assert.doesNotThrow(() => parseRtcpCompound(bytes));
    }
  });
});

describe('RTCP serialize refuses compounds that break §6.1', () => {
  it('needs SR or RR first and a CNAME', () => {
    assert.throws(() => serializeRtcpCompound([cnameOnly, rr]), RangeError);
    assert.throws(() => serializeRtcpCompound([rr]), /CNAME/);
    assert.throws(() => serializeRtcpCompound([]), RangeError);
    assert.equal(serializeRtcpCompound([rr], { reducedSize: true }).length, 32);
  });

  it('refuses out-of-range fields', () => {
    assert.throws(() => serializeRtcpPacket({ ...rr, reports: new Array(32).fill(rr.reports[0]) }), /5-bit/);
    assert.throws(
      () => serializeRtcpPacket({ ...rr, reports: [{ ...rr.reports[0], cumulativeLost: 0x800000 }] }),
      /24 signed bits/,
    );
    assert.throws(() => serializeRtcpPacket(rr, 3), RangeError);
  });
});
