/**
 * The Opus TOC byte (RFC 6716 §3.1): config (5 bits: mode, bandwidth and
 * frame duration per Table 2), stereo flag, frame-count code. Used here to
 * build the packets that make libopus conceal: §3.2.1 allows a frame of
 * length zero (what DTX sends), and a TOC-only code-0 packet is one such
 * frame, which libopus decodes by running its packet-loss concealment for
 * that frame's duration.
 */

/** Samples at 48 kHz in one frame of each config (RFC 6716 Table 2). */
export function frameSamples48k(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3] ?? 960; // SILK-only: 10, 20, 40, 60 ms
  if (config < 16) return (config & 1) === 0 ? 480 : 960; // Hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3] ?? 960; // CELT-only: 2.5, 5, 10, 20 ms
}

export function tocConfig(toc: number): number {
  return (toc >> 3) & 0x1f;
}

/** CELT-only fullband configs by duration: 2.5, 5, 10, 20 ms (RFC 6716 Table 2, configs 28 … 31). */
const CELT_FB: readonly (readonly [number, number])[] = [
  [31, 960],
  [30, 480],
  [29, 240],
  [28, 120],
];

/**
 * TOC-only packets that together conceal `sampleCount` samples at 48 kHz.
 * Reuses the last good packet's config (same mode and bandwidth) when its
 * frame divides the gap; otherwise fills with CELT-only frames, whose mode
 * libopus ignores for concealment anyway (it conceals in the previous mode).
 */
export function concealmentPackets(lastToc: number | undefined, sampleCount: number): Uint8Array[] {
  if (!Number.isInteger(sampleCount) || sampleCount <= 0 || sampleCount % 120 !== 0) {
    throw new RangeError(`Opus conceals whole 2.5 ms steps at 48 kHz, not ${sampleCount} samples`);
  }
  const packets: Uint8Array[] = [];
  if (lastToc !== undefined) {
    const config = tocConfig(lastToc);
    const n = frameSamples48k(config);
    if (sampleCount % n === 0) {
      // Code 0, mono: one zero-length frame per packet.
      for (let i = 0; i < sampleCount / n; i++) packets.push(Uint8Array.of((config << 3) & 0xf8));
      return packets;
    }
  }
  let left = sampleCount;
  for (const [config, n] of CELT_FB) {
    while (left >= n) {
      packets.push(Uint8Array.of(config << 3));
      left -= n;
    }
  }
  return packets;
}
