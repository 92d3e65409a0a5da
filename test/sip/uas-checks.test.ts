// The §8.2 request checks as pure functions, and their order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NameAddr, createRequest, parseMediaType, sipUri, parseUri } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { bodyIsUnderstood, multipartPartTypes } from '../../firmware/sip/ua/body-types.js';
import { capabilities } from '../../firmware/sip/ua/capabilities.js';
import {
  checkContent,
  checkInviteAccept,
  checkMergedRequest,
  checkMethod,
  checkRequestUriScheme,
  checkRequire,
  checkValidity,
  runUasChecks,
} from '../../firmware/sip/ua/uas-checks.js';
import { directIpForbidden, dropUntrusted, sourceFacts } from '../../firmware/sip/ua/source-policy.js';

const enc = new TextEncoder();
const caps = capabilities({ supported: ['replaces', 'timer'] });

function req(
  method: string,
  init: { headers?: [string, string][]; body?: { contentType: string; text: string }; via?: string; toTag?: string; uri?: string } = {},
): SipRequest {
  const to = new NameAddr({ uri: sipUri({ user: 'phone', host: 'example.com' }) });
  return createRequest({
    method,
    uri: parseUri(init.uri ?? 'sip:phone@192.0.2.10'),
    from: new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }) }).withTag('f1'),
    to: init.toTag === undefined ? to : to.withTag(init.toTag),
    callId: 'checks-1@example.com',
    cseq: 5,
    via: [],
    headers: [['Via', init.via ?? 'SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK1'], ...(init.headers ?? [])],
    body: init.body === undefined ? undefined : { contentType: init.body.contentType, bytes: enc.encode(init.body.text) },
  });
}

describe('§8.2.1 method', () => {
  it('served → pass; known but not served → 405 with Allow; unknown → 501', () => {
    assert.equal(checkMethod('INVITE', caps), undefined);
    const r405 = checkMethod('REGISTER', caps);
    assert.equal(r405?.status, 405);
    assert.deepEqual(r405?.headers, [['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY, REFER, PRACK']]);
    assert.equal(checkMethod('PUBLISH', caps)?.status, 405);
    assert.equal(checkMethod('NEWMETHOD', caps)?.status, 501);
    // Methods are case-sensitive (§7.1): "invite" is not INVITE.
    assert.equal(checkMethod('invite', caps)?.status, 501);
  });
});

describe('§8.2.2 headers', () => {
  it('Request-URI scheme: sip, sips, tel pass; anything else → 416', () => {
    assert.equal(checkRequestUriScheme(req('OPTIONS')), undefined);
    assert.equal(checkRequestUriScheme(req('OPTIONS', { uri: 'sips:phone@example.com' })), undefined);
    assert.equal(checkRequestUriScheme(req('OPTIONS', { uri: 'tel:+15551234' })), undefined);
    assert.equal(checkRequestUriScheme(req('OPTIONS', { uri: 'mailto:phone@example.com' }))?.status, 416);
  });

  it('merged request: same From tag, Call-ID, CSeq but another top Via → 482; same Via, a To tag or another CSeq method → pass', () => {
    const first = req('INVITE');
    const forked = req('INVITE', { via: 'SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK2' });
    assert.equal(checkMergedRequest(forked, [first])?.status, 482);
    assert.equal(checkMergedRequest(req('INVITE'), [first]), undefined, 'same transaction');
    assert.equal(checkMergedRequest(forked, []), undefined);
    assert.equal(checkMergedRequest(req('INVITE', { via: 'SIP/2.0/UDP x;branch=z9hG4bK3', toTag: 't' }), [first]), undefined);
    const cancel = req('CANCEL', { via: 'SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK2' });
    assert.equal(checkMergedRequest(cancel, [first]), undefined, 'CSeq method differs');
  });

  it('Require: unknown tags → 420 with each listed once in Unsupported; known tags and CANCEL pass', () => {
    const r = checkRequire(req('INVITE', { headers: [['Require', 'replaces, 100rel'], ['Require', 'foo, 100rel']] }), caps);
    assert.equal(r?.status, 420);
    assert.deepEqual(r?.headers, [['Unsupported', '100rel, foo']]);
    assert.equal(checkRequire(req('INVITE', { headers: [['Require', 'Timer']] }), caps), undefined, 'option tags compare case-insensitively');
    assert.equal(checkRequire(req('CANCEL', { headers: [['Require', 'foo']] }), caps), undefined);
    assert.equal(checkRequire(req('OPTIONS', { headers: [['Proxy-Require', 'foo']] }), caps), undefined, 'Proxy-Require is for proxies');
  });
});

