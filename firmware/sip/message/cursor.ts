/**
 * A scanner over one unfolded header value. The value parsers are small
 * recursive-descent functions over it; LWS here is only SP/HTAB because the
 * parser has already replaced folding (CRLF + WSP) by a single SP
 * (RFC 3261 §7.3.1).
 */
import { SipSyntaxError } from './errors.js';
import { isTokenChar, isWsp } from './grammar.js';

export class Cursor {
  pos = 0;

  /** @param what names the construct being parsed, for error messages. */
  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  /** Skips SWS; returns whether anything was skipped. */
  skipWs(): boolean {
    const start = this.pos;
    while (isWsp(this.peek())) this.pos++;
    return this.pos > start;
  }

  /** Consumes `c` if it is next. */
  accept(c: string): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  expect(c: string, description: string): void {
    if (!this.accept(c)) this.fail(`expected ${description}`);
  }

  readWhile(pred: (c: string) => boolean): string {
    const start = this.pos;
    while (!this.eof() && pred(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** token, which must not be empty. */
  token(description: string): string {
    const t = this.readWhile(isTokenChar);
    if (t.length === 0) this.fail(`expected ${description}`);
    return t;
  }

  /**
   * quoted-string = DQUOTE *(qdtext / quoted-pair ) DQUOTE, returned without
   * the quotes and with quoted-pairs resolved. qdtext excludes control
   * characters other than LWS; quoted-pair excludes CR and LF.
   */
  quotedString(): string {
    this.expect('"', 'opening quote');
    let out = '';
    for (;;) {
      if (this.eof()) this.fail('unterminated quoted string');
      const c = this.peek();
      this.pos++;
      if (c === '"') return out;
      if (c === '\\') {
        if (this.eof()) this.fail('unterminated quoted string');
        const q = this.peek();
        if (q === '\r' || q === '\n') this.fail('bad quoted-pair');
        out += q;
        this.pos++;
        continue;
      }
      if ((c < ' ' && c !== '\t') || c === '\x7f') this.fail('control character in quoted string');
      out += c;
    }
  }

  /** Requires the end of the value (after optional trailing SWS). */
  end(): void {
    this.skipWs();
    if (!this.eof()) this.fail('unexpected characters');
  }

  fail(message: string): never {
    throw new SipSyntaxError(`${this.what}: ${message}`);
  }
}
