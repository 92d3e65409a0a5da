/**
 * RFC 3261 §18.1.1, the message size rule, as the small policies the
 * transaction layer applies where it writes the top Via (transaction-layer.ts):
 *
 * "If a request is within 200 bytes of the path MTU, or if it is larger than
 * 1300 bytes and the path MTU is unknown, the request MUST be sent using an
 * RFC 2914 congestion controlled transport protocol, such as TCP. If this
 * causes a change in the transport protocol from the one indicated in the
 * top Via, the value in the top Via MUST be changed."
 *
 * "If an element sends a request over TCP because of these message size
 * constraints, and that request would have otherwise been sent over UDP, if
 * the attempt to establish the connection generates either an ICMP Protocol
 * Not Supported, or results in a TCP reset, the element SHOULD retry the
 * request, using UDP."
 */
import { normalizeAddress } from './addresses.js';
import type { ConnectFailure, TransportTarget } from './types.js';
import { TransportError } from './types.js';

/** The limit when the path MTU is unknown, which it always is to this phone. */
export const UDP_SIZE_LIMIT = 1300;

export function exceedsUdpSizeLimit(byteLength: number, pathMtu?: number): boolean {
  return pathMtu === undefined ? byteLength > UDP_SIZE_LIMIT : byteLength > pathMtu - 200;
}

/** What a failed dial's system error (its `code`) says about the peer; see ConnectFailure. */
export function connectFailureOf(error: unknown): ConnectFailure {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
      return 'reset';
    // Linux reports an ICMP Protocol Unreachable to a connecting socket as ENOPROTOOPT.
    case 'ENOPROTOOPT':
    case 'EPROTONOSUPPORT':
      return 'protocol-unsupported';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

/**
 * Whether a failed TCP send of a request moved there by size goes back to
 * UDP: the ICMP Protocol Not Supported and the TCP reset (a refusal, or a
 * reset in the handshake) the RFC names, and a connect that timed out — a
 * firewall that drops SYNs says "no TCP here" as surely as a reset does.
 * Not a failure after the connection was made (the request may have been
 * received), nor an unreachable host or network (UDP would not get there
 * either: the transaction fails with a transport error, as it would have).
 */
export function retriesOverUdp(error: unknown): boolean {
  if (!(error instanceof TransportError)) return false;
  switch (error.connectFailure) {
    case 'refused':
    case 'reset':
    case 'protocol-unsupported':
    case 'timeout':
      return true;
    case 'other':
    case undefined:
      return false;
  }
}

/** How long a target that would not take a TCP connection gets its large requests over UDP without a new attempt. */
export const NO_TCP_MEMORY_MS = 5 * 60_000;

/**
 * The targets (host and port) that recently failed the TCP attempt of a
 * large request, as many phones keep. Why remember at all: with the TCP
 * port filtered, each attempt waits out the whole connect timeout (10 s by
 * default) before the UDP retry, so without a memo every authenticated call
 * would ring 10 s late; a refusal costs only a round trip, but is just as
 * unlikely to change within minutes. Remembering is never worse than the
 * phone was before the rule: meanwhile large requests go over UDP, as
 * they always did. Not for ever: a server that starts listening on TCP is
 * tried again after NO_TCP_MEMORY_MS. Expiry is checked when asked, so the
 * memo holds no timers.
 */
export class NoTcpMemo {
  readonly #now: () => number;
  readonly #forMs: number;
  /** key → board clock time of the failure */
  readonly #failedAt = new Map<string, number>();

  constructor(now: () => number, forMs: number = NO_TCP_MEMORY_MS) {
    this.#now = now;
    this.#forMs = forMs;
  }

  remember(target: TransportTarget): void {
    const now = this.#now();
    for (const [key, at] of this.#failedAt) if (now - at >= this.#forMs) this.#failedAt.delete(key);
    this.#failedAt.set(NoTcpMemo.#key(target), now);
  }

  /** Milliseconds since `target` failed, while that is remembered; else undefined. */
  failedMsAgo(target: TransportTarget): number | undefined {
    const at = this.#failedAt.get(NoTcpMemo.#key(target));
    if (at === undefined) return undefined;
    const ago = this.#now() - at;
    return ago < this.#forMs ? ago : undefined;
  }

  /** One entry per address and port, whatever protocol the target names. */
  static #key(target: TransportTarget): string {
    return `${normalizeAddress(target.host)}|${target.port}`;
  }
}
