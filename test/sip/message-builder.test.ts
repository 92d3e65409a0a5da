// Building requests and responses (RFC 3261 §8.1.1, §8.2.6) and the §8.2
// validation a UAS runs before processing a request.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NameAddr,
  Parameters,
  Via,
  createBranch,
  createCallId,
  createRequest,
  createResponse,
  createTag,
  formatVia,
  getCSeq,
  getFrom,
  getMaxForwards,
  getTo,
  getTopVia,
  parseMessage,
  parseUri,
  reasonPhrase,
  serialize,
  validateRequest,
  validateResponse,
} from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function invite(): SipRequest {
  const req = createRequest({
    method: 'INVITE',
    uri: parseUri('sip:bob@biloxi.example.com'),
    from: new NameAddr({ displayName: 'Alice', uri: parseUri('sip:alice@atlanta.example.com') }).withTag('1928301774'),
    to: new NameAddr({ displayName: 'Bob', uri: parseUri('sip:bob@biloxi.example.com') }),
    callId: 'a84b4c76e66710@pc33.atlanta.example.com',
    cseq: 314159,
    contact: [new NameAddr({ uri: parseUri('sip:alice@192.0.2.101:5060') })],
    route: [new NameAddr({ uri: parseUri('sip:proxy.example.com;lr') })],
    headers: [['Supported', 'replaces, timer'], ['User-Agent', 'deskphone']],
    body: { contentType: 'application/sdp', bytes: enc.encode('v=0\r\n') },
  });
  req.headers.prepend(
    'Via',
    formatVia(new Via({ transport: 'UDP', host: '192.0.2.101', port: 5060, params: new Parameters().set('branch', 'z9hG4bK776asdhds').set('rport', null) })),
  );
  return req;
}

describe('createRequest', () => {
  it('writes the mandatory headers of §8.1.1 in order and a computed Content-Length', () => {
    const text = dec.decode(serialize(invite()));
    assert.equal(
      text,
      [
        'INVITE sip:bob@biloxi.example.com SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds;rport',
        'Max-Forwards: 70',
        'Route: <sip:proxy.example.com;lr>',
        'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
        'To: Bob <sip:bob@biloxi.example.com>',
        'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
        'CSeq: 314159 INVITE',
        'Contact: <sip:alice@192.0.2.101:5060>',
        'Supported: replaces, timer',
        'User-Agent: deskphone',
        'Content-Type: application/sdp',
        'Content-Length: 5',
        '',
        'v=0\r\n',
      ].join('\r\n'),
    );
  });

  it('builds a request the parser accepts and validation passes', () => {
    const r = parseMessage(serialize(invite()), { transport: 'stream' });
    if (!r.ok) assert.fail(r.error.reason);
    const req = r.message as SipRequest;
    const v = validateRequest(req);
    assert.deepEqual(v, { ok: true, warnings: [] });
    assert.equal(getMaxForwards(req), 70);
    assert.equal(getFrom(req)?.tag, '1928301774');
  });

  it('generates distinct tags, branches and Call-IDs', () => {
    const tags = new Set(Array.from({ length: 20 }, createTag));
    assert.equal(tags.size, 20);
    for (const t of tags) assert.match(t, /^[0-9a-f]{16}$/);
    assert.notEqual(createBranch(), createBranch());
    assert.match(createCallId('host.example.com'), /^[0-9a-f]{32}@host\.example\.com$/);
  });
});

