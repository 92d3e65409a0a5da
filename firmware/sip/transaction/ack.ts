/**
 * The ACK an INVITE client transaction sends for a non-2xx final response
 * (RFC 3261 §17.1.1.3). Header values are copied as raw text so the ACK
 * carries exactly what the original request and the response did.
 *
 * "The ACK request constructed by the client transaction MUST contain values
 * for the Call-ID, From, and Request-URI that are equal to the values of
 * those header fields in the request passed to the transport by the client
 * transaction (call this the "original request"). The To header field in the
 * ACK MUST equal the To header field in the response being acknowledged [...]
 * The ACK MUST contain a single Via header field, and this MUST be equal to
 * the top Via header field of the original request. The CSeq header field
 * in the ACK MUST contain the same value for the sequence number as was
 * present in the original request, but the method parameter MUST be equal to
 * "ACK". If the INVITE request whose response is being acknowledged had Route
 * header fields, those header fields MUST appear in the ACK."
 */
import { Headers, SIP_VERSION, formatCSeq, getCSeq } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`cannot build ACK: the ${what} has no such header`);
  return value;
}

export function createAckForNon2xx(original: SipRequest, response: SipResponse): SipRequest {
  const h = new Headers();
  h.append('Via', required(original.headers.getAll('Via')[0], 'original request (Via)'));
  h.append('Max-Forwards', original.headers.get('Max-Forwards') ?? '70');
  for (const route of original.headers.lines('Route')) h.append('Route', route);
  h.append('From', required(original.headers.get('From'), 'original request (From)'));
  h.append('To', required(response.headers.get('To'), 'response (To)'));
  h.append('Call-ID', required(original.headers.get('Call-ID'), 'original request (Call-ID)'));
  const cseq = getCSeq(original);
  if (cseq === undefined) throw new Error('cannot build ACK: the original request has no CSeq');
  h.append('CSeq', formatCSeq({ seq: cseq.seq, method: 'ACK' }));
  return { kind: 'request', method: 'ACK', uri: original.uri, version: SIP_VERSION, headers: h, body: new Uint8Array(0) };
}
