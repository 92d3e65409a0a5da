/**
 * When an idle TCP/TLS connection is closed (RFC 3261 §18: kept open "for
 * some implementation-defined duration after the last message was sent or
 * received"), as a pure decision the stream transport asks each time its
 * idle timer fires. See stream-transport.ts for the 32 s default.
 */
export type IdleDecision = { readonly action: 'close' } | { readonly action: 'wait'; readonly ms: number };

export function idleDecision(input: {
  /** Time since the last byte in either direction. */
  readonly quietMs: number;
  readonly idleTimeoutMs: number;
  /** Mid-message or mid-write. */
  readonly busy: boolean;
  /** Held by a keep-alive flow or other user. */
  readonly held: boolean;
}): IdleDecision {
  const { quietMs, idleTimeoutMs } = input;
  if (quietMs < idleTimeoutMs) return { action: 'wait', ms: idleTimeoutMs - quietMs };
  // In use: look again a full period later rather than polling.
  if (input.busy || input.held) return { action: 'wait', ms: idleTimeoutMs };
  return { action: 'close' };
}
