/**
 * parseMessage: bytes from a transport → a SipRequest or SipResponse, or a
 * reason why not. It never throws on bad input: a torture message (RFC 4475) must never crash the phone.
 *
 * Framing per RFC 3261 §18.3. On a message transport (UDP) Content-Length,
 * when present, gives the body size: bytes after it in the datagram are
 * discarded (RFC 4475 dblreq), a datagram ending before it is an error that
 * a request answers with 400 (clerr), and without Content-Length the body
 * is the rest of the datagram (inv2543). On a stream transport the
 * Content-Length header is mandatory.
 */
import { parseCSeq } from './cseq.js';
import { checkHeaderSyntax } from './header-checks.js';
import { Headers } from './headers.js';
import { readHead, readHeadLeniently, skipLeadingCrlf } from './head.js';
import type { RawHead } from './head.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { MessageLimits } from './limits.js';
import type { SipMessage } from './message.js';
import { parseContentLength } from './scalar-headers.js';
import { looseRequestLine, parseStartLine } from './start-line.js';
import { isSipSyntaxError } from './errors.js';
import { parseUri } from './uri.js';
import type { Uri } from './uri.js';

export type TransportKind = 'udp' | 'stream';

export interface ParseOptions {
  /** 'udp' for datagrams; 'stream' for TCP/TLS/WS frames from the StreamFramer. */
  readonly transport: TransportKind;
  readonly limits?: MessageLimits;
}

/** What can be read from a request that failed to parse, enough to build its 400. */
export interface PartialRequest {
  readonly method: string;
  /** The Request-URI text as received (it may be what is malformed). */
  readonly uri: string;
  /** Every header line that could be read, names as received. */
  readonly headers: Headers;
}

interface ParseErrorBase {
  /** Short ASCII text naming the fault, usable as the reason phrase of the answer. */
  readonly reason: string;
  /** The status to answer with if `canAnswer`: 400, 505 (bad version) or 513 (too large). */
  readonly status: 400 | 505 | 513;
}

/**
 * `canAnswer`: a response can be built — the message is a request other than
 * ACK, and its Via, From, To, Call-ID and CSeq lines were recovered into
 * `partial` (they are copied raw into the response, §8.2.6.2). The Via itself
 * may be the malformed part: send the answer to the packet's source then.
 * Responses are never answered; drop and log them.
 */
export type ParseError =
  | (ParseErrorBase & { readonly canAnswer: true; readonly partial: PartialRequest })
  | (ParseErrorBase & { readonly canAnswer: false; readonly partial: PartialRequest | undefined });

export type ParseResult =
  | { readonly ok: true; readonly message: SipMessage; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: ParseError };

const NEEDED_FOR_ANSWER = ['via', 'from', 'to', 'call-id', 'cseq'];

function recoverPartial(bytes: Uint8Array, start: number, limits: MessageLimits): PartialRequest | undefined {
  let head: RawHead | undefined;
  try {
    head = readHeadLeniently(bytes, start, limits);
  } catch {
    return undefined;
  }
  if (head === undefined) return undefined;
  const line = looseRequestLine(head.startLine);
  if (line === undefined) return undefined;
  const headers = new Headers();
  for (const f of head.fields) {
    try {
      headers.append(f.name, f.value);
    } catch {
      // A line that cannot even be stored is simply not recovered.
    }
  }
  return { method: line.method, uri: line.uri, headers };
}

function fail(
  bytes: Uint8Array,
  start: number,
  limits: MessageLimits,
  reason: string,
  status: 400 | 505 | 513 = 400,
): ParseResult {
  const partial = recoverPartial(bytes, start, limits);
  if (partial !== undefined && partial.method !== 'ACK' && NEEDED_FOR_ANSWER.every((h) => partial.headers.has(h))) {
    return { ok: false, error: { reason, status, canAnswer: true, partial } };
  }
  return { ok: false, error: { reason, status, canAnswer: false, partial } };
}

/**
 * Parses one message. On 'udp' `bytes` is the whole datagram; on 'stream' it
 * is one frame as the StreamFramer cut it.
 */
