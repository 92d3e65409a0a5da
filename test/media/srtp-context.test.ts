import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { SrtpContext } from '../../firmware/media/srtp/srtp-context.js';
import type { SrtpResult } from '../../firmware/media/srtp/srtp-context.js';
import { context, hex, mustProtect, rtcpReceiverReport, rtpPacket, SSRC } from './srtp-fixtures.js';

function packetOf(result: SrtpResult): Buffer {
  assert.ok(result.ok, `expected success, got ${result.ok ? '' : result.reason}`);
  return result.packet;
}

function reasonOf(result: SrtpResult): string {
  assert.equal(result.ok, false);
  return result.ok ? '' : result.reason;
}

describe('SRTP protect → unprotect (RFC 3711 §3.3)', () => {
  for (const [suite, tagLength] of [
    ['AES_CM_128_HMAC_SHA1_80', 10],
    ['AES_CM_128_HMAC_SHA1_32', 4],
  ] as const) {
    it(`${suite}: header in the clear, payload encrypted, ${tagLength}-octet tag, and back`, () => {
      const sender = context(suite);
      const receiver = context(suite);
      const plain = rtpPacket(4660);
      const protectedPacket = packetOf(sender.protectRtp(plain));
      assert.equal(protectedPacket.length, plain.length + tagLength);
      assert.deepEqual(protectedPacket.subarray(0, 12), plain.subarray(0, 12));
      assert.notDeepEqual(protectedPacket.subarray(12, plain.length), plain.subarray(12));
      assert.deepEqual(packetOf(receiver.unprotectRtp(protectedPacket)), plain);
    });
  }

  it('keeps CSRCs and the header extension in the clear and encrypts from the payload on', () => {
    const plain = hex('92000010 00000A00 CAFEBABE 11111111 22222222 BEDE0001 10AA0000 0102030405060708');
    const protectedPacket = packetOf(context().protectRtp(plain));
    // 12 fixed + 2 CSRCs (8) + extension header and one word (8) = 28.
    assert.deepEqual(protectedPacket.subarray(0, 28), plain.subarray(0, 28));
    assert.notDeepEqual(protectedPacket.subarray(28, 36), plain.subarray(28));
    assert.deepEqual(packetOf(context().unprotectRtp(protectedPacket)), plain);
  });

  it('does not change the caller\'s buffer', () => {
    const plain = rtpPacket(1);
    const copy = Buffer.from(plain);
    context().protectRtp(plain);
    assert.deepEqual(plain, copy);
  });
});

describe('authentication failure (§3.3 step 5)', () => {
  const sender = context();
  const good = mustProtect(sender, rtpPacket(500));

  for (const [what, offset] of [
    ['a payload bit', 40],
    ['a header bit (the timestamp)', 5],
    ['a tag bit', -1],
  ] as const) {
    it(`rejects a packet with ${what} flipped as 'auth', counts it, and still takes the real one`, () => {
      const receiver = context();
      const forged = Buffer.from(good);
      const at = offset < 0 ? forged.length + offset : offset;
      forged[at] = (forged[at] ?? 0) ^ 0x01;
      assert.equal(reasonOf(receiver.unprotectRtp(forged)), 'auth');
      assert.equal(receiver.stats().failures.auth, 1);
      assert.equal(receiver.stats().rtpUnprotected, 0);
      // A forged packet must not have touched the replay list or the ROC.
      assert.ok(receiver.unprotectRtp(good).ok);
      assert.equal(receiver.rolloverState('receive', SSRC)?.highestSeq, 500);
    });
  }

  it('rejects a packet under the wrong key', () => {
    const other = new SrtpContext({
      suite: 'AES_CM_128_HMAC_SHA1_80',
      masterKey: Buffer.alloc(16, 1),
      masterSalt: Buffer.alloc(14, 2),
    });
    assert.equal(reasonOf(other.unprotectRtp(good)), 'auth');
  });
});