describe('§8.2.3 content', () => {
  it('understood types pass; others → 415 with Accept; a body without Content-Type → 400', () => {
    assert.equal(checkContent(req('INVITE', { body: { contentType: 'application/sdp', text: 'v=0\r\n' } }), caps), undefined);
    assert.equal(checkContent(req('INFO', { body: { contentType: 'Application/DTMF-Relay', text: 'Signal=1\r\nDuration=160\r\n' } }), caps), undefined);
    assert.equal(checkContent(req('NOTIFY', { body: { contentType: 'message/sipfrag;version=2.0', text: 'SIP/2.0 200 OK\r\n' } }), caps), undefined);
    const r = checkContent(req('INVITE', { body: { contentType: 'application/unknownformat', text: '<audio/>' } }), caps);
    assert.equal(r?.status, 415);
    assert.equal(r?.headers[0]?.[0], 'Accept');
    assert.ok(r?.headers[0]?.[1].includes('application/sdp'));
    const untyped = req('INVITE');
    untyped.body = enc.encode('v=0\r\n');
    assert.deepEqual(checkContent(untyped, caps), { status: 400, reason: 'Missing Content-Type', headers: [] });
    assert.equal(checkContent(req('OPTIONS', { headers: [['Content-Type', 'application/foo']] }), caps), undefined, 'no body, nothing to read');
  });

  it('an unknown Content-Encoding → 415 with Accept-Encoding; identity passes', () => {
    const gz = checkContent(req('INVITE', { headers: [['Content-Encoding', 'gzip']], body: { contentType: 'application/sdp', text: 'x' } }), caps);
    assert.deepEqual(gz, { status: 415, reason: undefined, headers: [['Accept-Encoding', 'identity']] });
    assert.equal(checkContent(req('INVITE', { headers: [['e', 'identity']], body: { contentType: 'application/sdp', text: 'x' } }), caps), undefined);
  });

  it('multipart/mixed passes only with an SDP part (bare LF tolerated)', () => {
    const withSdp = '--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1\nContent-Type: application/pidf+xml\n\n<x/>\n--b1--\r\n';
    const withoutSdp = '--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b1--\r\n';
    assert.deepEqual(
      multipartPartTypes(enc.encode(withSdp), 'b1').map((t) => `${t.type}/${t.subtype}`),
      ['application/sdp', 'application/pidf+xml'],
    );
    const type = parseMediaType('multipart/mixed;boundary="b1"');
    assert.equal(bodyIsUnderstood(type, enc.encode(withSdp), caps.accept), true);
    assert.equal(bodyIsUnderstood(type, enc.encode(withoutSdp), caps.accept), false);
    assert.equal(bodyIsUnderstood(parseMediaType('multipart/mixed'), enc.encode(withSdp), caps.accept), false, 'no boundary');
    assert.equal(checkContent(req('INVITE', { body: { contentType: 'multipart/mixed;boundary=b1', text: withoutSdp } }), caps)?.status, 415);
    // A part without Content-Type is text/plain (RFC 2046 §5.1).
    assert.deepEqual(multipartPartTypes(enc.encode('--b\r\n\r\nhi\r\n--b--'), 'b').map((t) => t.subtype), ['plain']);
  });

  it('an INVITE whose Accept admits no SDP → 406; no Accept, */*, application/* pass', () => {
    assert.equal(checkInviteAccept(req('INVITE', { headers: [['Accept', 'text/nobodyKnowsThis']] }))?.status, 406);
    assert.equal(checkInviteAccept(req('INVITE', { headers: [['Accept', '']] }))?.status, 406, 'an empty Accept accepts nothing');
    assert.equal(checkInviteAccept(req('INVITE')), undefined);
    assert.equal(checkInviteAccept(req('INVITE', { headers: [['Accept', 'text/html, application/*']] })), undefined);
    assert.equal(checkInviteAccept(req('INVITE', { headers: [['Accept', '*/*']] })), undefined);
    assert.equal(checkInviteAccept(req('OPTIONS', { headers: [['Accept', 'text/html']] })), undefined, 'only INVITE');
  });
});

describe('order and validity', () => {
  it('validation first: a request missing mandatory headers → 400 with the reason', () => {
    const r = req('INVITE');
    r.headers.remove('Call-ID');
    assert.deepEqual(checkValidity(r), { status: 400, reason: 'Missing Call-ID header', headers: [] });
  });

  it('the first failing check in §8.2 order wins', () => {
    const bad = req('PUBLISH', { uri: 'mailto:x@example.com', headers: [['Require', 'foo']] });
    assert.equal(runUasChecks(bad, caps, [])?.status, 405, 'method before URI scheme');
    const badScheme = req('OPTIONS', { uri: 'mailto:x@example.com', headers: [['Require', 'foo']] });
    assert.equal(runUasChecks(badScheme, caps, [])?.status, 416, 'URI scheme before Require');
    const badRequire = req('INVITE', { headers: [['Require', 'foo'], ['Accept', 'text/plain']], body: { contentType: 'text/plain', text: 'x' } });
    assert.equal(runUasChecks(badRequire, caps, [])?.status, 420, 'Require before content');
    const badContent = req('INVITE', { headers: [['Accept', 'text/plain']], body: { contentType: 'text/plain', text: 'x' } });
    assert.equal(runUasChecks(badContent, caps, [])?.status, 415, 'content before Accept');
    assert.equal(runUasChecks(req('INVITE', { body: { contentType: 'application/sdp', text: 'v=0' } }), caps, []), undefined);
  });
});

describe('source policy', () => {
  const server = { protocol: 'udp' as const, host: '192.0.2.1', port: 5060 };
  const stranger = { protocol: 'udp' as const, host: '203.0.113.9', port: 5060 };
  const policy = (trustCtrl: boolean, allowDirectIp: boolean) => ({
    trustedSource: (s: { host: string }) => s.host === '192.0.2.1',
    trustCtrl: () => trustCtrl,
    allowDirectIp: () => allowDirectIp,
  });

  it('trust_ctrl drops strangers only; direct IP off forbids strangers\' INVITEs only; defaults are open', () => {
    assert.equal(dropUntrusted(sourceFacts(policy(true, true), stranger)), true);
    assert.equal(dropUntrusted(sourceFacts(policy(true, true), server)), false);
    assert.equal(dropUntrusted(sourceFacts(policy(false, true), stranger)), false);
    assert.equal(directIpForbidden(sourceFacts(policy(false, false), stranger)), true);
    assert.equal(directIpForbidden(sourceFacts(policy(false, false), server)), false);
    assert.equal(directIpForbidden(sourceFacts(policy(false, true), stranger)), false);
    assert.deepEqual(sourceFacts({}, stranger), { trustCtrl: false, allowDirectIp: true, fromServer: true });
  });
});
