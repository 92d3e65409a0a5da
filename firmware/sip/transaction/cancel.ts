/**
 * Building a CANCEL (RFC 3261 §9.1). It is sent as its own non-INVITE client
 * transaction, with the same branch as the request it cancels, which is how
 * the server matches it (§9.2) — so it keeps the Via it is built with.
 *
 * "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header
 * fields in the CANCEL request MUST be identical to those in the request
 * being cancelled, including tags. A CANCEL constructed by a client MUST have
 * only a single Via header field value matching the top Via value in the
 * request being cancelled. [...] If the request being cancelled contains a
 * Route header field, the CANCEL request MUST include that Route header
 * field's values."
 *
 * The TU decides when: §9.1 "a CANCEL request SHOULD NOT be sent to cancel a
 * request other than INVITE" and "If no provisional response has been
 * received, the CANCEL request MUST NOT be sent".
 */
import { Headers, SIP_VERSION, formatCSeq, getCSeq } from '../message/index.js';
import type { SipRequest } from '../message/index.js';

/** `request` is the request as sent, with the Via the transaction layer added (ClientTransaction.request). */
export function createCancel(request: SipRequest): SipRequest {
  const via = request.headers.getAll('Via')[0];
  if (via === undefined) throw new Error('cannot build CANCEL: the request has no Via (pass the request as sent)');
  const cseq = getCSeq(request);
  if (cseq === undefined) throw new Error('cannot build CANCEL: the request has no CSeq');
  const h = new Headers();
  h.append('Via', via);
  h.append('Max-Forwards', request.headers.get('Max-Forwards') ?? '70');
  for (const route of request.headers.lines('Route')) h.append('Route', route);
  for (const name of ['From', 'To', 'Call-ID']) {
    const value = request.headers.get(name);
    if (value === undefined) throw new Error(`cannot build CANCEL: the request has no ${name}`);
    h.append(name, value);
  }
  h.append('CSeq', formatCSeq({ seq: cseq.seq, method: 'CANCEL' }));
  return { kind: 'request', method: 'CANCEL', uri: request.uri, version: SIP_VERSION, headers: h, body: new Uint8Array(0) };
}
