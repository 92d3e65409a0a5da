/**
 * IP address text → bytes, for the synthetic packet headers. The transport's
 * addresses are already IP literals (TransportTarget); a local address may be
 * the wildcard the socket was bound to ("0.0.0.0", "::"), which is what the
 * trace then shows.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpBytes = { readonly family: 4; readonly bytes: Uint8Array } | { readonly family: 6; readonly bytes: Uint8Array };

function ipv4Bytes(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Uint8Array {
  let body = text;
  const out = new Uint8Array(16);
  // An embedded IPv4 tail ("::ffff:192.0.2.1") is the last 32 bits.
  let tail: Uint8Array | undefined;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4?.[1] !== undefined) {
    tail = ipv4Bytes(v4[1]);
    body = `${body.slice(0, -v4[1].length)}0:0`;
  }
  const [head = '', rest] = body.split('::');
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  all.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  if (tail !== undefined) out.set(tail, 12);
  return out;
}

/** The address's bytes; undefined when the text is not an IP literal. Brackets and a zone ("%eth0") are dropped. */
export function parseIp(text: string): IpBytes | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return { family: 4, bytes: ipv4Bytes(bare) };
  if (isIPv6(bare)) {
    const bytes = ipv6Bytes(bare);
    // An IPv4-mapped address (a dual-stack socket's view of an IPv4 peer) is IPv4 on the wire.
    const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    return mapped ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes };
  }
  return undefined;
}

/** IPv4 as an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2), to pair it with an IPv6 peer. */
export function mapToIpv6(ip: IpBytes): IpBytes {
  if (ip.family === 6) return ip;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(ip.bytes, 12);
  return { family: 6, bytes };
}