export function parseMessage(bytes: Uint8Array, options: ParseOptions): ParseResult {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const start = skipLeadingCrlf(bytes);
  if (start >= bytes.length) return { ok: false, error: { reason: 'Empty message', status: 400, canAnswer: false, partial: undefined } };
  if (bytes.length - start > limits.maxMessageBytes) {
    return fail(bytes, start, limits, `Message Too Large (over ${limits.maxMessageBytes} bytes)`, 513);
  }
  try {
    return parseChecked(bytes, start, options.transport, limits);
  } catch (e) {
    // Every expected fault is reported above; this guards the promise of never throwing.
    return fail(bytes, start, limits, isSipSyntaxError(e) ? e.message : 'Unparseable message');
  }
}

function parseChecked(bytes: Uint8Array, start: number, transport: TransportKind, limits: MessageLimits): ParseResult {
  const headResult = readHead(bytes, start, limits);
  if (!headResult.ok) return fail(bytes, start, limits, headResult.reason);
  const { startLine, fields, bodyStart } = headResult.head;

  const line = parseStartLine(startLine);
  if (!line.ok) return fail(bytes, start, limits, line.reason, line.status);
  const warnings = [...line.warnings];

  const headers = new Headers(fields);

  // Content-Length and the body (§18.3, §20.14).
  const lengths = headers.lines('content-length');
  if (lengths.length > 1) return fail(bytes, start, limits, 'Multiple Content-Length headers');
  const available = bytes.length - bodyStart;
  let bodyLength = available;
  const rawLength = lengths[0];
  if (rawLength === undefined) {
    if (transport === 'stream') return fail(bytes, start, limits, 'Missing Content-Length (required on stream transports)');
  } else {
    let declared: number;
    try {
      declared = parseContentLength(rawLength);
    } catch (e) {
      const detail = isSipSyntaxError(e) ? e.message.replace(/^Content-Length: /, '') : '';
      return fail(bytes, start, limits, `Malformed Content-Length header${detail === '' ? '' : ': ' + detail}`);
    }
    if (declared > available) return fail(bytes, start, limits, 'Content-Length larger than message');
    if (declared < available && transport === 'stream') warnings.push('Bytes after the body ignored');
    bodyLength = declared;
  }
  const body = bytes.slice(bodyStart, bodyStart + bodyLength);

  if (line.line.kind === 'response') {
    const headerFault = checkHeaderSyntax(headers);
    if (headerFault !== undefined) return fail(bytes, start, limits, headerFault);
    const { version, status, reason } = line.line;
    return { ok: true, message: { kind: 'response', status, reason, version, headers, body }, warnings };
  }

  const { method, version } = line.line;
  let uri: Uri;
  try {
    uri = parseUri(line.line.uri, 'Request-URI');
  } catch (e) {
    return fail(bytes, start, limits, isSipSyntaxError(e) ? `Malformed Request-URI: ${e.message}` : 'Malformed Request-URI');
  }
  if (uri.kind === 'sip' && uri.headers.length > 0) {
    // §19.1.1 table: headers are "not allowed" in a Request-URI; RFC 4475
    // §3.1.2.11 (escruri) lets an element "be liberal" and ignore them.
    warnings.push('Headers in the Request-URI ignored');
  }
  const headerFault = checkHeaderSyntax(headers);
  if (headerFault !== undefined) return fail(bytes, start, limits, headerFault);
  const cseqMismatch = cseqMethodFault(headers, method);
  if (cseqMismatch !== undefined) return fail(bytes, start, limits, cseqMismatch);
  return { ok: true, message: { kind: 'request', method, uri, version, headers, body }, warnings };
}

/**
 * §8.1.1.5 / RFC 4475 §3.1.2.17-18 (mismatch01/02): "The method MUST match
 * that of the request". Shared with validateRequest.
 */
export function cseqMethodFault(headers: Headers, method: string): string | undefined {
  const raw = headers.get('cseq');
  if (raw === undefined) return undefined;
  try {
    return parseCSeq(raw).method === method ? undefined : 'CSeq method does not match request method';
  } catch {
    return 'Malformed CSeq header';
  }
}
