/**
 * What each of the UDP, TCP and TLS transports offers the multiplexer
 * (sip-transport.ts), which puts them behind the one SipTransport the SIP
 * core sees. Beyond SipTransport's methods (restricted to one protocol) they
 * carry the keep-alive plumbing (RFC 5626 §3.5.1) and connection holds.
 */
import type { SipMessage, SipResponse } from '../message/index.js';
import type { IncomingMessage, TransportProtocol, TransportTarget } from './types.js';

export interface ProtocolTransport {
  readonly protocol: TransportProtocol;
  /** The bound listening port; undefined when this transport only dials out. */
  readonly listeningPort: number | undefined;
  /** Open connections; always 0 for UDP. */
  readonly connectionCount: number;
  send(message: SipMessage, target: TransportTarget): Promise<void>;
  sendResponse(response: SipResponse, request: IncomingMessage): Promise<void>;
  onMessage(listener: (incoming: IncomingMessage) => void): () => void;
  /** Sends a CRLFCRLF keep-alive ping on the flow to `target` (a datagram on UDP). */
  ping(target: TransportTarget): Promise<void>;
  /** A CRLF pong (or a CRLF-only datagram) arrived from `remote`. */
  onPong(listener: (remote: TransportTarget) => void): () => void;
  /**
   * Marks the flow to `target` as in use so idle close spares it (a
   * registration flow, RFC 5626 §4.2); returns the release. A no-op on UDP.
   */
  hold(target: TransportTarget): () => void;
  close(): Promise<void>;
}
