/**
 * Call-ID = callid = word [ "@" word ] (RFC 3261 §20.8, §25.1). Compared
 * case-sensitively and byte for byte (§8.1.1.4), so it is kept as written.
 */
import { SipSyntaxError } from './errors.js';
import { isWordChar } from './grammar.js';
import { randomHex } from './via.js';

export function parseCallId(value: string): string {
  const text = value.trim();
  const parts = text.split('@');
  if (parts.length > 2 || parts.some((p) => p.length === 0 || ![...p].every(isWordChar))) {
    throw new SipSyntaxError('Call-ID: not a word [ "@" word ]');
  }
  return text;
}

/** A fresh Call-ID; `host` is optional (§8.1.1.4 only recommends it). */
export function createCallId(host?: string): string {
  const id = randomHex(16);
  return host === undefined ? id : `${id}@${host}`;
}
