// The registration policies, each a pure function checked alone: refresh
// time, RFC 5626 §4.5 back-off, failover order, the granted expiry of a 2xx
// (RFC 3261 §10.2.4), the retry after a 423 (§10.2.8) and the REGISTER
// itself (§10.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, NameAddr, parseMessage, serialize, sipUri } from '../../firmware/sip/message/index.js';
import type { SipResponse } from '../../firmware/sip/message/index.js';
import {
  addressOfRecord,
  afterServerFailure,
  backoffBoundMs,
  backoffDelayMs,
  buildRegister,
  contactUri,
  expiresAfter423,
  grantedExpires,
  refreshDelayMs,
  registrarUri,
  registrationChanged,
  retryAfterMs,
  triesNextAddress,
} from '../../firmware/sip/registration/index.js';
import { account, server } from './registration-fixtures.js';

describe('refreshDelayMs: a random moment in 50-90 % of the binding, at least Timer F before it ends', () => {
  it('spans 50 % (random 0) to 90 % (random 1) of a long binding', () => {
    assert.equal(refreshDelayMs(3600, 0), 1_800_000);
    assert.equal(refreshDelayMs(3600, 1), 3_240_000);
    assert.equal(refreshDelayMs(3600, 0.5), 2_520_000);
  });

  it('keeps 32 s (Timer F) before expiry when 90 % would leave less', () => {
    // 300 s: 90 % is 270 s, but 300 - 32 = 268 s.
    assert.equal(refreshDelayMs(300, 1), 268_000);
    assert.equal(refreshDelayMs(300, 0), 150_000);
  });

  it('never refreshes before halfway, even when the binding is too short for the lead', () => {
    // 60 s: 60 - 32 = 28 s is before halfway, so halfway it is, whatever the random value.
    assert.equal(refreshDelayMs(60, 0), 30_000);
    assert.equal(refreshDelayMs(60, 1), 30_000);
  });

  it('clamps a random value outside [0, 1]', () => {
    assert.equal(refreshDelayMs(3600, -3), 1_800_000);
    assert.equal(refreshDelayMs(3600, 7), 3_240_000);
  });

  it('is always before the binding ends', () => {
    for (const granted of [1, 2, 30, 33, 64, 65, 100, 600, 3600, 86_400]) {
      for (const r of [0, 0.25, 0.999, 1]) assert.ok(refreshDelayMs(granted, r) < granted * 1000, `${granted} s, ${r}`);
    }
  });
});

describe('backoffDelayMs: RFC 5626 §4.5, W = min(max-time, base-time * 2^failures), wait 50-100 % of W', () => {
  it('first failure: 30-60 s with base-time 30 s', () => {
    assert.equal(backoffDelayMs(1, 0), 30_000);
    assert.equal(backoffDelayMs(1, 1), 60_000);
    assert.equal(backoffDelayMs(1, 0.5), 45_000);
  });

  it("the RFC's example: three failures → W = min(1800, 30 * 2^3) = 240 s", () => {
    assert.equal(backoffBoundMs(3), 240_000);
    assert.equal(backoffDelayMs(3, 0), 120_000);
    assert.equal(backoffDelayMs(3, 1), 240_000);
  });

  it('doubles per failure until max-time (1800 s), then stays there', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 60, 5000].map((n) => backoffBoundMs(n)),
      [60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000, 1_800_000],
    );
    assert.equal(backoffDelayMs(5000, 1), 1_800_000);
  });

  it('takes other base and max times', () => {
    assert.equal(backoffBoundMs(2, { baseMs: 90_000, maxMs: 300_000 }), 300_000);
    assert.equal(backoffBoundMs(1, { baseMs: 90_000 }), 180_000);
  });

  it('reads the delta-seconds of Retry-After', () => {
    assert.equal(retryAfterMs('120'), 120_000);
    assert.equal(retryAfterMs('18000;duration=3600'), 18_000_000);
    assert.equal(retryAfterMs('120 (I am in a meeting)'), 120_000);
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});

describe('afterServerFailure: retry_counts on each server, then the next, then a new cycle from the primary', () => {
  const servers = [{ retryCounts: 2 }, { retryCounts: 0 }];

  it('retries the same server while it has retries left', () => {
    assert.deepEqual(afterServerFailure({ serverIndex: 0, failedAttempts: 1 }, servers), {
      kind: 'same-server',
      next: { serverIndex: 0, failedAttempts: 1 },
    });
    assert.equal(afterServerFailure({ serverIndex: 0, failedAttempts: 2 }, servers).kind, 'same-server');
  });

  it('moves to server 2 once retry_counts retries have failed too', () => {
    assert.deepEqual(afterServerFailure({ serverIndex: 0, failedAttempts: 3 }, servers), {
      kind: 'next-server',
      next: { serverIndex: 1, failedAttempts: 0 },
    });
  });

  it('after the last server, a new cycle starts with the primary', () => {
    assert.deepEqual(afterServerFailure({ serverIndex: 1, failedAttempts: 1 }, servers), {
      kind: 'new-cycle',
      next: { serverIndex: 0, failedAttempts: 0 },
    });
    assert.equal(afterServerFailure({ serverIndex: 0, failedAttempts: 1 }, [{ retryCounts: 0 }]).kind, 'new-cycle');
  });

  it('only a 503 or 408 moves on to the next address of the same server (RFC 3263 §4.3)', () => {
    assert.deepEqual(
      [503, 408, 403, 404, 480, 500, 504, 603].map(triesNextAddress),
      [true, true, false, false, false, false, false, false],
    );
  });
});

