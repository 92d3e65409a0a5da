/**
 * Small facts about transport addresses shared by the transports, the
 * response router and the resolver.
 */
import { bareHost, isIPv4, isIPv6 } from '../message/index.js';
import type { TransportProtocol, TransportTarget } from './types.js';

/** RFC 3261 §19.1.2: 5060 for sip over UDP and TCP, 5061 for TLS (sips). */
export function defaultPort(protocol: TransportProtocol): number {
  return protocol === 'tls' ? 5061 : 5060;
}

/** True for "192.0.2.1", "2001:db8::1" and "[2001:db8::1]"; false for a domain name. */
export function isIpLiteral(host: string): boolean {
  const bare = bareHost(host);
  return isIPv4(bare) || isIPv6(bare);
}

/**
 * The form a TransportTarget holds: no IPv6 brackets, lower case, and an
 * IPv4-mapped IPv6 address (what a dual-stack socket reports for an IPv4
 * peer) written as plain IPv4, so "received" compares and reads naturally.
 */
export function normalizeAddress(host: string): string {
  const bare = bareHost(host);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped?.[1] ?? bare;
}

/** A connection-pool key: one connection per remote address, port and protocol. */
export function targetKey(target: TransportTarget): string {
  return `${target.protocol}|${normalizeAddress(target.host)}|${target.port}`;
}

export function formatTarget(target: TransportTarget): string {
  const host = normalizeAddress(target.host);
  return `${target.protocol}:${host.includes(':') ? `[${host}]` : host}:${target.port}`;
}

/** The transport a Via's sent-protocol names, if it is one this stack speaks (§18.2.2 needs it). */
export function protocolOfVia(transport: string): TransportProtocol | undefined {
  switch (transport.toUpperCase()) {
    case 'UDP':
      return 'udp';
    case 'TCP':
      return 'tcp';
    case 'TLS':
      return 'tls';
    default:
      return undefined;
  }
}

/** Reliable transports need no retransmission timers (§17.1.1.2, §17.1.2.2). */
export function isReliableProtocol(protocol: TransportProtocol): boolean {
  return protocol !== 'udp';
}

/**
 * A target that also names the SIP domain it was resolved from. TLS checks
 * the server certificate against that name (RFC 5922 §4), which the IP
 * address in TransportTarget cannot give; the resolver's targets carry it.
 */
export interface NamedTarget extends TransportTarget {
  readonly serverName?: string;
}

export function serverNameOf(target: TransportTarget): string | undefined {
  const name = (target as NamedTarget).serverName;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}
