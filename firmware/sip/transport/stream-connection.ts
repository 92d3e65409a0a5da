/**
 * One TCP or TLS connection carrying SIP: a socket, its StreamFramer (RFC
 * 3261 §18.3 framing, RFC 5626 §3.5.1 ping/pong) and the bookkeeping the
 * pool needs to close it when idle but never while in use.
 */
import type net from 'node:net';
import type { FramerEvent, MessageLimits } from '../message/index.js';
import { StreamFramer } from '../message/index.js';
import type { TransportTarget } from './types.js';
import { TransportError } from './types.js';

/**
 * States and allowed transitions:
 *   open → closing   we end it gracefully (framing error, idle, shutdown): FIN after pending writes
 *   open → closed    the peer closed it or the socket failed
 *   closing → closed the socket is gone
 */
export type ConnectionState = 'open' | 'closing' | 'closed';

const ALLOWED: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  open: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export interface ConnectionHandlers {
  /** Framer output, in stream order. */
  onEvent(connection: StreamConnection, event: FramerEvent): void;
  onClosed(connection: StreamConnection, error: Error | undefined): void;
}

export interface StreamConnectionInit {
  readonly id: string;
  readonly socket: net.Socket;
  /** The peer's address and port (normalized), with this connection's protocol. */
  readonly remote: TransportTarget;
  /** 'outbound': we dialed it; 'inbound': the peer did. */
  readonly origin: 'outbound' | 'inbound';
  /** For a dialed TLS connection, the identity (domain or IP) its certificate was checked against. */
  readonly serverName?: string;
  readonly limits?: MessageLimits;
  readonly now: () => number;
  readonly handlers: ConnectionHandlers;
}

export class StreamConnection {
  readonly id: string;
  readonly remote: TransportTarget;
  readonly origin: 'outbound' | 'inbound';
  readonly serverName: string | undefined;
  readonly #socket: net.Socket;
  readonly #framer: StreamFramer;
  readonly #now: () => number;
  readonly #handlers: ConnectionHandlers;
  #state: ConnectionState = 'open';
  #pendingWrites = 0;
  #lastActivity: number;
  #error: Error | undefined;

  constructor(init: StreamConnectionInit) {
    this.id = init.id;
    this.remote = init.remote;
    this.origin = init.origin;
    this.serverName = init.serverName;
    this.#socket = init.socket;
    this.#framer = new StreamFramer(init.limits);
    this.#now = init.now;
    this.#handlers = init.handlers;
    this.#lastActivity = init.now();
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => {
      this.#error ??= err;
    });
    this.#socket.on('close', () => {
      if (this.#state === 'closed') return;
      this.#transition('closed');
      this.#handlers.onClosed(this, this.#error);
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Clock time of the last byte read or written. */
  get lastActivity(): number {
    return this.#lastActivity;
  }

  /** In the middle of something: a write not yet flushed, or part of a message received. */
  get busy(): boolean {
    return this.#pendingWrites > 0 || this.#framer.buffered > 0;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(new TransportError(this.remote, `connection ${this.id} is ${this.#state}`));
    this.#lastActivity = this.#now();
    this.#pendingWrites++;
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes, (err) => {
        this.#pendingWrites--;
        if (err) reject(new TransportError(this.remote, `write failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  /** Graceful close: what was written goes out, then FIN, then the socket is released. */
  end(): void {
    if (this.#state !== 'open') return;
    this.#transition('closing');
    this.#socket.end(() => this.#socket.destroy());
  }

  /** Immediate close (shutdown, or a connection that must not be used further). */
  destroy(): void {
    if (this.#state === 'closed') return;
    this.#socket.destroy();
  }

  #transition(next: ConnectionState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`StreamConnection ${this.id}: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }

  #onData(chunk: Buffer): void {
    // After we decided to close, nothing more is read: the framer may have failed (§18.3 cannot resync).
    if (this.#state !== 'open') return;
    this.#lastActivity = this.#now();
    for (const event of this.#framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      this.#handlers.onEvent(this, event);
      if (this.#state !== 'open') return;
    }
  }
}
