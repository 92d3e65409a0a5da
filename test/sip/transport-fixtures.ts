/**
 * Shared pieces of the transport tests: raw SIP text, a recording logger,
 * raw UDP/TCP peers that speak bytes (not the code under test), and waits
 * with a deadline so a broken transport fails a test instead of hanging it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { TransportLogger } from '../../firmware/sip/transport/logger.js';
import type { IncomingMessage, SipTransport } from '../../firmware/sip/transport/types.js';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export interface RawRequest {
  readonly method?: string;
  readonly via: string;
  readonly callId?: string;
  readonly cseq?: string;
  readonly body?: string;
  /** Replaces the Content-Length line (or removes it when null). */
  readonly contentLength?: string | null;
}

/** A request as a peer would write it, Content-Length computed unless overridden. */
export function rawRequest(r: RawRequest): string {
  const method = r.method ?? 'OPTIONS';
  const body = r.body ?? '';
  const length = r.contentLength === undefined ? String(enc.encode(body).length) : r.contentLength;
  return (
    `${method} sip:phone@127.0.0.1 SIP/2.0\r\n` +
    `Via: ${r.via}\r\n` +
    'Max-Forwards: 70\r\n' +
    'From: <sip:pbx@example.com>;tag=f1\r\n' +
    'To: <sip:phone@example.com>\r\n' +
    `Call-ID: ${r.callId ?? 'call-1@example.com'}\r\n` +
    `CSeq: ${r.cseq ?? `1 ${method}`}\r\n` +
    (length === null ? '' : `Content-Length: ${length}\r\n`) +
    '\r\n' +
    body
  );
}

export function recordingLogger(): TransportLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line) };
}

/** Resolves with the value `start` passes to `done`, or rejects after `ms`. */
export function within<T>(ms: number, what: string, start: (done: (value: T) => void) => (() => void) | void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let stop: (() => void) | void = undefined;
    const timer = setTimeout(() => {
      stop?.();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    stop = start((value) => {
      clearTimeout(timer);
      stop?.();
      resolve(value);
    });
  });
}

/** The next message the transport delivers. */
export function nextMessage(transport: SipTransport, ms = 2000): Promise<IncomingMessage> {
  return within(ms, 'a delivered message', (done) => transport.onMessage(done));
}

/** Waits (real time, polling) until `condition` holds. */
export async function until(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A plain UDP socket on 127.0.0.1 that records what it receives. */
export class RawUdpPeer {
  readonly received: { text: string; port: number }[] = [];
  readonly #socket = dgram.createSocket('udp4');

  static async open(): Promise<RawUdpPeer> {
    const peer = new RawUdpPeer();
    await new Promise<void>((resolve) => peer.#socket.bind(0, '127.0.0.1', resolve));
    peer.#socket.on('message', (msg, rinfo) => peer.received.push({ text: dec.decode(msg), port: rinfo.port }));
    return peer;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(text: string | Uint8Array, port: number): Promise<void> {
    const bytes = typeof text === 'string' ? enc.encode(text) : text;
    return new Promise((resolve, reject) => this.#socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  async next(ms = 2000): Promise<{ text: string; port: number }> {
    const count = this.received.length;
    await until(() => this.received.length > count, 'a datagram', ms);
    const got = this.received[count];
    if (got === undefined) throw new Error('no datagram');
    return got;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

/** A plain TCP client that records everything it reads and whether the peer ended or reset. */
export class RawTcpClient {
  text = '';
  ended = false;
  errored: Error | undefined;
  closed = false;
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => (this.text += dec.decode(chunk)));
    socket.on('end', () => (this.ended = true));
    socket.on('error', (err) => (this.errored = err));
    socket.on('close', () => (this.closed = true));
  }

  static connect(port: number): Promise<RawTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawTcpClient(socket)));
      socket.once('error', reject);
    });
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  write(text: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A plain TCP server that counts accepted connections and records what each sent. */
export class RawTcpServer {
  readonly connections: { socket: net.Socket; text: string; ended: boolean }[] = [];
  readonly #server: net.Server;
  /** When set, a chunk that is exactly a CRLFCRLF ping is answered with a CRLF pong. */
  answerPings = false;

  private constructor() {
    this.#server = net.createServer((socket) => {
      const entry = { socket, text: '', ended: false };
      this.connections.push(entry);
      socket.on('data', (chunk: Buffer) => {
        const text = dec.decode(chunk);
        entry.text += text;
        if (this.answerPings && text === '\r\n\r\n') socket.write('\r\n');
      });
      socket.on('end', () => (entry.ended = true));
      socket.on('error', () => undefined);
    });
  }

  static async listen(port = 0): Promise<RawTcpServer> {
    const s = new RawTcpServer();
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(port, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A TCP port with nothing listening on it (bound, then released). */
export async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  const port = typeof a === 'object' && a !== null ? a.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
