import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  acceptCryptoAnswer,
  answerCryptoOffer,
  formatCryptoLine,
  formatCryptoValue,
  generateCryptoAttribute,
  generateCryptoOffer,
  mkiBytes,
  parseCryptoLine,
  srtpOptionsFromCrypto,
} from '../../firmware/media/srtp/sdes.js';
import type { CryptoAttribute, SdesParseResult } from '../../firmware/media/srtp/sdes.js';
import { SrtpContext } from '../../firmware/media/srtp/srtp-context.js';
import { countingRandom, hex, rtcpReceiverReport, rtpPacket } from './srtp-fixtures.js';

// The example of RFC 4568 §4.
const RFC_EXAMPLE = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4';
const KEY_40 = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';

function valueOf(result: SdesParseResult): CryptoAttribute {
  assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.detail}`);
  return result.value;
}

function reasonOf(result: SdesParseResult): string {
  assert.equal(result.ok, false);
  return result.ok ? '' : result.reason;
}

describe('parsing a=crypto (RFC 4568 §4, §9)', () => {
  it('reads the RFC example: tag, suite, 16-octet key, 14-octet salt, lifetime 2^20, MKI 1 of 4 octets', () => {
    const attribute = valueOf(parseCryptoLine(RFC_EXAMPLE));
    assert.equal(attribute.tag, 1);
    assert.equal(attribute.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.equal(attribute.keys.length, 1);
    const [key] = attribute.keys;
    assert.deepEqual(key?.key, hex('3d2d6e40255e7821426a75667239293f'));
    assert.deepEqual(key?.salt, hex('2c2335685c603d265d7b71695051'));
    assert.equal(key?.lifetime, 2 ** 20);
    assert.deepEqual(key?.mki, { value: 1n, length: 4 });
  });

  it('formats it back to the same line, and to the bare value sdp-transform carries', () => {
    const attribute = valueOf(parseCryptoLine(RFC_EXAMPLE));
    assert.equal(formatCryptoLine(attribute), RFC_EXAMPLE);
    assert.equal(formatCryptoValue(attribute), RFC_EXAMPLE.slice('a=crypto:'.length));
    assert.deepEqual(valueOf(parseCryptoLine(RFC_EXAMPLE.slice('a=crypto:'.length))), attribute);
  });

  it('accepts the _32 suite, a decimal lifetime, a lone MKI, and a CRLF', () => {
    const attribute = valueOf(parseCryptoLine(`a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:${KEY_40}|1000\r\n`));
    assert.equal(attribute.suite, 'AES_CM_128_HMAC_SHA1_32');
    assert.equal(attribute.keys[0]?.lifetime, 1000);
    const mkiOnly = valueOf(parseCryptoLine(`a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|258:2`));
    assert.equal(mkiOnly.keys[0]?.lifetime, undefined);
    assert.deepEqual(mkiOnly.keys[0]?.mki, { value: 258n, length: 2 });
    assert.deepEqual(mkiBytes({ value: 258n, length: 2 }), hex('0102'));
  });

  it('reads the session parameters it supports and keeps "-" ones it may ignore (§6.3)', () => {
    const line = `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} KDR=10 UNENCRYPTED_SRTCP WSH=128 -X_FUTURE`;
    const params = valueOf(parseCryptoLine(line)).sessionParams;
    assert.equal(params.keyDerivationRate, 1024);
    assert.equal(params.unencryptedSrtcp, true);
    assert.equal(params.unencryptedSrtp, false);
    assert.equal(params.windowSizeHint, 128);
    assert.deepEqual(params.optional, ['-X_FUTURE']);
    assert.equal(formatCryptoLine(valueOf(parseCryptoLine(line))), line);
  });

  it('reads several keys when each carries an MKI', () => {
    const line = `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|2^20|1:4;inline:${KEY_40}|2^20|2:4`;
    assert.equal(valueOf(parseCryptoLine(line)).keys.length, 2);
  });
});

describe('bad a=crypto lines are refused with a reason', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['an unknown suite', `a=crypto:1 AES_CM_999_HMAC_MD5_1 inline:${KEY_40}`, 'unknown-suite'],
    ['a suite we do not implement', `a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:${KEY_40}`, 'unknown-suite'],
    ['bad base64', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmc*kpPywjNWhcYD0mXXtxaVBR', 'bad-base64'],
    ['base64 of the wrong length', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:YWJjZGVmZ2hpamtsbW5vcA==', 'bad-key-length'],
    ['a key one octet short', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(29, 7).toString('base64')}`, 'bad-key-length'],
    ['a non-numeric tag', `a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}`, 'bad-tag'],
    ['a ten-digit tag', `a=crypto:1234567890 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}`, 'bad-tag'],
    ['no key params', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80', 'syntax'],
    ['another key method', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:${KEY_40}`, 'bad-key-method'],
    ['a lifetime past 2^48', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|2^49`, 'bad-lifetime'],
    ['a zero lifetime', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|0`, 'bad-lifetime'],
    ['an MKI of zero length', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|1:0`, 'bad-mki'],
    ['an MKI value too big for its length', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|256:1`, 'bad-mki'],
    ['two keys without MKIs', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40};inline:${KEY_40}`, 'bad-mki'],
    ['the MKI before the lifetime', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|1:4|2^20`, 'syntax'],
    ['an unknown mandatory session parameter', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} FOO=1`, 'unsupported-session-param'],
    ['FEC_ORDER (no FEC here)', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} FEC_ORDER=SRTP_FEC`, 'unsupported-session-param'],
    ['KDR out of range', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} KDR=25`, 'unsupported-session-param'],
    ['WSH below 64', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} WSH=32`, 'unsupported-session-param'],
  ];
  for (const [what, line, reason] of cases) {
    it(`${what} → ${reason}`, () => {
      assert.equal(reasonOf(parseCryptoLine(line)), reason);
    });
  }
});

describe('generating keys', () => {
  it('draws key then salt from the injected random source', () => {
    const attribute = generateCryptoAttribute(3, 'AES_CM_128_HMAC_SHA1_32', countingRandom(0));
    assert.deepEqual(attribute.keys[0]?.key, hex('000102030405060708090a0b0c0d0e0f'));
    assert.deepEqual(attribute.keys[0]?.salt, hex('101112131415161718191a1b1c1d'));
    assert.equal(
      formatCryptoLine(attribute),
      `a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${Buffer.from(Array.from({ length: 30 }, (_, n) => n)).toString('base64')}`,
    );
  });

  it('offers both suites, _80 first, with tags 1 and 2 and different keys', () => {
    const offer = generateCryptoOffer(undefined, countingRandom(0));
    assert.deepEqual(
      offer.map((a) => [a.tag, a.suite]),
      [
        [1, 'AES_CM_128_HMAC_SHA1_80'],
        [2, 'AES_CM_128_HMAC_SHA1_32'],
      ],
    );
    assert.notDeepEqual(offer[0]?.keys[0]?.key, offer[1]?.keys[0]?.key);
  });

  it('uses real randomness by default: two keys differ', () => {
    const a = generateCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
    const b = generateCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
    assert.notDeepEqual(a.keys[0]?.key, b.keys[0]?.key);
  });
});

describe('answering an offer (RFC 4568 §5.1.2, §7.1.2)', () => {
  const offer = [
    `a=crypto:1 AES_CM_999_HMAC_MD5_1 inline:${KEY_40}`,
    `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_40}|2^31`,
    `a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}`,
  ];

  it('picks the first supported line, keeps its tag and suite, and answers with our own fresh key', () => {
    const result = answerCryptoOffer(offer, { random: countingRandom(100) });
    assert.ok(result.ok);
    assert.equal(result.offer.tag, 2);
    assert.equal(result.answer.tag, 2);
    assert.equal(result.answer.suite, 'AES_CM_128_HMAC_SHA1_32');
    assert.deepEqual(result.answer.keys[0]?.key, hex('6465666768696a6b6c6d6e6f70717273'));
    assert.notDeepEqual(result.answer.keys[0]?.key, result.offer.keys[0]?.key);
    assert.equal(result.answerLine, formatCryptoLine(result.answer));
    assert.match(result.answerLine, /^a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}$/);
    assert.deepEqual(
      result.rejected.map((r) => r.reason),
      ['unknown-suite'],
    );
  });

  it('honours our own suite list', () => {
    const result = answerCryptoOffer(offer, { suites: ['AES_CM_128_HMAC_SHA1_80'], random: countingRandom() });
    assert.ok(result.ok);
    assert.equal(result.answer.tag, 3);
    assert.deepEqual(
      result.rejected.map((r) => r.reason),
      ['unknown-suite', 'suite-not-accepted'],
    );
  });

  it('rejects the stream when nothing is acceptable, saying why for each line', () => {
    const result = answerCryptoOffer([offer[0] ?? '', 'a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:!!!!']);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.rejected.map((r) => r.reason),
      ['unknown-suite', 'bad-base64'],
    );
  });

  it('refuses weakened protection unless allowed, and then echoes the negotiated parameter', () => {
    const weak = [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} UNENCRYPTED_SRTCP KDR=4`];
    const refused = answerCryptoOffer(weak);
    assert.equal(refused.ok, false);
    assert.equal(refused.rejected[0]?.reason, 'weakened-protection');
    const allowed = answerCryptoOffer(weak, { allowWeakened: true, random: countingRandom() });
    assert.ok(allowed.ok);
    // UNENCRYPTED_SRTCP is negotiated and echoed; KDR is the offerer's own and is not (§5.1.2).
    assert.match(allowed.answerLine, / UNENCRYPTED_SRTCP$/);
    assert.equal(allowed.answer.sessionParams.keyDerivationRate, undefined);
  });
});

