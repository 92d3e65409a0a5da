/**
 * Where a response goes when it cannot (or need not) ride the connection its
 * request came on: RFC 3261 §18.2.2 with RFC 3581 §4.
 *
 * Reliable: "the response MUST be sent using the existing connection to the
 * source of the original request [...], if that connection is still open.
 * [...] If that connection is no longer open, the server SHOULD open a
 * connection to the IP address in the "received" parameter, if present,
 * using the port in the "sent-by" value, or the default port for that
 * transport, if no port is specified." (The connection part is the stream
 * transport's job; this is the address it falls back to.)
 *
 * Unreliable: "if the top Via has a "received" parameter, the response MUST
 * be sent to the address in the "received" parameter, using the port
 * indicated in the "sent-by" value, or using port 5060 if none is specified
 * explicitly." RFC 3581 §4: with both "received" and "rport", "the response
 * MUST be sent to the IP address listed in the "received" parameter, and the
 * port in the "rport" parameter."
 *
 * Not implemented: maddr (§18.2.2 multicast case; a desk phone never gets
 * one) and the RFC 3263 §5 lookup of a sent-by domain name without received
 * (cannot happen for a request this transport stamped: a domain sent-by
 * always gets received). Without a usable host the packet source is used.
 */
import type { HasHeaders, Via } from '../message/index.js';
import { getTopVia } from '../message/index.js';
import { defaultPort, isIpLiteral, normalizeAddress } from './addresses.js';
import type { TransportProtocol, TransportTarget } from './types.js';

function responseHost(via: Via, source: TransportTarget): string {
  if (via.received !== undefined) return normalizeAddress(via.received);
  if (isIpLiteral(via.host)) return normalizeAddress(via.host);
  return normalizeAddress(source.host);
}

/** UDP: received (or sent-by host), rport if it has a value, else the sent-by port, else 5060. */
export function unreliableResponseTarget(via: Via | undefined, source: TransportTarget): TransportTarget {
  if (via === undefined) return { protocol: 'udp', host: normalizeAddress(source.host), port: source.port };
  const rport = via.rport;
  const port = typeof rport === 'number' && Number.isInteger(rport) && rport > 0 ? rport : (via.port ?? defaultPort('udp'));
  return { protocol: 'udp', host: responseHost(via, source), port };
}

/**
 * TCP/TLS when the request's connection is gone: received (or sent-by host)
 * and the sent-by port or the default. rport is not used here: on a stream
 * it names the peer's ephemeral source port, closed with the connection.
 */
export function reliableResponseTarget(
  via: Via | undefined,
  source: TransportTarget,
  protocol: Exclude<TransportProtocol, 'udp'>,
): TransportTarget {
  if (via === undefined) return { protocol, host: normalizeAddress(source.host), port: source.port };
  return { protocol, host: responseHost(via, source), port: via.port ?? defaultPort(protocol) };
}

/** The top Via if there is a readable one; undefined sends the response to the packet source. */
export function readTopVia(message: HasHeaders): Via | undefined {
  try {
    return getTopVia(message);
  } catch {
    return undefined;
  }
}
