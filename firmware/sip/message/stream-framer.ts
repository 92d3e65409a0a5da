/**
 * Cuts a byte stream (TCP, TLS, WebSocket-less stream) into SIP messages.
 * RFC 3261 §18.3: on a stream "the Content-Length header field MUST be
 * used", and it alone says where a body ends. Between messages a peer may
 * send keep-alives (RFC 5626 §3.5.1): a client sends a "ping" of CRLFCRLF,
 * the server answers a "pong" of a single CRLF. §7.5 also lets CRLFs precede
 * any start line, and those are reported as pongs too: harmless for a client
 * waiting for one.
 *
 * Nothing unbounded is buffered: a header section that outgrows the limits
 * (message size, header count, line length) or a Content-Length beyond the
 * message limit makes the framer fail at once, dropping what it holds. After
 * a failure the stream cannot be re-synchronised: the transport must close
 * the connection (it may first answer the message reported just before the
 * error, when there is one).
 */
import { headerKey } from './header-names.js';
import { readHeadLeniently } from './head.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { MessageLimits } from './limits.js';
import { parseContentLength } from './scalar-headers.js';

export type FramerEvent =
  /** One whole message: start line, headers and exactly Content-Length body bytes. Pass to parseMessage(…, { transport: 'stream' }). */
  | { readonly type: 'message'; readonly bytes: Uint8Array }
  /** CRLFCRLF between messages: answer with a CRLF pong (RFC 5626 §3.5.1). */
  | { readonly type: 'ping' }
  /** A single CRLF between messages: the pong to our ping (or leading CRLF, §7.5). */
  | { readonly type: 'pong' }
  /** The stream is unusable from here on; close the connection. */
  | { readonly type: 'error'; readonly reason: string };

/**
 * States and allowed transitions:
 *   idle → head      first byte of a start line
 *   head → body      empty line found, Content-Length read
 *   body → idle      the body is complete and the message reported
 *   idle|head|body → failed   limit exceeded or framing impossible (final)
 */
export type FramerState = 'idle' | 'head' | 'body' | 'failed';

const ALLOWED: Readonly<Record<FramerState, readonly FramerState[]>> = {
  idle: ['head', 'failed'],
  head: ['body', 'failed'],
  body: ['idle', 'failed'],
  failed: [],
};

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;

export class StreamFramer {
  readonly #limits: MessageLimits;
  #state: FramerState = 'idle';
  #buf = new Uint8Array(4096);
  #len = 0;
  /** head: where scanning resumes, and the line bookkeeping for the limits. */
  #scanPos = 0;
  #lineStart = 0;
  #logicalStart = 0;
  #headerCount = 0;
  /** body: total bytes of the current message. */
  #need = 0;
  /** idle: a lone CRLF was just reported as a pong with nothing after it. */
  #pendingCrlf = false;

  constructor(limits: MessageLimits = DEFAULT_LIMITS) {
    this.#limits = limits;
  }

  get state(): FramerState {
    return this.#state;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#len;
  }

  /** Feeds the next chunk of the stream; returns what it completed, in order. */
  push(chunk: Uint8Array): FramerEvent[] {
    const events: FramerEvent[] = [];
    // Take big chunks in slices so the buffer never holds much more than one message.
    const step = this.#limits.maxMessageBytes;
    for (let off = 0; off < chunk.length && this.#state !== 'failed'; off += step) {
      this.#append(chunk.subarray(off, Math.min(chunk.length, off + step)));
      this.#process(events);
    }
    return events;
  }

  #transition(next: FramerState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`StreamFramer: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }

  #append(bytes: Uint8Array): void {
    if (this.#len + bytes.length > this.#buf.length) {
      let cap = this.#buf.length;
      while (cap < this.#len + bytes.length) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  #consume(n: number): void {
    this.#buf.copyWithin(0, n, this.#len);
    this.#len -= n;
  }

  #fail(events: FramerEvent[], reason: string): void {
    events.push({ type: 'error', reason });
    this.#transition('failed');
    this.#len = 0;
    this.#buf = new Uint8Array(0);
  }

