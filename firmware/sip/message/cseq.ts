/**
 * CSeq = "CSeq" HCOLON 1*DIGIT LWS Method (RFC 3261 §20.16). "The sequence
 * number value MUST be expressible as a 32-bit unsigned integer" (§8.1.1.5),
 * so larger ones are malformed (RFC 4475 §3.1.2.4 scalar02/scalarlg).
 */
import { Cursor } from './cursor.js';
import { MAX_UINT32, isDigit, parseDecimal } from './grammar.js';

export interface CSeq {
  readonly seq: number;
  /** Case-sensitive, as methods are (§7.1). */
  readonly method: string;
}

export function parseCSeq(value: string): CSeq {
  const cur = new Cursor(value, 'CSeq');
  cur.skipWs();
  const digits = cur.readWhile(isDigit);
  if (digits.length === 0) cur.fail('expected a sequence number');
  const seq = parseDecimal(digits, MAX_UINT32, 'CSeq');
  if (!cur.skipWs()) cur.fail('expected whitespace before the method');
  const method = cur.token('method');
  cur.end();
  return { seq, method };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}
