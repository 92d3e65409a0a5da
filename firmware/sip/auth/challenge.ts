/**
 * Parsing one WWW-Authenticate / Proxy-Authenticate header field value into a
 * Digest challenge.
 *
 * Grammar (RFC 3261 §25, with RFC 7235 §2.1's auth-param, which SIP's
 * "auth-param = auth-param-name EQUAL ( token / quoted-string )" matches):
 *
 *   challenge    = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 *   digest-cln   = realm / domain / nonce / opaque / stale / algorithm
 *                  / qop-options / auth-param
 *   quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
 *   quoted-pair  = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 *
 * One header field value holds exactly one challenge: RFC 3261 §7.3.1 exempts
 * WWW-Authenticate and Proxy-Authenticate from comma-combining, so several
 * challenges arrive as several header field values (parseChallenges()).
 *
 * Input is a header field value string, so this file does not depend on the
 * SIP message parser. Nothing here throws: a malformed value comes back as a
 * refusal with a reason, because a 401 from a broken or hostile server must
 * not be able to crash the phone.
 */

export interface DigestChallenge {
  readonly scheme: 'Digest';
  /** Protection space (RFC 3261 §22.1); compared exactly, RFC 7235 §2.2 makes it case-sensitive. */
  readonly realm: string;
  readonly nonce: string;
  /** The URIs of `domain` (RFC 7616 §3.3), space-separated in the header; empty when absent. */
  readonly domain: readonly string[];
  readonly opaque: string | undefined;
  /** RFC 2617 §3.2.1: true only for a case-insensitive "true"; any other value, or none, is false. */
  readonly stale: boolean;
  /** The `algorithm` value as sent; "MD5" when absent (RFC 2617 §3.2.1, RFC 7616 §3.3). */
  readonly algorithm: string;
  /**
   * The qop-options, lower-cased, unknown ones kept; undefined when the server
   * sent no qop (the RFC 2069 compatibility mode of RFC 2617 §3.2.2.1).
   */
  readonly qop: readonly string[] | undefined;
  /** RFC 7616 §3.3: the server supports a hashed username. */
  readonly userhash: boolean;
  readonly charset: string | undefined;
  /**
   * Every parameter as received, name lower-cased, value unquoted — including
   * ones this phone does not know, which RFC 3261 §25's auth-param allows and
   * which are ignored when computing the answer.
   */
  readonly params: ReadonlyMap<string, string>;
}

export type ChallengeParseResult =
  | { readonly ok: true; readonly challenge: DigestChallenge }
  | { readonly ok: false; readonly reason: string; readonly value: string };

/** Parse each header field value, in order (the order matters to choose.ts). */
export function parseChallenges(values: readonly string[]): ChallengeParseResult[] {
  return values.map(parseChallenge);
}

export function parseChallenge(value: string): ChallengeParseResult {
  const refuse = (reason: string): ChallengeParseResult => ({ ok: false, reason, value });
  const scanned = scanParams(value);
  if (typeof scanned === 'string') return refuse(scanned);
  const params = scanned;

  const realm = params.get('realm');
  if (realm === undefined) return refuse('Digest challenge has no realm (RFC 2617 §3.2.1 requires one)');
  const nonce = params.get('nonce');
  if (nonce === undefined || nonce === '') {
    return refuse('Digest challenge has no nonce (RFC 2617 §3.2.1 requires one)');
  }

  const algorithm = params.get('algorithm') ?? 'MD5';
  if (algorithm === '') return refuse('algorithm is empty');

  const qopText = params.get('qop');
  let qop: string[] | undefined;
  if (qopText !== undefined) {
    // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT
    qop = qopText
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter((v) => v !== '');
    if (qop.length === 0) return refuse('qop lists no value');
    const bad = qop.find((v) => !isToken(v));
    if (bad !== undefined) return refuse(`qop value "${bad}" is not a token`);
  }

  const domainText = params.get('domain');
  const domain = domainText === undefined ? [] : domainText.split(/[ \t]+/).filter((u) => u !== '');

  return {
    ok: true,
    challenge: {
      scheme: 'Digest',
      realm,
      nonce,
      domain,
      opaque: params.get('opaque'),
      stale: params.get('stale')?.toLowerCase() === 'true',
      algorithm,
      qop,
      userhash: params.get('userhash')?.toLowerCase() === 'true',
      charset: params.get('charset'),
      params,
    },
  };
}

/**
 * Scan `scheme LWS auth-param *(COMMA auth-param)` and return the params, or
 * a reason why the value is not a Digest challenge.
 */
