/**
 * host = hostname / IPv4address / IPv6reference and port (RFC 3261 §25.1),
 * with the IPv6 grammar as RFC 5118 §4.10 corrects it (at most one "::",
 * never ":::"). Hosts are kept as written, IPv6 with its brackets, so they
 * can be written back unchanged; compare them with `hostsEqual`.
 */
import { SipSyntaxError } from './errors.js';
import { isAlphanum, isDigit, isHexDigit } from './grammar.js';

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

/** IPv6address per RFC 4291 §2.2 text forms, including a trailing IPv4 part. */
export function isIPv6(text: string): boolean {
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.')) {
    if (lastColon < 0 || !isIPv4(body.slice(lastColon + 1))) return false;
    // The dotted quad stands for two 16-bit groups ("::ffff:192.0.2.1").
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  if (body.includes(':::')) return false;
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string): string[] | null => {
    if (s.length === 0) return [];
    const g = s.split(':');
    return g.every((x) => x.length >= 1 && x.length <= 4 && [...x].every(isHexDigit)) ? g : null;
  };
  const head = groups(halves[0] ?? '');
  if (head === null) return false;
  if (halves.length === 1) return head.length === 8;
  const tail = groups(halves[1] ?? '');
  if (tail === null) return false;
  return head.length + tail.length <= 7;
}

/**
 * hostname = *( domainlabel "." ) toplabel [ "." ]. Underscores are accepted
 * (real deployments use them); an all-digit toplabel is not, so "2001" from
 * an unbracketed IPv6 address (RFC 5118 §4.2 "ipv6-bad") is refused.
 */
export function isHostname(text: string): boolean {
  const labels = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  if (labels.some((l) => l.length === 0)) return false;
  for (const l of labels) {
    for (const c of l) if (!(isAlphanum(c) || c === '-' || c === '_')) return false;
    if (l.startsWith('-') || l.endsWith('-')) return false;
  }
  const top = labels[labels.length - 1] ?? '';
  return ![...top].every(isDigit);
}

/** Checks a host as written in a URI or a Via sent-by; throws if it is none of the three forms. */
export function checkHost(host: string, what: string): void {
  if (host.startsWith('[')) {
    if (!host.endsWith(']') || !isIPv6(host.slice(1, -1))) throw new SipSyntaxError(`bad IPv6 reference in ${what}`);
    return;
  }
  if (/^[0-9.]+$/.test(host)) {
    if (!isIPv4(host)) throw new SipSyntaxError(`bad IPv4 address in ${what}`);
    return;
  }
  if (!isHostname(host)) throw new SipSyntaxError(`bad host in ${what}`);
}

export function parsePort(text: string, what: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new SipSyntaxError(`bad port in ${what}`);
  return Number(text);
}

/** The host without IPv6 brackets, lower-cased: the form to compare or resolve. */
export function bareHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}

/**
 * RFC 3261 §19.1.4: hosts compare case-insensitively. IPv6 addresses compare
 * as addresses, so "[2001:DB8::1]" equals "[2001:db8:0::1]".
 */
export function hostsEqual(a: string, b: string): boolean {
  const x = bareHost(a);
  const y = bareHost(b);
  if (x === y) return true;
  return isIPv6(x) && isIPv6(y) && expandIPv6(x) === expandIPv6(y);
}

function expandIPv6(addr: string): string {
  let text = addr;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = text.slice(lastColon + 1).split('.').map(Number);
    const hi = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const lo = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    text = text.slice(0, lastColon + 1) + hi + ':' + lo;
  }
  const [head = '', tail] = text.split('::');
  const h = head.length > 0 ? head.split(':') : [];
  const t = tail !== undefined && tail.length > 0 ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16).toString(16)).join(':');
}
