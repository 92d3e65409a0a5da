/**
 * Which server to try after a REGISTER attempt on one server failed.
 *
 * An account has up to two servers (account.N.sip_server.1 primary,
 * .2 fallback). Each has `retry_counts`: "Times a request to server M is
 * retried when it does not answer, before the next server" (the Yealink
 * meaning). So after a failed attempt:
 *
 *   - the same server again, at once, while it has retries left (each
 *     attempt has already waited out Timer F, 32 s, or was refused);
 *   - else the next server, at once;
 *   - else the cycle is over: back off (backoff-policy.ts) and start the
 *     next cycle with the primary again, so the phone returns to server 1
 *     as soon as it answers.
 *
 * Within one attempt every resolved address of the server is tried in turn
 * before the attempt counts as failed (RFC 3263 §4.3: "If a failure occurs,
 * the client SHOULD try the next element"); that is the client's loop, not
 * this function's.
 */

export interface FailoverPosition {
  /** Index into the account's server list (0 = primary). */
  readonly serverIndex: number;
  /** Attempts on that server in this cycle that have failed, including the one just failed. */
  readonly failedAttempts: number;
}

export type FailoverStep =
  | { readonly kind: 'same-server'; readonly next: FailoverPosition }
  | { readonly kind: 'next-server'; readonly next: FailoverPosition }
  | { readonly kind: 'new-cycle'; readonly next: FailoverPosition };

export const CYCLE_START: FailoverPosition = { serverIndex: 0, failedAttempts: 0 };

export function afterServerFailure(
  position: FailoverPosition,
  servers: readonly { readonly retryCounts: number }[],
): FailoverStep {
  const server = servers[position.serverIndex];
  if (server !== undefined && position.failedAttempts <= server.retryCounts) {
    return { kind: 'same-server', next: position };
  }
  if (position.serverIndex + 1 < servers.length) {
    return { kind: 'next-server', next: { serverIndex: position.serverIndex + 1, failedAttempts: 0 } };
  }
  return { kind: 'new-cycle', next: CYCLE_START };
}

/**
 * Final responses after which the next address of the same server is
 * tried: 503 (RFC 3263 §4.3: "If a 503 ... the client SHOULD try the next
 * element") and 408 — the response twin of a timeout, which §8.1.3.1 says
 * to treat like one. Any other non-2xx is the server's answer, which
 * another address of it would give too.
 */
export function triesNextAddress(status: number): boolean {
  return status === 503 || status === 408;
}
