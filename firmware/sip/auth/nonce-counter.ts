/**
 * Client-side per-nonce state: the nonce-count and the client nonce.
 *
 * RFC 2617 §3.2.2: nc "is the hexadecimal count of the number of requests
 * (including the current request) that the client has sent with the nonce
 * value in this request" — 00000001 on the first use of a nonce, 00000002 on
 * the next, and back to 00000001 when the server hands out a new nonce. A
 * server that remembers counts refuses a repeated one as a replay.
 *
 * The client nonce is drawn once per server nonce and reused with it. For the
 * "-sess" algorithms RFC 2617 §3.2.2.2 computes A1 "only once — on the first
 * request … following receipt of a WWW-Authenticate challenge … [with] the
 * first client nonce value"; sending that same cnonce on later requests keeps
 * A1 the same whichever way a server reads that sentence. The increasing nc
 * keeps every request's response distinct.
 */
import { randomBytes } from 'node:crypto';

/** Produces a fresh client nonce; injectable so tests can use the RFC's values. */
export type CnonceSource = () => string;

/** 128 random bits, hex: no character needs escaping inside the quoted cnonce. */
export const randomCnonce: CnonceSource = () => randomBytes(16).toString('hex');

export interface NonceUse {
  /** The count for this request, 1 on the first use of the nonce. */
  readonly count: number;
  /** 8LHEX as RFC 3261 §25's nc-value wants it: "00000001". */
  readonly nc: string;
  readonly cnonce: string;
}

const MAX_COUNT = 0xffffffff;

export class NonceCounter {
  /** Keyed by realm and nonce, in least-recently-used order. */
  private readonly uses = new Map<string, { count: number; cnonce: string }>();

  /**
   * @param cnonces where client nonces come from
   * @param capacity how many nonces to remember; the oldest is forgotten
   *   first, so a phone that is challenged for days does not grow without bound
   */
  constructor(
    private readonly cnonces: CnonceSource = randomCnonce,
    private readonly capacity = 16,
  ) {}

  /**
   * Record one more request sent with this nonce and return its nc and cnonce,
   * or undefined once 2^32 - 1 uses are spent (nc has only 8 hex digits); the
   * caller then needs a fresh challenge.
   */
  use(realm: string, nonce: string): NonceUse | undefined {
    const key = `${realm}\u0000${nonce}`;
    const previous = this.uses.get(key);
    const entry = previous ?? { count: 0, cnonce: this.cnonces() };
    if (entry.count >= MAX_COUNT) return undefined;
    entry.count += 1;
    this.uses.delete(key);
    this.uses.set(key, entry);
    while (this.uses.size > this.capacity) {
      const oldest = this.uses.keys().next();
      if (oldest.done === true) break;
      this.uses.delete(oldest.value);
    }
    return { count: entry.count, nc: entry.count.toString(16).padStart(8, '0'), cnonce: entry.cnonce };
  }

  /** Forget a nonce, e.g. once the server has said it is stale. */
  forget(realm: string, nonce: string): void {
    this.uses.delete(`${realm}\u0000${nonce}`);
  }
}
