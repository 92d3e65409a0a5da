/**
 * Locating SIP servers (RFC 3263 §4): a SIP or SIPS URI → the ordered list of
 * transport targets to try. Trying them in order, and moving to the next on
 * a TransportError or a transaction timeout (§4.3), is the caller's job.
 *
 *   numeric host           → that address; port from the URI or the default
 *   explicit port          → A/AAAA of the host with that port
 *   transport param (or a transport the account forces)
 *                          → SRV for that transport, else A/AAAA with the default port
 *   otherwise              → NAPTR (SIP+D2U, SIP+D2T, SIPS+D2T by order, then preference)
 *                            → SRV of each replacement → A/AAAA;
 *                            no NAPTR → SRV _sip._udp, _sip._tcp, _sips._tcp;
 *                            no SRV → A/AAAA, UDP 5060 (TLS 5061 for sips)
 *
 * §4.1: for a SIPS URI only TLS is acceptable (SIPS+D2T, _sips._tcp).
 * Every target carries `serverName`, the URI's host: RFC 5922 §4 checks the
 * TLS certificate against the domain in the URI, not the SRV target name.
 */
import dnsPromises from 'node:dns/promises';
import type { NaptrRecord, SrvRecord } from 'node:dns';
import type { SipUri } from '../message/index.js';
import { bareHost } from '../message/index.js';
import type { NamedTarget } from './addresses.js';
import { defaultPort, isIpLiteral, normalizeAddress } from './addresses.js';
import { orderSrvRecords } from './srv-order.js';
import type { TransportProtocol } from './types.js';

/** The DNS queries RFC 3263 needs; node:dns/promises by default, a fake in tests. */
export interface DnsResolver {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  /** getaddrinfo: /etc/hosts, mDNS …, for names the DNS does not know. */
  lookup(name: string): Promise<{ address: string; family: number }[]>;
}

export const systemDnsResolver: DnsResolver = {
  resolveNaptr: (name) => dnsPromises.resolveNaptr(name),
  resolveSrv: (name) => dnsPromises.resolveSrv(name),
  resolve4: (name) => dnsPromises.resolve4(name),
  resolve6: (name) => dnsPromises.resolve6(name),
  lookup: (name) => dnsPromises.lookup(name, { all: true }),
};

export interface ResolveOptions {
  /** A transport the account or outbound proxy forces (as a transport parameter would). */
  readonly transport?: TransportProtocol;
  /** Transports the phone can use, in its order of preference for SRV without NAPTR. */
  readonly supported?: readonly TransportProtocol[];
  /** Also use AAAA records (after A). Default false: the sockets are IPv4. */
  readonly ipv6?: boolean;
  /** [0, 1) for RFC 2782 weighted selection. Default Math.random. */
  readonly random?: () => number;
}

/** A resolved target: an IP literal plus the SIP domain to check a TLS certificate against. */
export interface ResolvedTarget extends NamedTarget {
  readonly serverName: string;
}

/** Yealink-style account.N.sip_server.M.transport_type: 0 UDP, 1 TCP, 2 TLS, 3 DNS-NAPTR. */
export function transportForAccountType(transportType: number): TransportProtocol | undefined {
  switch (transportType) {
    case 0:
      return 'udp';
    case 1:
      return 'tcp';
    case 2:
      return 'tls';
    default:
      return undefined;
  }
}

/** RFC 3263 §4.1 NAPTR services (RFC 3263 §4.1 table / RFC 3261 §26.2 for SIPS). */
const NAPTR_SERVICES: Readonly<Record<string, TransportProtocol>> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
};

/** The SRV owner name for a transport (RFC 3263 §4.1). */
export function srvName(protocol: TransportProtocol, domain: string): string {
  switch (protocol) {
    case 'udp':
      return `_sip._udp.${domain}`;
    case 'tcp':
      return `_sip._tcp.${domain}`;
    case 'tls':
      return `_sips._tcp.${domain}`;
  }
}

const ALL: readonly TransportProtocol[] = ['udp', 'tcp', 'tls'];

/** The transport a URI's transport parameter asks for, if any (sips + tcp means TLS, §26.2). */
function transportParam(uri: SipUri): TransportProtocol | 'invalid' | undefined {
  const raw = uri.params.get('transport');
  if (raw === undefined || raw === null) return undefined;
  const t = raw.toLowerCase();
  if (uri.scheme === 'sips') return t === 'tcp' || t === 'tls' ? 'tls' : 'invalid';
  return t === 'udp' || t === 'tcp' || t === 'tls' ? t : 'invalid';
}