describe('replay protection (§3.3.2)', () => {
  const sender = context();
  const packets = new Map<number, Buffer>();
  for (let seq = 1000; seq <= 1100; seq++) packets.set(seq, mustProtect(sender, rtpPacket(seq)));
  const at = (seq: number): Buffer => packets.get(seq) ?? assert.fail(`no packet ${seq}`);

  it('rejects a second copy of the same packet as a replay', () => {
    const receiver = context();
    assert.ok(receiver.unprotectRtp(at(1000)).ok);
    assert.equal(reasonOf(receiver.unprotectRtp(at(1000))), 'replay');
    assert.equal(receiver.stats().failures.replay, 1);
  });

  it('rejects a packet 64 or more behind the highest as too old, takes one 63 behind', () => {
    const receiver = context();
    assert.ok(receiver.unprotectRtp(at(1100)).ok);
    assert.equal(reasonOf(receiver.unprotectRtp(at(1036))), 'too-old');
    assert.ok(receiver.unprotectRtp(at(1037)).ok);
    assert.equal(receiver.stats().failures['too-old'], 1);
  });

  it('accepts out-of-order packets inside the window exactly once', () => {
    const receiver = context();
    for (const seq of [1060, 1050, 1055, 1051]) assert.ok(receiver.unprotectRtp(at(seq)).ok, String(seq));
    for (const seq of [1050, 1055, 1051]) assert.equal(reasonOf(receiver.unprotectRtp(at(seq))), 'replay');
    assert.deepEqual(receiver.rolloverState('receive', SSRC), { roc: 0, highestSeq: 1060 });
  });

  it('honours a larger window (RFC 4568 WSH)', () => {
    const receiver = context('AES_CM_128_HMAC_SHA1_80', { replayWindowSize: 128 });
    assert.ok(receiver.unprotectRtp(at(1100)).ok);
    assert.ok(receiver.unprotectRtp(at(1000)).ok);
  });

  it('refuses to protect the same index twice: that would reuse keystream (§9.1)', () => {
    const again = context();
    assert.ok(again.protectRtp(rtpPacket(7)).ok);
    assert.equal(reasonOf(again.protectRtp(rtpPacket(7))), 'replay');
  });
});

describe('rollover counter across a sequence wrap (§3.3.1)', () => {
  const sequence = [65533, 65534, 65535, 0, 1];

  it('the sender steps its ROC when SEQ wraps 65535 → 0 and the index keeps counting', () => {
    const sender = context();
    const indices = sequence.map((seq) => {
      const result = sender.protectRtp(rtpPacket(seq));
      assert.ok(result.ok);
      return result.index;
    });
    assert.deepEqual(indices, [65533, 65534, 65535, 65536, 65537]);
    assert.deepEqual(sender.rolloverState('send', SSRC), { roc: 1, highestSeq: 1 });
  });

  it('the receiver follows the wrap, and a late packet from before it still authenticates with ROC-1', () => {
    const sender = context();
    const [late, ...rest] = sequence.map((seq) => mustProtect(sender, rtpPacket(seq, { fill: seq })));
    const receiver = context();
    for (const packet of rest) assert.ok(receiver.unprotectRtp(packet).ok);
    assert.deepEqual(receiver.rolloverState('receive', SSRC), { roc: 1, highestSeq: 1 });

    const result = receiver.unprotectRtp(late ?? assert.fail());
    assert.ok(result.ok);
    assert.equal(result.index, 65533);
    assert.deepEqual(result.packet, rtpPacket(65533, { fill: 65533 }));
    // The late packet neither moves the ROC back nor may be replayed.
    assert.deepEqual(receiver.rolloverState('receive', SSRC), { roc: 1, highestSeq: 1 });
    assert.equal(reasonOf(receiver.unprotectRtp(late ?? assert.fail())), 'replay');
  });

  it('a receiver that guessed the wrong ROC fails authentication rather than playing garbage', () => {
    // The ROC is in the tag (§4.2): the same SEQ one wrap later authenticates
    // only under the ROC it was sent with.
    const sender = context();
    for (let seq = 0; seq <= 65535; seq += 16384) mustProtect(sender, rtpPacket(seq));
    mustProtect(sender, rtpPacket(65535));
    const wrapped = mustProtect(sender, rtpPacket(100));
    const receiver = context();
    assert.equal(reasonOf(receiver.unprotectRtp(wrapped)), 'auth');
  });
});

