/**
 * The SipTransport the SIP core uses: UDP, TCP and TLS behind one interface,
 * each message routed to the transport its target (or its request's source)
 * names.
 *
 * §18.2.1: "For any port and interface that a server listens on for UDP, it
 * MUST listen on that same port and interface for TCP." With both ports
 * left to the system (port 0), TCP is bound to the port UDP got.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { SystemClock } from '../../../drivers/bus/system-clock.js';
import type { MessageLimits, SipMessage, SipResponse } from '../message/index.js';
import { defaultPort, isReliableProtocol, targetKey } from './addresses.js';
import type { KeepaliveLink } from './keepalive.js';
import { chooseAdvertisedHost } from './local-address.js';
import type { TransportLogger } from './logger.js';
import { consoleLogger } from './logger.js';
import type { ProtocolTransport } from './protocol-transport.js';
import { openTcpTransport } from './tcp-transport.js';
import type { TlsClientOptions, TlsListenOptions } from './tls-transport.js';
import { openTlsTransport } from './tls-transport.js';
import type { IncomingMessage, SipTransport, TransportProtocol, TransportTarget } from './types.js';
import { TransportError } from './types.js';
import { UdpTransport } from './udp-transport.js';

export interface ListenAddress {
  /** Default '0.0.0.0'. */
  readonly host?: string;
  /** Default 5060 (UDP, TCP) or 5061 (TLS); 0 = any free port. */
  readonly port?: number;
}

export interface SipTransportOptions {
  /** Default 0.0.0.0:5060; false disables UDP. */
  readonly udp?: ListenAddress | false;
  /** Default 0.0.0.0:5060; `{ listen: false }` dials out only; false disables TCP. */
  readonly tcp?: (ListenAddress & { readonly listen?: boolean }) | false;
  /** Default: a TLS client with the system CAs and no listener; false disables TLS. */
  readonly tls?: (TlsClientOptions & { readonly listen?: TlsListenOptions }) | false;
  /** The host for Via sent-by and Contact; default chosen by chooseAdvertisedHost(). */
  readonly advertisedHost?: string;
  /** TCP/TLS idle close, default 64*T1 = 32 s (see stream-transport.ts); 0 never. */
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly limits?: MessageLimits;
  readonly clock?: Clock;
  readonly logger?: TransportLogger;
}

const PORT_RETRIES = 5;

function isAddressInUse(e: unknown): boolean {
  return e instanceof Error && (e as Error & { code?: unknown }).code === 'EADDRINUSE';
}

export class SocketSipTransport implements SipTransport {
  readonly #transports: ReadonlyMap<TransportProtocol, ProtocolTransport>;
  readonly #advertisedHost: string;

  private constructor(transports: Map<TransportProtocol, ProtocolTransport>, advertisedHost: string) {
    this.#transports = transports;
    this.#advertisedHost = advertisedHost;
  }

