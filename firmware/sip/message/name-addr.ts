/**
 * name-addr / addr-spec with header parameters: the value of From, To,
 * Contact, Route, Record-Route, Reply-To, Refer-To, Referred-By, Path,
 * P-Asserted-Identity ... (RFC 3261 §20.10, §25.1):
 *
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *(token LWS) / quoted-string
 *
 * "If the URI is not enclosed in angle brackets, any semicolon-delimited
 * parameters are header-parameters, not URI parameters" (§20.10), and such a
 * bare URI must not contain a comma, question mark or semicolon (§20.10),
 * which is why RFC 4475 §3.1.2.13 (regbadct) is refused here.
 */
import { Cursor } from './cursor.js';
import { isTokenChar, isWsp, isToken, quote } from './grammar.js';
import { Parameters, formatHeaderParams, parseHeaderParams } from './params.js';
import { formatUri, parseUri } from './uri.js';
import type { Uri } from './uri.js';

export class NameAddr {
  /** Unquoted and unescaped; undefined when the value has none. */
  readonly displayName: string | undefined;
  readonly uri: Uri;
  /** Header parameters (tag, expires, q, lr is a URI parameter ...). */
  readonly params: Parameters;

  constructor(init: { displayName?: string; uri: Uri; params?: Parameters }) {
    this.displayName = init.displayName;
    this.uri = init.uri;
    this.params = init.params ?? new Parameters();
  }

  /** The `tag` parameter of From/To (RFC 3261 §19.3); undefined if absent. */
  get tag(): string | undefined {
    return this.params.get('tag') ?? undefined;
  }

  /** A copy with the tag set, for the UAS adding its To tag (§8.2.6.2). */
  withTag(tag: string): NameAddr {
    return new NameAddr({ displayName: this.displayName, uri: this.uri, params: this.params.clone().set('tag', tag) });
  }
}

function parseDisplayTokens(cur: Cursor): string | undefined {
  // Look ahead: *(token LWS) followed by '<' is a display name; anything else
  // means the value is a bare addr-spec and we rewind.
  const start = cur.pos;
  const words: string[] = [];
  for (;;) {
    const w = cur.readWhile(isTokenChar);
    if (w.length === 0) break;
    words.push(w);
    cur.skipWs();
  }
  if (words.length > 0 && cur.peek() === '<') return words.join(' ');
  // Not followed by '<': this must be the scheme of a bare addr-spec. Text
  // that is neither is an unquoted display name with characters a token
  // cannot hold (RFC 4475 §3.1.2.15 baddn: Bell, Alexander <sip:...>).
  const first = words[0];
  if (first !== undefined && cur.text[start + first.length] !== ':') {
    cur.fail('display name must be tokens or a quoted string');
  }
  cur.pos = start;
  return undefined;
}

/**
 * Parses one name-addr / addr-spec with its parameters, leaving the cursor
 * at the following ',' or the end.
 */
export function parseNameAddrAt(cur: Cursor): NameAddr {
  cur.skipWs();
  let displayName: string | undefined;
  let uri: Uri;
  if (cur.peek() === '"') {
    displayName = cur.quotedString();
    cur.skipWs();
    if (cur.peek() !== '<') cur.fail("expected '<' after display name");
  } else {
    displayName = parseDisplayTokens(cur);
  }
  if (cur.accept('<')) {
    const close = cur.text.indexOf('>', cur.pos);
    if (close < 0) cur.fail("missing '>'");
    if (/^[ \t]|[ \t]$/.test(cur.text.slice(cur.pos, close))) {
      // RAQUOT / LAQUOT allow no whitespace inside the brackets (RFC 4475 §3.1.2.14 badaspec).
      cur.fail("whitespace inside '<' '>'");
    }
    uri = parseUri(cur.text.slice(cur.pos, close), `${cur.what} URI`);
    cur.pos = close + 1;
  } else {
    const text = cur.readWhile((c) => c !== ';' && c !== ',' && !isWsp(c));
    if (text.length === 0) cur.fail('expected a URI');
    if (text.includes('?')) cur.fail('a URI with headers must be enclosed in angle brackets');
    uri = parseUri(text, `${cur.what} URI`);
  }
  const params = parseHeaderParams(cur);
  cur.skipWs();
  return new NameAddr({ displayName, uri, params });
}

/** A header value holding exactly one name-addr (From, To, Refer-To ...). */
export function parseNameAddr(value: string, what = 'name-addr'): NameAddr {
  const cur = new Cursor(value, what);
  const na = parseNameAddrAt(cur);
  cur.end();
  return na;
}

/** A comma-separated list of name-addrs (Contact, Route, Record-Route, Path ...). */
export function parseNameAddrList(value: string, what = 'name-addr'): NameAddr[] {
  const cur = new Cursor(value, what);
  const out: NameAddr[] = [];
  cur.skipWs();
  if (cur.eof()) return out;
  for (;;) {
    out.push(parseNameAddrAt(cur));
    if (cur.eof()) return out;
    cur.expect(',', "',' between values");
  }
}

/**
 * Always writes the name-addr form with angle brackets, which §20.10 makes
 * mandatory whenever the URI holds ',', ';' or '?' and is never wrong.
 */
export function formatNameAddr(na: NameAddr): string {
  let out = '';
  if (na.displayName !== undefined && na.displayName.length > 0) {
    const asTokens = na.displayName.split(' ').every(isToken);
    out += (asTokens ? na.displayName : quote(na.displayName)) + ' ';
  }
  return out + `<${formatUri(na.uri)}>` + formatHeaderParams(na.params);
}