describe('createResponse (§8.2.6.2)', () => {
  it('copies Via (all, in order), From, To, Call-ID and CSeq, and adds the To tag', () => {
    const req = invite();
    req.headers.append('Via', 'SIP/2.0/TCP second.example.com;branch=z9hG4bK2');
    const res = createResponse(req, 180, undefined, { toTag: 'a6c85cf' });
    assert.equal(res.reason, 'Ringing');
    assert.deepEqual(res.headers.getAll('Via'), req.headers.getAll('Via'));
    assert.equal(res.headers.get('From'), req.headers.get('From'));
    assert.equal(res.headers.get('Call-ID'), req.headers.get('Call-ID'));
    assert.equal(res.headers.get('CSeq'), '314159 INVITE');
    assert.equal(getTo(res)?.tag, 'a6c85cf');
    assert.equal(res.headers.get('To'), 'Bob <sip:bob@biloxi.example.com>;tag=a6c85cf');
    assert.equal(res.headers.has('Contact'), false);
    assert.equal(res.headers.has('Route'), false);
    assert.deepEqual(validateResponse(res), { ok: true, warnings: [] });
  });

  it('keeps an existing To tag and writes the raw To of a bare addr-spec unchanged', () => {
    const req = invite();
    req.headers.set('To', 'sip:bob@biloxi.example.com;tag=existing');
    assert.equal(createResponse(req, 200, 'OK', { toTag: 'new' }).headers.get('To'), 'sip:bob@biloxi.example.com;tag=existing');
    req.headers.set('To', 'sip:+15551234@gw.example.com;user=phone');
    assert.equal(createResponse(req, 486, undefined, { toTag: 't' }).headers.get('To'), 'sip:+15551234@gw.example.com;user=phone;tag=t');
  });

  it('copies Record-Route on request, Timestamp into a 100, and adds extra headers and a body', () => {
    const req = invite();
    req.headers.append('Record-Route', '<sip:p1.example.com;lr>');
    req.headers.append('Timestamp', '54');
    const trying = createResponse(req, 100);
    assert.equal(trying.reason, 'Trying');
    assert.equal(trying.headers.get('Timestamp'), '54');
    assert.equal(trying.headers.has('Record-Route'), false);
    const ok = createResponse(req, 200, undefined, {
      toTag: 'x',
      copyRecordRoute: true,
      headers: [['Contact', '<sip:bob@192.0.2.4>']],
      body: { contentType: 'application/sdp', bytes: enc.encode('v=0\r\n') },
    });
    assert.equal(ok.headers.get('Record-Route'), '<sip:p1.example.com;lr>');
    assert.equal(ok.headers.has('Timestamp'), false);
    const text = dec.decode(serialize(ok));
    assert.match(text, /^SIP\/2\.0 200 OK\r\n/);
    assert.match(text, /\r\nContent-Type: application\/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n$/);
  });

  it('strips CR and LF from a reason phrase when writing', () => {
    const res = createResponse(invite(), 400, 'Bad\r\nVia: injected');
    assert.match(dec.decode(serialize(res)), /^SIP\/2\.0 400 Bad {2}Via: injected\r\n/);
  });

  it('has the usual reason phrases', () => {
    assert.equal(reasonPhrase(416), 'Unsupported URI Scheme');
    assert.equal(reasonPhrase(420), 'Bad Extension');
    assert.equal(reasonPhrase(513), 'Message Too Large');
    assert.equal(reasonPhrase(499), 'Client Error');
  });
});

describe('validateRequest / validateResponse (§8.1.1, §8.2)', () => {
  function parsed(lines: string[]): SipRequest | SipResponse {
    const r = parseMessage(enc.encode(lines.join('\r\n') + '\r\n\r\n'), { transport: 'udp' });
    if (!r.ok) assert.fail(r.error.reason);
    return r.message;
  }

  it('names every missing mandatory header in the reason', () => {
    const req = parsed(['BYE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Max-Forwards: 70', 'Content-Length: 0']) as SipRequest;
    const v = validateRequest(req);
    assert.deepEqual(v, { ok: false, reason: 'Missing To, From, CSeq, Call-ID headers', warnings: [] });
  });

  it('only warns about a missing Max-Forwards and RFC 2543 peers', () => {
    const req = parsed([
      'OPTIONS sip:a@b SIP/2.0',
      'Via: SIP/2.0/UDP h',
      'To: <sip:a@b>',
      'From: <sip:c@d>',
      'Call-ID: x',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
    ]) as SipRequest;
    const v = validateRequest(req);
    assert.equal(v.ok, true);
    assert.equal(v.warnings.length, 3);
  });

  it('catches a CSeq method changed after parsing and headers broken by hand', () => {
    const req = invite();
    req.method = 'BYE';
    assert.deepEqual(validateRequest(req), { ok: false, reason: 'CSeq method does not match request method', warnings: [] });
    const req2 = invite();
    req2.headers.set('Max-Forwards', 'lots');
    const v = validateRequest(req2);
    assert.equal(v.ok, false);
    if (!v.ok) assert.match(v.reason, /Max-Forwards/);
  });

  it('refuses a response without the headers a transaction needs', () => {
    const res = parsed(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'CSeq: 1 INVITE', 'Content-Length: 0']) as SipResponse;
    const v = validateResponse(res);
    assert.equal(v.ok, false);
    if (!v.ok) assert.equal(v.reason, 'Missing To, From, Call-ID headers');
    assert.deepEqual(getCSeq(res), { seq: 1, method: 'INVITE' });
    assert.equal(getTopVia(res)?.branch, 'z9hG4bK1');
  });
});
