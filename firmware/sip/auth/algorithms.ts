/**
 * The digest algorithms this phone can answer, by the names they carry in the
 * `algorithm` parameter.
 *
 * RFC 8760 §2.1 adds SHA-256 and SHA-512-256 (and their "-sess" variants) to
 * the MD5 / MD5-sess of RFC 3261 §25, taking the names from the IANA "HTTP
 * Digest Hash Algorithms" registry of RFC 7616 §6.1. RFC 7616 §3.3 makes the
 * comparison of the value case-insensitive ("md5-sess" is MD5-sess).
 */
import type { BinaryLike } from 'node:crypto';
import { createHash } from 'node:crypto';

export type DigestAlgorithmName =
  | 'MD5'
  | 'MD5-sess'
  | 'SHA-256'
  | 'SHA-256-sess'
  | 'SHA-512-256'
  | 'SHA-512-256-sess';

export interface DigestAlgorithm {
  /** The canonical spelling, as it is written back in Authorization. */
  readonly name: DigestAlgorithmName;
  /** The node:crypto hash behind H(). */
  readonly nodeHash: 'md5' | 'sha256' | 'sha512-256';
  /** "-sess": A1 also covers the server nonce and the client nonce (RFC 7616 §3.4.2). */
  readonly session: boolean;
  /**
   * Larger is stronger. Used only when a local policy ranks challenges by
   * strength (see choose.ts); a "-sess" variant ranks as its base hash.
   */
  readonly strength: number;
}

const ALGORITHMS: readonly DigestAlgorithm[] = [
  { name: 'MD5', nodeHash: 'md5', session: false, strength: 1 },
  { name: 'MD5-sess', nodeHash: 'md5', session: true, strength: 1 },
  { name: 'SHA-256', nodeHash: 'sha256', session: false, strength: 2 },
  { name: 'SHA-256-sess', nodeHash: 'sha256', session: true, strength: 2 },
  { name: 'SHA-512-256', nodeHash: 'sha512-256', session: false, strength: 3 },
  { name: 'SHA-512-256-sess', nodeHash: 'sha512-256', session: true, strength: 3 },
];

/** The algorithm named by an `algorithm` value, or undefined when this phone cannot compute it. */
export function lookupAlgorithm(token: string): DigestAlgorithm | undefined {
  const wanted = token.toLowerCase();
  return ALGORITHMS.find((a) => a.name.toLowerCase() === wanted);
}

/** H(data) of RFC 7616 §3.4: the lowercase hex digest. Strings are hashed as UTF-8. */
export function hashHex(algorithm: DigestAlgorithm, data: BinaryLike): string {
  return createHash(algorithm.nodeHash).update(data).digest('hex');
}
