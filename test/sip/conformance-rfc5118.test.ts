// RFC 5118 "SIP Torture Test Messages for IPv6", one test per message: the
// valid ones parse with every address read correctly, the two invalid ones
// are refused (README: "parse; addresses read correctly" / "reject").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bareHost,
  getContacts,
  getTo,
  getTopVia,
  getVias,
  hostsEqual,
  parseMessage,
  validateRequest,
} from '../../firmware/sip/message/index.js';
import type { NameAddr, SipRequest, SipUri, Uri } from '../../firmware/sip/message/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpus = path.join(repoRoot, '..', 'shared', 'conformance', 'rfc5118');

function parseRequest(name: string): SipRequest {
  const r = parseMessage(new Uint8Array(readFileSync(path.join(corpus, name))), { transport: 'udp' });
  if (!r.ok) assert.fail(`${name} should parse, got: ${r.error.reason}`);
  assert.equal(r.message.kind, 'request');
  const req = r.message;
  assert.equal(validateRequest(req).ok, true);
  return req;
}

function sip(uri: Uri | undefined): SipUri {
  assert.equal(uri?.kind, 'sip');
  return uri;
}

function firstContact(req: SipRequest): NameAddr {
  const c = getContacts(req);
  assert.notEqual(c, '*');
  return (c as NameAddr[])[0];
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const tested = new Set<string>();
function torture(name: string, title: string, fn: () => void): void {
  tested.add(name);
  it(`${name}: ${title}`, fn);
}

describe('RFC 5118 valid messages: addresses read correctly', () => {
  torture('ipv6-good', '§4.1 valid SIP message with an IPv6 reference', () => {
    const req = parseRequest('ipv6-good');
    assert.equal(sip(req.uri).host, '[2001:db8::10]');
    assert.equal(sip(req.uri).port, undefined);
    assert.equal(getTopVia(req)?.host, '[2001:db8::9:1]');
    assert.equal(sip(firstContact(req).uri).host, '[2001:db8::1]');
    assert.equal(bareHost(sip(req.uri).host), '2001:db8::10');
  });

  torture('port-ambiguous', '§4.3 "[2001:db8::10:5070]" is an address without port', () => {
    const req = parseRequest('port-ambiguous');
    assert.equal(sip(req.uri).host, '[2001:db8::10:5070]');
    assert.equal(sip(req.uri).port, undefined);
  });

  torture('port-unambiguous', '§4.4 "[2001:db8::10]:5070" is address and port', () => {
    const req = parseRequest('port-unambiguous');
    assert.equal(sip(req.uri).host, '[2001:db8::10]');
    assert.equal(sip(req.uri).port, 5070);
  });

  torture('via-received-param-with-delim', '§4.5 received=[IPv6] with brackets', () => {
    const req = parseRequest('via-received-param-with-delim');
    const via = getTopVia(req);
    assert.equal(via?.host, '[2001:db8::9:1]');
    assert.equal(via?.received, '[2001:db8::9:255]');
    assert.equal(via?.branch, 'z9hG4bKas3-111');
  });

  torture('via-received-param-no-delim', '§4.5 received=IPv6 without brackets', () => {
    const req = parseRequest('via-received-param-no-delim');
    const via = getTopVia(req);
    assert.equal(via?.received, '2001:db8::9:255');
    assert.equal(via?.branch, 'z9hG4bKas3');
    // Both spellings name the same address.
    assert.ok(hostsEqual(via?.received ?? '', '[2001:db8::9:255]'));
  });

  torture('mult-ip-in-header', '§4.7 IPv4 and IPv6 mixed in the Via headers', () => {
    const req = parseRequest('mult-ip-in-header');
    assert.deepEqual(
      getVias(req).map((v) => [v.transport, v.host, v.port, v.received]),
      [
        ['UDP', '[2001:db8::9:1]', 6050, undefined],
        ['UDP', '192.0.2.1', undefined, undefined],
        ['TCP', '[2001:db8::9:255]', undefined, '192.0.2.200'],
      ],
    );
  });

  torture('mult-ip-in-sdp', '§4.8 IPv4 and IPv6 in the SDP body (Content-Length truncates it)', () => {
    const req = parseRequest('mult-ip-in-sdp');
    assert.equal(req.body.length, 181);
    assert.match(text(req.body), /c=IN IP4 192\.0\.2\.1\r\n/);
    assert.match(text(req.body), /c=IN IP6 2001:db8::1\r\n/);
    assert.equal(sip(req.uri).host, '[2001:db8::10]');
  });

  torture('ipv4-mapped-ipv6', '§4.9 IPv4-mapped IPv6 addresses with ports', () => {
    const req = parseRequest('ipv4-mapped-ipv6');
    assert.deepEqual(
      getVias(req).map((v) => [v.host, v.port]),
      [
        ['[::ffff:192.0.2.10]', 19823],
        ['[::ffff:192.0.2.2]', undefined],
      ],
    );
    const contact = firstContact(req);
    assert.equal(contact.displayName, 'T. desk phone');
    assert.equal(sip(contact.uri).host, '[::ffff:192.0.2.2]');
    assert.equal(req.body.length, 236);
    assert.match(text(req.body), /c=IN IP6 ::ffff:192\.0\.2\.2\r\n/);
  });

  torture('ipv6-correct-abnf-2-colons', '§4.10 "2001:db8::192.0.2.1" is valid', () => {
    const req = parseRequest('ipv6-correct-abnf-2-colons');
    assert.equal(sip(req.uri).host, '[2001:db8::192.0.2.1]');
    assert.equal(sip(getTo(req)?.uri).host, '[2001:db8::192.0.2.1]');
  });

  torture('ipv6-in-sdp', '§4.6 IPv6 address in the SDP body', () => {
    const req = parseRequest('ipv6-in-sdp');
    assert.match(text(req.body), /c=IN IP6 2001:db8::20\r\n/);
    assert.equal(getTopVia(req)?.host, '[2001:db8::20]');
    assert.equal(sip(firstContact(req).uri).host, '[2001:db8::20]');
  });
});

describe('RFC 5118 invalid messages: reject', () => {
  torture('ipv6-bad', '§4.2 IPv6 Request-URI without brackets', () => {
    const r = parseMessage(new Uint8Array(readFileSync(path.join(corpus, 'ipv6-bad'))), { transport: 'udp' });
    if (r.ok) assert.fail('ipv6-bad must be rejected');
    assert.match(r.error.reason, /Request-URI/);
    assert.equal(r.error.canAnswer, true);
    assert.equal(r.error.status, 400);
  });

  torture('ipv6-bug-abnf-3-colons', '§4.10 "2001:db8:::192.0.2.1" (three colons) is invalid', () => {
    const r = parseMessage(new Uint8Array(readFileSync(path.join(corpus, 'ipv6-bug-abnf-3-colons'))), {
      transport: 'udp',
    });
    if (r.ok) assert.fail('ipv6-bug-abnf-3-colons must be rejected');
    assert.match(r.error.reason, /IPv6/);
    assert.equal(r.error.canAnswer, true);
  });
});

describe('RFC 5118 corpus', () => {
  it('every message in the corpus has a test above', () => {
    const files = readdirSync(corpus).sort();
    assert.equal(files.length, 12);
    assert.deepEqual([...tested].sort(), files);
  });
});