describe('SRTCP (§3.4)', () => {
  it('round trips: first 8 octets clear, E=1 and index 0, 80-bit tag, then decrypted', () => {
    const sender = context();
    const receiver = context();
    const plain = rtcpReceiverReport();
    const result = sender.protectRtcp(plain);
    const protectedPacket = packetOf(result);
    assert.equal(protectedPacket.length, plain.length + 4 + 10);
    assert.deepEqual(protectedPacket.subarray(0, 8), plain.subarray(0, 8));
    assert.notDeepEqual(protectedPacket.subarray(8, plain.length), plain.subarray(8));
    assert.equal(protectedPacket.readUInt32BE(plain.length), 0x80000000);
    assert.deepEqual(packetOf(receiver.unprotectRtcp(protectedPacket)), plain);
  });

  it('starts the SRTCP index at zero and increments it per packet and per SSRC', () => {
    const sender = context();
    const indices = [0, 1, 2].map(() => {
      const result = sender.protectRtcp(rtcpReceiverReport());
      assert.ok(result.ok);
      return result.packet.readUInt32BE(32) & 0x7fffffff;
    });
    assert.deepEqual(indices, [0, 1, 2]);
    assert.equal(sender.nextSrtcpIndex(SSRC), 3);
    assert.equal(sender.nextSrtcpIndex(0x1234), 0);
  });

  it('uses an 80-bit SRTCP tag for the _32 suite too (RFC 4568 §6.2.2)', () => {
    const packet = packetOf(context('AES_CM_128_HMAC_SHA1_32').protectRtcp(rtcpReceiverReport()));
    assert.equal(packet.length, 32 + 4 + 10);
  });

  it('rejects a replayed, a tampered, or a re-indexed packet', () => {
    const sender = context();
    const first = packetOf(sender.protectRtcp(rtcpReceiverReport()));
    const receiver = context();
    assert.ok(receiver.unprotectRtcp(first).ok);
    assert.equal(reasonOf(receiver.unprotectRtcp(first)), 'replay');

    const second = packetOf(sender.protectRtcp(rtcpReceiverReport()));
    const tampered = Buffer.from(second);
    tampered[12] = (tampered[12] ?? 0) ^ 0x80;
    assert.equal(reasonOf(receiver.unprotectRtcp(tampered)), 'auth');
    // The E||index word is authenticated: moving the index breaks the tag.
    const reindexed = Buffer.from(second);
    reindexed.writeUInt32BE(0x80000005, 32);
    assert.equal(reasonOf(receiver.unprotectRtcp(reindexed)), 'auth');
    assert.ok(receiver.unprotectRtcp(second).ok);
  });

  it('sends E=0 with the payload in the clear for UNENCRYPTED_SRTCP, still authenticated', () => {
    const sender = context('AES_CM_128_HMAC_SHA1_80', { encryptRtcp: false });
    const plain = rtcpReceiverReport();
    const packet = packetOf(sender.protectRtcp(plain));
    assert.equal(packet.readUInt32BE(32), 0);
    assert.deepEqual(packet.subarray(0, 32), plain);
    assert.deepEqual(packetOf(context().unprotectRtcp(packet)), plain);
  });
});

