/**
 * Every expected `response` below is a literal: either printed in an RFC, or
 * computed once with coreutils md5sum / sha256sum and openssl dgst (shown next
 * to it), so none is the code under test agreeing with itself.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DigestChallenge } from '../../firmware/sip/auth/challenge.js';
import { parseChallenge } from '../../firmware/sip/auth/challenge.js';
import type { AuthorizationResult, AuthorizeInput } from '../../firmware/sip/auth/digest.js';
import { authorize } from '../../firmware/sip/auth/digest.js';
import { NonceCounter } from '../../firmware/sip/auth/nonce-counter.js';

function challenge(value: string): DigestChallenge {
  const result = parseChallenge(value);
  if (!result.ok) assert.fail(result.reason);
  return result.challenge;
}

/** A cnonce source that hands out the given values in turn and counts the calls. */
function cnonces(...values: string[]): { source: () => string; calls: () => number } {
  let calls = 0;
  return {
    source: () => {
      const v = values[calls] ?? `cnonce-${calls}`;
      calls += 1;
      return v;
    },
    calls: () => calls,
  };
}

function ok(result: AuthorizationResult): Extract<AuthorizationResult, { ok: true }> {
  if (!result.ok) assert.fail(result.reason);
  return result;
}

/**
 * Split `Digest a="x", b=y` into name → raw value text (quotes kept), with a
 * regex independent of the code under test, to check what is quoted.
 */
