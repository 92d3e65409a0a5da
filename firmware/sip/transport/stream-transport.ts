/**
 * SIP over a stream (TCP, or TLS over TCP): RFC 3261 §18 with its connection
 * rules, shared by tcp-transport.ts and tls-transport.ts, which only supply
 * how to dial and how to listen.
 *
 * Connection reuse (§18.1.1, RFC 5923 §1): a connection already open to a
 * destination carries further requests to it rather than a new one. One
 * connection per remote address, port and protocol serves every message to
 * that address, whoever opened it: a connection the peer opened to us
 * carries our requests to its address and port too.
 *
 * Idle close. §18: "it is RECOMMENDED that connections be kept open for
 * some implementation-defined duration after the last message was sent or
 * received over that connection". The default is 64*T1 = 32 s of silence:
 * every transaction using the connection ends within 64*T1 of its last
 * message (Timers B, F, H), so a connection quiet that long carries no live
 * transaction. A connection that must outlive that — a registration flow
 * (RFC 5626 §4.2, RFC 5923) — is held (hold()) and kept busy by keep-alive
 * pings (default every 30 s, under the 32 s), and a connection in the middle
 * of a message or a write is never closed.
 *
 * Framing. The StreamFramer enforces the size limits; a framing error closes
 * the connection (the stream cannot be resynchronised, §18.3) after a 400 to
 * the request whose header section was readable.
 */
import type net from 'node:net';
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import type { FramerEvent, MessageLimits, SipMessage, SipResponse } from '../message/index.js';
import { serialize } from '../message/index.js';
import type { NamedTarget } from './addresses.js';
import { formatTarget, isIpLiteral, normalizeAddress, targetKey } from './addresses.js';
import { idleDecision } from './idle-policy.js';
import { processInbound } from './inbound.js';
import type { InboundOutcome } from './inbound.js';
import { Listeners } from './listeners.js';
import type { TransportLogger } from './logger.js';
import { firstLineSummary } from './logger.js';
import type { ProtocolTransport } from './protocol-transport.js';
import { readTopVia, reliableResponseTarget } from './response-route.js';
import { connectFailureOf } from './size-rule.js';
import { StreamConnection } from './stream-connection.js';
import type { IncomingMessage, TransportTarget } from './types.js';
import { TransportError } from './types.js';

/** T1 = 500 ms (§17.1.1.1); 64*T1 is the lifetime bound of every transaction. */
export const DEFAULT_IDLE_TIMEOUT_MS = 64 * 500;
/** A dial that has not connected (and, for TLS, handshaken) by then has failed. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** A socket being opened; `ready` settles when it can carry SIP (connected, TLS verified) or has failed. */
export interface DialAttempt {
  readonly socket: net.Socket;
  readonly ready: Promise<void>;
}

export interface StreamListener {
  readonly host: string;
  readonly port: number;
  /** Creates the server; `onReady` gets each accepted socket once it can carry SIP. */
  create(onReady: (socket: net.Socket) => void): net.Server;
}

