/**
 * Where an in-dialog request the core sends (a BYE) goes when its next hop
 * is an IP literal: the common case for a direct call and for a PBX that
 * Record-Routes with its address. A host name needs RFC 3263 (the
 * transport's SipServerLocator), which the phone passes in as
 * `resolveTarget`; this is the fallback that needs no DNS.
 */
import type { SipRequest } from '../message/index.js';
import { defaultPort, isIpLiteral, normalizeAddress } from '../transport/addresses.js';
import { nextHopOfRequest } from '../transport/next-hop.js';
import type { TransportProtocol, TransportTarget } from '../transport/types.js';

function protocolOf(param: string | null | undefined, sips: boolean): TransportProtocol | undefined {
  if (sips) return 'tls';
  switch (param?.toLowerCase()) {
    case undefined:
    case 'udp':
      return 'udp';
    case 'tcp':
      return 'tcp';
    case 'tls':
      return 'tls';
    default:
      return undefined;
  }
}

/** The next hop of `request` (§8.1.2: first loose route, else the Request-URI) when it is an IP literal. */
export function literalTarget(request: SipRequest): TransportTarget | undefined {
  const hop = nextHopOfRequest(request);
  if (hop === undefined || !isIpLiteral(hop.uri.host)) return undefined;
  const protocol = protocolOf(hop.uri.params.get('transport'), hop.uri.scheme === 'sips');
  if (protocol === undefined) return undefined;
  return { protocol, host: normalizeAddress(hop.uri.host), port: hop.uri.port ?? defaultPort(protocol) };
}
