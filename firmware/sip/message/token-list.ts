/**
 * Comma-separated token lists: option-tags in Require, Proxy-Require,
 * Supported and Unsupported (RFC 3261 §20.32, §20.29, §20.37, §20.40), methods
 * in Allow (§20.5), event types in Allow-Events (RFC 6665). Supported and
 * Allow may be empty; the caller decides whether that is legal.
 */
import { Cursor } from './cursor.js';

export function parseTokenList(value: string, what: string): string[] {
  const cur = new Cursor(value, what);
  const out: string[] = [];
  cur.skipWs();
  if (cur.eof()) return out;
  for (;;) {
    cur.skipWs();
    out.push(cur.token('token'));
    cur.skipWs();
    if (cur.eof()) return out;
    cur.expect(',', "','");
  }
}