function scanParams(value: string): Map<string, string> | string {
  const s = new Scanner(value);
  s.skipLws();
  const scheme = s.token();
  if (scheme === '') return 'no auth-scheme at the start of the value';
  // RFC 7235 §2.1: "auth-scheme is a case-insensitive token".
  if (scheme.toLowerCase() !== 'digest') return `auth-scheme "${scheme}" is not supported (only Digest)`;
  if (!s.skipLws()) {
    return s.atEnd() ? 'Digest challenge has no parameters' : `expected whitespace after "${scheme}"`;
  }

  const params = new Map<string, string>();
  for (;;) {
    s.skipLws();
    if (s.atEnd()) break;
    // RFC 7230 §7: a recipient accepts empty list elements (", ,").
    if (s.peek() === ',') {
      s.advance();
      continue;
    }
    const at = s.position;
    const name = s.token();
    if (name === '') return `expected a parameter name at offset ${at}`;
    s.skipLws();
    if (s.peek() !== '=') {
      // "…, Digest realm=…": a scheme followed by its first parameter.
      if (isTokenChar(s.peek())) {
        return `"${name}" starts a second challenge inside one header value; RFC 3261 §7.3.1 sends each in its own header field`;
      }
      return `parameter "${name}" has no "="`;
    }
    s.advance();
    s.skipLws();
    let paramValue: string;
    if (s.peek() === '"') {
      const quoted = s.quotedString();
      if (quoted.error !== undefined) return `parameter "${name}": ${quoted.error}`;
      paramValue = quoted.text;
    } else {
      paramValue = s.token();
      if (paramValue === '') return `parameter "${name}" has no value`;
    }
    const key = name.toLowerCase();
    // RFC 7235 §2.1: "Each parameter name MUST only occur once per challenge."
    if (params.has(key)) return `parameter "${name}" occurs twice`;
    params.set(key, paramValue);
    s.skipLws();
    if (s.atEnd()) break;
    if (s.peek() !== ',') return `expected "," after parameter "${name}" at offset ${s.position}`;
    s.advance();
  }
  if (params.size === 0) return 'Digest challenge has no parameters';
  return params;
}

/** RFC 3261 §25: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" ) */
function isTokenChar(c: string): boolean {
  return /^[A-Za-z0-9\-.!%*_+`'~]$/.test(c);
}

function isToken(text: string): boolean {
  return /^[A-Za-z0-9\-.!%*_+`'~]+$/.test(text);
}

class Scanner {
  position = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  advance(): void {
    this.position += 1;
  }

  /**
   * LWS = [*WSP CRLF] 1*WSP (RFC 3261 §25). A header value handed over by a
   * parser is normally unfolded already; a fold left in is still whitespace.
   * Returns whether anything was skipped.
   */
  skipLws(): boolean {
    const start = this.position;
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') {
        this.advance();
      } else if (this.foldLength() > 0) {
        this.position += this.foldLength();
      } else {
        break;
      }
    }
    return this.position > start;
  }

  token(): string {
    const start = this.position;
    while (!this.atEnd() && isTokenChar(this.peek())) this.advance();
    return this.text.slice(start, this.position);
  }

  /**
   * quoted-string with the DQUOTE at the current position; returns the
   * unescaped text. qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII.
   */
  quotedString(): { text: string; error?: undefined } | { text?: undefined; error: string } {
    this.advance(); // opening DQUOTE
    let out = '';
    for (;;) {
      if (this.atEnd()) return { error: 'quoted string is not terminated' };
      const c = this.peek();
      if (c === '"') {
        this.advance();
        return { text: out };
      }
      if (c === '\\') {
        this.advance();
        if (this.atEnd()) return { error: 'quoted string ends inside an escape' };
        const escaped = this.peek();
        // quoted-pair excludes CR and LF.
        if (escaped === '\r' || escaped === '\n') return { error: 'escaped line break in quoted string' };
        out += escaped;
        this.advance();
        continue;
      }
      const fold = this.foldLength();
      if (fold > 0) {
        // A fold with its surrounding whitespace is equivalent to a single SP (RFC 3261 §7.3.1).
        this.position += fold;
        while (this.peek() === ' ' || this.peek() === '\t') this.advance();
        out = out.replace(/[ \t]+$/, '') + ' ';
        continue;
      }
      const code = c.charCodeAt(0);
      if ((code < 0x20 && c !== '\t') || code === 0x7f) {
        return { error: `control character 0x${code.toString(16).padStart(2, '0')} in quoted string` };
      }
      out += c;
      this.advance();
    }
  }

  /** Length of a CRLF (or bare LF) that is followed by WSP, i.e. a header fold; 0 if none here. */
  private foldLength(): number {
    const rest = this.text.slice(this.position, this.position + 3);
    if (/^\r\n[ \t]/.test(rest)) return 2;
    if (/^\n[ \t]/.test(rest)) return 1;
    return 0;
  }
}
