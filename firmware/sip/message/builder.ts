/**
 * Building messages the phone sends. Requests get the header fields §8.1.1
 * makes mandatory in a conventional order; responses copy what §8.2.6.2
 * says to copy:
 *
 * "The From field of the response MUST equal the From header field of the
 * request. The Call-ID header field of the response MUST equal the Call-ID
 * header field of the request. The CSeq header field of the response MUST
 * equal the CSeq field of the request. The Via header field values in the
 * response MUST equal the Via header field values in the request and MUST
 * maintain the same ordering." and "If a request contained a To tag in the
 * request, the To header field in the response MUST equal that of the
 * request. However, if the To header field in the request did not contain a
 * tag, the URI in the To header field in the response MUST equal the URI in
 * the To header field; additionally, the UAS MUST add a tag".
 */
import type { HasHeaders } from './accessors.js';
import { formatCSeq } from './cseq.js';
import { Headers } from './headers.js';
import { SIP_VERSION } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import type { NameAddr } from './name-addr.js';
import { formatNameAddr, parseNameAddr } from './name-addr.js';
import { reasonPhrase } from './reason-phrases.js';
import type { Uri } from './uri.js';
import type { Via } from './via.js';
import { formatVia, randomHex } from './via.js';

export interface MessageBody {
  /** e.g. "application/sdp" */
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface RequestInit {
  readonly method: string;
  readonly uri: Uri;
  /** Must carry a tag for a new request outside a dialog (§8.1.1.3): see createTag(). */
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: number;
  /** Usually left out here and prepended by the client transaction (§8.1.1.7). */
  readonly via?: readonly Via[];
  /** Default 70 (§8.1.1.6). */
  readonly maxForwards?: number;
  readonly contact?: readonly NameAddr[];
  /** The route set (§8.1.2, §12.2.1.1). */
  readonly route?: readonly NameAddr[];
  /** Further header lines, appended in order. */
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: MessageBody;
}

export function createRequest(init: RequestInit): SipRequest {
  const h = new Headers();
  for (const via of init.via ?? []) h.append('Via', formatVia(via));
  h.append('Max-Forwards', String(init.maxForwards ?? 70));
  for (const r of init.route ?? []) h.append('Route', formatNameAddr(r));
  h.append('From', formatNameAddr(init.from));
  h.append('To', formatNameAddr(init.to));
  h.append('Call-ID', init.callId);
  h.append('CSeq', formatCSeq({ seq: init.cseq, method: init.method }));
  for (const c of init.contact ?? []) h.append('Contact', formatNameAddr(c));
  for (const [name, value] of init.headers ?? []) h.append(name, value);
  if (init.body !== undefined) h.append('Content-Type', init.body.contentType);
  return {
    kind: 'request',
    method: init.method,
    uri: init.uri,
    version: SIP_VERSION,
    headers: h,
    body: init.body?.bytes ?? new Uint8Array(0),
  };
}

export interface ResponseOptions {
  /** Added to To unless it already has a tag (§8.2.6.2). */
  readonly toTag?: string;
  /** Copy Record-Route, as a response that establishes a dialog must (§12.1.1). */
  readonly copyRecordRoute?: boolean;
  /** Further header lines (Contact, Allow, Supported, Unsupported, Accept, Warning ...). */
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: MessageBody;
}

/** Adds ";tag=..." to a raw To value that has none, leaving the rest exactly as received. */
function withToTag(rawTo: string, tag: string): string {
  try {
    if (parseNameAddr(rawTo, 'To').tag !== undefined) return rawTo;
  } catch {
    // A To we cannot parse (answering a malformed request with 400) still gets the tag.
  }
  return `${rawTo};tag=${tag}`;
}

/**
 * A response to `request`, which may be a SipRequest or the PartialRequest of
 * a parse failure (to answer 400). Header lines are copied raw.
 */
export function createResponse(
  request: HasHeaders,
  status: number,
  reason: string = reasonPhrase(status),
  options: ResponseOptions = {},
): SipResponse {
  const src = request.headers;
  const h = new Headers();
  for (const via of src.lines('via')) h.append('Via', via);
  if (options.copyRecordRoute === true) for (const rr of src.lines('record-route')) h.append('Record-Route', rr);
  const from = src.lines('from')[0];
  if (from !== undefined) h.append('From', from);
  const to = src.lines('to')[0];
  if (to !== undefined) h.append('To', options.toTag === undefined ? to : withToTag(to, options.toTag));
  const callId = src.lines('call-id')[0];
  if (callId !== undefined) h.append('Call-ID', callId);
  const cseq = src.lines('cseq')[0];
  if (cseq !== undefined) h.append('CSeq', cseq);
  // §8.2.6.1: "If there is a Timestamp header field in the request, [the 100] MUST copy it".
  const timestamp = src.lines('timestamp')[0];
  if (status === 100 && timestamp !== undefined) h.append('Timestamp', timestamp);
  for (const [name, value] of options.headers ?? []) h.append(name, value);
  if (options.body !== undefined) h.append('Content-Type', options.body.contentType);
  return {
    kind: 'response',
    status,
    reason,
    version: SIP_VERSION,
    headers: h,
    body: options.body?.bytes ?? new Uint8Array(0),
  };
}

/** A From/To tag: "at least 32 bits of randomness" (§19.3); this gives 64. */
export function createTag(): string {
  return randomHex(8);
}
