/**
 * What the transport does with bytes it received, before anything above it
 * sees them — one pure function shared by UDP datagrams and stream frames:
 *
 * - parse (parseMessage never throws);
 * - a request that fails to parse or to validate is answered 400 (505, 513)
 *   with the fault as reason phrase when its Via, From, To, Call-ID and CSeq
 *   could be read (RFC 3261 §8.2, §18.3 "If the message is a request, the
 *   element SHOULD generate a 400 (Bad Request) response"); ACK never is
 *   (§17.2.1: an ACK gets no response);
 * - anything else malformed, and responses missing the headers needed to
 *   match a transaction (§8.1.3), is dropped for the caller to log;
 * - a good request gets received/rport in its top Via (§18.2.1, RFC 3581).
 */
import type { MessageLimits, SipMessage, SipResponse, TransportKind } from '../message/index.js';
import { createResponse, parseMessage, validateRequest, validateResponse } from '../message/index.js';
import { readTopVia } from './response-route.js';
import type { TransportTarget } from './types.js';
import { stampTopVia } from './via-stamp.js';

export type InboundOutcome =
  | { readonly kind: 'deliver'; readonly message: SipMessage; readonly warnings: readonly string[] }
  /** Send `response` back (the request's top Via is already stamped in it), then forget the request. */
  | { readonly kind: 'reject'; readonly response: SipResponse; readonly reason: string }
  | { readonly kind: 'drop'; readonly reason: string };

export interface InboundOptions {
  readonly transport: TransportKind;
  readonly source: TransportTarget;
  readonly limits?: MessageLimits;
}

export function processInbound(bytes: Uint8Array, options: InboundOptions): InboundOutcome {
  const parsed = parseMessage(bytes, { transport: options.transport, limits: options.limits });
  if (!parsed.ok) {
    const { error } = parsed;
    if (error.canAnswer && error.partial !== undefined) {
      // The Via may be what is malformed: then the answer goes to the packet source (see response-route.ts).
      stampTopVia(error.partial, options.source);
      return { kind: 'reject', response: createResponse(error.partial, error.status, error.reason), reason: error.reason };
    }
    return { kind: 'drop', reason: error.reason };
  }

  const { message, warnings } = parsed;
  if (message.kind === 'response') {
    const v = validateResponse(message);
    if (!v.ok) return { kind: 'drop', reason: `response: ${v.reason}` };
    return { kind: 'deliver', message, warnings: [...warnings, ...v.warnings] };
  }

  const v = validateRequest(message);
  if (!v.ok) {
    // Without a Via there is nowhere to send an answer (§18.2.2); an ACK is never answered.
    if (message.method === 'ACK' || readTopVia(message) === undefined) return { kind: 'drop', reason: v.reason };
    stampTopVia(message, options.source);
    return { kind: 'reject', response: createResponse(message, 400, v.reason), reason: v.reason };
  }
  stampTopVia(message, options.source);
  return { kind: 'deliver', message, warnings: [...warnings, ...v.warnings] };
}

/** A datagram of nothing but CR/LF: a NAT keep-alive (RFC 5626 §3.5.1 style), not a message. */
export function isCrlfKeepalive(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((b) => b === 0x0d || b === 0x0a);
}

/**
 * A STUN message (RFC 5389 §6: top two bits zero, magic cookie 0x2112A442 at
 * offset 4) — the UDP keep-alive of RFC 5626 §4.4.2 that a peer may send to
 * the SIP port. Not SIP; ignored without a log line.
 */
export function isStunMessage(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 20 &&
    ((bytes[0] ?? 0xff) & 0xc0) === 0 &&
    bytes[4] === 0x21 &&
    bytes[5] === 0x12 &&
    bytes[6] === 0xa4 &&
    bytes[7] === 0x42
  );
}
