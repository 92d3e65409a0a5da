/**
 * ITU-T G.711 μ-law (PCMU), table-driven.
 *
 * G.711 §2 / Table 2a define μ-law on 14-bit uniform PCM: eight segments of
 * sixteen steps each, the step doubling per segment, every code word
 * complemented before transmission. With 16-bit input the segment search
 * works on |x| + 132 (the 14-bit bias of 33, times 4), so that segment s
 * spans 2^(s+8) .. 2^(s+9)-1 and its step is 2^(s+3); the bias is what puts
 * the decision levels midway between the reconstruction levels. Negative
 * inputs are coded by magnitude, symmetrically, as the classic Sun
 * Microsystems g711.c does (and sox, on the 14-bit grid); this is that
 * segment algorithm, precomputed once for every 16-bit input.
 */

const BIAS = 0x84;
/** Largest magnitude still inside segment 7: 32635 + 132 = 0x7FFF; beyond it the top code is sent. */
const MAX_MAGNITUDE = 32635;

function encodeBySegments(sample: number): number {
  const negative = sample < 0;
  const magnitude = Math.min(Math.abs(sample), MAX_MAGNITUDE) + BIAS;
  // Segment = position of the highest set bit above bit 7 (|x|+bias ≥ 0x84 > 0x80).
  const segment = 31 - Math.clz32(magnitude) - 7;
  const step = (magnitude >> (segment + 3)) & 0x0f;
  const code = (segment << 4) | step;
  // G.711 transmits the complement; the sign bit is 1 for positive values.
  return (negative ? 0x7f : 0xff) ^ code;
}

/** Decoded value (16-bit scale) of every code: ((2q + 33) << s) - 33, times 4. */
const DECODE = new Int16Array(256);
for (let code = 0; code < 256; code++) {
  const c = ~code & 0xff;
  const segment = (c >> 4) & 0x07;
  const step = c & 0x0f;
  const magnitude = (((step << 3) + BIAS) << segment) - BIAS;
  DECODE[code] = c & 0x80 ? -magnitude : magnitude;
}

/**
 * Code for every 16-bit input (64 KiB), built once from the segment
 * algorithm so that encoding is one table read per sample.
 */
const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) {
  const sample = i < 32768 ? i : i - 65536;
  ENCODE[i] = encodeBySegments(sample);
}

/** μ-law code for one 16-bit sample. */
export function mulawEncodeSample(sample: number): number {
  return ENCODE[sample & 0xffff] ?? 0xff;
}

/** 16-bit value of one μ-law code (0x7F and 0xFF both mean zero). */
export function mulawDecodeSample(code: number): number {
  return DECODE[code & 0xff] ?? 0;
}

export function mulawEncode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = ENCODE[(samples[i] ?? 0) & 0xffff] ?? 0xff;
  return out;
}

export function mulawDecode(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = DECODE[codes[i] ?? 0xff] ?? 0;
  return out;
}
