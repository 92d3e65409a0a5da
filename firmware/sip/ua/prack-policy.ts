/**
 * Reliable provisional responses (RFC 3262), the rules both ends apply, as
 * small pure functions: whether an incoming call sends its 1xx reliably,
 * the RSeq and RAck header fields (§7.1, §7.2), which PRACK acknowledges
 * which response (§3), and what a UAC does with each reliable 1xx (§4).
 * The UAS machinery is reliable-provisional-sender.ts; the UAC's PRACK is
 * sent by outgoing-call.ts.
 */
import { getCSeq, getTokens } from '../message/index.js';
import type { HasHeaders, SipRequest, SipResponse } from '../message/index.js';

export const OPTION_100REL = '100rel';

/** RFC 3262 §7.1: "response-num = 1*DIGIT" with values "between 1 and 2**31 - 1". */
const MAX_RSEQ = 2 ** 31 - 1;

function lists100rel(message: HasHeaders, header: 'Require' | 'Supported'): boolean {
  try {
    return getTokens(message, header).some((t) => t.toLowerCase() === OPTION_100REL);
  } catch {
    return false;
  }
}

/**
 * Whether an incoming call sends its 101-199 responses reliably. §3: "If the
 * UAS is going to send a reliable provisional response, the request MUST
 * contain a Supported or Require header field with the option tag 100rel".
 * With Require: 100rel the caller insists (RFC 3261 §8.2.2.3: we list the
 * tag in Supported, so we must honour it); with only Supported it is the
 * phone's choice, `preferReliable` (the core's option, off by default).
 */
export function usesReliableProvisionals(invite: HasHeaders, preferReliable: boolean): boolean {
  if (lists100rel(invite, 'Require')) return true;
  return preferReliable && lists100rel(invite, 'Supported');
}

/**
 * §3: "The value of the header field for the first reliable provisional
 * response in a transaction MUST be between 1 and 2**31 - 1. It is
 * RECOMMENDED that it be chosen uniformly in this range." The top 2**16
 * values are left out so the +1 of each later response cannot overflow.
 */
export function initialRSeq(random: number): number {
  const span = MAX_RSEQ - 2 ** 16;
  return 1 + Math.min(span - 1, Math.floor(Math.max(0, random) * span));
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_RSEQ ? n : undefined;
}

/** The RSeq of a response (§7.1), undefined if absent or malformed. */
export function getRSeq(response: HasHeaders): number | undefined {
  return parseNumber(response.headers.get('RSeq')?.trim());
}

/** RAck (§7.2): "RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method". */
export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

export function parseRAck(value: string | undefined): RAck | undefined {
  const parts = value?.trim().split(/\s+/);
  if (parts?.length !== 3) return undefined;
  const rseq = parseNumber(parts[0]);
  const cseq = parseNumber(parts[1]);
  const method = parts[2];
  if (rseq === undefined || cseq === undefined || method === undefined) return undefined;
  return { rseq, cseq, method };
}

export function formatRAck(rack: RAck): string {
  return `${rack.rseq} ${rack.cseq} ${rack.method}`;
}

/**
 * §4: "If a provisional response is received for an initial request, and
 * that response contains a Require header field containing the option tag
 * 100rel, the response is to be sent reliably. If the response is a 100
 * (Trying) (as opposed to 101 to 199), this option tag MUST be ignored". A
 * response claiming reliability without a usable RSeq cannot be PRACKed and
 * is treated as an ordinary provisional.
 */
export function isReliableProvisional(response: SipResponse): boolean {
  return response.status > 100 && response.status < 200 && lists100rel(response, 'Require') && getRSeq(response) !== undefined;
}

/**
 * What a UAC does with a reliable provisional response, given the RSeq of
 * the last one it acknowledged in that dialog (§4): "Its value MUST be
 * initialized to the RSeq header field in the first reliable provisional
 * response received for the initial request. [...] if the UAC receives
 * another reliable provisional response to the same request, and its RSeq
 * value is not one higher than the value of the sequence number, that
 * response MUST NOT be acknowledged with a PRACK, and MUST NOT be processed
 * further by the UAC." A retransmission (same RSeq or lower) is a duplicate;
 * one ahead of the next is out of order (the missing one will be
 * retransmitted by the UAS until we PRACK it).
 */
export type RSeqVerdict = 'acknowledge' | 'duplicate' | 'out-of-order';

export function rseqVerdict(lastAcknowledged: number | undefined, rseq: number): RSeqVerdict {
  if (lastAcknowledged === undefined || rseq === lastAcknowledged + 1) return 'acknowledge';
  return rseq <= lastAcknowledged ? 'duplicate' : 'out-of-order';
}

/**
 * The RAck that acknowledges `response` (§7.2: "The first number is the
 * value from the RSeq header in the provisional response that is being
 * acknowledged. The next number, and the method, are copied from the CSeq in
 * the response that is being acknowledged."); undefined when it has no RSeq or CSeq.
 */
export function rackFor(response: SipResponse): RAck | undefined {
  const rseq = getRSeq(response);
  const cseq = getCSeq(response);
  return rseq === undefined || cseq === undefined ? undefined : { rseq, cseq: cseq.seq, method: cseq.method };
}

/**
 * Whether `prack` acknowledges the reliable provisional numbered `rseq` to
 * `invite` (§3): the RAck names that RSeq and the INVITE's CSeq number and
 * method; "If a PRACK request is received by the UA core that does not match
 * any unacknowledged reliable provisional response, the UAS MUST respond to
 * the PRACK with a 481 response."
 */
export function prackMatches(prack: SipRequest, invite: SipRequest, rseq: number): boolean {
  const rack = parseRAck(prack.headers.get('RAck'));
  const cseq = getCSeq(invite);
  return rack !== undefined && cseq !== undefined && rack.rseq === rseq && rack.cseq === cseq.seq && rack.method === cseq.method;
}
