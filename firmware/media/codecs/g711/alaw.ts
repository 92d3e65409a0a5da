/**
 * ITU-T G.711 A-law (PCMA), table-driven.
 *
 * G.711 §3 / Table 1a define A-law on 13-bit uniform PCM: segments 0 and 1
 * share the smallest step, every later segment doubles it, and the even bits
 * of the code word are inverted (XOR 0x55) before transmission. A-law has no
 * zero level (its levels are ±1, ±3, … in 13-bit units), so the quantizer is
 * symmetric about −½: a negative input is folded with the one's complement
 * (−x − 1), which sends 0 to +8 and −1 to −8 in 16-bit units. This is the
 * segment algorithm of the classic Sun Microsystems g711.c, precomputed once
 * for every 13-bit input.
 */

function encodeBySegments(sample: number): number {
  const negative = sample < 0;
  const magnitude = negative ? -sample - 1 : sample;
  const segment = magnitude < 0x100 ? 0 : 31 - Math.clz32(magnitude) - 7;
  // Segments 0 and 1 both quantise in steps of 16 (16-bit units).
  const step = (magnitude >> (segment < 2 ? 4 : segment + 3)) & 0x0f;
  return ((segment << 4) | step) ^ (negative ? 0x55 : 0xd5);
}

/** Decoded value (16-bit scale) of every code: segment 0 → 2q + 1, else (2q + 33) << (s − 1); times 8. */
const DECODE = new Int16Array(256);
for (let code = 0; code < 256; code++) {
  const c = code ^ 0x55;
  const segment = (c >> 4) & 0x07;
  const step = c & 0x0f;
  const magnitude = segment === 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (segment - 1);
  DECODE[code] = c & 0x80 ? magnitude : -magnitude;
}

/**
 * Code for every 13-bit input (8 KiB): the three bits below the 13-bit LSB
 * never change an A-law code, so the table is indexed by x >> 3.
 */
const ENCODE = new Uint8Array(8192);
for (let i = 0; i < 8192; i++) {
  const sample13 = i < 4096 ? i : i - 8192;
  // Any 16-bit sample in [8·x13, 8·x13 + 7] has the same code; use its lowest.
  ENCODE[i] = encodeBySegments(sample13 * 8);
}

/** A-law code for one 16-bit sample. */
export function alawEncodeSample(sample: number): number {
  return ENCODE[(sample >> 3) & 0x1fff] ?? 0xd5;
}

/** 16-bit value of one A-law code. */
export function alawDecodeSample(code: number): number {
  return DECODE[code & 0xff] ?? 0;
}

export function alawEncode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = ENCODE[((samples[i] ?? 0) >> 3) & 0x1fff] ?? 0xd5;
  return out;
}

export function alawDecode(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = DECODE[codes[i] ?? 0xd5] ?? 0;
  return out;
}
