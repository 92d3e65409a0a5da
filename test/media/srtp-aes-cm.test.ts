import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { aesCmIv, aesCmKeystream, aesCmTransform } from '../../firmware/media/srtp/aes-cm.js';
import { hex } from './srtp-fixtures.js';

describe('RFC 3711 Appendix B.2: AES-CM test vectors', () => {
  const sessionKey = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const sessionSalt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
  // "Keystream segment length: 1044512 octets (65282 AES blocks)".
  const segmentLength = 1044512;

  it('builds the offset F0F1…FCFD0000 from the salt with ROC, SEQ and SSRC zero', () => {
    assert.deepEqual(aesCmIv(sessionSalt, 0, 0), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000'));
  });

  it('produces the first and last three keystream blocks of the segment', () => {
    const keystream = aesCmKeystream(sessionKey, aesCmIv(sessionSalt, 0, 0), segmentLength);
    assert.equal(keystream.length, segmentLength);
    assert.deepEqual(
      keystream.subarray(0, 48),
      hex(`E03EAD0935C95E80E166B16DD92B4EB4
           D23513162B02D0F72A43A2FE4A5F97AB
           41E95B3BB0A2E8DD477901E4FCA894C0`),
    );
    // Counters …FEFF, …FF00, …FF01: blocks 0xFEFF..0xFF01.
    assert.deepEqual(
      keystream.subarray(0xfeff * 16),
      hex(`EC8CDF7398607CB0F2D21675EA9EA1E4
           362B7C3C6773516318A077D7FC5073AE
           6A2CC3787889374FBEB4C81B17BA6C44`),
    );
  });
});

describe('the SRTP IV (§4.1.1)', () => {
  const salt = hex('000102030405060708090A0B0C0D');

  it('XORs the SSRC into octets 4..7 and the 48-bit index into octets 8..13', () => {
    assert.deepEqual(
      aesCmIv(salt, 0xffffffff, 0),
      hex('00010203 FBFAF9F8 08090A0B0C0D 0000'),
    );
    assert.deepEqual(
      aesCmIv(salt, 0, 0x123456789abc),
      hex('00010203 04050607 1A3D5C7396B1 0000'),
    );
  });

  it('refuses a salt of the wrong size or an index past 48 bits', () => {
    assert.throws(() => aesCmIv(Buffer.alloc(16), 0, 0), RangeError);
    assert.throws(() => aesCmIv(salt, 0, 2 ** 48), RangeError);
  });

  it('is its own inverse: applying the keystream twice gives the plaintext back', () => {
    const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
    const iv = aesCmIv(salt, 0x1234, 77);
    const plain = Buffer.from('a payload that is not a whole number of blocks');
    const cipher = aesCmTransform(key, iv, plain);
    assert.notDeepEqual(cipher, plain);
    assert.deepEqual(aesCmTransform(key, iv, cipher), plain);
  });
});
