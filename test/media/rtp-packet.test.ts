import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RtpPacket } from '../../firmware/media/rtp/rtp-packet.js';
import { parseRtp, serializeRtp } from '../../firmware/media/rtp/rtp-packet.js';

function parsed(bytes: Uint8Array): RtpPacket {
  const r = parseRtp(bytes);
  if (!r.ok) assert.fail(`expected a packet, got: ${r.reason}`);
  return r.packet;
}

/** A throw from parseRtp fails the test here just as a wrong result does. */
function refusal(bytes: Uint8Array): string {
  const result = parseRtp(bytes);
  if (result.ok) assert.fail('expected the packet to be refused');
  assert.ok(result.reason.length > 0);
  return result.reason;
}

/** A minimal valid header: V=2, PT 0, seq 0x1234, ts 0x01020304, SSRC 0xdeadbeef. */
function header(first = 0x80, second = 0x00): number[] {
  return [first, second, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xde, 0xad, 0xbe, 0xef];
}

describe('parseRtp: RFC 3550 §5.1 fixed header', () => {
  it('reads every fixed-header field and the payload', () => {
    const p = parsed(Uint8Array.from([...header(0x80, 0x80 | 9), 0xaa, 0xbb]));
    assert.equal(p.marker, true);
    assert.equal(p.payloadType, 9);
    assert.equal(p.sequenceNumber, 0x1234);
    assert.equal(p.timestamp, 0x01020304);
    assert.equal(p.ssrc, 0xdeadbeef);
    assert.deepEqual(p.csrcs, []);
    assert.equal(p.extension, undefined);
    assert.equal(p.paddingLength, 0);
    assert.deepEqual([...p.payload], [0xaa, 0xbb]);
  });

  it('reads the CSRC list (CC), then the payload after it', () => {
    const p = parsed(Uint8Array.from([...header(0x82), 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0x55]));
    assert.deepEqual(p.csrcs, [1, 0xfffffffe]);
    assert.deepEqual([...p.payload], [0x55]);
  });

  it('skips the header extension by its length and keeps it accessible (§5.3.1)', () => {
    const p = parsed(Uint8Array.from([...header(0x90), 0xbe, 0xde, 0x00, 0x01, 0x10, 0x07, 0x00, 0x00, 0x66]));
    assert.equal(p.extension?.profile, 0xbede);
    assert.deepEqual([...(p.extension?.data ?? [])], [0x10, 0x07, 0x00, 0x00]);
    assert.deepEqual([...p.payload], [0x66]);
  });

  it('strips padding whose last octet counts itself', () => {
    const p = parsed(Uint8Array.from([...header(0xa0), 0x01, 0x02, 0x00, 0x00, 0x03]));
    assert.equal(p.paddingLength, 3);
    assert.deepEqual([...p.payload], [0x01, 0x02]);
  });

  it('reads a packet inside a larger buffer at an offset', () => {
    const backing = new Uint8Array(40);
    backing.set([...header(0x80, 0), 0x42], 7);
    const p = parsed(backing.subarray(7, 20));
    assert.equal(p.ssrc, 0xdeadbeef);
    assert.deepEqual([...p.payload], [0x42]);
  });
});

describe('parseRtp: bad packets are refused with a reason, never thrown', () => {
  it('truncated: 5 octets', () => {
    assert.match(refusal(Uint8Array.from([0x80, 0, 0, 1, 2])), /truncated/);
  });

  it('empty datagram', () => {
    assert.match(refusal(new Uint8Array(0)), /truncated/);
  });

  it('version 1', () => {
    assert.match(refusal(Uint8Array.from(header(0x40))), /version 1/);
  });

  it('padding count larger than the payload', () => {
    assert.match(refusal(Uint8Array.from([...header(0xa0), 0x01, 0x09])), /padding count 9/);
  });

  it('padding count of zero', () => {
    assert.match(refusal(Uint8Array.from([...header(0xa0), 0x01, 0x00])), /padding count is 0/);
  });

  it('CSRC count running past the end', () => {
    assert.match(refusal(Uint8Array.from([...header(0x83), 0, 0, 0, 1, 0, 0, 0, 2])), /CSRC count 3/);
  });

  it('header extension running past the end', () => {
    assert.match(refusal(Uint8Array.from([...header(0x90), 0xbe, 0xde, 0x00, 0x02, 1, 2, 3, 4])), /extension of 2 words/);
  });

  it('X bit with no room for the extension header', () => {
    assert.match(refusal(Uint8Array.from([...header(0x90), 0xbe])), /extension/);
  });

  it('padding reaching into the header extension', () => {
    // 4 octets of extension then one padding octet claiming 6.
    const bytes = Uint8Array.from([...header(0xb0), 0xbe, 0xde, 0x00, 0x01, 0, 0, 0, 0, 0x06]);
    assert.match(refusal(bytes), /padding count 6/);
  });

  it('an RTCP SR/RR on the RTP port (second octet 200/201)', () => {
    assert.match(refusal(Uint8Array.from([...header(0x80, 200), 0])), /RTCP/);
    assert.match(refusal(Uint8Array.from([...header(0x80, 201), 0])), /RTCP/);
  });

  it('random garbage of every short length never throws', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n % 40 }, next);
      assert.doesNotThrow(() => parseRtp(bytes));
    }
  });
});

describe('serializeRtp', () => {
  it('round-trips CSRCs, extension, padding and marker', () => {
    const fields = {
      marker: true,
      payloadType: 111,
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      ssrc: 0x80000001,
      csrcs: [7, 8],
      extension: { profile: 0x1000, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
      paddingLength: 4,
      payload: Uint8Array.from([9, 8, 7]),
    };
    const bytes = serializeRtp(fields);
    assert.equal(bytes.length, 12 + 8 + 4 + 8 + 3 + 4);
    assert.equal(bytes[0], 0x80 | 0x20 | 0x10 | 2);
    const p = parsed(bytes);
    assert.equal(p.marker, true);
    assert.equal(p.payloadType, 111);
    assert.equal(p.sequenceNumber, 65535);
    assert.equal(p.timestamp, 0xffffffff);
    assert.equal(p.ssrc, 0x80000001);
    assert.deepEqual(p.csrcs, [7, 8]);
    assert.equal(p.extension?.profile, 0x1000);
    assert.deepEqual([...(p.extension?.data ?? [])], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(p.paddingLength, 4);
    assert.deepEqual([...p.payload], [9, 8, 7]);
  });

  it('writes a plain header with nothing optional as 12 octets + payload', () => {
    const bytes = serializeRtp({ payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: new Uint8Array(160) });
    assert.equal(bytes.length, 172);
    assert.deepEqual([...bytes.subarray(0, 12)], [0x80, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
  });

  it('refuses fields our own code got wrong', () => {
    const base = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: new Uint8Array(0) };
    assert.throws(() => serializeRtp({ ...base, sequenceNumber: 65536 }), RangeError);
    assert.throws(() => serializeRtp({ ...base, payloadType: 128 }), RangeError);
    assert.throws(() => serializeRtp({ ...base, csrcs: new Array<number>(16).fill(1) }), RangeError);
    assert.throws(() => serializeRtp({ ...base, extension: { profile: 1, data: new Uint8Array(3) } }), RangeError);
  });
});
