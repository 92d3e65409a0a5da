/**
 * The common "value *(SEMI generic-param)" shape of many header fields:
 * Event ("presence;id=7", RFC 6665), Subscription-State ("active;expires=60"),
 * Session-Expires ("1800;refresher=uac", RFC 4028), Content-Disposition,
 * Reason, Retry-After without comment, Privacy-less extension headers ...
 * The value is everything before the first ';' (or ','), whitespace trimmed.
 */
import { Cursor } from './cursor.js';
import type { Parameters } from './params.js';
import { parseHeaderParams } from './params.js';

export interface ParamValue {
  readonly value: string;
  readonly params: Parameters;
}

function parseParamValueAt(cur: Cursor): ParamValue {
  cur.skipWs();
  const start = cur.pos;
  while (!cur.eof() && cur.peek() !== ';' && cur.peek() !== ',') {
    if (cur.peek() === '"') cur.quotedString();
    else cur.pos++;
  }
  const value = cur.text.slice(start, cur.pos).trim();
  if (value.length === 0) cur.fail('empty value');
  const params = parseHeaderParams(cur);
  cur.skipWs();
  return { value, params };
}

/** A header value holding one parameterised value. */
export function parseParamValue(value: string, what = 'header'): ParamValue {
  const cur = new Cursor(value, what);
  const pv = parseParamValueAt(cur);
  cur.end();
  return pv;
}

/** A comma-separated list of parameterised values. */
export function parseParamValueList(value: string, what = 'header'): ParamValue[] {
  const cur = new Cursor(value, what);
  const out: ParamValue[] = [];
  cur.skipWs();
  if (cur.eof()) return out;
  for (;;) {
    out.push(parseParamValueAt(cur));
    if (cur.eof()) return out;
    cur.expect(',', "','");
  }
}