  #process(events: FramerEvent[]): void {
    for (;;) {
      switch (this.#state) {
        case 'failed':
          this.#len = 0;
          return;
        case 'idle':
          if (!this.#idle(events)) return;
          break;
        case 'head':
          if (!this.#head(events)) return;
          break;
        case 'body':
          if (this.#len < this.#need) return;
          events.push({ type: 'message', bytes: this.#buf.slice(0, this.#need) });
          this.#consume(this.#need);
          this.#transition('idle');
          break;
      }
    }
  }

  /** Returns false when it needs more bytes. */
  #idle(events: FramerEvent[]): boolean {
    const b = this.#buf;
    if (this.#len === 0) return false;
    if (b[0] === CR) {
      if (this.#len < 2) return false;
      if (b[1] === LF) {
        if (this.#pendingCrlf) {
          // The second half of a ping that arrived in two pieces.
          this.#pendingCrlf = false;
          events.push({ type: 'ping' });
          this.#consume(2);
          return true;
        }
        if (this.#len >= 4 && b[2] === CR && b[3] === LF) {
          events.push({ type: 'ping' });
          this.#consume(4);
          return true;
        }
        if (this.#len === 3 && b[2] === CR) return false;
        events.push({ type: 'pong' });
        this.#consume(2);
        this.#pendingCrlf = this.#len === 0;
        return true;
      }
    }
    this.#pendingCrlf = false;
    this.#scanPos = 0;
    this.#lineStart = 0;
    this.#logicalStart = 0;
    this.#headerCount = 0;
    this.#transition('head');
    return true;
  }

  /** Scans for the empty line ending the headers, enforcing the limits as it goes. */
  #head(events: FramerEvent[]): boolean {
    const b = this.#buf;
    const { maxLineBytes, maxHeaders, maxMessageBytes } = this.#limits;
    let headEnd = -1;
    let p = this.#scanPos;
    for (; p < this.#len; p++) {
      const c = b[p];
      if (p === this.#lineStart && p > 0) {
        if (c === CR) {
          if (p + 1 >= this.#len) break; // wait: CR of the empty line, or content?
          if (b[p + 1] === LF) {
            headEnd = p + 2;
            break;
          }
        }
        if (c !== SP && c !== HT) {
          this.#headerCount++;
          this.#logicalStart = p;
          if (this.#headerCount > maxHeaders) {
            this.#fail(events, `Too many headers (over ${maxHeaders})`);
            return false;
          }
        }
      }
      if (c === LF && p > 0 && b[p - 1] === CR) this.#lineStart = p + 1;
      else if (p - this.#logicalStart >= maxLineBytes + 2) {
        this.#fail(events, `Header line too long (over ${maxLineBytes} bytes)`);
        return false;
      }
    }
    this.#scanPos = p;
    if (headEnd < 0) {
      if (this.#len > maxMessageBytes) {
        this.#fail(events, `Message Too Large (over ${maxMessageBytes} bytes)`);
        return false;
      }
      return false;
    }

    const head = readHeadLeniently(b.subarray(0, headEnd), 0, this.#limits);
    const lengths = (head?.fields ?? []).filter((f) => headerKey(f.name) === 'content-length');
    let problem: string | undefined;
    let bodyLength = 0;
    if (lengths.length === 0) problem = 'Missing Content-Length (required on stream transports)';
    else if (lengths.length > 1) problem = 'Multiple Content-Length headers';
    else {
      try {
        bodyLength = parseContentLength(lengths[0]?.value ?? '');
      } catch {
        problem = 'Malformed Content-Length header';
      }
    }
    if (problem !== undefined) {
      // Report the header section so the request can still be answered with
      // 400, then give up: where the next message starts is unknowable.
      events.push({ type: 'message', bytes: b.slice(0, headEnd) });
      this.#fail(events, problem);
      return false;
    }
    if (headEnd + bodyLength > maxMessageBytes) {
      this.#fail(events, `Message Too Large (over ${maxMessageBytes} bytes)`);
      return false;
    }
    this.#need = headEnd + bodyLength;
    this.#transition('body');
    return true;
  }
}
