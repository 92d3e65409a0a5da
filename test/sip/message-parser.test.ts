// parseMessage: start lines, folding, compact forms, Content-Length framing
// per RFC 3261 §18.3 on UDP and streams, the size/count/line limits, and
// parse → serialize → parse round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createResponse,
  getContacts,
  getCSeq,
  getFrom,
  getTo,
  getVias,
  headerKey,
  parseMessage,
  serialize,
  uriEquals,
} from '../../firmware/sip/message/index.js';
import type { NameAddr, ParseError, SipMessage, SipRequest, SipResponse } from '../../firmware/sip/message/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (lines: string[], body = ''): Uint8Array => enc.encode(lines.join('\r\n') + '\r\n\r\n' + body);

const INVITE_HEAD = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Type: application/sdp',
];
const SDP = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\ns=-\r\n';

function ok(data: Uint8Array, transport: 'udp' | 'stream' = 'udp'): SipMessage {
  const r = parseMessage(data, { transport });
  if (!r.ok) assert.fail(`expected a message, got: ${r.error.reason}`);
  return r.message;
}

function request(data: Uint8Array, transport: 'udp' | 'stream' = 'udp'): SipRequest {
  const m = ok(data, transport);
  assert.equal(m.kind, 'request');
  return m;
}

function failure(data: Uint8Array, transport: 'udp' | 'stream' = 'udp'): ParseError {
  const r = parseMessage(data, { transport });
  if (r.ok) assert.fail('expected a parse failure');
  return r.error;
}

