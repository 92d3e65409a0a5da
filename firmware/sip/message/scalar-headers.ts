/**
 * Header fields whose value is one number (RFC 3261 §20): Content-Length,
 * Max-Forwards, Expires, Min-Expires. The ranges come from the RFC text:
 * Max-Forwards is 0-255 (§20.22), delta-seconds fit 32 bits (§20.19), and
 * RFC 4475 §3.1.2.4 expects anything beyond to be refused, not wrapped.
 */
import { SipSyntaxError } from './errors.js';
import { MAX_UINT32, parseDecimal } from './grammar.js';

export function parseContentLength(value: string): number {
  const text = value.trim();
  if (text.startsWith('-')) throw new SipSyntaxError('Content-Length: negative');
  return parseDecimal(text, Number.MAX_SAFE_INTEGER, 'Content-Length');
}

export function parseMaxForwards(value: string): number {
  return parseDecimal(value.trim(), 255, 'Max-Forwards');
}

/** delta-seconds (Expires, Min-Expires, the expires parameter of Contact). */
export function parseDeltaSeconds(value: string, what = 'delta-seconds'): number {
  return parseDecimal(value.trim(), MAX_UINT32, what);
}
