/**
 * The address the phone writes into Via sent-by and Contact (§18.1.1: "the
 * client transport MUST insert a value of the "sent-by" field [...] an IP
 * address or host name, and port"). A socket bound to the wildcard address
 * has no single address of its own, so one is chosen: the configured one,
 * else the bound one, else the first non-internal IPv4 interface address.
 */
import os from 'node:os';
import { normalizeAddress } from './addresses.js';

export type InterfaceTable = ReturnType<typeof os.networkInterfaces>;

function isWildcard(host: string): boolean {
  const h = normalizeAddress(host);
  return h === '0.0.0.0' || h === '::' || h === '';
}

export function chooseAdvertisedHost(
  configured: string | undefined,
  boundHost: string | undefined,
  interfaces: InterfaceTable = os.networkInterfaces(),
): string {
  if (configured !== undefined && configured !== '') return configured;
  if (boundHost !== undefined && !isWildcard(boundHost)) return normalizeAddress(boundHost);
  for (const addresses of Object.values(interfaces)) {
    for (const a of addresses ?? []) {
      if (!a.internal && a.family === 'IPv4') return a.address;
    }
  }
  return '127.0.0.1';
}
