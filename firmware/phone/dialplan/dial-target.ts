/**
 * What the phone sends an INVITE to, from what was typed or given to the
 * console's `dial`. The console contract: "a bare number or name becomes
 * sip:<it>@<the account's server domain>". In order:
 *
 *   sip:… sips:…          taken as written (checked by the SIP URI parser)
 *   tel:+1-201-555-0123   sip:+1-201-555-0123@<domain>;user=phone (RFC 3261 §19.1.6:
 *                         the telephone-subscriber becomes the user part)
 *   other scheme:…        refused
 *   user@host[:port]      sip:user@host[:port]
 *   192.168.1.20[:5062], [2001:db8::1][:5062], 2001:db8::1
 *                         sip:<address>[:port]: a direct IP call
 *   192*168*1*20[*5062]   the same, typed on the keypad (star-ip.ts)
 *   anything else         a number or name: sip:<it>@<domain>; a number loses its
 *                         visual separators ' ', '-', '(', ')' (RFC 3966 §5.1.1;
 *                         '.' is kept, it would turn numbers into addresses)
 *
 * A host the caller typed that is an IP address needs directIpAllowed
 * (features.direct_ip_call_enable); when it is off, a starred address is just
 * a number for the server. The account's own domain is never checked: a
 * server configured by IP address is not a direct call.
 */
import { SipSyntaxError } from '../../sip/message/errors.js';
import { isIPv4, isIPv6 } from '../../sip/message/host.js';
import { formatUri, parseUri, sipUri, type SipUri, type Uri } from '../../sip/message/uri.js';
import { starIpAddress } from './star-ip.js';

export interface DialTargetOptions {
  /** The account's server domain, host[:port] (RFC 3261 §10.2: the domain of the address of record). */
  readonly domain: string;
  readonly directIpAllowed: boolean;
}

export type DialTarget = { readonly uri: string } | { readonly error: string };

/** Keys and visual separators, with an optional leading '+'. */
const NUMBER = /^\+?[0-9*#\s\-()]+$/;
const VISUAL_SEPARATORS = /[\s\-()]/g;

const DIRECT_IP_OFF = 'direct IP calls are disabled (features.direct_ip_call_enable = 0)';

function isIpHost(host: string): boolean {
  return host.startsWith('[') || isIPv4(host);
}

/** Parses a URI, or answers why it is none. */
function tryParseUri(text: string): Uri | string {
  try {
    return parseUri(text);
  } catch (e) {
    if (e instanceof SipSyntaxError) return `${e.message}: ${text}`;
    throw e;
  }
}

function asSipUri(text: string): SipUri | string {
  const uri = tryParseUri(text);
  if (typeof uri === 'string' || uri.kind === 'sip') return uri;
  return `not a SIP URI: ${text}`;
}

function direct(uri: SipUri | string, options: DialTargetOptions): DialTarget {
  if (typeof uri === 'string') return { error: uri };
  if (isIpHost(uri.host) && !options.directIpAllowed) return { error: DIRECT_IP_OFF };
  return { uri: formatUri(uri) };
}

/** `user` at the account's domain, with extra URI parameters. */
function atDomain(user: string, options: DialTargetOptions, params: Array<[string, string]> = []): DialTarget {
  if (options.domain.trim() === '') return { error: `no account domain to dial ${user} at` };
  const domain = asSipUri(`sip:${options.domain.trim()}`);
  if (typeof domain === 'string') return { error: `bad account domain: ${options.domain}` };
  return { uri: formatUri(sipUri({ user, host: domain.host, port: domain.port, params })) };
}

/** Turns a typed number, name, address or URI into the URI to call. */
export function dialTarget(input: string, options: DialTargetOptions): DialTarget {
  const text = input.trim();
  if (text === '') return { error: 'nothing to dial' };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return direct(asSipUri(text), options);
  if (scheme === 'tel') {
    const tel = tryParseUri(text);
    if (typeof tel === 'string') return { error: tel };
    // The telephone-subscriber as written, with its parameters (RFC 3966 §3).
    return atDomain(text.slice(text.indexOf(':') + 1), options, [['user', 'phone']]);
  }
  // An IPv6 address ("fe80::1") looks like a scheme and a colon.
  if (scheme !== undefined && !isIPv6(text)) return { error: `cannot call a ${scheme}: URI` };
  if (text.includes('@')) return direct(asSipUri(`sip:${text}`), options);
  if (isIPv6(text)) return direct(asSipUri(`sip:[${text}]`), options);
  if (text.startsWith('[')) return direct(asSipUri(`sip:${text}`), options);
  if (/^[0-9.]+(:[0-9]+)?$/.test(text)) {
    const uri = asSipUri(`sip:${text}`);
    // "1.5" is no address: digits and dots that are not one stay a number.
    if (typeof uri !== 'string' && isIpHost(uri.host)) return direct(uri, options);
  }
  const starred = options.directIpAllowed ? starIpAddress(text) : undefined;
  if (starred) return { uri: formatUri(sipUri({ host: starred.host, port: starred.port })) };
  const isNumber = NUMBER.test(text);
  if (!isNumber && /\s/.test(text)) return { error: `a name cannot contain spaces: ${text}` };
  const user = isNumber ? text.replace(VISUAL_SEPARATORS, '') : text;
  if (user === '') return { error: 'nothing to dial' };
  return atDomain(user, options);
}
