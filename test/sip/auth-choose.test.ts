import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from '../../firmware/sip/auth/challenge.js';
import type { ChooseResult } from '../../firmware/sip/auth/choose.js';
import { chooseChallenge } from '../../firmware/sip/auth/choose.js';

const sha256 = 'Digest realm="biloxi.com", nonce="n-sha", algorithm=SHA-256, qop="auth"';
const md5 = 'Digest realm="biloxi.com", nonce="n-md5", algorithm=MD5, qop="auth"';

function chosen(result: ChooseResult): { index: number; algorithm: string } {
  if (!result.ok) assert.fail(result.reason);
  return { index: result.index, algorithm: result.challenge.algorithm };
}

describe('chooseChallenge (RFC 8760 §2.4)', () => {
  it('answers the topmost supported one: SHA-256 listed above MD5, as RFC 7616 §3.9.1 lists them', () => {
    assert.deepEqual(chosen(chooseChallenge(parseChallenges([sha256, md5]))), { index: 0, algorithm: 'SHA-256' });
  });

  it('by default honours the server order even when MD5 is on top ("topmost header field that it supports")', () => {
    assert.deepEqual(chosen(chooseChallenge(parseChallenges([md5, sha256]))), { index: 0, algorithm: 'MD5' });
  });

  it('with the local "strongest" policy takes SHA-256 over a topmost MD5', () => {
    const result = chooseChallenge(parseChallenges([md5, sha256]), { order: 'strongest' });
    assert.deepEqual(chosen(result), { index: 1, algorithm: 'SHA-256' });
  });

  it('under "strongest", equal strengths keep the server order (SHA-256-sess above SHA-256)', () => {
    const sess = 'Digest realm="biloxi.com", nonce="n-s", algorithm=SHA-256-sess, qop="auth"';
    const result = chooseChallenge(parseChallenges([md5, sess, sha256]), { order: 'strongest' });
    assert.deepEqual(chosen(result), { index: 1, algorithm: 'SHA-256-sess' });
  });

  it('skips unsupported algorithms, other schemes and malformed values, saying why', () => {
    const result = chooseChallenge(
      parseChallenges([
        'Digest realm="biloxi.com", nonce="x", algorithm=SHA-1',
        'Bearer realm="biloxi.com"',
        'Digest realm="biloxi.com"',
        md5,
      ]),
    );
    assert.deepEqual(chosen(result), { index: 3, algorithm: 'MD5' });
    assert.deepEqual(
      result.skipped.map((s) => s.index),
      [0, 1, 2],
    );
    assert.match(result.skipped[0]?.reason ?? '', /SHA-1/);
    assert.match(result.skipped[1]?.reason ?? '', /Bearer/);
    assert.match(result.skipped[2]?.reason ?? '', /no nonce/);
  });

  it('skips challenges for other realms when narrowed to the account realm', () => {
    const proxy = 'Digest realm="proxy.example", nonce="p", algorithm=SHA-256, qop="auth"';
    const result = chooseChallenge(parseChallenges([proxy, md5]), { realm: 'biloxi.com' });
    assert.deepEqual(chosen(result), { index: 1, algorithm: 'MD5' });
    assert.match(result.skipped[0]?.reason ?? '', /realm "proxy.example"/);
  });

  it('rejects when none is supported, listing every reason', () => {
    const result = chooseChallenge(
      parseChallenges([
        'Digest realm="r", nonce="x", algorithm=SHA-512',
        'Digest realm="r", nonce="y", qop="auth-conf"',
        'Digest realm="r", nonce="z", algorithm=SHA-256-sess',
      ]),
    );
    assert.equal(result.ok, false);
    const reason = result.ok ? '' : result.reason;
    assert.match(reason, /#0: algorithm "SHA-512" is not supported/);
    assert.match(reason, /#1: none of qop/);
    assert.match(reason, /#2: SHA-256-sess without qop/);
    assert.equal(result.skipped.length, 3);
  });

  it('rejects an empty list', () => {
    const result = chooseChallenge([]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /no challenge offered/);
  });
});
