/**
 * URIs as SIP carries them (RFC 3261 §19.1, §25.1):
 *   sip/sips  SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 *   tel       RFC 3966 telephone-subscriber with parameters
 *   other     absoluteURI, kept opaque ("unknown schemes are legal in To/From",
 *             RFC 4475 §3.3.4; a UAS answers 416 to one in a Request-URI, §8.2.2.1)
 *
 * User, password, parameters and headers are stored %-unescaped, because
 * RFC 3261 §19.1.4 compares them unescaped ("sip:%61lice@x" is "sip:alice@x");
 * `formatUri` escapes again what needs it.
 */
import { SipSyntaxError } from './errors.js';
import {
  escape,
  isHnvChar,
  isParamChar,
  isPasswordChar,
  isScheme,
  isUriChar,
  isUserChar,
  unescapeChecked,
} from './grammar.js';
import { checkHost, hostsEqual, parsePort } from './host.js';
import { Parameters } from './params.js';

export interface UriHeader {
  readonly name: string;
  readonly value: string;
}

export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  /** Unescaped; undefined when the URI has no userinfo. */
  readonly user?: string;
  readonly password?: string;
  /** As written: hostname, IPv4, or IPv6 reference with brackets. */
  readonly host: string;
  readonly port?: number;
  /** uri-parameters, unescaped (transport, user, method, ttl, maddr, lr, ...). */
  readonly params: Parameters;
  /** "?name=value&..." headers, unescaped. Not allowed in a Request-URI (§19.1.1 table). */
  readonly headers: readonly UriHeader[];
}

export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The telephone-subscriber as written, e.g. "+1-201-555-0123". */
  readonly number: string;
  readonly params: Parameters;
}

export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Lower-cased scheme ("soap.beep", "http", ...). */
  readonly scheme: string;
  /** Everything after "scheme:", as written. */
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.kind === 'sip';
}

/** Builds a SIP URI from parts, e.g. `sipUri({ user: "alice", host: "example.com" })`; throws SipSyntaxError for a bad host. */
export function sipUri(parts: {
  scheme?: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params?: Iterable<readonly [string, string | null]>;
  headers?: readonly UriHeader[];
}): SipUri {
  checkHost(parts.host, 'URI host');
  const params = new Parameters();
  for (const [n, v] of parts.params ?? []) params.append(n, v);
  return {
    kind: 'sip',
    scheme: parts.scheme ?? 'sip',
    user: parts.user,
    password: parts.password,
    host: parts.host,
    port: parts.port,
    params,
    headers: parts.headers ?? [],
  };
}

/** `;name[=value]` URI parameters up to '?' or the end (uri-parameters). */
function parseUriParams(text: string, what: string): Parameters {
  const params = new Parameters();
  if (text.length === 0) return params;
  for (const part of text.slice(1).split(';')) {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    if (rawName.length === 0) throw new SipSyntaxError(`empty parameter in ${what}`);
    const name = unescapeChecked(rawName, isParamChar, `${what} parameter`);
    const value = eq < 0 ? null : unescapeChecked(part.slice(eq + 1), isParamChar, `${what} parameter`);
    params.append(name, value);
  }
  return params;
}

function parseUriHeaders(text: string, what: string): UriHeader[] {
  if (text.length === 0) return [];
  return text
    .slice(1)
    .split('&')
    .map((h) => {
      const eq = h.indexOf('=');
      const rawName = eq < 0 ? h : h.slice(0, eq);
      if (rawName.length === 0) throw new SipSyntaxError(`empty header in ${what}`);
      return {
        name: unescapeChecked(rawName, isHnvChar, `${what} header`),
        value: eq < 0 ? '' : unescapeChecked(h.slice(eq + 1), isHnvChar, `${what} header`),
      };
    });
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string, what: string): SipUri {
  // user and password cannot hold an unescaped '@', nor can host, parameters
  // or headers, so the first '@' ends the userinfo even though the user part
  // may contain ';', '?' and '/' (RFC 4475 §3.1.1.2 intmeth, §3.1.1.9 semiuri).
  const at = rest.indexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (rawUser.length === 0) throw new SipSyntaxError(`empty user in ${what}`);
    user = unescapeChecked(rawUser, isUserChar, `${what} user`);
    if (colon >= 0) password = unescapeChecked(userinfo.slice(colon + 1), isPasswordChar, `${what} password`);
  }
  const q = hostPart.indexOf('?');
  const beforeHeaders = q < 0 ? hostPart : hostPart.slice(0, q);
  const headersText = q < 0 ? '' : hostPart.slice(q);
  const semi = beforeHeaders.indexOf(';');
  const hostport = semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi);
  const paramsText = semi < 0 ? '' : beforeHeaders.slice(semi);

  let host: string;
  let port: number | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new SipSyntaxError(`unterminated IPv6 reference in ${what}`);
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) throw new SipSyntaxError(`bad host in ${what}`);
      port = parsePort(after.slice(1), what);
    }
  } else {
    const colon = hostport.indexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    if (colon >= 0) port = parsePort(hostport.slice(colon + 1), what);
  }
  if (host.length === 0) throw new SipSyntaxError(`missing host in ${what}`);
  checkHost(host, what);
  return {
    kind: 'sip',
    scheme,
    user,
    password,
    host,
    port,
    params: parseUriParams(paramsText, what),
    headers: parseUriHeaders(headersText, what),
  };
}