  static async open(options: SipTransportOptions = {}): Promise<SocketSipTransport> {
    const clock = options.clock ?? new SystemClock();
    const logger = options.logger ?? consoleLogger;
    const common = { clock, logger, limits: options.limits };
    const stream = { ...common, idleTimeoutMs: options.idleTimeoutMs, connectTimeoutMs: options.connectTimeoutMs };
    const transports = new Map<TransportProtocol, ProtocolTransport>();
    try {
      const udpOpt = options.udp === false ? undefined : (options.udp ?? {});
      const tcpOpt = options.tcp === false ? undefined : (options.tcp ?? {});
      const tcpListens = tcpOpt !== undefined && tcpOpt.listen !== false;
      const pairPorts = udpOpt !== undefined && tcpListens && udpOpt.port === 0 && tcpOpt.port === 0;
      for (let attempt = 0; ; attempt++) {
        const udp = udpOpt === undefined ? undefined : await UdpTransport.open({ ...common, host: udpOpt.host, port: udpOpt.port });
        if (udp !== undefined) transports.set('udp', udp);
        if (tcpOpt === undefined) break;
        try {
          const port = pairPorts ? udp?.listeningPort : tcpOpt.port;
          transports.set(
            'tcp',
            await openTcpTransport({ ...stream, listen: tcpListens ? { host: tcpOpt.host, port } : false }),
          );
          break;
        } catch (e) {
          // The port UDP got may be taken for TCP: try another pair.
          if (!pairPorts || !isAddressInUse(e) || attempt >= PORT_RETRIES) throw e;
          await udp?.close();
          transports.delete('udp');
        }
      }
      if (options.tls !== false) {
        const tlsOpt = options.tls ?? {};
        transports.set('tls', await openTlsTransport({ ...stream, ...tlsOpt, listen: tlsOpt.listen ?? false }));
      }
    } catch (e) {
      await Promise.all([...transports.values()].map((t) => t.close()));
      throw e;
    }
    const boundHost = options.udp === false ? undefined : options.udp?.host;
    return new SocketSipTransport(transports, chooseAdvertisedHost(options.advertisedHost, boundHost));
  }

  /** The bound listening port of each protocol that listens. */
  get ports(): Readonly<Partial<Record<TransportProtocol, number>>> {
    const ports: Partial<Record<TransportProtocol, number>> = {};
    for (const [protocol, t] of this.#transports) if (t.listeningPort !== undefined) ports[protocol] = t.listeningPort;
    return ports;
  }

  /** Open TCP or TLS connections (diagnostics, tests). */
  connectionCount(protocol: 'tcp' | 'tls'): number {
    return this.#transports.get(protocol)?.connectionCount ?? 0;
  }

  send(message: SipMessage, target: TransportTarget): Promise<void> {
    const t = this.#transports.get(target.protocol);
    if (t === undefined) return Promise.reject(new TransportError(target, `${target.protocol.toUpperCase()} is not enabled`));
    return t.send(message, target);
  }

  sendResponse(response: SipResponse, request: IncomingMessage): Promise<void> {
    // The response leaves by the transport its request came on (§18.2.2).
    const t = this.#transports.get(request.source.protocol);
    if (t === undefined) return Promise.reject(new TransportError(request.source, `${request.source.protocol.toUpperCase()} is not enabled`));
    return t.sendResponse(response, request);
  }

  onMessage(listener: (incoming: IncomingMessage) => void): () => void {
    const offs = [...this.#transports.values()].map((t) => t.onMessage(listener));
    return () => offs.forEach((off) => off());
  }

  localEndpoint(protocol: TransportProtocol): { readonly host: string; readonly port: number } {
    // A TLS client without a listener still names a port: the default one (§18.1.1 sent-by).
    return { host: this.#advertisedHost, port: this.#transports.get(protocol)?.listeningPort ?? defaultPort(protocol) };
  }

  isReliable(protocol: TransportProtocol): boolean {
    return isReliableProtocol(protocol);
  }

  canSend(protocol: TransportProtocol): boolean {
    return this.#transports.has(protocol);
  }

  hold(target: TransportTarget): () => void {
    return this.#transports.get(target.protocol)?.hold(target) ?? (() => undefined);
  }

  /**
   * The keep-alive plumbing for the flow to `target` (RFC 5626 §3.5.1):
   * pings on it, its pongs, and a hold that keeps its connection from idle
   * close until release().
   */
  keepaliveLink(target: TransportTarget): KeepaliveLink {
    const t = this.#transports.get(target.protocol);
    if (t === undefined) throw new TransportError(target, `${target.protocol.toUpperCase()} is not enabled`);
    const key = targetKey(target);
    return {
      reliable: isReliableProtocol(target.protocol),
      ping: () => t.ping(target),
      onPong: (listener) => t.onPong((remote) => {
        if (targetKey(remote) === key) listener();
      }),
      release: t.hold(target),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#transports.values()].map((t) => t.close()));
  }
}
