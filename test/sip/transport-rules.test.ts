/**
 * The transport's policy as pure functions: what §18.2.1 / RFC 3581 write
 * into a received Via, where §18.2.2 sends a response, what happens to bytes
 * that arrive, and RFC 5922 certificate names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, formatVia, getTopVia, parseVia } from '../../firmware/sip/message/index.js';
import { idleDecision } from '../../firmware/sip/transport/idle-policy.js';
import { processInbound, isCrlfKeepalive, isStunMessage } from '../../firmware/sip/transport/inbound.js';
import { chooseAdvertisedHost } from '../../firmware/sip/transport/local-address.js';
import { firstLineSummary } from '../../firmware/sip/transport/logger.js';
import { reliableResponseTarget, unreliableResponseTarget } from '../../firmware/sip/transport/response-route.js';
import { parseSubjectAltNames, sipIdentityMismatch } from '../../firmware/sip/transport/tls-identity.js';
import type { TransportTarget } from '../../firmware/sip/transport/types.js';
import { TransportError } from '../../firmware/sip/transport/types.js';
import { NO_TCP_MEMORY_MS, NoTcpMemo, connectFailureOf, exceedsUdpSizeLimit, retriesOverUdp } from '../../firmware/sip/transport/size-rule.js';
import { stampTopVia, viaStampFor } from '../../firmware/sip/transport/via-stamp.js';
import { enc, rawRequest } from './transport-fixtures.js';

const source: TransportTarget = { protocol: 'udp', host: '198.51.100.4', port: 40123 };

describe('received and rport on a received request (§18.2.1, RFC 3581 §4)', () => {
  it('adds nothing when the sent-by is the source address and rport is absent', () => {
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/UDP 198.51.100.4:5060;branch=z9hG4bK1'), source), {});
  });

  it('adds received when the sent-by address differs', () => {
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/UDP 10.0.0.8:5060;branch=z9hG4bK1'), source), { received: '198.51.100.4' });
  });

  it('adds received when the sent-by is a domain name, even one that resolves to the source', () => {
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/TCP phone.example.com;branch=z9hG4bK1'), source), { received: '198.51.100.4' });
  });

  it('fills an empty rport with the source port and then always adds received', () => {
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/UDP 198.51.100.4:5060;rport;branch=z9hG4bK1'), source), {
      received: '198.51.100.4',
      rport: '40123',
    });
  });

  it('leaves an rport that already has a value alone', () => {
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/UDP 198.51.100.4:5060;rport=5060;branch=z9hG4bK1'), source), {});
  });

  it('compares IPv6 addresses as addresses and writes received without brackets (RFC 5118 §4.5)', () => {
    const v6: TransportTarget = { protocol: 'udp', host: '2001:db8::9', port: 5060 };
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/UDP [2001:DB8:0::9]:5060;branch=z9hG4bK1'), v6), {});
    assert.deepEqual(viaStampFor(parseVia('SIP/2.0/UDP [2001:db8::1];rport;branch=z9hG4bK1'), v6), { received: '2001:db8::9', rport: '5060' });
  });

  it('rewrites only the top Via value of a combined Via line', () => {
    const headers = new Headers([['Via', 'SIP/2.0/UDP 10.0.0.8:5060;rport;branch=z9hG4bKtop, SIP/2.0/UDP proxy.example.com;branch=z9hG4bKlow']]);
    assert.equal(stampTopVia({ headers }, source), true);
    assert.deepEqual(headers.lines('via'), [
      'SIP/2.0/UDP 10.0.0.8:5060;rport=40123;branch=z9hG4bKtop;received=198.51.100.4',
      'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKlow',
    ]);
  });

  it('leaves headers alone when there is no readable Via', () => {
    const headers = new Headers([['Via', 'garbage']]);
    assert.equal(stampTopVia({ headers }, source), false);
    assert.deepEqual(headers.lines('via'), ['garbage']);
  });
});

describe('where a response goes (§18.2.2, RFC 3581 §4)', () => {
  it('UDP: received and rport', () => {
    const via = parseVia('SIP/2.0/UDP 10.0.0.8:5062;rport=40123;received=198.51.100.4;branch=z9hG4bK1');
    assert.deepEqual(unreliableResponseTarget(via, source), { protocol: 'udp', host: '198.51.100.4', port: 40123 });
  });

  it('UDP: received and the sent-by port without rport, 5060 without a port', () => {
    assert.deepEqual(unreliableResponseTarget(parseVia('SIP/2.0/UDP 10.0.0.8:5062;received=198.51.100.4'), source), {
      protocol: 'udp',
      host: '198.51.100.4',
      port: 5062,
    });
    assert.deepEqual(unreliableResponseTarget(parseVia('SIP/2.0/UDP 192.0.2.1'), source), { protocol: 'udp', host: '192.0.2.1', port: 5060 });
  });

  it('UDP: the packet source when the Via is unreadable', () => {
    assert.deepEqual(unreliableResponseTarget(undefined, source), source);
  });

  it('TCP/TLS without the connection: received and the sent-by port or the default (rport is not used)', () => {
    const via = parseVia('SIP/2.0/TLS phone.example.com;rport=40123;received=198.51.100.4');
    assert.deepEqual(reliableResponseTarget(via, source, 'tls'), { protocol: 'tls', host: '198.51.100.4', port: 5061 });
    assert.deepEqual(reliableResponseTarget(parseVia('SIP/2.0/TCP 192.0.2.1:5070'), source, 'tcp'), { protocol: 'tcp', host: '192.0.2.1', port: 5070 });
  });
});

describe('inbound bytes', () => {
  const udp = { transport: 'udp' as const, source };

  it('delivers a good request with its Via stamped', () => {
    const out = processInbound(enc.encode(rawRequest({ via: 'SIP/2.0/UDP 10.0.0.8:5060;rport;branch=z9hG4bK1' })), udp);
    assert.equal(out.kind, 'deliver');
    if (out.kind === 'deliver') assert.equal(getTopVia(out.message)?.rport, 40123);
  });

  it('answers an unparseable request with the parser status and reason, its Via stamped for routing', () => {
    const out = processInbound(enc.encode(rawRequest({ via: 'SIP/2.0/UDP 10.0.0.8:5060;rport;branch=z9hG4bK1', cseq: 'x OPTIONS' })), udp);
    assert.equal(out.kind, 'reject');
    if (out.kind !== 'reject') return;
    assert.equal(out.response.status, 400);
    assert.equal(out.response.reason, out.reason);
    assert.match(out.reason, /CSeq/);
    assert.equal(out.response.headers.get('via'), formatVia(parseVia('SIP/2.0/UDP 10.0.0.8:5060;rport=40123;branch=z9hG4bK1;received=198.51.100.4')));
  });

  it('answers 505 to another SIP version', () => {
    const out = processInbound(enc.encode(rawRequest({ via: 'SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK1' }).replace('SIP/2.0\r\n', 'SIP/7.0\r\n')), udp);
    assert.equal(out.kind === 'reject' ? out.response.status : 0, 505);
  });

  it('never answers an ACK, and drops a request without Via (nowhere to answer)', () => {
    const ack = rawRequest({ method: 'ACK', via: 'SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK1' }).replace(/To: [^\r]*\r\n/, '');
    assert.equal(processInbound(enc.encode(ack), udp).kind, 'drop');
    const noVia = rawRequest({ via: 'x' }).replace(/Via: [^\r]*\r\n/, '');
    const out = processInbound(enc.encode(noVia), udp);
    assert.deepEqual(out, { kind: 'drop', reason: 'Missing Via header' });
  });

  it('drops a response missing the headers that match it to a transaction (§8.1.3)', () => {
    const text = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    const out = processInbound(enc.encode(text), udp);
    assert.equal(out.kind, 'drop');
    assert.match(out.kind === 'drop' ? out.reason : '', /^response: Missing/);
  });

  it('tells keep-alives and STUN from SIP', () => {
    assert.equal(isCrlfKeepalive(enc.encode('\r\n\r\n')), true);
    assert.equal(isCrlfKeepalive(enc.encode('\r\nX')), false);
    const stun = new Uint8Array(20);
    stun.set([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
    assert.equal(isStunMessage(stun), true);
    assert.equal(isStunMessage(enc.encode('OPTIONS sip:x SIP/2.0\r\n\r\n')), false);
  });

  it('summarises what it drops in one printable line', () => {
    assert.equal(firstLineSummary(enc.encode('INVITE sip:a@b SIP/2.0\r\nVia: x')), 'INVITE sip:a@b SIP/2.0');
    assert.equal(firstLineSummary(new Uint8Array([0x41, 0x00, 0x1b])), 'A\\x00\\x1b');
    assert.equal(firstLineSummary(enc.encode('x'.repeat(100))), 'x'.repeat(72) + '…');
  });
});

describe('RFC 5922 server identity', () => {
  it('reads node subjectaltname text, quoted values included', () => {
    assert.deepEqual(parseSubjectAltNames('DNS:a.example, IP Address:192.0.2.1, URI:"sip:b.example,x"'), [
      { type: 'DNS', value: 'a.example' },
      { type: 'IP Address', value: '192.0.2.1' },
      { type: 'URI', value: 'sip:b.example,x' },
    ]);
  });

  it('prefers sip: URI names; DNS names count only without them', () => {
    const cert = { subjectaltname: 'URI:sip:example.com, DNS:proxy.example.com' };
    assert.equal(sipIdentityMismatch('example.com', cert), undefined);
    assert.match(sipIdentityMismatch('proxy.example.com', cert) ?? '', /not for SIP domain proxy\.example\.com/);
    assert.equal(sipIdentityMismatch('proxy.example.com', { subjectaltname: 'DNS:proxy.example.com' }), undefined);
  });

  it('ignores URIs with a user part or another scheme', () => {
    const cert = { subjectaltname: 'URI:sip:alice@example.com, URI:https://example.com, DNS:example.com' };
    assert.equal(sipIdentityMismatch('example.com', cert), undefined, 'falls back to DNS since no usable sip: URI');
  });

  it('never matches wildcards', () => {
    assert.ok(sipIdentityMismatch('pbx.example.com', { subjectaltname: 'DNS:*.example.com' }) !== undefined);
  });

  it('uses the CN only when there is no subjectAltName, case-insensitively', () => {
    assert.equal(sipIdentityMismatch('PBX.Example.com', { subject: { CN: 'pbx.example.com' } }), undefined);
    assert.ok(sipIdentityMismatch('pbx.example.com', { subjectaltname: 'DNS:other.example.com', subject: { CN: 'pbx.example.com' } }) !== undefined);
  });

  it('checks IP SANs for a target named by address', () => {
    assert.equal(sipIdentityMismatch('127.0.0.1', { subjectaltname: 'IP Address:127.0.0.1' }), undefined);
    assert.equal(sipIdentityMismatch('2001:db8::1', { subjectaltname: 'IP Address:2001:DB8:0:0:0:0:0:1' }), undefined);
    assert.ok(sipIdentityMismatch('127.0.0.2', { subjectaltname: 'IP Address:127.0.0.1, DNS:127.0.0.2' }) !== undefined);
  });
});

describe('small policies', () => {
  it('closes a connection idle for the whole timeout unless it is busy or held', () => {
    const idle = { idleTimeoutMs: 32_000, busy: false, held: false };
    assert.deepEqual(idleDecision({ ...idle, quietMs: 20_000 }), { action: 'wait', ms: 12_000 });
    assert.deepEqual(idleDecision({ ...idle, quietMs: 32_000 }), { action: 'close' });
    assert.deepEqual(idleDecision({ ...idle, quietMs: 40_000, busy: true }), { action: 'wait', ms: 32_000 });
    assert.deepEqual(idleDecision({ ...idle, quietMs: 40_000, held: true }), { action: 'wait', ms: 32_000 });
  });

  it('§18.1.1: over 1300 bytes (MTU unknown) or within 200 bytes of the MTU needs TCP', () => {
    assert.equal(exceedsUdpSizeLimit(1300), false);
    assert.equal(exceedsUdpSizeLimit(1301), true);
    assert.equal(exceedsUdpSizeLimit(1300, 1500), false);
    assert.equal(exceedsUdpSizeLimit(1301, 1500), true);
    assert.equal(exceedsUdpSizeLimit(8000, 9000), false);
  });

  it('§18.1.1: a refused, reset, protocol-unreachable or timed-out connect sends the request back to UDP; other failures do not', () => {
    const tcp: TransportTarget = { protocol: 'tcp', host: '192.0.2.1', port: 5060 };
    const failed = (code: string): TransportError =>
      new TransportError(tcp, code, { cause: Object.assign(new Error(code), { code }), connectFailure: connectFailureOf({ code }) });
    assert.equal(connectFailureOf({ code: 'ECONNREFUSED' }), 'refused');
    assert.equal(connectFailureOf({ code: 'ECONNRESET' }), 'reset');
    assert.equal(connectFailureOf({ code: 'ENOPROTOOPT' }), 'protocol-unsupported');
    assert.equal(connectFailureOf({ code: 'ETIMEDOUT' }), 'timeout');
    assert.equal(connectFailureOf(new Error('no code')), 'other');
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ETIMEDOUT']) assert.equal(retriesOverUdp(failed(code)), true, code);
    for (const code of ['EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED']) assert.equal(retriesOverUdp(failed(code)), false, code);
    // A write that failed on an open connection: the request may have arrived.
    assert.equal(retriesOverUdp(new TransportError(tcp, 'write failed: EPIPE')), false);
    assert.equal(retriesOverUdp(new Error('ECONNREFUSED')), false);
  });

  it('§18.1.1: a target that would not take TCP is remembered for NO_TCP_MEMORY_MS, by address and port', () => {
    let now = 1000;
    const memo = new NoTcpMemo(() => now);
    const pbx: TransportTarget = { protocol: 'udp', host: '192.0.2.1', port: 5060 };
    assert.equal(memo.failedMsAgo(pbx), undefined);
    memo.remember(pbx);
    now += 30_000;
    assert.equal(memo.failedMsAgo(pbx), 30_000);
    assert.equal(memo.failedMsAgo({ ...pbx, protocol: 'tcp' }), 30_000, 'whatever protocol the target names');
    assert.equal(memo.failedMsAgo({ ...pbx, port: 5070 }), undefined);
    assert.equal(memo.failedMsAgo({ ...pbx, host: '192.0.2.2' }), undefined);
    now = 1000 + NO_TCP_MEMORY_MS - 1;
    assert.equal(memo.failedMsAgo(pbx), NO_TCP_MEMORY_MS - 1);
    now += 1;
    assert.equal(memo.failedMsAgo(pbx), undefined);
  });

  it('advertises the configured host, else the bound one, else the first external IPv4', () => {
    const table = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: true, cidr: null }],
      eth0: [
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6' as const, mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: null, scopeid: 2 },
        { address: '192.168.1.23', netmask: '255.255.255.0', family: 'IPv4' as const, mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: null },
      ],
    };
    assert.equal(chooseAdvertisedHost('phone.example.com', '0.0.0.0', table), 'phone.example.com');
    assert.equal(chooseAdvertisedHost(undefined, '10.1.2.3', table), '10.1.2.3');
    assert.equal(chooseAdvertisedHost(undefined, '0.0.0.0', table), '192.168.1.23');
    assert.equal(chooseAdvertisedHost(undefined, undefined, { lo: table.lo }), '127.0.0.1');
  });
});