async function quietly<T>(query: () => Promise<T[]>): Promise<T[]> {
  try {
    return await query();
  } catch {
    // NXDOMAIN, no data, timeouts: the next step of §4 applies.
    return [];
  }
}

export class SipServerLocator {
  readonly #dns: DnsResolver;

  constructor(dns: DnsResolver = systemDnsResolver) {
    this.#dns = dns;
  }

  async resolve(uri: SipUri, options: ResolveOptions = {}): Promise<ResolvedTarget[]> {
    const random = options.random ?? Math.random;
    const sips = uri.scheme === 'sips';
    const supported = (options.supported ?? ALL).filter((t) => !sips || t === 'tls');
    const host = bareHost(uri.host);
    const serverName = host;
    const fromParam = transportParam(uri);
    if (fromParam === 'invalid') return [];
    let forced = fromParam ?? options.transport;
    if (sips && forced !== undefined) forced = 'tls';
    if (forced !== undefined && !supported.includes(forced)) return [];
    // §4.1: without NAPTR or SRV, UDP for sip (or the first the phone supports), TLS for sips.
    const fallback = forced ?? (sips ? 'tls' : supported.includes('udp') ? 'udp' : supported[0]);
    if (fallback === undefined) return [];

    if (isIpLiteral(uri.host)) {
      return [{ protocol: fallback, host: normalizeAddress(uri.host), port: uri.port ?? defaultPort(fallback), serverName }];
    }
    if (uri.port !== undefined) return this.#addresses(host, uri.port, fallback, serverName, options);

    const out: ResolvedTarget[] = [];
    if (forced !== undefined) {
      out.push(...(await this.#srvTargets(srvName(forced, host), forced, serverName, options, random)));
    } else {
      for (const service of await this.#naptrServices(host, supported)) {
        out.push(...(await this.#srvTargets(service.replacement, service.protocol, serverName, options, random)));
      }
      if (out.length === 0) {
        for (const protocol of supported) {
          out.push(...(await this.#srvTargets(srvName(protocol, host), protocol, serverName, options, random)));
        }
      }
    }
    if (out.length === 0) out.push(...(await this.#addresses(host, defaultPort(fallback), fallback, serverName, options)));
    return dedupe(out);
  }

  /** §4.1: NAPTR records with the "s" flag and a service we speak, by order then preference. */
  async #naptrServices(domain: string, supported: readonly TransportProtocol[]): Promise<{ protocol: TransportProtocol; replacement: string }[]> {
    const records = await quietly(() => this.#dns.resolveNaptr(domain));
    return records
      .filter((r) => r.flags.toLowerCase() === 's' && r.replacement !== '')
      .map((r) => ({ record: r, protocol: NAPTR_SERVICES[r.service.toUpperCase()] }))
      .filter((x): x is { record: NaptrRecord; protocol: TransportProtocol } => x.protocol !== undefined && supported.includes(x.protocol))
      .sort((a, b) => a.record.order - b.record.order || a.record.preference - b.record.preference)
      .map((x) => ({ protocol: x.protocol, replacement: x.record.replacement }));
  }

  async #srvTargets(
    name: string,
    protocol: TransportProtocol,
    serverName: string,
    options: ResolveOptions,
    random: () => number,
  ): Promise<ResolvedTarget[]> {
    const records = orderSrvRecords(await quietly(() => this.#dns.resolveSrv(name)), random);
    const out: ResolvedTarget[] = [];
    for (const r of records) out.push(...(await this.#addresses(r.name, r.port, protocol, serverName, options)));
    return out;
  }

  /** §4.2: A (then AAAA if enabled); getaddrinfo when the DNS knows neither. */
  async #addresses(name: string, port: number, protocol: TransportProtocol, serverName: string, options: ResolveOptions): Promise<ResolvedTarget[]> {
    const host = name.replace(/\.$/, '');
    let addresses = await quietly(() => this.#dns.resolve4(host));
    if (options.ipv6 === true) addresses = [...addresses, ...(await quietly(() => this.#dns.resolve6(host)))];
    if (addresses.length === 0) {
      const found = await quietly(() => this.#dns.lookup(host));
      addresses = found.filter((a) => a.family === 4 || (options.ipv6 === true && a.family === 6)).map((a) => a.address);
    }
    return addresses.map((address) => ({ protocol, host: normalizeAddress(address), port, serverName }));
  }
}

function dedupe(targets: ResolvedTarget[]): ResolvedTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.protocol}|${t.host}|${t.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
