import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChallengeParseResult, DigestChallenge } from '../../firmware/sip/auth/challenge.js';
import { parseChallenge, parseChallenges } from '../../firmware/sip/auth/challenge.js';

function parsed(value: string): DigestChallenge {
  const result = parseChallenge(value);
  if (!result.ok) assert.fail(`expected "${value}" to parse, got: ${result.reason}`);
  return result.challenge;
}

function refusal(value: string): string {
  const result: ChallengeParseResult = parseChallenge(value);
  if (result.ok) assert.fail(`expected "${value}" to be refused`);
  assert.equal(result.value, value);
  return result.reason;
}

describe('parseChallenge: RFC 3261 §25 challenge', () => {
  it('reads the RFC 3261 §22.2 example 401 challenge', () => {
    const c = parsed(
      'Digest realm="biloxi.com", qop="auth,auth-int", ' +
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    assert.equal(c.scheme, 'Digest');
    assert.equal(c.realm, 'biloxi.com');
    assert.equal(c.nonce, 'dcd98b7102dd2f0e8b11d0f600bfb0c093');
    assert.equal(c.opaque, '5ccc069c403ebaf9f0171e9517f40e41');
    assert.deepEqual(c.qop, ['auth', 'auth-int']);
    // RFC 2617 §3.2.1: no algorithm means MD5; no stale means false.
    assert.equal(c.algorithm, 'MD5');
    assert.equal(c.stale, false);
    assert.equal(c.userhash, false);
    assert.deepEqual(c.domain, []);
  });

  it('keeps a comma inside a quoted qop list and inside a quoted realm', () => {
    const c = parsed('Digest realm="Phones, Inc., 2nd floor", nonce="n", qop=" auth , auth-int ,x-new"');
    assert.equal(c.realm, 'Phones, Inc., 2nd floor');
    assert.deepEqual(c.qop, ['auth', 'auth-int', 'x-new']);
  });

  it('unescapes quoted-pairs: \\" and \\\\', () => {
    const c = parsed(String.raw`Digest realm="say \"hi\" \\ bye", nonce="a\bc"`);
    assert.equal(c.realm, 'say "hi" \\ bye');
    assert.equal(c.nonce, 'abc');
  });

  it('treats scheme, parameter names, stale, algorithm and qop case-insensitively', () => {
    const c = parsed('dIgEsT REALM="r", Nonce="n", STALE=TRUE, Algorithm=sha-256, QOP="AUTH", UserHash=True');
    assert.equal(c.realm, 'r');
    assert.equal(c.nonce, 'n');
    assert.equal(c.stale, true);
    assert.equal(c.algorithm, 'sha-256');
    assert.deepEqual(c.qop, ['auth']);
    assert.equal(c.userhash, true);
  });

  it('keeps the realm value case-sensitive (RFC 7235 §2.2)', () => {
    assert.equal(parsed('Digest realm="Biloxi.COM", nonce="n"').realm, 'Biloxi.COM');
  });

  it('keeps unknown parameters in params and still parses the known ones', () => {
    const c = parsed('Digest realm="r", x-vendor=42, nonce="n", future-thing="a, \\"b\\""');
    assert.equal(c.params.get('x-vendor'), '42');
    assert.equal(c.params.get('future-thing'), 'a, "b"');
    assert.equal(c.nonce, 'n');
  });

  it('accepts a quoted algorithm and stale, and token-form values (auth-param allows both)', () => {
    const c = parsed('Digest realm=biloxi.com, nonce=abc123, algorithm="MD5-sess", stale="true"');
    assert.equal(c.realm, 'biloxi.com');
    assert.equal(c.nonce, 'abc123');
    assert.equal(c.algorithm, 'MD5-sess');
    assert.equal(c.stale, true);
  });

  it('reads stale values other than true as false (RFC 2617 §3.2.1)', () => {
    assert.equal(parsed('Digest realm="r", nonce="n", stale=false').stale, false);
    assert.equal(parsed('Digest realm="r", nonce="n", stale=yes').stale, false);
  });

  it('reads domain as a space-separated list of URIs, and charset', () => {
    const c = parsed('Digest realm="r", nonce="n", domain="sip:a.example.com  sip:b.example.com", charset=UTF-8');
    assert.deepEqual(c.domain, ['sip:a.example.com', 'sip:b.example.com']);
    assert.equal(c.charset, 'UTF-8');
  });

  it('tolerates whitespace around "=" and ",", empty list elements, and a folded line', () => {
    const c = parsed('  Digest\trealm = "r" ,, nonce="n",\r\n  opaque="o" ,');
    assert.equal(c.realm, 'r');
    assert.equal(c.nonce, 'n');
    assert.equal(c.opaque, 'o');
  });

  it('parses several header values in order', () => {
    const results = parseChallenges([
      'Digest realm="a", nonce="1", algorithm=SHA-256',
      'Basic realm="a"',
      'Digest realm="a", nonce="2"',
    ]);
    assert.deepEqual(
      results.map((r) => (r.ok ? r.challenge.nonce : 'refused')),
      ['1', 'refused', '2'],
    );
  });
});

describe('parseChallenge: refusing malformed values with a reason', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty value', '', /no auth-scheme/],
    ['another scheme', 'Basic realm="r"', /"Basic" is not supported/],
    ['Digest with no parameters', 'Digest', /no parameters/],
    ['no realm', 'Digest nonce="n"', /no realm/],
    ['no nonce', 'Digest realm="r"', /no nonce/],
    ['empty nonce', 'Digest realm="r", nonce=""', /no nonce/],
    ['unterminated quoted string', 'Digest realm="r", nonce="n', /not terminated/],
    ['escape at the very end', 'Digest realm="r", nonce="n\\', /inside an escape/],
    ['control character in a quoted string', 'Digest realm="a\u0001b", nonce="n"', /control character 0x01/],
    ['bare line break in a quoted string', 'Digest realm="a\r\nb", nonce="n"', /control character 0x0d/],
    ['duplicate parameter', 'Digest realm="a", nonce="n", REALM="b"', /"REALM" occurs twice/],
    ['parameter without "="', 'Digest realm="r", nonce', /"nonce" has no "="/],
    ['parameter without value', 'Digest realm=, nonce="n"', /"realm" has no value/],
    ['missing comma', 'Digest realm="r" nonce="n"', /expected ","/],
    ['two challenges in one value', 'Digest realm="a", nonce="1", Digest realm="b", nonce="2"', /second challenge/],
    ['empty qop list', 'Digest realm="r", nonce="n", qop=" , "', /qop lists no value/],
    ['qop value that is not a token', 'Digest realm="r", nonce="n", qop="auth, a b"', /not a token/],
    ['empty algorithm', 'Digest realm="r", nonce="n", algorithm=""', /algorithm is empty/],
  ];
  for (const [name, value, reason] of cases) {
    it(`refuses ${name}`, () => {
      assert.match(refusal(value), reason);
    });
  }
});
