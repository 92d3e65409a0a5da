/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
 * complement sum of the data taken as 16-bit big-endian words, an odd last
 * byte padded with zero. IPv4 headers (RFC 791 §3.1) and UDP (RFC 768, with
 * its pseudo-header; RFC 8200 §8.1 for IPv6) use it.
 */

/** Adds `data` to a running 32-bit sum (not yet folded or complemented). */
export function sumWords(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = data.length - (data.length % 2);
  for (let i = 0; i < even; i += 2) sum += ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  if (even < data.length) sum += (data[even] ?? 0) << 8;
  // Fold as we go so the sum stays a small integer however long the data.
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Folds and complements a sum into the 16-bit checksum field value. */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let carry: number | undefined;
  for (const part of parts) {
    // Parts are summed as one byte stream: an odd-length part leaves a byte for the next.
    let data = part;
    if (carry !== undefined && data.length > 0) {
      sum = sumWords(Uint8Array.of(carry, data[0] ?? 0), sum);
      data = data.subarray(1);
      carry = undefined;
    }
    if (data.length % 2 === 1) {
      carry = data[data.length - 1];
      data = data.subarray(0, data.length - 1);
    }
    sum = sumWords(data, sum);
  }
  if (carry !== undefined) sum = sumWords(Uint8Array.of(carry), sum);
  return finishChecksum(sum);
}