function fields(value: string): Map<string, string> {
  assert.match(value, /^Digest /);
  const out = new Map<string, string>();
  for (const m of value.slice(7).matchAll(/([a-z]+)=("(?:[^"\\]|\\.)*"|[^,\s]+)(?:, |$)/g)) {
    out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

// RFC 2617 §3.5 example.
const RFC2617_CHALLENGE =
  'Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
  'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
const MUFASA_2617 = { username: 'Mufasa', password: 'Circle Of Life' };

// RFC 7616 §3.9.1 example (note the lower-case "of").
const RFC7616_NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const RFC7616_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const RFC7616_OPAQUE = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';
const rfc7616Challenge = (algorithm: string): string =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
  `nonce="${RFC7616_NONCE}", opaque="${RFC7616_OPAQUE}"`;
const MUFASA_7616 = { username: 'Mufasa', password: 'Circle of Life' };
const GET_DIR_INDEX = { method: 'GET', uri: '/dir/index.html' };

function run(input: Omit<AuthorizeInput, 'nonces'>, ...cnonceValues: string[]): AuthorizationResult {
  return authorize({ ...input, nonces: new NonceCounter(cnonces(...cnonceValues).source) });
}

describe('authorize: published vectors', () => {
  it('RFC 2617 §3.5: MD5, qop=auth gives 6629fae4… and the full header value', () => {
    const r = ok(
      run({ challenge: challenge(RFC2617_CHALLENGE), credentials: MUFASA_2617, request: GET_DIR_INDEX }, '0a4f113b'),
    );
    assert.equal(r.response, '6629fae49393a05397450978507c4ef1');
    assert.equal(
      r.value,
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, ' +
        'cnonce="0a4f113b", qop=auth, nc=00000001, opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
  });

  it('RFC 7616 §3.9.1: SHA-256 gives 753927fa…', () => {
    const r = ok(
      run(
        { challenge: challenge(rfc7616Challenge('SHA-256')), credentials: MUFASA_7616, request: GET_DIR_INDEX },
        RFC7616_CNONCE,
      ),
    );
    assert.equal(r.response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    const f = fields(r.value);
    assert.equal(f.get('algorithm'), 'SHA-256');
    assert.equal(f.get('cnonce'), `"${RFC7616_CNONCE}"`);
    assert.equal(f.get('opaque'), `"${RFC7616_OPAQUE}"`);
  });

  it('RFC 7616 §3.9.1: the same request under MD5 gives 8ca523f5…', () => {
    const r = ok(
      run(
        { challenge: challenge(rfc7616Challenge('MD5')), credentials: MUFASA_7616, request: GET_DIR_INDEX },
        RFC7616_CNONCE,
      ),
    );
    assert.equal(r.response, '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 2069 §2.4 (corrected by its erratum): MD5 without qop sends no qop, nc or cnonce', () => {
    const source = cnonces();
    const r = ok(
      authorize({
        challenge: challenge(
          'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
            'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
        ),
        credentials: { username: 'Mufasa', password: 'CircleOfLife' },
        request: GET_DIR_INDEX,
        nonces: new NonceCounter(source.source),
      }),
    );
    assert.equal(r.response, '1949323746fe6a43ef61f9606e7febea');
    const f = fields(r.value);
    assert.equal(f.has('qop'), false);
    assert.equal(f.has('nc'), false);
    assert.equal(f.has('cnonce'), false);
    assert.equal(r.qop, undefined);
    assert.equal(source.calls(), 0, 'no cnonce is drawn when none is sent');
  });
});

describe('authorize: algorithms checked against coreutils/openssl', () => {
  it('MD5-sess: A1 = H(H(user:realm:pass):nonce:cnonce)', () => {
    // HA1=$(md5 "$(md5 'Mufasa:testrealm@host.com:Circle Of Life'):dcd98b…c093:0a4f113b")
    // md5 "$HA1:dcd98b…c093:00000001:0a4f113b:auth:$(md5 'GET:/dir/index.html')"
    const r = ok(
      run(
        {
          challenge: challenge(RFC2617_CHALLENGE.replace('qop=', 'algorithm=MD5-sess, qop=')),
          credentials: MUFASA_2617,
          request: GET_DIR_INDEX,
        },
        '0a4f113b',
      ),
    );
    assert.equal(r.response, '8e3825c57e897f5a0dec6c2d4e5059d0');
    assert.equal(fields(r.value).get('algorithm'), 'MD5-sess');
  });

  it('SHA-256-sess on the RFC 7616 inputs', () => {
    // sha256sum on the same formula as MD5-sess
    const r = ok(
      run(
        { challenge: challenge(rfc7616Challenge('SHA-256-sess')), credentials: MUFASA_7616, request: GET_DIR_INDEX },
        RFC7616_CNONCE,
      ),
    );
    assert.equal(r.response, '2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7');
    assert.equal(fields(r.value).get('algorithm'), 'SHA-256-sess');
  });

  it('SHA-512-256 on the RFC 7616 inputs', () => {
    // openssl dgst -sha512-256 on the qop=auth formula
    const r = ok(
      run(
        { challenge: challenge(rfc7616Challenge('SHA-512-256')), credentials: MUFASA_7616, request: GET_DIR_INDEX },
        RFC7616_CNONCE,
      ),
    );
    assert.equal(r.response, '430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0');
  });

  it('qop=auth-int hashes the body into A2 (an empty body hashes as empty)', () => {
    // md5 "INVITE:sip:bob@biloxi.com:$(md5 "$BODY")" with BODY below; HA1 = md5 'bob:biloxi.com:zanzibar'
    const base = {
      challenge: challenge('Digest realm="biloxi.com", qop="auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'),
      credentials: { username: 'bob', password: 'zanzibar' },
    };
    const body = 'v=0\r\no=bob 1 1 IN IP4 192.0.2.4\r\n';
    const withBody = ok(run({ ...base, request: { method: 'INVITE', uri: 'sip:bob@biloxi.com', body } }, '0a4f113b'));
    assert.equal(withBody.response, '695189b3ba5f6587fb1d5a51a50eb217');
    assert.equal(fields(withBody.value).get('qop'), 'auth-int');
    const bytes = ok(
      run(
        { ...base, request: { method: 'INVITE', uri: 'sip:bob@biloxi.com', body: new TextEncoder().encode(body) } },
        '0a4f113b',
      ),
    );
    assert.equal(bytes.response, '695189b3ba5f6587fb1d5a51a50eb217');
    const empty = ok(run({ ...base, request: { method: 'INVITE', uri: 'sip:bob@biloxi.com' } }, '0a4f113b'));
    assert.equal(empty.response, '2d6fc6e788367208f746582b18a69618');
  });

  it('uses auth when both are offered, auth-int only when asked to', () => {
    const c = challenge(RFC2617_CHALLENGE);
    assert.equal(ok(run({ challenge: c, credentials: MUFASA_2617, request: GET_DIR_INDEX })).qop, 'auth');
    assert.equal(
      ok(run({ challenge: c, credentials: MUFASA_2617, request: GET_DIR_INDEX, preferQop: 'auth-int' })).qop,
      'auth-int',
    );
  });

  it('userhash=true sends H(username:realm) and userhash=true, the response unchanged', () => {
    // sha256sum <<< 'Mufasa:http-auth@example.org' (no newline)
    const r = ok(
      run(
        {
          challenge: challenge(`${rfc7616Challenge('SHA-256')}, userhash=true`),
          credentials: MUFASA_7616,
          request: GET_DIR_INDEX,
        },
        RFC7616_CNONCE,
      ),
    );
    const f = fields(r.value);
    assert.equal(f.get('username'), '"a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6"');
    assert.equal(f.get('userhash'), 'true');
    assert.equal(r.response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
});

describe('authorize: header syntax (RFC 3261 §25)', () => {
  it('quotes username, realm, nonce, uri, response, cnonce, opaque; not algorithm, qop, nc', () => {
    const r = ok(
      run(
        { challenge: challenge(RFC2617_CHALLENGE), credentials: MUFASA_2617, request: { method: 'REGISTER', uri: 'sip:biloxi.com' } },
        'c1',
      ),
    );
    const f = fields(r.value);
    for (const name of ['username', 'realm', 'nonce', 'uri', 'response', 'cnonce', 'opaque']) {
      assert.match(f.get(name) ?? '', /^".*"$/, `${name} is quoted`);
    }
    assert.equal(f.get('algorithm'), 'MD5');
    assert.equal(f.get('qop'), 'auth');
    assert.equal(f.get('nc'), '00000001');
    assert.equal(f.get('uri'), '"sip:biloxi.com"', 'uri is the Request-URI as sent');
  });

  it('escapes a quote and a backslash in the username and realm', () => {
    const r = ok(
      run(
        {
          challenge: challenge(String.raw`Digest realm="a\"b", nonce="n", qop="auth"`),
          credentials: { username: 'x"y\\z', password: 'p' },
          request: { method: 'REGISTER', uri: 'sip:a' },
        },
        'c1',
      ),
    );
    const f = fields(r.value);
    assert.equal(f.get('username'), String.raw`"x\"y\\z"`);
    assert.equal(f.get('realm'), String.raw`"a\"b"`);
  });

  it('refuses values that would break the header instead of sending them', () => {
    const c = challenge(RFC2617_CHALLENGE);
    const bad = run({ challenge: c, credentials: { username: 'a\r\nVia: evil', password: 'p' }, request: GET_DIR_INDEX });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.reason, /username contains a control character/);
    const badUri = run({ challenge: c, credentials: MUFASA_2617, request: { method: 'GET', uri: 'sip:a\nb' } });
    assert.equal(badUri.ok, false);
    const badCnonce = run({ challenge: c, credentials: MUFASA_2617, request: GET_DIR_INDEX }, 'a"b');
    assert.match(badCnonce.ok ? '' : badCnonce.reason, /cnonce source/);
  });

  it('refuses an unsupported algorithm, an unknown-only qop, and -sess without qop', () => {
    const cases: Array<[string, RegExp]> = [
      ['Digest realm="r", nonce="n", algorithm=SHA-1', /algorithm "SHA-1" is not supported/],
      ['Digest realm="r", nonce="n", qop="auth-conf"', /none of qop "auth-conf"/],
      ['Digest realm="r", nonce="n", algorithm=MD5-sess', /MD5-sess without qop/],
    ];
    for (const [value, reason] of cases) {
      const r = run({ challenge: challenge(value), credentials: MUFASA_2617, request: GET_DIR_INDEX });
      assert.match(r.ok ? 'answered' : r.reason, reason, value);
    }
  });
});

describe('authorize: nonce-count (RFC 2617 §3.2.2)', () => {
  it('counts 00000001, 00000002, 00000003 over three uses of one nonce, reusing its cnonce', () => {
    const source = cnonces('0a4f113b', 'never-used');
    const nonces = new NonceCounter(source.source);
    const c = challenge(RFC2617_CHALLENGE);
    const uses = [1, 2, 3].map(() =>
      ok(authorize({ challenge: c, credentials: MUFASA_2617, request: GET_DIR_INDEX, nonces })),
    );
    assert.deepEqual(
      uses.map((u) => [u.nc, u.cnonce, fields(u.value).get('nc')]),
      [
        ['00000001', '0a4f113b', '00000001'],
        ['00000002', '0a4f113b', '00000002'],
        ['00000003', '0a4f113b', '00000003'],
      ],
    );
    // md5 "$HA1:dcd98b…c093:0000000N:0a4f113b:auth:$HA2", HA1/HA2 as in RFC 2617 §3.5
    assert.deepEqual(
      uses.map((u) => u.response),
      ['6629fae49393a05397450978507c4ef1', '15b6bb427e3fecd23a43cb702ce447d5', '6221f5f4c31ac4a801213d66f36f654a'],
    );
    assert.equal(source.calls(), 1);
  });

  it('starts again at 00000001 with a fresh cnonce when the server gives a new nonce', () => {
    const source = cnonces('first', 'second');
    const nonces = new NonceCounter(source.source);
    const first = challenge('Digest realm="r", nonce="n1", qop="auth"');
    const second = challenge('Digest realm="r", nonce="n2", qop="auth", stale=true');
    const send = (c: DigestChallenge): Extract<AuthorizationResult, { ok: true }> =>
      ok(authorize({ challenge: c, credentials: MUFASA_2617, request: GET_DIR_INDEX, nonces }));
    assert.equal(send(first).nc, '00000001');
    assert.equal(send(first).nc, '00000002');
    const renewed = send(second);
    assert.equal(renewed.nc, '00000001');
    assert.equal(renewed.cnonce, 'second');
  });

  it('counts the same nonce separately per realm, and forgets the oldest beyond capacity', () => {
    const nonces = new NonceCounter(cnonces().source, 2);
    assert.equal(nonces.use('a', 'n')?.nc, '00000001');
    assert.equal(nonces.use('b', 'n')?.nc, '00000001');
    assert.equal(nonces.use('a', 'n')?.nc, '00000002');
    nonces.use('c', 'n'); // evicts b, the least recently used
    assert.equal(nonces.use('a', 'n')?.nc, '00000003');
    assert.equal(nonces.use('b', 'n')?.nc, '00000001');
  });
});
