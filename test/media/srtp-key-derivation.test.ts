import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  deriveSessionKeys,
  deriveSessionValue,
  isValidKeyDerivationRate,
  kdfInput,
  KdfLabel,
  keyDerivationEpoch,
} from '../../firmware/media/srtp/key-derivation.js';
import { hex, MASTER_KEY, MASTER_SALT } from './srtp-fixtures.js';

const LENGTHS = { keyLength: 16, authKeyLength: 20, saltLength: 14 };

describe('RFC 3711 Appendix B.3: key derivation test vectors (rate 0)', () => {
  it('forms the PRF input by XORing label into the master salt, right-aligned', () => {
    assert.deepEqual(kdfInput(MASTER_SALT, KdfLabel.srtpEncryption, 0), hex('0EC675AD498AFEEBB6960B3AABE6'));
    assert.deepEqual(kdfInput(MASTER_SALT, KdfLabel.srtpSalt, 0), hex('0EC675AD498AFEE9B6960B3AABE6'));
    assert.deepEqual(kdfInput(MASTER_SALT, KdfLabel.srtpAuthentication, 0), hex('0EC675AD498AFEEAB6960B3AABE6'));
  });

  it('derives the cipher key C61E7A93744F39EE10734AFE3FF7A087', () => {
    assert.deepEqual(
      deriveSessionValue(MASTER_KEY, MASTER_SALT, KdfLabel.srtpEncryption, 16),
      hex('C61E7A93744F39EE10734AFE3FF7A087'),
    );
  });

  it('derives the cipher salt 30CBBC08863D8C85D49DB34A9AE1 (first 14 octets of the AES-CM output)', () => {
    assert.deepEqual(deriveSessionValue(MASTER_KEY, MASTER_SALT, KdfLabel.srtpSalt, 14), hex('30CBBC08863D8C85D49DB34A9AE1'));
    assert.deepEqual(
      deriveSessionValue(MASTER_KEY, MASTER_SALT, KdfLabel.srtpSalt, 16),
      hex('30CBBC08863D8C85D49DB34A9AE17AC6'),
    );
  });

  it('derives the whole 94-octet auth key of the appendix', () => {
    assert.deepEqual(
      deriveSessionValue(MASTER_KEY, MASTER_SALT, KdfLabel.srtpAuthentication, 94),
      hex(`CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
           E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
           6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2`),
    );
  });

  it('gives the HMAC-SHA1 suites their 16/20/14-octet session keys', () => {
    const keys = deriveSessionKeys(MASTER_KEY, MASTER_SALT, 'srtp', LENGTHS);
    assert.deepEqual(keys.encryptionKey, hex('C61E7A93744F39EE10734AFE3FF7A087'));
    assert.deepEqual(keys.authenticationKey, hex('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4'));
    assert.deepEqual(keys.salt, hex('30CBBC08863D8C85D49DB34A9AE1'));
  });

  it('derives different SRTCP keys with labels 3, 4, 5 (§4.3.2)', () => {
    const rtp = deriveSessionKeys(MASTER_KEY, MASTER_SALT, 'srtp', LENGTHS);
    const rtcp = deriveSessionKeys(MASTER_KEY, MASTER_SALT, 'srtcp', LENGTHS);
    assert.notDeepEqual(rtcp.encryptionKey, rtp.encryptionKey);
    assert.notDeepEqual(rtcp.authenticationKey, rtp.authenticationKey);
    assert.notDeepEqual(rtcp.salt, rtp.salt);
    assert.deepEqual(rtcp.encryptionKey, deriveSessionValue(MASTER_KEY, MASTER_SALT, KdfLabel.srtcpEncryption, 16));
  });
});

describe('key derivation rate (§4.3.1)', () => {
  it('accepts 0 and powers of two up to 2^24 only', () => {
    for (const rate of [0, 1, 2, 1024, 2 ** 24]) assert.equal(isValidKeyDerivationRate(rate), true, String(rate));
    for (const rate of [3, 100, 2 ** 25, -1, 0.5]) assert.equal(isValidKeyDerivationRate(rate), false, String(rate));
  });

  it('r = index DIV rate, and "a DIV 0 = 0"', () => {
    assert.equal(keyDerivationEpoch(123456, 0), 0);
    assert.equal(keyDerivationEpoch(1023, 1024), 0);
    assert.equal(keyDerivationEpoch(1024, 1024), 1);
    assert.throws(() => keyDerivationEpoch(5, 3), RangeError);
  });

  // NIST SP 800-135 SRTP-KDF vectors (as carried in OpenSSL's evpkdf_srtp.txt),
  // at rate 1 so r is the index itself: they pin down where r sits in key_id.
  const nistKey = hex('8C307F105F79D5D2C26B1A933AE22CD5');
  const nistSalt = hex('563B4C15458D977B68080242CEE1');

  it('reproduces the NIST SRTP vectors at index 08284B49F520', () => {
    const keys = deriveSessionKeys(nistKey, nistSalt, 'srtp', LENGTHS, 0x08284b49f520, 1);
    assert.deepEqual(keys.encryptionKey, hex('A920DF50EAA111D03FBE9B203121C07D'));
    assert.deepEqual(keys.authenticationKey, hex('A337DC070C0DAFA942F1E3A27ACD3C9917CE4B4D'));
    assert.deepEqual(keys.salt, hex('9E2BC99C86037F2AD98D72927428'));
  });

  it('reproduces the NIST SRTCP vectors at index 69B62109 (32-bit r, §4.3.2)', () => {
    const keys = deriveSessionKeys(nistKey, nistSalt, 'srtcp', LENGTHS, 0x69b62109, 1);
    assert.deepEqual(keys.encryptionKey, hex('94D76CA7ADB05B8631CF62538D97BE74'));
    assert.deepEqual(keys.authenticationKey, hex('FA02251D693645BC1001F83C5A13CB3E3D77F7EA'));
    assert.deepEqual(keys.salt, hex('70C0481A04E3610EC8AF8623FA9B'));
  });

  it('keeps the rate-0 keys for indices below the rate and changes them at the rate', () => {
    const base = deriveSessionKeys(MASTER_KEY, MASTER_SALT, 'srtp', LENGTHS);
    assert.deepEqual(deriveSessionKeys(MASTER_KEY, MASTER_SALT, 'srtp', LENGTHS, 1023, 1024), base);
    assert.notDeepEqual(deriveSessionKeys(MASTER_KEY, MASTER_SALT, 'srtp', LENGTHS, 1024, 1024).encryptionKey, base.encryptionKey);
  });
});
