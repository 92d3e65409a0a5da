/**
 * How a message finds its transaction, as pure functions over the messages
 * (RFC 3261 §17.1.3, §17.2.3, §9.2). Malformed headers never match: a
 * message the parser let through with a header the accessors refuse is
 * treated as belonging to no transaction.
 */
import { formatVia, getCSeq, getCallId, getFrom, getTo, getTopVia, isRfc3261Branch, uriEquals } from '../message/index.js';
import type { SipRequest, SipResponse, Via } from '../message/index.js';

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The key of a client transaction: its branch and its method. */
export function clientKey(branch: string, method: string): string {
  return `${branch}\n${method}`;
}

/**
 * The client transaction a response belongs to. §17.1.3: "1. If the response
 * has the same value of the branch parameter in the top Via header field as
 * the branch parameter in the top Via header field of the request that
 * created the transaction. 2. If the method parameter in the CSeq header
 * field matches the method of the request that created the transaction. The
 * method is needed since a CANCEL request constitutes a different
 * transaction, but shares the same value of the branch parameter."
 */
export function responseClientKey(response: SipResponse): string | undefined {
  const branch = safely(() => getTopVia(response))?.branch;
  const method = safely(() => getCSeq(response))?.method;
  return branch === undefined || method === undefined ? undefined : clientKey(branch, method);
}

/** sent-by as §17.2.3 compares it: host (case-insensitive) and port as written. */
function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/**
 * The key of the server transaction an RFC 3261 request belongs to, or
 * undefined when its top Via has no magic-cookie branch. §17.2.3: "1. the
 * branch parameter in the request is equal to the one in the top Via header
 * field of the request that created the transaction, and 2. the sent-by
 * value in the top Via of the request is equal to the one in the request
 * that created the transaction, and 3. the method of the request matches the
 * one that created the transaction, except for ACK, where the method of the
 * request that created the transaction is INVITE."
 *
 * `asMethod` looks the request up as another method: §9.2 finds the
 * transaction a CANCEL cancels by "assuming that the request method is
 * anything but CANCEL or ACK and applying the transaction matching procedures
 * of Section 17.2.3" — for a phone, INVITE.
 */
export function serverKey(request: SipRequest, asMethod?: string): string | undefined {
  const via = safely(() => getTopVia(request));
  if (via === undefined || !isRfc3261Branch(via.branch)) return undefined;
  const method = asMethod ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  return `${via.branch ?? ''}\n${sentBy(via)}\n${method}`;
}

/** The fields RFC 2543 matching compares, read once from the request that created the transaction. */
interface Rfc2543Fields {
  readonly request: SipRequest;
  readonly toTag: string | undefined;
  readonly fromTag: string | undefined;
  readonly callId: string;
  readonly seq: number;
  readonly method: string;
  readonly topVia: string;
}

function rfc2543Fields(request: SipRequest): Rfc2543Fields | undefined {
  return safely(() => {
    const via = getTopVia(request);
    const cseq = getCSeq(request);
    const callId = getCallId(request);
    const from = getFrom(request);
    const to = getTo(request);
    if (via === undefined || cseq === undefined || callId === undefined || from === undefined || to === undefined) {
      return undefined;
    }
    return {
      request,
      toTag: to.tag,
      fromTag: from.tag,
      callId,
      seq: cseq.seq,
      method: cseq.method,
      // Parsed and written back, so spacing and letter case of the
      // sent-protocol do not matter; the parameters must be the same.
      topVia: formatVia(via),
    };
  });
}

/** Request-URI, From tag, Call-ID, CSeq number and top Via: what every RFC 2543 rule compares. */
function sameCore(a: Rfc2543Fields, b: Rfc2543Fields): boolean {
  return (
    uriEquals(a.request.uri, b.request.uri) &&
    a.fromTag === b.fromTag &&
    a.callId === b.callId &&
    a.seq === b.seq &&
    a.topVia === b.topVia
  );
}

/**
 * §17.2.3 for a request without a magic-cookie branch (an RFC 2543 peer,
 * RFC 4475 §3.4 inv2543): does `request` belong to the server transaction
 * created by `original`, whose last response (if any) is `lastResponse`?
 *
 * "The INVITE request matches a transaction if the Request-URI, To tag, From
 * tag, Call-ID, CSeq, and top Via header field match those of the INVITE
 * request which created the transaction. [...] The ACK request matches a
 * transaction if the Request-URI, From tag, Call-ID, CSeq number (not the
 * method), and top Via header field match those of the INVITE request which
 * created the transaction, and the To tag of the ACK matches the To tag of
 * the response sent by the server transaction. [...] For all other request
 * methods, a request is matched to a transaction if the Request-URI, To tag,
 * From tag, Call-ID, CSeq (including the method), and top Via header field
 * match those of the request that created the transaction."
 */
export function rfc2543Matches(original: SipRequest, lastResponse: SipResponse | undefined, request: SipRequest): boolean {
  const a = rfc2543Fields(original);
  const b = rfc2543Fields(request);
  if (a === undefined || b === undefined || !sameCore(a, b)) return false;
  if (request.method === 'ACK') {
    if (original.method !== 'INVITE' || lastResponse === undefined) return false;
    const responseToTag = safely(() => getTo(lastResponse))?.tag;
    return b.toTag === responseToTag;
  }
  return a.method === b.method && a.toTag === b.toTag;
}

/**
 * §9.2 for an RFC 2543 CANCEL: the §17.2.3 rule for "all other request
 * methods", the CANCEL read as if its method were that of `original`.
 */
export function rfc2543CancelMatches(original: SipRequest, cancel: SipRequest): boolean {
  if (original.method === 'CANCEL' || original.method === 'ACK') return false;
  const a = rfc2543Fields(original);
  const b = rfc2543Fields(cancel);
  return a !== undefined && b !== undefined && sameCore(a, b) && a.toTag === b.toTag;
}