describe('cross-check against libsrtp', () => {
  // Produced once with libsrtp 2.5.0 (Debian bookworm libsrtp2-dev) by a small
  // C program: srtp_crypto_policy_set_rtp_default / _aes_cm_128_hmac_sha1_32
  // for RTP, srtp_crypto_policy_set_rtcp_default for RTCP, ssrc_any_outbound,
  // key octets i*7+1 (i = 0..29), then srtp_protect / srtp_protect_rtcp.
  // libsrtp is not needed to run this test.
  const keySalt = hex('01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5cc');
  const libsrtp = (suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32'): SrtpContext =>
    new SrtpContext({ suite, masterKey: keySalt.subarray(0, 16), masterSalt: keySalt.subarray(16) });
  const payload = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3';
  const plain = hex(`80001234 decafbad cafebabe ${payload}`);

  it('protects an RTP packet to the same bytes as libsrtp (_80 and _32)', () => {
    assert.deepEqual(
      packetOf(libsrtp('AES_CM_128_HMAC_SHA1_80').protectRtp(plain)),
      hex('80001234decafbadcafebabe abd84a8b2f284803ac0beb3d96754c6996c25a15 2f850e760516c38a77f8'),
    );
    assert.deepEqual(
      packetOf(libsrtp('AES_CM_128_HMAC_SHA1_32').protectRtp(plain)),
      hex('80001234decafbadcafebabe abd84a8b2f284803ac0beb3d96754c6996c25a15 2f850e76'),
    );
  });

  it('matches libsrtp with a CSRC and a header extension', () => {
    const withExtension = hex(`91001235 decafbad cafebabe 11223344 bede0001 10aa0000 ${payload}`);
    assert.deepEqual(
      packetOf(libsrtp('AES_CM_128_HMAC_SHA1_80').protectRtp(withExtension)),
      hex(`91001235decafbadcafebabe11223344bede000110aa0000
           bc533e1522d714a57f608d9e72a1dbad18259100 1bfb4291ba74364b06cb`),
    );
  });

  it('matches libsrtp across the wrap: seq 0 after 65535 is tagged with ROC 1', () => {
    const sender = libsrtp('AES_CM_128_HMAC_SHA1_80');
    assert.deepEqual(
      packetOf(sender.protectRtp(hex(`8000ffff decafbad cafebabe ${payload}`))),
      hex('8000ffffdecafbadcafebabe0b020db3abe4de3df085b22beca3e37b5f05df28e929e82926267e815d3a'),
    );
    assert.deepEqual(
      packetOf(sender.protectRtp(hex(`80000000 decafbad cafebabe ${payload}`))),
      hex('80000000decafbadcafebabecc61d14ada7e2d7f3ad59b0147837c166dfa163e9de0b1eb30d3b723d076'),
    );
  });

  it('matches libsrtp SRTCP (libsrtp numbers its first packet 1; our second packet is index 1)', () => {
    const rtcp = hex('81c90007cafebabe112233440000000100001234000000050000000000000000');
    const libsrtpFirst = hex(
      '81c90007cafebabeb6bfcb66e1c7eff21a5603cb54263f963d4be1e98d52c680 80000001 f02b9ca00c6990a4c93c',
    );
    const sender = libsrtp('AES_CM_128_HMAC_SHA1_80');
    assert.ok(sender.protectRtcp(rtcp).ok);
    assert.deepEqual(packetOf(sender.protectRtcp(rtcp)), libsrtpFirst);
    assert.deepEqual(packetOf(libsrtp('AES_CM_128_HMAC_SHA1_32').unprotectRtcp(libsrtpFirst)), rtcp);
  });
});

describe('master key lifetime (§9.2)', () => {
  it('counts packets under the key and reports exhaustion once, then refuses', () => {
    let reports = 0;
    const sender = context('AES_CM_128_HMAC_SHA1_80', { lifetime: 3, onKeyExhausted: () => reports++ });
    for (const seq of [1, 2]) assert.ok(sender.protectRtp(rtpPacket(seq)).ok);
    assert.equal(sender.stats().keyExhausted, false);
    assert.ok(sender.protectRtp(rtpPacket(3)).ok);
    assert.equal(reports, 1);
    assert.equal(sender.stats().keyExhausted, true);
    assert.equal(sender.stats().srtpPacketsUnderKey, 3);
    assert.equal(reasonOf(sender.protectRtp(rtpPacket(4))), 'key-exhausted');
    assert.equal(reasonOf(sender.protectRtcp(rtcpReceiverReport())), 'key-exhausted');
    assert.equal(reports, 1);
  });

  it('counts SRTCP packets apart from SRTP ones', () => {
    const sender = context('AES_CM_128_HMAC_SHA1_80', { lifetime: 2 });
    assert.ok(sender.protectRtp(rtpPacket(1)).ok);
    assert.ok(sender.protectRtcp(rtcpReceiverReport()).ok);
    assert.equal(sender.stats().keyExhausted, false);
    assert.ok(sender.protectRtcp(rtcpReceiverReport()).ok);
    assert.equal(sender.stats().keyExhausted, true);
  });

  it('refuses a lifetime of zero when the context is made', () => {
    assert.throws(() => context('AES_CM_128_HMAC_SHA1_80', { lifetime: 0 }), RangeError);
  });
});

describe('options from key management', () => {
  it('carries the MKI between payload and tag and rejects a packet with another MKI', () => {
    const mki = hex('00000001');
    const packet = packetOf(context('AES_CM_128_HMAC_SHA1_80', { mki }).protectRtp(rtpPacket(9)));
    assert.equal(packet.length, 12 + 160 + 4 + 10);
    assert.deepEqual(packet.subarray(172, 176), mki);
    assert.ok(context('AES_CM_128_HMAC_SHA1_80', { mki }).unprotectRtp(packet).ok);
    assert.equal(reasonOf(context('AES_CM_128_HMAC_SHA1_80', { mki: hex('00000002') }).unprotectRtp(packet)), 'mki');
  });

  it('UNENCRYPTED_SRTP leaves the payload clear but tagged; UNAUTHENTICATED_SRTP drops the tag', () => {
    const plain = rtpPacket(3);
    const clear = packetOf(context('AES_CM_128_HMAC_SHA1_80', { encryptRtp: false }).protectRtp(plain));
    assert.deepEqual(clear.subarray(0, plain.length), plain);
    assert.equal(clear.length, plain.length + 10);
    const untagged = packetOf(context('AES_CM_128_HMAC_SHA1_80', { authenticateRtp: false }).protectRtp(plain));
    assert.equal(untagged.length, plain.length);
    assert.deepEqual(packetOf(context('AES_CM_128_HMAC_SHA1_80', { authenticateRtp: false }).unprotectRtp(untagged)), plain);
  });

  it('with a non-zero key derivation rate, re-keys at index DIV rate and still round trips', () => {
    const rated = context('AES_CM_128_HMAC_SHA1_80', { keyDerivationRate: 4 });
    const flat = context();
    const receiver = context('AES_CM_128_HMAC_SHA1_80', { keyDerivationRate: 4 });
    for (let seq = 0; seq < 8; seq++) {
      const a = mustProtect(rated, rtpPacket(seq));
      const b = mustProtect(flat, rtpPacket(seq));
      // r = 0 for indices 0..3: the same keys as rate 0; from 4 on, new ones.
      if (seq < 4) assert.deepEqual(a, b, `seq ${seq}`);
      else assert.notDeepEqual(a, b, `seq ${seq}`);
      assert.deepEqual(packetOf(receiver.unprotectRtp(a)), rtpPacket(seq));
    }
  });

  it('refuses a bad configuration when the context is made', () => {
    assert.throws(() => context('AES_CM_128_HMAC_SHA1_80', { keyDerivationRate: 3 }), RangeError);
    assert.throws(() => context('AES_CM_128_HMAC_SHA1_80', { replayWindowSize: 16 }), RangeError);
    assert.throws(
      () => new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: Buffer.alloc(15), masterSalt: Buffer.alloc(14) }),
      RangeError,
    );
  });
});

