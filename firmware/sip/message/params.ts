/**
 * Parameters: the `;name=value` lists of header fields (generic-param,
 * RFC 3261 §25.1) and of SIP URIs (uri-parameter, §19.1.1). Order is kept and
 * names compare case-insensitively; a parameter without a value (";lr",
 * ";rport") has the value null.
 */
import type { Cursor } from './cursor.js';
import { isToken, isTokenChar, quote } from './grammar.js';

export interface Param {
  readonly name: string;
  /** null: the parameter has no "=value" part. */
  readonly value: string | null;
  /**
   * The value was a quoted-string. Kept because quoting is significant for
   * some parameters (RFC 3840 feature tags: `+sip.instance="<urn:...>"`).
   */
  readonly quoted: boolean;
}

export class Parameters implements Iterable<Param> {
  #list: Param[];

  constructor(params: Iterable<Param> = []) {
    this.#list = [...params];
  }

  get size(): number {
    return this.#list.length;
  }

  has(name: string): boolean {
    return this.#find(name) >= 0;
  }

  /** The value; null if present without value; undefined if absent. */
  get(name: string): string | null | undefined {
    const i = this.#find(name);
    return i >= 0 ? (this.#list[i]?.value ?? null) : undefined;
  }

  /** Replaces the first parameter of that name (keeping its place) or appends one. */
  set(name: string, value: string | null, quoted = false): this {
    const i = this.#find(name);
    const p: Param = { name, value, quoted };
    if (i >= 0) this.#list[i] = p;
    else this.#list.push(p);
    return this;
  }

  /** Adds a parameter at the end even if one of that name exists (as received). */
  append(name: string, value: string | null, quoted = false): this {
    this.#list.push({ name, value, quoted });
    return this;
  }

  delete(name: string): boolean {
    const before = this.#list.length;
    const key = name.toLowerCase();
    this.#list = this.#list.filter((p) => p.name.toLowerCase() !== key);
    return this.#list.length !== before;
  }

  clone(): Parameters {
    return new Parameters(this.#list);
  }

  [Symbol.iterator](): Iterator<Param> {
    return this.#list[Symbol.iterator]();
  }

  #find(name: string): number {
    const key = name.toLowerCase();
    return this.#list.findIndex((p) => p.name.toLowerCase() === key);
  }
}

/**
 * gen-value = token / host / quoted-string. Unquoted values also take ':' so
 * that an IPv6 `received` written without brackets (RFC 5118 §4.5; the
 * RFC 3261 ABNF says `received = IPv4address / IPv6address`) reads whole.
 */
function readGenValue(cur: Cursor): { value: string; quoted: boolean } {
  if (cur.peek() === '"') return { value: cur.quotedString(), quoted: true };
  if (cur.peek() === '[') {
    const v = cur.readWhile((c) => c !== ']');
    cur.expect(']', "']' closing an IPv6 reference");
    return { value: v + ']', quoted: false };
  }
  const v = cur.readWhile((c) => isTokenChar(c) || c === ':');
  if (v.length === 0) cur.fail('parameter value missing');
  return { value: v, quoted: false };
}

/**
 * *( SEMI generic-param ), SEMI = SWS ";" SWS and EQUAL = SWS "=" SWS. Stops
 * (without consuming) at anything that is not ';', e.g. ',' or the end.
 */
export function parseHeaderParams(cur: Cursor): Parameters {
  const params = new Parameters();
  for (;;) {
    const save = cur.pos;
    cur.skipWs();
    if (!cur.accept(';')) {
      cur.pos = save;
      return params;
    }
    cur.skipWs();
    const name = cur.token('parameter name');
    const beforeEq = cur.pos;
    cur.skipWs();
    if (cur.accept('=')) {
      cur.skipWs();
      const { value, quoted } = readGenValue(cur);
      params.append(name, value, quoted);
    } else {
      cur.pos = beforeEq;
      params.append(name, null);
    }
  }
}

/** `;name=value` as a header field writes it, quoting values that are not tokens. */
export function formatHeaderParams(params: Parameters): string {
  let out = '';
  for (const p of params) {
    out += ';' + p.name;
    if (p.value === null) continue;
    const bare = isToken(p.value) || /^\[[0-9A-Fa-f:.]+\]$/.test(p.value) || /^[0-9A-Fa-f:.]+$/.test(p.value);
    out += '=' + (p.quoted || !bare ? quote(p.value) : p.value);
  }
  return out;
}