describe('checking the answer to our offer (§5.1.3)', () => {
  const ours = generateCryptoOffer(undefined, countingRandom(0));

  it('matches the tag to what we offered', () => {
    const check = acceptCryptoAnswer(ours, `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_40}`);
    assert.ok(check.ok);
    assert.equal(check.offered, ours[1]);
    assert.equal(check.answer.keys[0]?.key.length, 16);
  });

  it('refuses an unknown tag, a changed suite, or changed negotiated parameters', () => {
    const reason = (line: string): string => {
      const check = acceptCryptoAnswer(ours, line);
      return check.ok ? 'ok' : check.reason;
    };
    assert.equal(reason(`a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}`), 'unknown-tag');
    assert.equal(reason(`a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${KEY_40}`), 'suite-mismatch');
    assert.equal(reason(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40} UNENCRYPTED_SRTP`), 'session-param-mismatch');
    assert.equal(reason('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:short'), 'bad-base64');
  });
});

describe('SDES keys drive SRTP contexts end to end', () => {
  it('offerer and answerer protect for each other with the keys in the SDP', () => {
    const offer = generateCryptoOffer(undefined, countingRandom(1));
    const answer = answerCryptoOffer(offer.map(formatCryptoLine), { random: countingRandom(77) });
    assert.ok(answer.ok);
    const check = acceptCryptoAnswer(offer, answer.answerLine);
    assert.ok(check.ok);

    // Each side sends under its own key and receives under the other's.
    const aliceSend = new SrtpContext(srtpOptionsFromCrypto(check.offered));
    const aliceReceive = new SrtpContext(srtpOptionsFromCrypto(check.answer));
    const bobSend = new SrtpContext(srtpOptionsFromCrypto(answer.answer));
    const bobReceive = new SrtpContext(srtpOptionsFromCrypto(answer.offer));

    const toBob = aliceSend.protectRtp(rtpPacket(1, { ssrc: 0xa11ce }));
    assert.ok(toBob.ok);
    assert.deepEqual(bobReceive.unprotectRtp(toBob.packet), { ok: true, packet: rtpPacket(1, { ssrc: 0xa11ce }), index: 1 });
    const toAlice = bobSend.protectRtcp(rtcpReceiverReport(0xb0b));
    assert.ok(toAlice.ok);
    const back = aliceReceive.unprotectRtcp(toAlice.packet);
    assert.ok(back.ok);
    assert.deepEqual(back.packet, rtcpReceiverReport(0xb0b));
    // Alice's receiving context cannot read Alice's own packets: the keys differ per direction.
    assert.equal(aliceReceive.unprotectRtp(toBob.packet).ok, false);
  });

  it('carries lifetime, MKI, KDR and WSH into the context options', () => {
    const line = `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_40}|2^20|1:4 KDR=2 WSH=256`;
    const options = srtpOptionsFromCrypto(valueOf(parseCryptoLine(line)));
    assert.equal(options.lifetime, 2 ** 20);
    assert.deepEqual(options.mki, hex('00000001'));
    assert.equal(options.keyDerivationRate, 4);
    assert.equal(options.replayWindowSize, 256);
    assert.equal(options.encryptRtp, true);
    assert.doesNotThrow(() => new SrtpContext(options));
  });
});
