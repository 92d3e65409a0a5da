/**
 * Typed views of the header fields, read from the raw values on demand so
 * they always reflect the Headers as they are now. Each returns undefined
 * (or an empty list) when the header is absent and throws SipSyntaxError when
 * it is malformed — which cannot happen for a message parseMessage accepted,
 * since it checks these same headers (header-checks.ts), unless the headers
 * were changed afterwards.
 */
import { parseCallId } from './call-id.js';
import type { ContactSet } from './contact.js';
import { parseContactValue } from './contact.js';
import type { CSeq } from './cseq.js';
import { parseCSeq } from './cseq.js';
import { SipSyntaxError } from './errors.js';
import type { Headers } from './headers.js';
import type { MediaType } from './media-type.js';
import { parseMediaRangeList, parseMediaType } from './media-type.js';
import type { NameAddr } from './name-addr.js';
import { parseNameAddr, parseNameAddrList } from './name-addr.js';
import type { ParamValue } from './param-value.js';
import { parseParamValue } from './param-value.js';
import { parseDeltaSeconds, parseMaxForwards } from './scalar-headers.js';
import { parseSipDate } from './sip-date.js';
import { parseTokenList } from './token-list.js';
import type { Via } from './via.js';
import { parseViaList } from './via.js';

/** Anything with headers: a SipRequest, a SipResponse or a PartialRequest. */
export interface HasHeaders {
  readonly headers: Headers;
}

/** Every Via, topmost first, across all Via lines (§20.42). */
export function getVias(m: HasHeaders): Via[] {
  return m.headers.lines('via').flatMap(parseViaList);
}

export function getTopVia(m: HasHeaders): Via | undefined {
  const first = m.headers.lines('via')[0];
  return first === undefined ? undefined : parseViaList(first)[0];
}

function single(m: HasHeaders, name: string): string | undefined {
  const lines = m.headers.lines(name);
  if (lines.length > 1) throw new SipSyntaxError(`Multiple ${name} headers`);
  return lines[0];
}

export function getFrom(m: HasHeaders): NameAddr | undefined {
  const v = single(m, 'From');
  return v === undefined ? undefined : parseNameAddr(v, 'From');
}

export function getTo(m: HasHeaders): NameAddr | undefined {
  const v = single(m, 'To');
  return v === undefined ? undefined : parseNameAddr(v, 'To');
}

/** Any header holding one name-addr: Refer-To, Referred-By, Reply-To, P-Preferred-Identity ... */
export function getNameAddr(m: HasHeaders, name: string): NameAddr | undefined {
  const v = single(m, name);
  return v === undefined ? undefined : parseNameAddr(v, name);
}

/** Any list of name-addrs across all its lines: Route, Record-Route, Path, Service-Route, P-Asserted-Identity. */
export function getNameAddrList(m: HasHeaders, name: string): NameAddr[] {
  return m.headers.lines(name).flatMap((v) => parseNameAddrList(v, name));
}

export function getCallId(m: HasHeaders): string | undefined {
  const v = single(m, 'Call-ID');
  return v === undefined ? undefined : parseCallId(v);
}

export function getCSeq(m: HasHeaders): CSeq | undefined {
  const v = single(m, 'CSeq');
  return v === undefined ? undefined : parseCSeq(v);
}

/**
 * Contact values across all lines; '*' only if it is the sole value
 * (§10.3 step 6: '*' with other contacts is a 400 for a registrar).
 */
export function getContacts(m: HasHeaders): ContactSet {
  const sets = m.headers.lines('contact').map(parseContactValue);
  if (sets.some((s) => s === '*')) {
    if (sets.length > 1) throw new SipSyntaxError("Contact: '*' mixed with other contacts");
    return '*';
  }
  return sets.flatMap((s) => (s === '*' ? [] : s));
}

export function getMaxForwards(m: HasHeaders): number | undefined {
  const v = single(m, 'Max-Forwards');
  return v === undefined ? undefined : parseMaxForwards(v);
}

export function getExpires(m: HasHeaders): number | undefined {
  const v = single(m, 'Expires');
  return v === undefined ? undefined : parseDeltaSeconds(v, 'Expires');
}

export function getMinExpires(m: HasHeaders): number | undefined {
  const v = single(m, 'Min-Expires');
  return v === undefined ? undefined : parseDeltaSeconds(v, 'Min-Expires');
}

export function getContentType(m: HasHeaders): MediaType | undefined {
  const v = single(m, 'Content-Type');
  return v === undefined ? undefined : parseMediaType(v);
}

/**
 * The Accept ranges, or undefined if there is no Accept header — which
 * means application/sdp is acceptable (§20.1), unlike an empty Accept.
 */
export function getAccept(m: HasHeaders): MediaType[] | undefined {
  const lines = m.headers.lines('accept');
  return lines.length === 0 ? undefined : lines.flatMap((v) => parseMediaRangeList(v));
}

/** Tokens of Require, Proxy-Require, Supported, Unsupported, Allow, Allow-Events across all lines. */
export function getTokens(m: HasHeaders, name: string): string[] {
  return m.headers.lines(name).flatMap((v) => parseTokenList(v, name));
}

export function getDate(m: HasHeaders): Date | undefined {
  const v = single(m, 'Date');
  return v === undefined ? undefined : parseSipDate(v);
}

/** A header of the form value;param=...: Event, Subscription-State, Session-Expires ... */
export function getParamValue(m: HasHeaders, name: string): ParamValue | undefined {
  const v = single(m, name);
  return v === undefined ? undefined : parseParamValue(v, name);
}
