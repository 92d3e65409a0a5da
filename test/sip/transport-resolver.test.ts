/**
 * RFC 3263 §4 server location over a fake DNS (every answer below is
 * written out by hand), and RFC 2782 SRV ordering with a fixed random source.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NaptrRecord, SrvRecord } from 'node:dns';
import { parseUri } from '../../firmware/sip/message/index.js';
import type { SipUri } from '../../firmware/sip/message/index.js';
import type { DnsResolver } from '../../firmware/sip/transport/resolver.js';
import { SipServerLocator, transportForAccountType } from '../../firmware/sip/transport/resolver.js';
import { orderSrvRecords } from '../../firmware/sip/transport/srv-order.js';

interface Zone {
  readonly naptr?: Record<string, NaptrRecord[]>;
  readonly srv?: Record<string, SrvRecord[]>;
  readonly a?: Record<string, string[]>;
  readonly aaaa?: Record<string, string[]>;
  /** What getaddrinfo would find (/etc/hosts). */
  readonly hosts?: Record<string, { address: string; family: number }[]>;
}

function fakeDns(zone: Zone): DnsResolver & { readonly queries: string[] } {
  const queries: string[] = [];
  function answer<T>(type: string, table: Record<string, T[]> | undefined, name: string): Promise<T[]> {
    queries.push(`${type} ${name}`);
    const found = table?.[name];
    if (found === undefined) return Promise.reject(Object.assign(new Error(`queryNotFound ${name}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(found);
  }
  return {
    queries,
    resolveNaptr: (name) => answer('NAPTR', zone.naptr, name),
    resolveSrv: (name) => answer('SRV', zone.srv, name),
    resolve4: (name) => answer('A', zone.a, name),
    resolve6: (name) => answer('AAAA', zone.aaaa, name),
    lookup: (name) => answer('lookup', zone.hosts, name),
  };
}

function naptr(service: string, replacement: string, order: number, preference: number, flags = 's'): NaptrRecord {
  return { flags, service, regexp: '', replacement, order, preference };
}

function srv(name: string, port: number, priority: number, weight: number): SrvRecord {
  return { name, port, priority, weight };
}

function sip(text: string): SipUri {
  const uri = parseUri(text);
  if (uri.kind !== 'sip') throw new Error(`not a SIP URI: ${text}`);
  return uri;
}

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++] ?? 0;
}

const brief = (targets: readonly { protocol: string; host: string; port: number }[]): string[] =>
  targets.map((t) => `${t.protocol}:${t.host}:${t.port}`);

const exampleZone: Zone = {
  naptr: {
    'example.com': [
      naptr('SIP+D2T', '_sip._tcp.example.com', 10, 20),
      naptr('SIP+D2U', '_sip._udp.example.com', 10, 10),
      naptr('SIPS+D2T', '_sips._tcp.example.com', 20, 10),
      naptr('SIP+D2S', '_sip._sctp.example.com', 1, 1), // SCTP: not spoken, skipped
      naptr('E2U+sip', '!^.*$!sip:info@example.com!', 1, 1, 'u'), // not an "s" record
    ],
  },
  srv: {
    '_sip._udp.example.com': [srv('udp.example.com', 5060, 10, 0)],
    '_sip._tcp.example.com': [srv('tcp2.example.com', 5062, 20, 0), srv('tcp1.example.com', 5060, 10, 0)],
    '_sips._tcp.example.com': [srv('tls.example.com', 5061, 10, 0)],
  },
  a: {
    'udp.example.com': ['192.0.2.10', '192.0.2.11'],
    'tcp1.example.com': ['192.0.2.20'],
    'tcp2.example.com': ['192.0.2.21'],
    'tls.example.com': ['192.0.2.30'],
  },
};

describe('RFC 3263 server location', () => {
  it('follows NAPTR (order, then preference) → SRV (priority) → A', async () => {
    const dns = fakeDns(exampleZone);
    const targets = await new SipServerLocator(dns).resolve(sip('sip:alice@example.com'), { random: () => 0 });
    assert.deepEqual(brief(targets), [
      'udp:192.0.2.10:5060',
      'udp:192.0.2.11:5060',
      'tcp:192.0.2.20:5060',
      'tcp:192.0.2.21:5062',
      'tls:192.0.2.30:5061',
    ]);
    // RFC 5922 §4: the certificate is checked against the URI's domain, not the SRV target.
    assert.ok(targets.every((t) => t.serverName === 'example.com'));
    assert.equal(dns.queries[0], 'NAPTR example.com');
    assert.ok(!dns.queries.includes('SRV _sip._sctp.example.com'));
  });

  it('keeps only the transports the phone supports', async () => {
    const targets = await new SipServerLocator(fakeDns(exampleZone)).resolve(sip('sip:example.com'), { supported: ['tcp', 'tls'], random: () => 0 });
    assert.deepEqual(brief(targets), ['tcp:192.0.2.20:5060', 'tcp:192.0.2.21:5062', 'tls:192.0.2.30:5061']);
  });

  it('uses only SIPS+D2T for a sips URI', async () => {
    const targets = await new SipServerLocator(fakeDns(exampleZone)).resolve(sip('sips:bob@example.com'));
    assert.deepEqual(brief(targets), ['tls:192.0.2.30:5061']);
  });

  it('without NAPTR queries SRV for each transport and uses what exists', async () => {
    const dns = fakeDns({ srv: { '_sip._tcp.example.net': [srv('pbx.example.net', 5080, 0, 0)] }, a: { 'pbx.example.net': ['198.51.100.5'] } });
    const targets = await new SipServerLocator(dns).resolve(sip('sip:example.net'));
    assert.deepEqual(brief(targets), ['tcp:198.51.100.5:5080']);
    assert.deepEqual(dns.queries, [
      'NAPTR example.net',
      'SRV _sip._udp.example.net',
      'SRV _sip._tcp.example.net',
      'A pbx.example.net',
      'SRV _sips._tcp.example.net',
    ]);
  });

  it('without NAPTR or SRV uses A records and the default port: UDP 5060 for sip, TLS 5061 for sips', async () => {
    const zone: Zone = { a: { 'plain.example.org': ['203.0.113.7'] } };
    assert.deepEqual(brief(await new SipServerLocator(fakeDns(zone)).resolve(sip('sip:plain.example.org'))), ['udp:203.0.113.7:5060']);
    assert.deepEqual(brief(await new SipServerLocator(fakeDns(zone)).resolve(sip('sips:plain.example.org'))), ['tls:203.0.113.7:5061']);
  });

  it('falls back to getaddrinfo when the DNS has no address (a name from /etc/hosts)', async () => {
    const dns = fakeDns({ hosts: { 'pbx.lan': [{ address: '10.0.0.2', family: 4 }, { address: 'fe80::2', family: 6 }] } });
    assert.deepEqual(brief(await new SipServerLocator(dns).resolve(sip('sip:pbx.lan'))), ['udp:10.0.0.2:5060']);
  });

  it('adds AAAA after A only when IPv6 is enabled', async () => {
    const zone: Zone = { a: { 'dual.example': ['192.0.2.1'] }, aaaa: { 'dual.example': ['2001:db8::1'] } };
    assert.deepEqual(brief(await new SipServerLocator(fakeDns(zone)).resolve(sip('sip:dual.example'))), ['udp:192.0.2.1:5060']);
    assert.deepEqual(brief(await new SipServerLocator(fakeDns(zone)).resolve(sip('sip:dual.example'), { ipv6: true })), [
      'udp:192.0.2.1:5060',
      'udp:2001:db8::1:5060',
    ]);
  });

  it('uses a numeric host as it is, without any DNS query', async () => {
    const dns = fakeDns({});
    const locator = new SipServerLocator(dns);
    assert.deepEqual(brief(await locator.resolve(sip('sip:192.0.2.1'))), ['udp:192.0.2.1:5060']);
    assert.deepEqual(brief(await locator.resolve(sip('sip:192.0.2.1:5080;transport=tcp'))), ['tcp:192.0.2.1:5080']);
    assert.deepEqual(brief(await locator.resolve(sip('sips:[2001:db8::1]'))), ['tls:2001:db8::1:5061']);
    assert.deepEqual(dns.queries, []);
  });

  it('with an explicit port looks up only the address', async () => {
    const dns = fakeDns(exampleZone);
    const targets = await new SipServerLocator(dns).resolve(sip('sip:udp.example.com:5070'));
    assert.deepEqual(brief(targets), ['udp:192.0.2.10:5070', 'udp:192.0.2.11:5070']);
    assert.deepEqual(dns.queries, ['A udp.example.com']);
  });

  it('with a transport parameter (or a forced transport) goes straight to that SRV', async () => {
    const dns = fakeDns(exampleZone);
    const locator = new SipServerLocator(dns);
    assert.deepEqual(brief(await locator.resolve(sip('sip:example.com;transport=tcp'))), ['tcp:192.0.2.20:5060', 'tcp:192.0.2.21:5062']);
    assert.ok(!dns.queries.includes('NAPTR example.com'));
    assert.deepEqual(brief(await locator.resolve(sip('sip:example.com'), { transport: 'tls' })), ['tls:192.0.2.30:5061']);
  });

  it('with a forced transport and no SRV uses the address with that transport default port', async () => {
    const dns = fakeDns({ a: { 'pbx.example.org': ['203.0.113.9'] } });
    assert.deepEqual(brief(await new SipServerLocator(dns).resolve(sip('sip:pbx.example.org'), { transport: 'tls' })), ['tls:203.0.113.9:5061']);
    assert.deepEqual(dns.queries, ['SRV _sips._tcp.pbx.example.org', 'A pbx.example.org']);
  });

  it('refuses transport=udp in a sips URI (§26.2: SIPS needs TLS)', async () => {
    assert.deepEqual(await new SipServerLocator(fakeDns(exampleZone)).resolve(sip('sips:example.com;transport=udp')), []);
  });

  it('maps the account transport_type (0 UDP, 1 TCP, 2 TLS, 3 DNS-NAPTR)', () => {
    assert.equal(transportForAccountType(0), 'udp');
    assert.equal(transportForAccountType(1), 'tcp');
    assert.equal(transportForAccountType(2), 'tls');
    assert.equal(transportForAccountType(3), undefined);
  });
});

describe('RFC 2782 SRV ordering', () => {
  const records = [srv('late.example', 5060, 20, 0), srv('b.example', 5060, 10, 60), srv('a.example', 5060, 10, 0), srv('c.example', 5060, 10, 40)];
  const names = (r: readonly SrvRecord[]): string[] => r.map((x) => x.name);

  it('puts lower priorities first and weight-0 records first within a priority when random picks 0', () => {
    assert.deepEqual(names(orderSrvRecords(records, () => 0)), ['a.example', 'b.example', 'c.example', 'late.example']);
  });

  it('selects by running weight sums: 0.5 → 50 of 0..100 picks b (sum 60), then 20 of 0..40 picks c', () => {
    assert.deepEqual(names(orderSrvRecords(records, sequence(0.5, 0.5, 0.5, 0.5))), ['b.example', 'c.example', 'a.example', 'late.example']);
  });

  it('0.99 → 99 of 0..100 picks c (sum 100), then 60 of 0..60 picks b', () => {
    assert.deepEqual(names(orderSrvRecords(records, sequence(0.99, 0.99, 0.99, 0.99))), ['c.example', 'b.example', 'a.example', 'late.example']);
  });

  it('drops a "." target: the service is decidedly not available there', () => {
    assert.deepEqual(names(orderSrvRecords([srv('.', 0, 0, 0)], () => 0)), []);
  });
});