function isTelChar(c: string): boolean {
  return /^[0-9A-Fa-f*#+\-.()pPwW]$/.test(c);
}

function parseTelUri(rest: string, what: string): TelUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (number.length === 0 || ![...number].every(isTelChar)) throw new SipSyntaxError(`bad telephone number in ${what}`);
  return { kind: 'tel', scheme: 'tel', number, params: parseUriParams(semi < 0 ? '' : rest.slice(semi), what) };
}

/**
 * Parses a complete URI (no surrounding '<' '>', no whitespace). Throws
 * SipSyntaxError with a reason naming `what` (e.g. "Request-URI").
 */
export function parseUri(text: string, what = 'URI'): Uri {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? '' : text.slice(0, colon);
  if (!isScheme(scheme)) throw new SipSyntaxError(`bad scheme in ${what}`);
  const lower = scheme.toLowerCase();
  const rest = text.slice(colon + 1);
  if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest, what);
  if (lower === 'tel') return parseTelUri(rest, what);
  if (rest.length === 0 || ![...rest].every((c) => isUriChar(c) || c === '[' || c === ']' || c === '#')) {
    throw new SipSyntaxError(`bad ${what}`);
  }
  return { kind: 'absolute', scheme: lower, opaque: rest };
}

function formatUriParams(params: Parameters): string {
  let out = '';
  for (const p of params) {
    out += ';' + escape(p.name, isParamChar);
    if (p.value !== null) out += '=' + escape(p.value, isParamChar);
  }
  return out;
}

/** Writes a URI in its canonical text form, escaping what the grammar requires. */
export function formatUri(uri: Uri): string {
  switch (uri.kind) {
    case 'absolute':
      return `${uri.scheme}:${uri.opaque}`;
    case 'tel':
      return `tel:${uri.number}${formatUriParams(uri.params)}`;
    case 'sip': {
      let out = `${uri.scheme}:`;
      if (uri.user !== undefined) {
        out += escape(uri.user, isUserChar);
        if (uri.password !== undefined) out += ':' + escape(uri.password, isPasswordChar);
        out += '@';
      }
      out += uri.host;
      if (uri.port !== undefined) out += `:${uri.port}`;
      out += formatUriParams(uri.params);
      if (uri.headers.length > 0) {
        out += '?' + uri.headers.map((h) => `${escape(h.name, isHnvChar)}=${escape(h.value, isHnvChar)}`).join('&');
      }
      return out;
    }
  }
}

/** URI parameters that, present in only one of two URIs, make them differ (§19.1.4). */
const MUST_MATCH_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

function paramValueEqual(a: string | null, b: string | null): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/**
 * URI equality per RFC 3261 §19.1.4: userinfo case-sensitive, everything else
 * case-insensitive; an absent port is not the default port; user, ttl, method,
 * maddr and transport must match if either URI has them; other parameters
 * only if both have them; headers must match exactly as sets.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.scheme === b.scheme && a.opaque === b.opaque;
  if (a.kind === 'tel' && b.kind === 'tel') {
    return a.number.replace(/[-.()]/g, '') === b.number.replace(/[-.()]/g, '') && paramsMatch(a.params, b.params);
  }
  if (a.kind !== 'sip' || b.kind !== 'sip') return false;
  if (a.scheme !== b.scheme || a.user !== b.user || a.password !== b.password) return false;
  if (!hostsEqual(a.host, b.host) || a.port !== b.port) return false;
  if (!paramsMatch(a.params, b.params)) return false;
  if (a.headers.length !== b.headers.length) return false;
  return a.headers.every((h) =>
    b.headers.some((g) => g.name.toLowerCase() === h.name.toLowerCase() && g.value === h.value),
  );
}

function paramsMatch(a: Parameters, b: Parameters): boolean {
  for (const name of MUST_MATCH_PARAMS) {
    const x = a.get(name);
    const y = b.get(name);
    if ((x === undefined) !== (y === undefined)) return false;
    if (x !== undefined && y !== undefined && !paramValueEqual(x, y)) return false;
  }
  for (const p of a) {
    const other = b.get(p.name);
    if (other !== undefined && !paramValueEqual(p.value, other)) return false;
  }
  return true;
}
