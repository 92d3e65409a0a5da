/**
 * Reading an Opus packet without decoding it (RFC 6716 §3): the TOC byte
 * (config: mode, bandwidth and frame duration per Table 2; stereo flag;
 * frame-count code), where the first frame starts (§3.2), and whether it
 * carries in-band FEC (LBRR) for the frame before it.
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

/** One frame length as §3.2.1 codes it: one byte below 252, else two. */
function frameLength(packet: Uint8Array, at: number): { readonly length: number; readonly next: number } | undefined {
  const b0 = packet[at];
  if (b0 === undefined) return undefined;
  if (b0 < 252) return { length: b0, next: at + 1 };
  const b1 = packet[at + 1];
  return b1 === undefined ? undefined : { length: 4 * b1 + b0, next: at + 2 };
}

/** Offset and length of the packet's first frame (§3.2.2–§3.2.5), or undefined for a malformed packet. */
export function firstFrame(packet: Uint8Array): { readonly offset: number; readonly length: number } | undefined {
  const toc = packet[0];
  if (toc === undefined) return undefined;
  const rest = packet.length - 1;
  switch (toc & 0x3) {
    case 0:
      return { offset: 1, length: rest };
    case 1:
      return rest % 2 === 0 ? { offset: 1, length: rest / 2 } : undefined;
    case 2: {
      const first = frameLength(packet, 1);
      return first && first.next + first.length <= packet.length ? { offset: first.next, length: first.length } : undefined;
    }
    default: {
      const count = packet[1];
      if (count === undefined) return undefined;
      const frames = count & 0x3f;
      if (frames === 0) return undefined;
      let at = 2;
      let padding = 0;
      if (count & 0x40) {
        // Padding length: bytes of 255 add 254 and go on; the first other byte ends it (§3.2.5).
        for (;;) {
          const p = packet[at++];
          if (p === undefined) return undefined;
          padding += p === 255 ? 254 : p;
          if (p !== 255) break;
        }
      }
      if (count & 0x80) {
        const first = frameLength(packet, at);
        if (!first) return undefined;
        let next = first.next;
        for (let i = 1; i < frames - 1; i++) {
          const l = frameLength(packet, next);
          if (!l) return undefined;
          next = l.next;
        }
        return next + first.length <= packet.length - padding ? { offset: next, length: first.length } : undefined;
      }
      const body = packet.length - at - padding;
      return body >= 0 && body % frames === 0 ? { offset: at, length: body / frames } : undefined;
    }
  }
}

/**
 * Whether the packet carries LBRR (in-band FEC) data for the frame before
 * it. Only SILK-only and hybrid packets can (§2.1.7, §4.2): their first
 * frame opens with one VAD flag per 20 ms SILK frame and then the LBRR
 * flag, each range-coded with probability ½ (§4.2.3), and such leading
 * equiprobable symbols come out of the range decoder as the first byte's
 * top bits. Mono streams only: this phone receives mono.
 */
export function hasLbrr(packet: Uint8Array): boolean {
  const toc = packet[0];
  if (toc === undefined) return false;
  const config = tocConfig(toc);
  if (config >= 16) return false;
  const frame = firstFrame(packet);
  if (!frame || frame.length === 0) return false;
  const silkFrames = Math.max(1, frameSamples48k(config) / 960);
  const first = packet[frame.offset] ?? 0;
  return ((first >> (7 - silkFrames)) & 1) === 1;
}
