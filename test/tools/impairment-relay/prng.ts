/**
 * The seeded pseudo-random source behind every impairment model, so that a
 * seed names one impairment sequence exactly: a run that found a bug can be
 * replayed packet for packet.
 *
 * mulberry32 (Tommy Ettinger, public domain): 32 bits of state, one add and
 * two multiply-xorshift rounds per draw. Its quality is far beyond what a
 * delay or loss decision needs, and it is small enough to read here.
 */

/** Uniform in [0, 1). */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Folds integers into one 32-bit seed (the murmur3 finaliser after each
 * word), so each direction, flow and model stage draws from its own stream:
 * adding a stage or a flow does not shift the sequence another one sees.
 */
export function mixSeed(...words: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    h = Math.imul(h ^ (w >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Standard normal by Box–Muller (two uniforms per draw; the second variate is discarded to keep draws per packet fixed). */
export function standardNormal(random: Random): number {
  const u1 = 1 - random(); // (0, 1]: log(0) would be −∞
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** An integer uniformly in [min, max]. */
export function uniformInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