describe('malformed input never throws', () => {
  it('reports truncated and non-RTP packets as malformed', () => {
    const receiver = context();
    const good = mustProtect(context(), rtpPacket(1, { payloadLength: 0 }));
    for (const bad of [Buffer.alloc(0), hex('00'), hex('40000001 00000000 00000001 00000000 0000'), good.subarray(0, 21)]) {
      assert.equal(reasonOf(receiver.unprotectRtp(bad)), 'malformed');
      assert.equal(reasonOf(receiver.unprotectRtcp(bad)), 'malformed');
    }
    assert.equal(reasonOf(receiver.protectRtp(hex('8000'))), 'malformed');
    assert.equal(reasonOf(receiver.protectRtcp(hex('81c9'))), 'malformed');
    assert.ok(receiver.stats().failures.malformed >= 10);
  });

  it('survives a few hundred pseudo-random buffers', () => {
    const receiver = context();
    let state = 0x12345678;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    };
    for (let n = 0; n < 300; n++) {
      const buffer = Buffer.from(Array.from({ length: n % 80 }, next));
      if (n % 2 === 0 && buffer.length > 0) buffer[0] = 0x80 | ((buffer[0] ?? 0) & 0x3f);
      assert.equal(receiver.unprotectRtp(buffer).ok, false);
      assert.equal(receiver.unprotectRtcp(buffer).ok, false);
    }
  });
});
