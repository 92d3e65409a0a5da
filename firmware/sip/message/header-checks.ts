/**
 * The header fields the phone acts on are checked when a message is parsed,
 * so that a malformed one is refused up front (RFC 3261 §8.2: a UAS answers
 * 400 "Bad Request" to a request it cannot understand) instead of failing
 * halfway through a transaction or dialog. Headers the phone never reads —
 * Warning, Retry-After, Authorization (the digest code parses its own),
 * unknown extensions — are carried unparsed, as RFC 4475 §3.1.2.5/§3.3.7 allow.
 */
import { parseCallId } from './call-id.js';
import { parseContactValue } from './contact.js';
import { parseCSeq } from './cseq.js';
import { isSipSyntaxError } from './errors.js';
import { canonicalHeaderName, headerKey } from './header-names.js';
import type { Headers } from './headers.js';
import { parseMediaRangeList, parseMediaType } from './media-type.js';
import { parseNameAddr, parseNameAddrList } from './name-addr.js';
import { parseParamValue } from './param-value.js';
import { parseContentLength, parseDeltaSeconds, parseMaxForwards } from './scalar-headers.js';
import { parseSipDate } from './sip-date.js';
import { parseTokenList } from './token-list.js';
import { parseViaList } from './via.js';

type Check = (value: string) => unknown;

const CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['via', parseViaList],
  ['from', (v) => parseNameAddr(v, 'From')],
  ['to', (v) => parseNameAddr(v, 'To')],
  ['call-id', parseCallId],
  ['cseq', parseCSeq],
  ['max-forwards', parseMaxForwards],
  ['content-length', parseContentLength],
  ['content-type', parseMediaType],
  ['contact', parseContactValue],
  ['route', (v) => parseNameAddrList(v, 'Route')],
  ['record-route', (v) => parseNameAddrList(v, 'Record-Route')],
  ['refer-to', (v) => parseNameAddr(v, 'Refer-To')],
  ['expires', (v) => parseDeltaSeconds(v, 'Expires')],
  ['min-expires', (v) => parseDeltaSeconds(v, 'Min-Expires')],
  ['date', parseSipDate],
  ['require', (v) => parseTokenList(v, 'Require')],
  ['proxy-require', (v) => parseTokenList(v, 'Proxy-Require')],
  ['supported', (v) => parseTokenList(v, 'Supported')],
  ['unsupported', (v) => parseTokenList(v, 'Unsupported')],
  ['allow', (v) => parseTokenList(v, 'Allow')],
  ['accept', (v) => parseMediaRangeList(v)],
  ['event', (v) => parseParamValue(v, 'Event')],
  ['subscription-state', (v) => parseParamValue(v, 'Subscription-State')],
]);

/** Header fields that may appear at most once (§7.3.1: not a comma-separated list). */
const SINGLE = new Set([
  'from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type', 'expires',
  'min-expires', 'date', 'refer-to', 'event', 'subscription-state',
]);

/** True if the phone checks this header's syntax when parsing. */
export function isCheckedHeader(name: string): boolean {
  return CHECKS.has(headerKey(name));
}

function describe(name: string, e: unknown): string {
  const canonical = canonicalHeaderName(name);
  if (!isSipSyntaxError(e)) return `Malformed ${canonical} header`;
  const detail = e.message.startsWith(`${canonical}: `) ? e.message.slice(canonical.length + 2) : e.message;
  return `Malformed ${canonical} header: ${detail}`;
}

/**
 * Checks every header line the phone relies on, in message order. Returns
 * the first fault as a reason phrase ("Multiple CSeq headers", "Malformed
 * Via header: bad received"), or undefined if all are well-formed.
 */
export function checkHeaderSyntax(headers: Headers): string | undefined {
  const seen = new Set<string>();
  for (const { name, value } of headers) {
    const key = headerKey(name);
    if (SINGLE.has(key)) {
      if (seen.has(key)) return `Multiple ${canonicalHeaderName(name)} headers`;
      seen.add(key);
    }
    const check = CHECKS.get(key);
    if (check === undefined) continue;
    try {
      check(value);
    } catch (e) {
      if (!isSipSyntaxError(e)) throw e;
      return describe(name, e);
    }
  }
  return undefined;
}
