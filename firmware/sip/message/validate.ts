/**
 * What a UAS checks before processing a request, and a UAC before accepting
 * a response, beyond syntax (RFC 3261 §8.1.3, §8.2, §8.2.6.2):
 *
 * "A valid SIP request formulated by a UAC MUST, at a minimum, contain the
 * following header fields: To, From, CSeq, Call-ID, Max-Forwards, and Via;
 * all of these header fields are mandatory in all SIP requests." (§8.1.1)
 *
 * Max-Forwards is only warned about: RFC 2543 peers do not send it (RFC 4475
 * §3.4 inv2543) and an endpoint does not forward. A missing one of the others
 * makes the request unanswerable except by 400 (RFC 4475 §3.3.1 insuf).
 * Responses missing them are dropped by the UAC core.
 */
import { checkHeaderSyntax } from './header-checks.js';
import { parseNameAddr } from './name-addr.js';
import type { SipRequest, SipResponse } from './message.js';
import { cseqMethodFault } from './parser.js';
import { isRfc3261Branch, parseViaList } from './via.js';

export type Validation =
  | { readonly ok: true; readonly warnings: readonly string[] }
  | {
      readonly ok: false;
      /** Reason phrase for the 400 ("Missing To, From, Call-ID headers"). */
      readonly reason: string;
      readonly warnings: readonly string[];
    };

const REQUIRED = ['To', 'From', 'CSeq', 'Call-ID', 'Via'];

function missingReason(missing: string[]): string {
  return `Missing ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}`;
}

function rfc2543Warnings(msg: SipRequest | SipResponse, warnings: string[]): void {
  const top = msg.headers.get('via');
  if (top !== undefined) {
    try {
      const via = parseViaList(top)[0];
      if (!isRfc3261Branch(via?.branch)) warnings.push('Top Via has no RFC 3261 branch (RFC 2543 peer)');
    } catch {
      // Syntax is reported by checkHeaderSyntax.
    }
  }
  const from = msg.headers.get('from');
  if (from !== undefined) {
    try {
      if (parseNameAddr(from, 'From').tag === undefined) warnings.push('From has no tag (RFC 2543 peer)');
    } catch {
      // idem
    }
  }
}

/** §8.2 checks for a request the phone received (or is about to send). */
export function validateRequest(req: SipRequest): Validation {
  const warnings: string[] = [];
  const missing = REQUIRED.filter((h) => !req.headers.has(h));
  if (missing.length > 0) return { ok: false, reason: missingReason(missing), warnings };
  if (!req.headers.has('max-forwards')) warnings.push('Missing Max-Forwards header');
  const syntax = checkHeaderSyntax(req.headers);
  if (syntax !== undefined) return { ok: false, reason: syntax, warnings };
  const mismatch = cseqMethodFault(req.headers, req.method);
  if (mismatch !== undefined) return { ok: false, reason: mismatch, warnings };
  rfc2543Warnings(req, warnings);
  return { ok: true, warnings };
}

/** §8.1.3: a response lacking these cannot be matched to a transaction; drop it. */
export function validateResponse(res: SipResponse): Validation {
  const warnings: string[] = [];
  const missing = REQUIRED.filter((h) => !res.headers.has(h));
  if (missing.length > 0) return { ok: false, reason: missingReason(missing), warnings };
  const syntax = checkHeaderSyntax(res.headers);
  if (syntax !== undefined) return { ok: false, reason: syntax, warnings };
  return { ok: true, warnings };
}
