/**
 * What a UAS checks before it acts on a request (RFC 3261 §8.2), one small
 * pure function per check, run in the order of §8.2 by runUasChecks(). Each
 * returns undefined (pass) or the rejection to send.
 *
 * §8.2: "Note that request processing is atomic. If a request is accepted,
 * all state changes associated with it MUST be performed. If it is rejected,
 * all state changes MUST NOT be performed." and "UASs SHOULD process the
 * requests in the order of the steps that follow in this section (that is,
 * starting with authentication, then inspecting the method, the header
 * fields, and so on throughout the remainder of this section)."
 *
 * Not checked, on purpose: Max-Forwards. An endpoint does not forward, so
 * Max-Forwards 0 on a request addressed to it is served normally (RFC 4475
 * §3.3.11 zeromf: "An endpoint should process the request as if the
 * Max-Forwards field value were still positive"); 483 is a proxy's answer
 * (§16.3). Nor Proxy-Require, which a UAS ignores (§20.29: it is for proxies).
 */
import {
  getAccept,
  getCSeq,
  getCallId,
  getContentType,
  getFrom,
  getTo,
  getTokens,
  mediaRangeMatches,
  parseMediaType,
  splitListValue,
  validateRequest,
} from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import { bodyIsUnderstood } from './body-types.js';
import { KNOWN_METHODS } from './capabilities.js';
import type { UasCapabilities } from './capabilities.js';

/** The response a failed check calls for. */
export interface Rejection {
  readonly status: number;
  /** Reason phrase; the standard one when undefined. */
  readonly reason?: string;
  readonly headers: readonly (readonly [string, string])[];
}

function reject(status: number, reason?: string, headers: readonly (readonly [string, string])[] = []): Rejection {
  return { status, reason, headers };
}

/**
 * §8.1.1 mandatory headers and the syntax of the headers the phone reads
 * (validateRequest): a request missing To, From, Call-ID … cannot be
 * processed (RFC 4475 §3.3.1 insuf) — 400 with the fault as reason phrase.
 * Run first: every later check reads these headers.
 */
export function checkValidity(request: SipRequest): Rejection | undefined {
  const v = validateRequest(request);
  return v.ok ? undefined : reject(400, v.reason);
}

/**
 * §8.2.1: "If the UAS recognizes but does not support the method of a
 * request, it MUST generate a 405 (Method Not Allowed) response. [...] The
 * UAS MUST also add an Allow header field to the 405 (Method Not Allowed)
 * response." A method it does not know at all gets 501 (§21.5.2: "The
 * server does not support the functionality required to fulfill the
 * request. This is the appropriate response when a UAS does not recognize
 * the request method").
 */
export function checkMethod(method: string, caps: UasCapabilities): Rejection | undefined {
  if (caps.allow.includes(method)) return undefined;
  if (KNOWN_METHODS.includes(method)) return reject(405, undefined, [['Allow', caps.allow.join(', ')]]);
  return reject(501);
}

/**
 * §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it
 * SHOULD reject the request with a 416 (Unsupported URI Scheme) response."
 * (RFC 4475 §3.3.2 unkscm, §3.3.3 novelsc.)
 */
