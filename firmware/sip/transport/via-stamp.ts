/**
 * What a server transport writes into the top Via of a request it receives.
 *
 * RFC 3261 §18.2.1: "If the host portion of the "sent-by" parameter contains
 * a domain name, or if it contains an IP address that differs from the
 * packet source address, the server MUST add a "received" parameter to that
 * Via header field value. This parameter MUST contain the source address
 * from which the packet was received."
 *
 * RFC 3581 §4: "If this Via header field value contains an "rport" parameter
 * with no value, it MUST set the value of the parameter to the source port
 * of the request." and, in that case, "the server MUST insert a "received"
 * parameter containing the source IP address that the request came from,
 * even if it is identical to the value of the "sent-by" component." The
 * processing "takes place independent of the transport protocol".
 */
import type { HasHeaders } from '../message/index.js';
import { formatVia, getTopVia, hostsEqual } from '../message/index.js';
import type { Via } from '../message/index.js';
import { isIpLiteral, normalizeAddress } from './addresses.js';
import type { TransportTarget } from './types.js';

/** The parameters to set on `via` for a request from `source`; empty when nothing changes. */
export function viaStampFor(via: Via, source: TransportTarget): { received?: string; rport?: string } {
  const sourceHost = normalizeAddress(source.host);
  const askedForRport = via.params.has('rport') && via.params.get('rport') === null;
  const sentByDiffers = !isIpLiteral(via.host) || !hostsEqual(normalizeAddress(via.host), sourceHost);
  const stamp: { received?: string; rport?: string } = {};
  // RFC 5118 §4.5 lets an IPv6 received go without brackets, as the RFC 3261 ABNF writes it.
  if (sentByDiffers || askedForRport) stamp.received = sourceHost;
  if (askedForRport) stamp.rport = String(source.port);
  return stamp;
}

/**
 * Rewrites the top Via of `message` (a received request, or the partial
 * headers of one that failed to parse) with received/rport. Returns false
 * when the top Via is missing or unreadable, leaving the headers untouched.
 */
export function stampTopVia(message: HasHeaders, source: TransportTarget): boolean {
  let via: Via | undefined;
  try {
    via = getTopVia(message);
  } catch {
    return false;
  }
  if (via === undefined) return false;
  const stamp = viaStampFor(via, source);
  if (stamp.received === undefined && stamp.rport === undefined) return true;
  if (stamp.received !== undefined) via.params.set('received', stamp.received);
  if (stamp.rport !== undefined) via.params.set('rport', stamp.rport);
  message.headers.replaceFirst('Via', formatVia(via));
  return true;
}