describe('start line', () => {
  it('reads a request and a response', () => {
    const req = request(bytes([...INVITE_HEAD, `Content-Length: ${SDP.length}`], SDP));
    assert.equal(req.method, 'INVITE');
    assert.equal(req.version, 'SIP/2.0');
    assert.equal(dec.decode(req.body), SDP);
    const res = ok(bytes(['SIP/2.0 180 Ringing', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Content-Length: 0'])) as SipResponse;
    assert.equal(res.kind, 'response');
    assert.equal(res.status, 180);
    assert.equal(res.reason, 'Ringing');
  });

  it('skips CRLFs before the start line (§7.5)', () => {
    const req = request(enc.encode('\r\n\r\n' + dec.decode(bytes([...INVITE_HEAD, 'Content-Length: 0']))));
    assert.equal(req.method, 'INVITE');
  });

  it('refuses a tab separator, a lower-case-only garbage line and a status out of range', () => {
    assert.match(failure(bytes(['INVITE\tsip:a@b SIP/2.0', 'Content-Length: 0'])).reason, /Request-Line/);
    assert.match(failure(bytes(['hello', 'Content-Length: 0'])).reason, /Request-Line/);
    assert.match(failure(bytes(['SIP/2.0 099 Too Low', 'Content-Length: 0'])).reason, /Status-Line/);
    assert.match(failure(bytes(['SIP/2.0 700 Too High', 'Content-Length: 0'])).reason, /Status-Line/);
  });

  it('answers SIP/3.0 with 505 but never answers a response', () => {
    const e = failure(bytes(['OPTIONS sip:a@b SIP/3.0', ...INVITE_HEAD.slice(1, 7), 'Content-Length: 0']));
    assert.equal(e.status, 505);
    const r = failure(bytes(['SIP/3.0 200 OK', 'Content-Length: 0']));
    assert.equal(r.canAnswer, false);
  });

  it('never answers ACK, even when malformed', () => {
    const e = failure(bytes(['ACK sip:a@b SIP/2.0', ...INVITE_HEAD.slice(1, 6), 'CSeq: 1 ACK', 'Max-Forwards: 300', 'Content-Length: 0']));
    assert.match(e.reason, /Max-Forwards/);
    assert.equal(e.canAnswer, false);
  });
});

describe('header lines', () => {
  it('unfolds continuation lines into one value with single spaces', () => {
    const req = request(
      bytes([
        'OPTIONS sip:a@b SIP/2.0',
        'Via: SIP/2.0/UDP h1;branch=z9hG4bK1,',
        '\t SIP/2.0/UDP h2;branch=z9hG4bK2',
        'Subject: first',
        '   second',
        '\tthird',
        'Content-Length: 0',
      ]),
    );
    assert.equal(req.headers.get('subject'), 'first second third');
    assert.deepEqual(getVias(req).map((v) => v.host), ['h1', 'h2']);
  });

  it('reads compact forms and whitespace before the colon', () => {
    const req = request(
      bytes([
        'OPTIONS sip:a@b SIP/2.0',
        'v : SIP/2.0/UDP h1;branch=z9hG4bK1',
        't:<sip:a@b>',
        'f\t:<sip:c@d>;tag=1',
        'i: id@host',
        'm: <sip:c@host>',
        'k: timer',
        'l: 0',
      ]),
    );
    assert.equal(getTo(req)?.uri.kind, 'sip');
    assert.equal(getFrom(req)?.tag, '1');
    assert.equal(req.headers.get('Call-ID'), 'id@host');
    assert.equal(req.headers.get('Supported'), 'timer');
    assert.equal((getContacts(req) as NameAddr[]).length, 1);
  });

  it('collects Via values from one line and from several lines, top first', () => {
    const req = request(
      bytes([
        'OPTIONS sip:a@b SIP/2.0',
        'Via: SIP/2.0/UDP top;branch=z9hG4bK1, SIP/2.0/TCP second;branch=z9hG4bK2',
        'To: <sip:a@b>',
        'v: SIP/2.0/TLS third;branch=z9hG4bK3',
        'VIA: SIP/2.0/UDP fourth;branch=z9hG4bK4',
        'Content-Length: 0',
      ]),
    );
    assert.deepEqual(getVias(req).map((v) => [v.host, v.transport]), [
      ['top', 'UDP'],
      ['second', 'TCP'],
      ['third', 'TLS'],
      ['fourth', 'UDP'],
    ]);
  });

  it('reads quoted display names with escaped quotes and backslashes', () => {
    const req = request(
      bytes([
        'OPTIONS sip:a@b SIP/2.0',
        'From: "The \\"Boss\\" \\\\ Co" <sip:boss@example.com>;tag=x',
        'To: "" <sip:a@b>',
        'Content-Length: 0',
      ]),
    );
    assert.equal(getFrom(req)?.displayName, 'The "Boss" \\ Co');
    assert.equal(getTo(req)?.displayName, '');
  });

  it('refuses a line without colon, a folded first line and bare LFs', () => {
    assert.match(failure(bytes(['OPTIONS sip:a@b SIP/2.0', 'NoColonHere', 'Content-Length: 0'])).reason, /Malformed header line/);
    assert.match(failure(bytes(['OPTIONS sip:a@b SIP/2.0', ' folded', 'Content-Length: 0'])).reason, /Malformed header line/);
    assert.match(failure(enc.encode('OPTIONS sip:a@b SIP/2.0\nTo: <sip:a@b>\n\n')).reason, /Bare LF/);
    assert.match(failure(enc.encode('OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n')).reason, /empty line/);
  });

  it('keeps unknown headers and odd values untouched', () => {
    const req = request(bytes(['OPTIONS sip:a@b SIP/2.0', 'X-Weird: ;;,,"unbalanced', 'Content-Length: 0']));
    assert.equal(req.headers.get('x-weird'), ';;,,"unbalanced');
  });

  it('refuses a second To, From, Call-ID, CSeq or Max-Forwards', () => {
    for (const h of ['To: <sip:x@y>', 'From: <sip:x@y>;tag=2', 'Call-ID: other', 'CSeq: 2 INVITE', 'Max-Forwards: 1']) {
      const e = failure(bytes([...INVITE_HEAD, h, 'Content-Length: 0']));
      assert.match(e.reason, /^Multiple /, h);
      assert.equal(e.canAnswer, true);
    }
  });
});

describe('Content-Length (RFC 3261 §18.3)', () => {
  const head = [...INVITE_HEAD];
  it('UDP: without Content-Length the body is the rest of the datagram', () => {
    assert.equal(dec.decode(request(bytes(head, SDP)).body), SDP);
  });

  it('UDP: a smaller Content-Length truncates, a larger one is an error answered with 400', () => {
    assert.equal(dec.decode(request(bytes([...head, 'Content-Length: 4'], SDP + 'garbage')).body), 'v=0\r');
    const e = failure(bytes([...head, `Content-Length: ${SDP.length + 1}`], SDP));
    assert.match(e.reason, /Content-Length larger than message/);
    assert.equal(e.canAnswer, true);
    assert.equal(e.status, 400);
  });

  it('stream: Content-Length is mandatory', () => {
    const e = failure(bytes(head, SDP), 'stream');
    assert.match(e.reason, /Missing Content-Length/);
    assert.equal(dec.decode(request(bytes([...head, `Content-Length: ${SDP.length}`], SDP), 'stream').body), SDP);
  });

  it('refuses negative, non-numeric and duplicated values', () => {
    assert.match(failure(bytes([...head, 'Content-Length: -1'], SDP)).reason, /Content-Length.*negative/);
    assert.match(failure(bytes([...head, 'Content-Length: ten'], SDP)).reason, /Content-Length/);
    assert.match(failure(bytes([...head, 'Content-Length: 3', 'l: 3'], SDP)).reason, /Multiple Content-Length/);
  });

  it('keeps a binary body byte for byte', () => {
    const body = Uint8Array.from({ length: 256 }, (_, i) => i);
    const head2 = enc.encode([...head, 'Content-Length: 256'].join('\r\n') + '\r\n\r\n');
    const data = new Uint8Array(head2.length + body.length);
    data.set(head2);
    data.set(body, head2.length);
    assert.deepEqual(request(data).body, body);
  });
});

describe('limits', () => {
  const base = ['OPTIONS sip:a@b SIP/2.0', ...INVITE_HEAD.slice(1, 7).map((l) => l.replace('INVITE', 'OPTIONS'))];

  it('accepts exactly 256 headers and refuses 257 with a clear reason', () => {
    const filler = (n: number): string[] => Array.from({ length: n }, (_, i) => `X-Filler-${i}: ${i}`);
    const okMsg = bytes([...base, ...filler(256 - base.length), 'Content-Length: 0']);
    assert.equal(request(okMsg).headers.size, 256);
    const e = failure(bytes([...base, ...filler(257 - base.length), 'Content-Length: 0']));
    assert.match(e.reason, /Too many headers/);
    assert.equal(e.status, 400);
    assert.equal(e.canAnswer, true);
  });

  it('refuses a 9 KiB header line, also when folded, but takes 8 KiB', () => {
    assert.equal(request(bytes([...base, `X-Long: ${'a'.repeat(8192 - 8)}`, 'Content-Length: 0'])).headers.get('x-long')?.length, 8184);
    const long = failure(bytes([...base, `X-Long: ${'a'.repeat(9 * 1024)}`, 'Content-Length: 0']));
    assert.match(long.reason, /Header line too long/);
    assert.equal(long.canAnswer, true);
    const folded = failure(bytes([...base, 'X-Long: start', ...Array.from({ length: 10 }, () => ` ${'b'.repeat(1000)}`), 'Content-Length: 0']));
    assert.match(folded.reason, /Header line too long/);
  });

  it('refuses a 65 KiB message with 513 and still recovers what a response needs', () => {
    const body = 'x'.repeat(65 * 1024);
    const e = failure(bytes([...base, `Content-Length: ${body.length}`], body));
    assert.equal(e.status, 513);
    assert.match(e.reason, /Message Too Large/);
    assert.equal(e.canAnswer, true);
    const answer = createResponse(e.partial, e.status, e.reason);
    assert.equal(answer.headers.get('CSeq'), '314159 OPTIONS');
  });
});

describe('partial information for a 400', () => {
  it('keeps the raw method, Request-URI and headers of a request that failed', () => {
    const e = failure(bytes(['INVITE  sip:bob@example.com  SIP/2.0', ...INVITE_HEAD.slice(1), 'Content-Length: 0']));
    assert.equal(e.partial?.method, 'INVITE');
    assert.equal(e.partial?.uri, 'sip:bob@example.com');
    assert.equal(e.partial?.headers.get('Call-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
    const answer = createResponse(e.partial, 400, e.reason, { toTag: 'abc' });
    assert.equal(answer.headers.get('To'), 'Bob <sip:bob@biloxi.example.com>;tag=abc');
  });

  it('cannot answer when the headers a response copies are missing', () => {
    const e = failure(bytes(['INVITE sip:bob@example.com SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Max-Forwards: 999']));
    assert.equal(e.canAnswer, false);
  });
});

describe('never throws', () => {
  it('survives every truncation and single-byte corruption of a valid message', () => {
    const good = bytes([...INVITE_HEAD, `Content-Length: ${SDP.length}`], SDP);
    const seen = new Set<string>();
    for (let cut = 0; cut <= good.length; cut += 3) {
      const r = parseMessage(good.subarray(0, cut), { transport: 'udp' });
      seen.add(r.ok ? 'ok' : 'error');
    }
    const specials = [0x00, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x3c, 0x3e, 0x5b, 0xff];
    for (let i = 0; i < good.length; i += 5) {
      for (const b of specials) {
        const bad = good.slice();
        bad[i] = b;
        for (const transport of ['udp', 'stream'] as const) {
          const r = parseMessage(bad, { transport });
          seen.add(r.ok ? 'ok' : 'error');
          if (!r.ok) assert.doesNotMatch(r.error.reason, /[\r\n]/);
        }
      }
    }
    assert.deepEqual([...seen].sort(), ['error', 'ok']);
  });
});

describe('round trip: parse → serialize → parse', () => {
  const canonical = (m: SipMessage): unknown => ({
    start: m.kind === 'request' ? [m.method, m.version] : [m.status, m.reason, m.version],
    headers: [...m.headers].filter((f) => headerKey(f.name) !== 'content-length').map((f) => [headerKey(f.name), f.value]),
    body: [...m.body],
  });

  function roundTrip(original: SipMessage): SipMessage {
    const again = ok(serialize(original), 'stream');
    assert.equal(again.kind, original.kind);
    if (original.kind === 'request' && again.kind === 'request') assert.ok(uriEquals(again.uri, original.uri));
    // Header names may change from compact/odd case to canonical, so compare by lookup key.
    assert.deepEqual(canonical(again), canonical(original));
    assert.deepEqual(again.headers.getAll('via'), original.headers.getAll('v'));
    // A second trip changes nothing at all, names included.
    assert.deepEqual(serialize(ok(serialize(again), 'stream')), serialize(again));
    return again;
  }

  it('holds for a hand-written INVITE', () => {
    const m = request(bytes([...INVITE_HEAD, `Content-Length: ${SDP.length}`], SDP));
    const again = roundTrip(m);
    assert.deepEqual(getCSeq(again), { seq: 314159, method: 'INVITE' });
  });

  it('holds for every torture message that parses', () => {
    const root = path.join(fileURLToPath(new URL('../..', import.meta.url)), '..', 'shared', 'conformance');
    let parsed = 0;
    for (const dir of ['rfc4475', 'rfc5118']) {
      for (const f of readdirSync(path.join(root, dir))) {
        const r = parseMessage(new Uint8Array(readFileSync(path.join(root, dir, f))), { transport: 'udp' });
        if (!r.ok) continue;
        roundTrip(r.message);
        parsed++;
      }
    }
    assert.equal(parsed, 40);
  });

  it('writes canonical names, one computed Content-Length in the place of the old one', () => {
    const m = request(bytes(['OPTIONS sip:a@b SIP/2.0', 'v: SIP/2.0/UDP h;branch=z9hG4bK1', 'l: 0', 'x-Mine: 1'], ''));
    m.body = enc.encode('hello');
    const text = dec.decode(serialize(m));
    assert.equal(text, 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 5\r\nx-Mine: 1\r\n\r\nhello');
    const compact = dec.decode(serialize(m, { compact: true }));
    assert.match(compact, /\r\nv: SIP\/2\.0\/UDP h;branch=z9hG4bK1\r\nl: 5\r\nx-Mine: 1\r\n/);
  });
});
