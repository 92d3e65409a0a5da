/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1).
 *
 * The keystream is E(k, IV) || E(k, IV + 1 mod 2^128) || …, XORed onto the
 * payload. node's `aes-*-ctr` increments the whole 128-bit block the same way,
 * so it is exactly the RFC's generator; what SRTP adds is the IV.
 */
import { createCipheriv } from 'node:crypto';

/** Largest packet index: 48 bits (RFC 3711 §3.3.1). */
export const MAX_PACKET_INDEX = 2 ** 48 - 1;

/**
 * The SRTP/SRTCP counter-mode IV of RFC 3711 §4.1.1:
 *
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
 *
 * k_s is the 112-bit session salt, i the 48-bit packet index (for SRTCP, the
 * 31-bit SRTCP index, §3.4). In octets: salt in 0..13, SSRC over 4..7, index
 * over 8..13, and 14..15 left zero for the block counter.
 */
export function aesCmIv(sessionSalt: Uint8Array, ssrc: number, index: number): Buffer {
  if (sessionSalt.length !== 14) throw new RangeError(`session salt must be 14 octets, got ${sessionSalt.length}`);
  if (!Number.isInteger(index) || index < 0 || index > MAX_PACKET_INDEX) {
    throw new RangeError(`packet index out of range: ${index}`);
  }
  const iv = Buffer.alloc(16);
  iv.set(sessionSalt, 0);
  const ssrcField = Buffer.alloc(4);
  ssrcField.writeUInt32BE(ssrc >>> 0, 0);
  const indexField = Buffer.alloc(6);
  indexField.writeUIntBE(index, 0, 6);
  for (let n = 0; n < 4; n++) iv[4 + n] = (iv[4 + n] ?? 0) ^ (ssrcField[n] ?? 0);
  for (let n = 0; n < 6; n++) iv[8 + n] = (iv[8 + n] ?? 0) ^ (indexField[n] ?? 0);
  return iv;
}

function cipherName(key: Uint8Array): 'aes-128-ctr' | 'aes-192-ctr' | 'aes-256-ctr' {
  switch (key.length) {
    case 16:
      return 'aes-128-ctr';
    case 24:
      return 'aes-192-ctr';
    case 32:
      return 'aes-256-ctr';
    default:
      throw new RangeError(`AES key must be 16, 24 or 32 octets, got ${key.length}`);
  }
}

/** XOR `data` with the AES-CM keystream that starts at `iv` (encryption and decryption alike). */
export function aesCmTransform(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv(cipherName(key), key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** The first `length` octets of the AES-CM keystream that starts at `iv`. */
export function aesCmKeystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  return aesCmTransform(key, iv, Buffer.alloc(length));
}
