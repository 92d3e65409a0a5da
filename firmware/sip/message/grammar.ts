/**
 * Character classes and small helpers from the RFC 3261 §25.1 ABNF. Every
 * parser in this folder builds on these, so the grammar lives in one place.
 */
import { SipSyntaxError } from './errors.js';

function charSet(chars: string): (c: string) => boolean {
  const set = new Set(chars);
  return (c) => set.has(c);
}

export function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

export function isAlphanum(c: string): boolean {
  return isAlpha(c) || isDigit(c);
}

/** WSP = SP / HTAB. After unfolding, LWS is a run of these. */
export function isWsp(c: string): boolean {
  return c === ' ' || c === '\t';
}

const isMark = charSet("-_.!~*'()");
const isTokenSymbol = charSet("-.!%*_+`'~");
const isWordSymbol = charSet("-.!%*_+`'~()<>:\\\"/[]?{}");
const isUserUnreservedSymbol = charSet('&=+$,;?/');
const isPasswordSymbol = charSet('&=+$,');
const isParamUnreservedSymbol = charSet('[]/:&+$');
const isHnvUnreservedSymbol = charSet('[]/?:+$');
const isReservedSymbol = charSet(';/?:@&=+$,');

/** unreserved = alphanum / mark */
export function isUnreserved(c: string): boolean {
  return isAlphanum(c) || isMark(c);
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" ) */
export function isTokenChar(c: string): boolean {
  return isAlphanum(c) || isTokenSymbol(c);
}

/** word: the characters of a Call-ID half (RFC 3261 §25.1 `word`). */
export function isWordChar(c: string): boolean {
  return isAlphanum(c) || isWordSymbol(c);
}

/** user = 1*( unreserved / escaped / user-unreserved ); '%' handled by the caller. */
export function isUserChar(c: string): boolean {
  return isUnreserved(c) || isUserUnreservedSymbol(c);
}

/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export function isPasswordChar(c: string): boolean {
  return isUnreserved(c) || isPasswordSymbol(c);
}

/** paramchar = param-unreserved / unreserved / escaped (URI parameters) */
export function isParamChar(c: string): boolean {
  return isUnreserved(c) || isParamUnreservedSymbol(c);
}

/** hname / hvalue characters: hnv-unreserved / unreserved / escaped */
export function isHnvChar(c: string): boolean {
  return isUnreserved(c) || isHnvUnreservedSymbol(c);
}

/** uric = reserved / unreserved / escaped (absoluteURI bodies) */
export function isUriChar(c: string): boolean {
  return isUnreserved(c) || isReservedSymbol(c) || c === '%';
}

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (const c of text) if (!isTokenChar(c)) return false;
  return true;
}

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3261 §25.1) */
export function isScheme(text: string): boolean {
  if (text.length === 0 || !isAlpha(text[0] ?? '')) return false;
  for (const c of text) if (!(isAlphanum(c) || c === '+' || c === '-' || c === '.')) return false;
  return true;
}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * Checks that every character of `text` is either allowed by `allowed` or
 * part of an `escaped` triplet, then returns it %-unescaped. RFC 3261 §19.1.4
 * compares URI components after unescaping, so the parsed model stores them
 * unescaped and the serializer escapes again.
 */
export function unescapeChecked(text: string, allowed: (c: string) => boolean, what: string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += utf8Decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '%') {
      const h1 = text[i + 1] ?? '';
      const h2 = text[i + 2] ?? '';
      if (!isHexDigit(h1) || !isHexDigit(h2)) throw new SipSyntaxError(`bad escape in ${what}`);
      bytes.push(parseInt(h1 + h2, 16));
      i += 2;
      continue;
    }
    if (!allowed(c)) throw new SipSyntaxError(`invalid character in ${what}`);
    flush();
    out += c;
  }
  flush();
  return out;
}

/** %-escapes every character `allowed` refuses (as its UTF-8 bytes). */
export function escape(text: string, allowed: (c: string) => boolean): string {
  let out = '';
  for (const c of text) {
    if (c !== '%' && allowed(c)) {
      out += c;
      continue;
    }
    for (const b of utf8Encoder.encode(c)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE. CR and LF cannot
 * be quoted at all (quoted-pair excludes %x0A and %x0D), so they become spaces.
 */
export function quote(text: string): string {
  let out = '"';
  for (const c of text) {
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\r' || c === '\n') out += ' ';
    else if (c < ' ' && c !== '\t') out += '\\' + c;
    else if (c === '\x7f') out += '\\' + c;
    else out += c;
  }
  return out + '"';
}

/**
 * Parses a decimal number of at most `max`; leading zeros are allowed
 * ("MaX-fOrWaRdS: 0068" in RFC 4475 §3.1.1.1 is legal). Never loses precision:
 * RFC 4475 §3.1.2.4 sends values far beyond 2**64.
 */
export function parseDecimal(text: string, max: number, what: string): number {
  if (text.length === 0) throw new SipSyntaxError(`${what}: empty value`);
  for (const c of text) if (!isDigit(c)) throw new SipSyntaxError(`${what}: not a number`);
  const significant = text.replace(/^0+(?=.)/, '');
  if (significant.length > String(max).length) throw new SipSyntaxError(`${what}: value too large`);
  const n = Number(significant);
  if (n > max) throw new SipSyntaxError(`${what}: value too large`);
  return n;
}

/** 2**32 - 1: the ceiling RFC 3261 puts on CSeq numbers and delta-seconds. */
export const MAX_UINT32 = 0xffffffff;
