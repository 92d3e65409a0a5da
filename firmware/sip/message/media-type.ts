/**
 * Content-Type and Accept (RFC 3261 §20.15, §20.1):
 *   media-type  = m-type SLASH m-subtype *(SEMI m-parameter)
 *   Accept      = "Accept" HCOLON [ accept-range *(COMMA accept-range) ]
 *   media-range = ( "*" "/" "*" / ( m-type SLASH "*" ) / ( m-type SLASH m-subtype ) ) *( SEMI m-parameter )
 * Types compare case-insensitively, so they are stored lower-cased.
 */
import { Cursor } from './cursor.js';
import type { Parameters } from './params.js';
import { formatHeaderParams, parseHeaderParams } from './params.js';

export interface MediaType {
  /** Lower-cased, e.g. "application". "*" only in an Accept range. */
  readonly type: string;
  readonly subtype: string;
  readonly params: Parameters;
}

function parseMediaTypeAt(cur: Cursor): MediaType {
  cur.skipWs();
  const type = cur.token('media type').toLowerCase();
  cur.skipWs();
  cur.expect('/', "'/' in media type");
  cur.skipWs();
  const subtype = cur.token('media subtype').toLowerCase();
  const params = parseHeaderParams(cur);
  cur.skipWs();
  return { type, subtype, params };
}

export function parseMediaType(value: string): MediaType {
  const cur = new Cursor(value, 'Content-Type');
  const mt = parseMediaTypeAt(cur);
  cur.end();
  return mt;
}

/** Accept: an empty value is legal and means "no body is acceptable" (§20.1). */
export function parseMediaRangeList(value: string, what = 'Accept'): MediaType[] {
  const cur = new Cursor(value, what);
  const out: MediaType[] = [];
  cur.skipWs();
  if (cur.eof()) return out;
  for (;;) {
    out.push(parseMediaTypeAt(cur));
    if (cur.eof()) return out;
    cur.expect(',', "','");
  }
}

/** "application/sdp" — type and subtype without parameters. */
export function mediaTypeName(mt: MediaType): string {
  return `${mt.type}/${mt.subtype}`;
}

/** True if `range` (from Accept) admits `type` (wildcards per §20.1). */
export function mediaRangeMatches(range: MediaType, type: MediaType): boolean {
  if (range.type === '*') return true;
  if (range.type !== type.type) return false;
  return range.subtype === '*' || range.subtype === type.subtype;
}

export function formatMediaType(mt: MediaType): string {
  return `${mt.type}/${mt.subtype}${formatHeaderParams(mt.params)}`;
}
