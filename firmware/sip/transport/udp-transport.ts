/**
 * SIP over UDP (RFC 3261 §18) on one node:dgram socket. Requests and
 * responses leave from the socket they are received on, so a NAT binding
 * made by a request carries its response back (RFC 3581 §4: "The response
 * MUST be sent from the same address and port that the corresponding
 * request was received on").
 */
import dgram from 'node:dgram';
import type { Clock } from '../../../drivers/bus/clock.js';
import type { MessageLimits, SipMessage, SipResponse } from '../message/index.js';
import { serialize } from '../message/index.js';
import { formatTarget, normalizeAddress } from './addresses.js';
import { isCrlfKeepalive, isStunMessage, processInbound } from './inbound.js';
import type { InboundOutcome } from './inbound.js';
import { Listeners } from './listeners.js';
import type { TransportLogger } from './logger.js';
import { firstLineSummary } from './logger.js';
import type { ProtocolTransport } from './protocol-transport.js';
import { readTopVia, unreliableResponseTarget } from './response-route.js';
import type { IncomingMessage, TransportTarget } from './types.js';
import { TransportError } from './types.js';

export interface UdpTransportOptions {
  /** Address to bind; '0.0.0.0' (default) for all IPv4 interfaces, '::' for dual-stack. */
  readonly host?: string;
  /** Port to bind; 5060 by default, 0 for any free port (see listeningPort). */
  readonly port?: number;
  readonly clock: Clock;
  readonly logger: TransportLogger;
  readonly limits?: MessageLimits;
}

const CRLFCRLF = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);

export class UdpTransport implements ProtocolTransport {
  readonly protocol = 'udp' as const;
  readonly #socket: dgram.Socket;
  readonly #options: UdpTransportOptions;
  readonly #messages: Listeners<IncomingMessage>;
  readonly #pongs: Listeners<TransportTarget>;
  readonly #ipv6: boolean;
  #port: number | undefined;
  #closed = false;

  private constructor(socket: dgram.Socket, options: UdpTransportOptions, ipv6: boolean) {
    this.#socket = socket;
    this.#options = options;
    this.#ipv6 = ipv6;
    this.#messages = new Listeners(options.logger, 'sip/udp message');
    this.#pongs = new Listeners(options.logger, 'sip/udp pong');
  }

  /** Binds the socket; rejects with the bind error (EADDRINUSE …). */
  static async open(options: UdpTransportOptions): Promise<UdpTransport> {
    const host = options.host ?? '0.0.0.0';
    const ipv6 = host.includes(':');
    const socket = dgram.createSocket({ type: ipv6 ? 'udp6' : 'udp4' });
    const transport = new UdpTransport(socket, options, ipv6);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        try {
          socket.close();
        } catch {
          // Never bound: nothing to close.
        }
        reject(err);
      };
      socket.once('error', onError);
      socket.bind({ address: host, port: options.port ?? 5060 }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    transport.#port = socket.address().port;
    socket.on('message', (msg, rinfo) => transport.#receive(msg, rinfo));
    // A socket error after bind (rare on UDP: ENOBUFS …) must not crash the phone.
    socket.on('error', (err) => options.logger.warn(`sip/udp: socket error: ${err.message}`));
    return transport;
  }

  get listeningPort(): number | undefined {
    return this.#port;
  }

  get connectionCount(): number {
    return 0;
  }

  /**
   * Sends whatever it is given: the §18.1.1 size rule (a large request goes
   * over TCP, with a Via that says so) is the transaction layer's, which
   * writes the Via and warns when a large request must go over UDP anyway.
   */
  async send(message: SipMessage, target: TransportTarget): Promise<void> {
    await this.#sendBytes(serialize(message), target);
  }

  async sendResponse(response: SipResponse, request: IncomingMessage): Promise<void> {
    await this.#sendBytes(serialize(response), unreliableResponseTarget(readTopVia(response) ?? readTopVia(request.message), request.source));
  }

  onMessage(listener: (incoming: IncomingMessage) => void): () => void {
    return this.#messages.add(listener);
  }

  /** A CRLFCRLF datagram refreshes the NAT binding; UDP has no pong to wait for. */
  async ping(target: TransportTarget): Promise<void> {
    await this.#sendBytes(CRLFCRLF, target);
  }

  onPong(listener: (remote: TransportTarget) => void): () => void {
    return this.#pongs.add(listener);
  }

  hold(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#messages.clear();
    this.#pongs.clear();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #sendBytes(bytes: Uint8Array, target: TransportTarget): Promise<void> {
    if (target.protocol !== 'udp') return Promise.reject(new TransportError(target, 'not a UDP target'));
    if (this.#closed) return Promise.reject(new TransportError(target, 'transport closed'));
    let host = normalizeAddress(target.host);
    // A udp6 socket reaches IPv4 peers through their IPv4-mapped address.
    if (this.#ipv6 && !host.includes(':')) host = `::ffff:${host}`;
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, target.port, host, (err) => {
        if (err) reject(new TransportError(target, err.message, { cause: err }));
        else resolve();
      });
    });
  }

  #receive(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const source: TransportTarget = { protocol: 'udp', host: normalizeAddress(rinfo.address), port: rinfo.port };
    if (isCrlfKeepalive(bytes)) {
      this.#pongs.emit(source);
      return;
    }
    if (isStunMessage(bytes)) return;
    let outcome: InboundOutcome;
    try {
      outcome = processInbound(bytes, { transport: 'udp', source, limits: this.#options.limits });
    } catch (e) {
      // processInbound is written not to throw; this keeps a bug in it from taking the socket down.
      outcome = { kind: 'drop', reason: `internal error: ${e instanceof Error ? e.message : String(e)}` };
    }
    switch (outcome.kind) {
      case 'deliver':
        this.#messages.emit({ message: outcome.message, source, receivedAt: this.#options.clock.now() });
        return;
      case 'reject': {
        this.#options.logger.warn(`sip/udp: answered ${outcome.response.status} "${outcome.reason}" to ${formatTarget(source)}: ${firstLineSummary(bytes)}`);
        const target = unreliableResponseTarget(readTopVia(outcome.response), source);
        this.#sendBytes(serialize(outcome.response), target).catch((e: unknown) => {
          this.#options.logger.warn(`sip/udp: could not send ${outcome.response.status}: ${e instanceof Error ? e.message : String(e)}`);
        });
        return;
      }
      case 'drop':
        this.#options.logger.warn(`sip/udp: dropped ${bytes.length} bytes from ${formatTarget(source)}: ${outcome.reason}: ${firstLineSummary(bytes)}`);
        return;
    }
  }
}
