/**
 * The admin password as stored: scrypt (RFC 7914) with a random salt, the
 * cost parameters kept next to the hash so they can be raised later without
 * locking anyone out (a stored hash is verified with its own parameters).
 *
 * Cost: RFC 7914 §2 uses N = 2^14, r = 8 for interactive logins; OWASP's
 * password storage cheat sheet asks for N = 2^17, which takes 128 MiB per
 * attempt — too much for a small board with audio running. 2^15 (32 MiB) is
 * used, and the login throttle (login-throttle.ts) bounds how often anyone
 * can make the phone pay it.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelization. */
  readonly p: number;
  /** Derived key length in bytes. */
  readonly keyLength: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };

export interface PasswordHash {
  readonly algorithm: 'scrypt';
  readonly params: ScryptParams;
  /** base64 */
  readonly salt: string;
  /** base64 */
  readonly hash: string;
}

const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses more than `maxmem` (32 MiB by default), so ask for what is needed.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, params.keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return { algorithm: 'scrypt', params, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Constant-time comparison of the derived key. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), { ...stored.params, keyLength: expected.length });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Narrows what was read back from storage; undefined when it is not a hash this code wrote. */
export function asPasswordHash(value: unknown): PasswordHash | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const params = v['params'];
  if (v['algorithm'] !== 'scrypt' || typeof v['salt'] !== 'string' || typeof v['hash'] !== 'string') return undefined;
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  const { N, r, p: par, keyLength } = { N: p['N'], r: p['r'], p: p['p'], keyLength: p['keyLength'] };
  if (!isPositiveInt(N) || !isPositiveInt(r) || !isPositiveInt(par) || !isPositiveInt(keyLength)) return undefined;
  // N must be a power of two above 1 (RFC 7914 §2).
  if (N < 2 || (N & (N - 1)) !== 0) return undefined;
  return { algorithm: 'scrypt', params: { N, r, p: par, keyLength }, salt: v['salt'], hash: v['hash'] };
}
