/**
 * The Via a client transaction puts on top of a request it sends (RFC 3261
 * §8.1.1.7, §18.1.1): sent-protocol for the transport in use, sent-by from
 * the transport's local endpoint, a fresh branch with the magic cookie
 * ("The branch parameter value MUST be unique across space and time for all
 * requests sent by the UA", "MUST always begin with the characters
 * 'z9hG4bK'"), and an empty rport (RFC 3581 §3: a client may add an rport
 * parameter without a value to the top Via of the requests it generates), so
 * responses come back through a NAT to the port the request left from.
 */
import { Parameters, Via, createBranch, formatVia, getTopVia, isIPv6 } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import type { TransportProtocol } from '../transport/types.js';

export function createLocalVia(
  protocol: TransportProtocol,
  endpoint: { readonly host: string; readonly port: number },
  branch: string = createBranch(),
): Via {
  // An IPv6 sent-by is written as a reference, in brackets (RFC 5118 §4.1).
  const host = isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  return new Via({
    transport: protocol.toUpperCase(),
    host,
    port: endpoint.port,
    params: new Parameters().set('branch', branch).set('rport', null),
  });
}

/** The Via header value, for Headers.prepend('Via', …). */
export function localViaValue(protocol: TransportProtocol, endpoint: { readonly host: string; readonly port: number }, branch?: string): string {
  return formatVia(createLocalVia(protocol, endpoint, branch));
}

/**
 * `request` (a copy) with its top Via — one this UA wrote — naming another
 * transport: sent-protocol and sent-by for `protocol`, the branch and every
 * other parameter kept. §18.1.1: "If this causes a change in the transport
 * protocol from the one indicated in the top Via, the value in the top Via
 * MUST be changed."
 */
export function withLocalViaFor(
  request: SipRequest,
  protocol: TransportProtocol,
  endpoint: { readonly host: string; readonly port: number },
): SipRequest {
  const top = getTopVia(request);
  if (top === undefined) throw new Error(`${request.method} has no Via to change`);
  const local = createLocalVia(protocol, endpoint, top.branch);
  const via = new Via({ protocol: top.protocol, version: top.version, transport: local.transport, host: local.host, port: local.port, params: top.params });
  const headers = request.headers.clone();
  headers.replaceFirst('Via', formatVia(via));
  return { ...request, headers };
}
