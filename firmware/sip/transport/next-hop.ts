/**
 * Where a request goes first (RFC 3261 §8.1.2), before RFC 3263 turns that
 * URI into addresses:
 *
 * - an outbound proxy, when one is configured ("a UAC SHOULD [...] send the
 *   request to the outbound proxy" — §8.1.2 lets a UA be configured with
 *   one, in place of a pre-loaded Route);
 * - else the first Route when it is a loose router (has ";lr", §16.12.1.1);
 * - else the Request-URI. With a strict router first in the route set, §12.2.1.1
 *   has already put that router's URI into the Request-URI, so it is
 *   right there too.
 *
 * Pure: no DNS, no sockets.
 */
import type { NameAddr, SipRequest, SipUri, Uri } from '../message/index.js';
import { getNameAddrList, sipUri } from '../message/index.js';
import type { TransportProtocol } from './types.js';

export interface OutboundProxy {
  /** Host name or IP literal (IPv6 in brackets). */
  readonly host: string;
  readonly port?: number;
  readonly transport?: TransportProtocol;
}

export interface NextHop {
  /** The URI to resolve (RFC 3263). */
  readonly uri: SipUri;
  /** A transport the configuration forces (pass as ResolveOptions.transport). */
  readonly transport?: TransportProtocol;
  readonly via: 'outbound-proxy' | 'loose-route' | 'request-uri';
}

/** undefined when nothing routable is left (e.g. a tel: Request-URI without a proxy or route). */
export function nextHop(requestUri: Uri, routes: readonly NameAddr[], proxy?: OutboundProxy): NextHop | undefined {
  if (proxy !== undefined) {
    return { uri: sipUri({ host: proxy.host, port: proxy.port }), transport: proxy.transport, via: 'outbound-proxy' };
  }
  const first = routes[0];
  if (first !== undefined && first.uri.kind === 'sip' && first.uri.params.has('lr')) {
    return { uri: first.uri, via: 'loose-route' };
  }
  if (requestUri.kind === 'sip') return { uri: requestUri, via: 'request-uri' };
  return undefined;
}

/** nextHop() for a built request: its Request-URI and Route header fields. */
export function nextHopOfRequest(request: SipRequest, proxy?: OutboundProxy): NextHop | undefined {
  return nextHop(request.uri, getNameAddrList(request, 'Route'), proxy);
}