function responseTo(status: number, headers: [string, string][]): SipResponse {
  const request = createRequest({
    method: 'REGISTER',
    uri: sipUri({ host: 'pbx.example.com' }),
    from: new NameAddr({ uri: sipUri({ user: 'alice', host: 'pbx.example.com' }) }).withTag('t'),
    to: new NameAddr({ uri: sipUri({ user: 'alice', host: 'pbx.example.com' }) }),
    callId: 'c',
    cseq: 1,
  });
  return createResponse(request, status, undefined, { toTag: 'r', headers });
}

function okFor(contacts: string[], headers: [string, string][] = []): SipResponse {
  return responseTo(200, [...contacts.map((c): [string, string] => ['Contact', c]), ...headers]);
}

describe('grantedExpires: RFC 3261 §10.2.4, our Contact\'s expires, else Expires', () => {
  const ours = contactUri('alice', { host: '192.0.2.10', port: 5060 }, 'udp');

  it("takes the expires parameter of the contact that is ours, not another device's", () => {
    const r = okFor([
      '<sip:alice@198.51.100.7:5060>;expires=77',
      '<sip:alice@192.0.2.10:5060;transport=udp>;expires=600',
    ]);
    assert.equal(grantedExpires(r, ours, 3600), 600);
  });

  it('compares URIs by §19.1.4 (host case, parameter order, header parameters after the URI)', () => {
    const r = okFor(['<sip:alice@192.0.2.10:5060;transport=UDP>;q=0.5;expires=900']);
    assert.equal(grantedExpires(r, ours, 3600), 900);
  });

  it('falls back to the Expires header, then to what was asked for', () => {
    assert.equal(grantedExpires(okFor(['<sip:alice@192.0.2.10:5060;transport=udp>'], [['Expires', '1200']]), ours, 3600), 1200);
    assert.equal(grantedExpires(okFor(['<sip:alice@203.0.113.1:5060>;expires=30'], [['Expires', '1800']]), ours, 3600), 1800);
    assert.equal(grantedExpires(okFor([]), ours, 3600), 3600);
  });
});

describe('expiresAfter423: §10.2.8, retry with the Min-Expires of the 423', () => {
  function tooBrief(min?: string): SipResponse {
    return responseTo(423, min === undefined ? [] : [['Min-Expires', min]]);
  }

  it('asks for Min-Expires when it is above what was asked', () => {
    assert.equal(expiresAfter423(tooBrief('1800'), 60), 1800);
  });

  it('gives up when Min-Expires is missing or would not help', () => {
    assert.equal(expiresAfter423(tooBrief(), 60), undefined);
    assert.equal(expiresAfter423(tooBrief('60'), 60), undefined);
    assert.equal(expiresAfter423(tooBrief('30'), 60), undefined);
  });
});

describe('buildRegister: the REGISTER of §10.2', () => {
  const a = account({ displayName: 'Alice Liddell' });
  const s = server();
  const request = buildRegister({
    registrar: registrarUri(s),
    aor: addressOfRecord(a, s),
    displayName: a.displayName,
    fromTag: 'f00d',
    callId: 'reg-call-id@192.0.2.10',
    cseq: 7,
    contact: contactUri('alice', { host: '192.0.2.10', port: 5062 }, 'tcp'),
    expires: 3600,
    userAgent: 'deskphone/test',
  });

  it('puts every field in its place, and the wire form parses back', () => {
    const wire = Buffer.from(serialize(request)).toString('utf8');
    assert.match(wire, /^REGISTER sip:pbx\.example\.com SIP\/2\.0\r\n/);
    const parsed = parseMessage(serialize(request), { transport: 'stream' });
    assert.ok(parsed.ok);
    const h = parsed.message.headers;
    // To = From = the address of record (display name quoted or not: both are valid, §25.1).
    assert.match(h.get('To') ?? '', /^"?Alice Liddell"? <sip:alice@pbx\.example\.com>$/);
    assert.match(h.get('From') ?? '', /^"?Alice Liddell"? <sip:alice@pbx\.example\.com>;tag=f00d$/);
    assert.equal(h.get('Call-ID'), 'reg-call-id@192.0.2.10');
    assert.equal(h.get('CSeq'), '7 REGISTER');
    assert.equal(h.get('Contact'), '<sip:alice@192.0.2.10:5062;transport=tcp>;expires=3600');
    assert.equal(h.get('Expires'), '3600');
    assert.equal(h.get('Max-Forwards'), '70');
    assert.equal(h.get('User-Agent'), 'deskphone/test');
    assert.match(h.lines('Allow')[0] ?? '', /^INVITE, ACK, CANCEL, BYE, OPTIONS/);
    assert.equal(h.lines('Supported')[0], 'replaces');
    assert.equal(h.has('Via'), false, 'the transaction layer adds the Via');
  });

  it('names the registrar without userinfo, with a port only when it is not the default', () => {
    assert.equal(String(registrarUri(server({ port: 5080 })).port), '5080');
    assert.equal(registrarUri(server({ port: 0 })).port, undefined);
    assert.equal(registrarUri(server({ port: 5061, transport: 'tls' })).port, undefined);
    assert.equal(registrarUri(server({ address: '2001:db8::5' })).host, '[2001:db8::5]');
    assert.equal(registrarUri(server()).user, undefined);
  });

  it('writes an IPv6 Contact host in brackets (RFC 5118 §4.1)', () => {
    assert.equal(contactUri('alice', { host: '2001:db8::10', port: 5060 }, 'udp').host, '[2001:db8::10]');
  });

  it('a change of label alone does not re-register; a new password does', () => {
    assert.equal(registrationChanged(account(), account({ label: 'Desk' })), false);
    assert.equal(registrationChanged(account(), account({ password: 'other' })), true);
    assert.equal(registrationChanged(account(), account({ servers: [server({ port: 5080 })] })), true);
  });
});