export function checkRequestUriScheme(request: SipRequest): Rejection | undefined {
  return request.uri.kind === 'absolute' ? reject(416) : undefined;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** From tag, Call-ID and CSeq as §8.2.2.2 compares them; undefined without a From tag (RFC 2543). */
/**
 * Each request's key, worked out once: every new request is compared with
 * all the live server transactions, and parsing their From headers again
 * for each one made this check most of the cost of taking an INVITE
 * (0.5 s of 1.1 s over the call-setup benchmark's 200 calls).
 */
const mergeKeys = new WeakMap<SipRequest, string | null>();

function mergeKey(request: SipRequest): string | undefined {
  const known = mergeKeys.get(request);
  if (known !== undefined) return known ?? undefined;
  const key = safely(() => {
    const fromTag = getFrom(request)?.tag;
    const callId = getCallId(request);
    const cseq = getCSeq(request);
    if (fromTag === undefined || callId === undefined || cseq === undefined) return undefined;
    return `${fromTag}\n${callId}\n${cseq.seq} ${cseq.method}`;
  });
  mergeKeys.set(request, key ?? null);
  return key;
}

/**
 * §8.2.2.2 (merged requests): "If the request has no tag in the To header
 * field, the UAS core MUST check the request against ongoing transactions.
 * If the From tag, Call-ID, and CSeq exactly match those associated with an
 * ongoing transaction, but the request does not match that transaction
 * (based on the matching rules in Section 17.2.3), the UAS core SHOULD
 * generate a 482 (Loop Detected) response and pass it to the server
 * transaction." `ongoing` are the requests of the live server transactions;
 * one with the same top Via is the same transaction (a retransmission the
 * transaction layer absorbs), anything else with the same key arrived by
 * another path: a fork merged back.
 */
export function checkMergedRequest(request: SipRequest, ongoing: Iterable<SipRequest>): Rejection | undefined {
  if (safely(() => getTo(request)?.tag) !== undefined) return undefined;
  const key = mergeKey(request);
  if (key === undefined) return undefined;
  const topVia = request.headers.getAll('Via')[0];
  for (const other of ongoing) {
    if (other === request || mergeKey(other) !== key) continue;
    if (other.headers.getAll('Via')[0] !== topVia) return reject(482);
  }
  return undefined;
}

/**
 * §8.2.2.3: "If a UAS does not understand an option tag listed in a Require
 * header field, it MUST respond by generating a response with status code
 * 420 (Bad Extension). The UAS MUST add an Unsupported header field, and
 * list in it those options it does not understand amongst those in the
 * Require header field of the request." (RFC 4475 §3.3.5 bext01.) Require in
 * a CANCEL is ignored: "Require and Proxy-Require MUST NOT be used in a SIP
 * CANCEL request [...] These header fields MUST be ignored if they are
 * present in these requests."
 */
export function checkRequire(request: SipRequest, caps: UasCapabilities): Rejection | undefined {
  if (request.method === 'CANCEL') return undefined;
  const unknown = getTokens(request, 'Require').filter((tag) => !caps.supported.some((s) => s.toLowerCase() === tag.toLowerCase()));
  if (unknown.length === 0) return undefined;
  return reject(420, undefined, [['Unsupported', [...new Set(unknown)].join(', ')]]);
}

/**
 * §8.2.3: "If a UAS does not understand the content encoding ... the UAS
 * MUST reject the request with a 415 (Unsupported Media Type) response. The
 * response MUST contain an Accept header field listing the types of all
 * bodies it understands, in the event the request contained bodies of types
 * not supported by the UAS. If the request contained content encodings not
 * understood by the UAS, the response MUST contain an Accept-Encoding header
 * field listing the encodings understood by the UAS." (RFC 4475 §3.3.6
 * invut.) A body without a Content-Type breaks §20.15 ("MUST be present if
 * the body is not empty"): 400.
 */
export function checkContent(request: SipRequest, caps: UasCapabilities): Rejection | undefined {
  const encodings = request.headers
    .lines('Content-Encoding')
    .flatMap(splitListValue)
    .map((e) => e.toLowerCase());
  if (encodings.some((e) => !caps.acceptEncoding.includes(e))) {
    return reject(415, undefined, [['Accept-Encoding', caps.acceptEncoding.join(', ')]]);
  }
  if (request.body.length === 0) return undefined;
  const type = getContentType(request);
  if (type === undefined) return reject(400, 'Missing Content-Type');
  if (!bodyIsUnderstood(type, request.body, caps.accept)) return reject(415, undefined, [['Accept', caps.accept.join(', ')]]);
  return undefined;
}

const SDP = parseMediaType('application/sdp');

/**
 * An INVITE whose Accept (when it has one: absent means application/sdp,
 * §20.1) admits no SDP cannot get the SDP answer a call needs: 406 Not
 * Acceptable (§21.4.7; RFC 4475 §3.3.15 sdp01).
 */
export function checkInviteAccept(request: SipRequest): Rejection | undefined {
  if (request.method !== 'INVITE') return undefined;
  const accept = getAccept(request);
  if (accept === undefined || accept.some((range) => mediaRangeMatches(range, SDP))) return undefined;
  return reject(406);
}

/** Every check, in §8.2 order; the first rejection wins. */
export function runUasChecks(request: SipRequest, caps: UasCapabilities, ongoing: Iterable<SipRequest>): Rejection | undefined {
  return (
    checkValidity(request) ??
    checkMethod(request.method, caps) ??
    checkRequestUriScheme(request) ??
    checkMergedRequest(request, ongoing) ??
    checkRequire(request, caps) ??
    checkContent(request, caps) ??
    checkInviteAccept(request)
  );
}
