/**
 * Is this the server we meant? RFC 5922 §7.1–7.2 for a SIP domain:
 *
 * - a subjectAltName URI with the "sip" scheme and no user part names a SIP
 *   domain (its host part); URIs with other schemes or a user never do;
 * - "An implementation MUST accept a domain name system identifier as a SIP
 *   domain identity if and only if no other identity is found that matches
 *   the "sip" URI type" — so DNS SANs count only when no sip: URI SAN exists;
 * - "If and only if the subjectAltName does not appear in the certificate,
 *   the implementation MAY examine the CN field";
 * - comparison is case-insensitive and exact: "Implementations MUST NOT
 *   match wildcards" (no "*.example.com").
 *
 * When the expected name is an IP address (a proxy configured by address)
 * the iPAddress SANs are compared instead (RFC 6125 §1.7.2 / RFC 2818).
 */
import { bareHost, hostsEqual } from '../message/index.js';
import { isIpLiteral } from './addresses.js';

/** The parts of node's tls.PeerCertificate this check reads. */
export interface CertificateNames {
  /** Node's rendering: "DNS:a.example, IP Address:192.0.2.1, URI:sip:example.com". */
  readonly subjectaltname?: string;
  readonly subject?: { readonly CN?: string | string[] } | null;
}

interface AltName {
  readonly type: string;
  readonly value: string;
}

/** Splits node's subjectaltname text; values with a comma come JSON-quoted. */
export function parseSubjectAltNames(text: string | undefined): AltName[] {
  if (text === undefined || text.trim() === '') return [];
  const out: AltName[] = [];
  const re = /\s*([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m[0].length > 0) {
    const raw = m[2] ?? '';
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = String(JSON.parse(raw));
      } catch {
        value = raw.slice(1, -1);
      }
    }
    out.push({ type: (m[1] ?? '').trim(), value: value.trim() });
    if (re.lastIndex >= text.length) break;
  }
  return out;
}

/** The host of a "sip:" URI without user info, or undefined (RFC 5922 §7.1). */
function sipUriDomain(uri: string): string | undefined {
  if (!/^sip:/i.test(uri)) return undefined;
  const rest = uri.slice(4);
  if (rest.includes('@')) return undefined;
  const host = rest.startsWith('[') ? rest.slice(0, rest.indexOf(']') + 1) : (rest.split(/[:;?]/)[0] ?? '');
  return host.length > 0 ? host : undefined;
}

function namesEqual(a: string, b: string): boolean {
  const strip = (s: string): string => bareHost(s).replace(/\.$/, '');
  return strip(a) === strip(b);
}

function commonNames(cert: CertificateNames): string[] {
  const cn = cert.subject?.CN;
  return cn === undefined ? [] : Array.isArray(cn) ? cn : [cn];
}

/** undefined when `cert` identifies `expected`; else the reason it does not. */
export function sipIdentityMismatch(expected: string, cert: CertificateNames): string | undefined {
  const sans = parseSubjectAltNames(cert.subjectaltname);
  if (isIpLiteral(expected)) {
    const ips = sans.filter((s) => s.type === 'IP Address').map((s) => s.value);
    const candidates = sans.length > 0 ? ips : commonNames(cert);
    if (candidates.some((ip) => isIpLiteral(ip) && hostsEqual(ip, expected))) return undefined;
    return `certificate is not for IP ${bareHost(expected)} (has ${candidates.join(', ') || 'no IP address'})`;
  }
  let candidates: string[];
  if (sans.length > 0) {
    const sipDomains = sans
      .filter((s) => s.type === 'URI')
      .map((s) => sipUriDomain(s.value))
      .filter((d): d is string => d !== undefined);
    candidates = sipDomains.length > 0 ? sipDomains : sans.filter((s) => s.type === 'DNS').map((s) => s.value);
  } else {
    candidates = commonNames(cert);
  }
  if (candidates.some((name) => !name.includes('*') && namesEqual(name, expected))) return undefined;
  return `certificate is not for SIP domain ${expected} (has ${candidates.join(', ') || 'no usable name'})`;
}
