/**
 * The boundary between the SIP core (transactions, dialogs) and the network.
 * The core depends only on this interface (as SIP.js and libre split it), so
 * protocol tests run over linked fake transports and the phone over UDP, TCP
 * and TLS sockets.
 */
import type { SipMessage, SipResponse } from '../message/index.js';

export type TransportProtocol = 'udp' | 'tcp' | 'tls';

/** Where a message goes or came from, at the transport level (already resolved: an IP literal). */
export interface TransportTarget {
  readonly protocol: TransportProtocol;
  readonly host: string;
  readonly port: number;
}

export interface IncomingMessage {
  readonly message: SipMessage;
  /** The packet's or connection's source address (what RFC 3261 §18.2.1 calls the source for `received`). */
  readonly source: TransportTarget;
  /** The connection a stream message came on; responses go back on it while it is open (§18.2.2). */
  readonly connectionId?: string;
  /** Board clock time of arrival (ms). */
  readonly receivedAt: number;
}

/**
 * Why a TCP or TLS connection could not be made (a dial that failed before
 * anything was written on it): the peer answered the SYN with a reset
 * (ECONNREFUSED), the connection was reset during the handshake, an ICMP
 * Protocol Unreachable came back (Linux: ENOPROTOOPT), no answer came in
 * time, or something else (unreachable network, TLS failure …).
 */
export type ConnectFailure = 'refused' | 'reset' | 'protocol-unsupported' | 'timeout' | 'other';

/** A send that failed at the transport: connection refused, ICMP unreachable, TLS failure, closed. */
export class TransportError extends Error {
  readonly target: TransportTarget;
  /** Set when the failure was the dial of a new connection, so nothing was sent; undefined for any other failure. */
  readonly connectFailure: ConnectFailure | undefined;

  constructor(target: TransportTarget, message: string, options?: { cause?: unknown; connectFailure?: ConnectFailure }) {
    super(`${target.protocol}:${target.host}:${target.port}: ${message}`, options);
    this.name = 'TransportError';
    this.target = target;
    this.connectFailure = options?.connectFailure;
  }
}

export interface SipTransport {
  /** Sends a request (or ACK) to a resolved target. Rejects with TransportError. */
  send(message: SipMessage, target: TransportTarget): Promise<void>;
  /**
   * Sends a response the way RFC 3261 §18.2.2 and RFC 3581 §4 say: on the
   * connection the request came on while it is open, else to the top Via's
   * received/rport (or sent-by) address. Rejects with TransportError.
   */
  sendResponse(response: SipResponse, request: IncomingMessage): Promise<void>;
  /** Every message that parsed; malformed ones are answered 400 or dropped and logged below this interface. */
  onMessage(listener: (incoming: IncomingMessage) => void): () => void;
  /** What to put in Via sent-by and Contact for `protocol`. */
  localEndpoint(protocol: TransportProtocol): { readonly host: string; readonly port: number };
  /** TCP and TLS are reliable: no retransmission timers (§17.1.1.2, §17.1.2.2). */
  isReliable(protocol: TransportProtocol): boolean;
  /** Whether `protocol` is enabled at all: where a large request may move from UDP to TCP (§18.1.1). */
  canSend(protocol: TransportProtocol): boolean;
  /**
   * Keeps the connection to `target` from idle close until the returned
   * release is called (a no-op on UDP): a client transaction waiting for its
   * responses on a connection holds it.
   */
  hold(target: TransportTarget): () => void;
  close(): Promise<void>;
}