export interface StreamTransportOptions {
  readonly protocol: 'tcp' | 'tls';
  readonly clock: Clock;
  readonly logger: TransportLogger;
  readonly limits?: MessageLimits;
  /** Close a connection after this long without traffic; 0 never closes. Default 32 s. */
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Opens a socket to `target`; `identity` is identityOf(target), what TLS verifies. */
  readonly dial: (target: TransportTarget, identity: string | undefined) => DialAttempt;
  /**
   * The identity a connection to `target` is verified against (TLS: the SIP
   * domain or IP, see tls-transport.ts); undefined when there is none (TCP).
   * A dialed connection is reused only for targets with the same identity.
   */
  readonly identityOf?: (target: TransportTarget) => string | undefined;
  /** Absent: this transport only dials out. */
  readonly listener?: StreamListener;
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const CRLFCRLF = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class StreamTransport implements ProtocolTransport {
  readonly protocol: 'tcp' | 'tls';
  readonly #options: StreamTransportOptions;
  readonly #clock: Clock;
  readonly #logger: TransportLogger;
  readonly #idleMs: number;
  readonly #messages: Listeners<IncomingMessage>;
  readonly #pongs: Listeners<TransportTarget>;
  readonly #connections = new Map<string, StreamConnection>();
  readonly #idleTimers = new Map<string, TimerHandle>();
  readonly #dialing = new Map<string, Promise<StreamConnection>>();
  readonly #dialSockets = new Set<net.Socket>();
  /** Every accepted socket, including TLS ones still in their handshake, so close() can end them. */
  readonly #acceptedSockets = new Set<net.Socket>();
  readonly #holds = new Map<string, number>();
  #server: net.Server | undefined;
  #port: number | undefined;
  #nextId = 1;
  #closed = false;

  private constructor(options: StreamTransportOptions) {
    this.protocol = options.protocol;
    this.#options = options;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.#messages = new Listeners(options.logger, `sip/${options.protocol} message`);
    this.#pongs = new Listeners(options.logger, `sip/${options.protocol} pong`);
  }

  /** Starts listening if a listener is configured; rejects with the listen error (EADDRINUSE …). */
  static async open(options: StreamTransportOptions): Promise<StreamTransport> {
    const transport = new StreamTransport(options);
    if (options.listener !== undefined) await transport.#listen(options.listener);
    return transport;
  }

  get listeningPort(): number | undefined {
    return this.#port;
  }

  /** Open connections (for diagnostics and tests). */
  get connectionCount(): number {
    return [...this.#connections.values()].filter((c) => c.state === 'open').length;
  }

  async send(message: SipMessage, target: TransportTarget): Promise<void> {
    const connection = await this.#connectionFor(target);
    await connection.write(serialize(message));
  }

  async sendResponse(response: SipResponse, request: IncomingMessage): Promise<void> {
    const bytes = serialize(response);
    const same = request.connectionId === undefined ? undefined : this.#connections.get(request.connectionId);
    if (same !== undefined && same.state === 'open') {
      await same.write(bytes);
      return;
    }
    const via = readTopVia(response) ?? readTopVia(request.message);
    const target: NamedTarget = {
      ...reliableResponseTarget(via, request.source, this.protocol),
      // A new TLS connection is checked against the domain the client named itself by.
      serverName: via !== undefined && !isIpLiteral(via.host) ? via.host : undefined,
    };
    const connection = await this.#connectionFor(target);
    await connection.write(bytes);
  }

  onMessage(listener: (incoming: IncomingMessage) => void): () => void {
    return this.#messages.add(listener);
  }

  /** RFC 5626 §3.5.1 ping (CRLFCRLF), only over a connection that is open: a keep-alive never dials. */
  async ping(target: TransportTarget): Promise<void> {
    const connection = this.#findOpen(target);
    if (connection === undefined) throw new TransportError(target, 'no open connection to ping');
    await connection.write(CRLFCRLF);
  }

  onPong(listener: (remote: TransportTarget) => void): () => void {
    return this.#pongs.add(listener);
  }

  hold(target: TransportTarget): () => void {
    const key = targetKey(target);
    this.#holds.set(key, (this.#holds.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#holds.get(key) ?? 1) - 1;
      if (left > 0) this.#holds.set(key, left);
      else this.#holds.delete(key);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const handle of this.#idleTimers.values()) this.#clock.clearTimer(handle);
    this.#idleTimers.clear();
    for (const socket of this.#dialSockets) socket.destroy();
    for (const socket of this.#acceptedSockets) socket.destroy();
    for (const connection of this.#connections.values()) connection.destroy();
    this.#messages.clear();
    this.#pongs.clear();
    const server = this.#server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #listen(listener: StreamListener): Promise<void> {
    const server = listener.create((socket) => this.#accept(socket));
    server.on('connection', (socket: net.Socket) => {
      this.#acceptedSockets.add(socket);
      socket.once('close', () => this.#acceptedSockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: listener.host, port: listener.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.#logger.warn(`sip/${this.protocol}: listener error: ${err.message}`));
    const address = server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : undefined;
    this.#server = server;
  }

  #accept(socket: net.Socket): void {
    if (this.#closed || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      socket.destroy();
      return;
    }
    const remote: TransportTarget = { protocol: this.protocol, host: normalizeAddress(socket.remoteAddress), port: socket.remotePort };
    this.#adopt(socket, remote, 'inbound', undefined);
  }

  #adopt(socket: net.Socket, remote: TransportTarget, origin: 'inbound' | 'outbound', serverName: string | undefined): StreamConnection {
    const connection = new StreamConnection({
      id: `${this.protocol}-${this.#nextId++}`,
      socket,
      remote,
      origin,
      serverName,
      limits: this.#options.limits,
      now: () => this.#clock.now(),
      handlers: {
        onEvent: (c, event) => this.#onEvent(c, event),
        onClosed: (c, error) => this.#onClosed(c, error),
      },
    });
    this.#connections.set(connection.id, connection);
    this.#armIdle(connection, this.#idleMs);
    return connection;
  }

  #findOpen(target: TransportTarget): StreamConnection | undefined {
    const key = targetKey(target);
    const identity = this.#options.identityOf?.(target)?.toLowerCase();
    for (const c of this.#connections.values()) {
      if (c.state !== 'open' || targetKey(c.remote) !== key) continue;
      // A TLS connection verified for one name does not vouch for another at the same address.
      // (Connections the peer opened carry no verified name and serve any target at its address.)
      if (identity !== undefined && c.serverName !== undefined && c.serverName.toLowerCase() !== identity) continue;
      return c;
    }
    return undefined;
  }

  #connectionFor(target: TransportTarget): Promise<StreamConnection> {
    if (target.protocol !== this.protocol) return Promise.reject(new TransportError(target, `not a ${this.protocol.toUpperCase()} target`));
    if (this.#closed) return Promise.reject(new TransportError(target, 'transport closed'));
    const open = this.#findOpen(target);
    if (open !== undefined) return Promise.resolve(open);
    const key = `${targetKey(target)}|${this.#options.identityOf?.(target) ?? ''}`;
    const pending = this.#dialing.get(key);
    if (pending !== undefined) return pending;
    const dial = this.#dial(target).finally(() => this.#dialing.delete(key));
    this.#dialing.set(key, dial);
    return dial;
  }

  async #dial(target: TransportTarget): Promise<StreamConnection> {
    const identity = this.#options.identityOf?.(target);
    const remote: TransportTarget = { protocol: this.protocol, host: normalizeAddress(target.host), port: target.port };
    const attempt = this.#options.dial(remote, identity);
    this.#dialSockets.add(attempt.socket);
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const timer = this.#clock.setTimer(timeoutMs, () =>
      attempt.socket.destroy(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    try {
      await attempt.ready;
    } catch (e) {
      attempt.socket.destroy();
      // Marked as a failed dial: nothing was sent, so a caller may try elsewhere (size-rule.ts).
      throw e instanceof TransportError ? e : new TransportError(remote, errorText(e), { cause: e, connectFailure: connectFailureOf(e) });
    } finally {
      this.#clock.clearTimer(timer);
      this.#dialSockets.delete(attempt.socket);
    }
    if (this.#closed) {
      attempt.socket.destroy();
      throw new TransportError(remote, 'transport closed');
    }
    return this.#adopt(attempt.socket, remote, 'outbound', identity);
  }

  #onEvent(connection: StreamConnection, event: FramerEvent): void {
    switch (event.type) {
      case 'message':
        this.#onFrame(connection, event.bytes);
        return;
      case 'ping':
        // RFC 5626 §3.5.1: a double-CRLF ping is answered with a single-CRLF pong.
        connection.write(CRLF).catch((e: unknown) => this.#logger.warn(`sip/${this.protocol}: pong failed: ${errorText(e)}`));
        return;
      case 'pong':
        this.#pongs.emit(connection.remote);
        return;
      case 'error':
        this.#logger.warn(`sip/${this.protocol}: closing ${connection.id} to ${formatTarget(connection.remote)}: ${event.reason}`);
        connection.end();
        return;
    }
  }

  #onFrame(connection: StreamConnection, bytes: Uint8Array): void {
    let outcome: InboundOutcome;
    try {
      outcome = processInbound(bytes, { transport: 'stream', source: connection.remote, limits: this.#options.limits });
    } catch (e) {
      // processInbound is written not to throw; this keeps a bug in it from taking the socket down.
      outcome = { kind: 'drop', reason: `internal error: ${errorText(e)}` };
    }
    switch (outcome.kind) {
      case 'deliver':
        this.#messages.emit({
          message: outcome.message,
          source: connection.remote,
          connectionId: connection.id,
          receivedAt: this.#clock.now(),
        });
        return;
      case 'reject':
        this.#logger.warn(
          `sip/${this.protocol}: answered ${outcome.response.status} "${outcome.reason}" on ${connection.id} to ${formatTarget(connection.remote)}: ${firstLineSummary(bytes)}`,
        );
        // §18.2.2: on the connection the request came on.
        connection.write(serialize(outcome.response)).catch((e: unknown) => {
          this.#logger.warn(`sip/${this.protocol}: could not send ${outcome.response.status}: ${errorText(e)}`);
        });
        return;
      case 'drop':
        this.#logger.warn(
          `sip/${this.protocol}: dropped ${bytes.length} bytes on ${connection.id} from ${formatTarget(connection.remote)}: ${outcome.reason}: ${firstLineSummary(bytes)}`,
        );
        return;
    }
  }

  #onClosed(connection: StreamConnection, error: Error | undefined): void {
    this.#connections.delete(connection.id);
    this.#clock.clearTimer(this.#idleTimers.get(connection.id));
    this.#idleTimers.delete(connection.id);
    if (error !== undefined && !this.#closed) {
      this.#logger.warn(`sip/${this.protocol}: ${connection.id} to ${formatTarget(connection.remote)} failed: ${error.message}`);
    }
  }

  #armIdle(connection: StreamConnection, delayMs: number): void {
    if (this.#idleMs <= 0) return;
    this.#idleTimers.set(
      connection.id,
      this.#clock.setTimer(delayMs, () => this.#onIdleTimer(connection)),
    );
  }

  /** Checked lazily on a timer rather than re-armed on every byte. */
  #onIdleTimer(connection: StreamConnection): void {
    this.#idleTimers.delete(connection.id);
    if (connection.state !== 'open' || this.#closed) return;
    const decision = idleDecision({
      quietMs: this.#clock.now() - connection.lastActivity,
      idleTimeoutMs: this.#idleMs,
      busy: connection.busy,
      held: (this.#holds.get(targetKey(connection.remote)) ?? 0) > 0,
    });
    if (decision.action === 'wait') this.#armIdle(connection, decision.ms);
    else connection.end();
  }
}
