/**
 * Pitch estimate for waveform-substitution concealment, as G.711 Appendix I
 * §I.2.2 describes it: the lag, between 5 ms and 15 ms (200 Hz down to
 * 66.7 Hz), at which the most recent 20 ms of history best matches the
 * history before it, by normalised cross-correlation. A coarse search over
 * every other sample at 8 kHz (4 kHz) finds the region cheaply; a fine search at the
 * full rate around the coarse winner picks the exact lag.
 */

export interface PitchSearchParams {
  /** Shortest lag searched, in samples (5 ms). */
  readonly minLag: number;
  /** Longest lag searched, in samples (15 ms). */
  readonly maxLag: number;
  /** Length of the matched window, in samples (20 ms). */
  readonly window: number;
  /** Decimation factor of the coarse search (down to 4 kHz). */
  readonly decimation: number;
}

/** The Appendix I parameters scaled to `sampleRate` (they are given for 8 kHz). */
export function pitchSearchParams(sampleRate: number): PitchSearchParams {
  const scale = sampleRate / 8000;
  return {
    minLag: Math.round(40 * scale),
    maxLag: Math.round(120 * scale),
    window: Math.round(160 * scale),
    decimation: Math.max(1, Math.round(sampleRate / 4000)),
  };
}

/**
 * Normalised correlation of the last `window` samples of `history` with the
 * window `lag` samples earlier, sampling every `step`-th sample. Normalised by
 * the earlier window's energy only (as Appendix I does) so that the score
 * rewards a match in shape and does not favour loud segments; a floor on the
 * energy keeps near-silence from producing huge scores.
 */
function correlation(history: ArrayLike<number>, lag: number, window: number, step: number): number {
  const end = history.length;
  let cross = 0;
  let energy = 0;
  for (let i = end - window; i < end; i += step) {
    const recent = history[i] ?? 0;
    const earlier = history[i - lag] ?? 0;
    cross += recent * earlier;
    energy += earlier * earlier;
  }
  const floor = (250 * window) / step;
  return cross / Math.sqrt(Math.max(energy, floor));
}

/**
 * The pitch lag in samples. `history` must hold at least
 * `window + maxLag` samples; the most recent sample is the last.
 */
export function findPitch(history: ArrayLike<number>, params: PitchSearchParams): number {
  const { minLag, maxLag, window, decimation } = params;
  if (history.length < window + maxLag) {
    throw new RangeError(`pitch search needs ${window + maxLag} samples of history, has ${history.length}`);
  }
  let bestLag = minLag;
  let best = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag += decimation) {
    const score = correlation(history, lag, window, decimation);
    if (score > best) {
      best = score;
      bestLag = lag;
    }
  }
  const coarse = bestLag;
  best = -Infinity;
  const from = Math.max(minLag, coarse - (decimation - 1));
  const to = Math.min(maxLag, coarse + (decimation - 1));
  for (let lag = from; lag <= to; lag++) {
    const score = correlation(history, lag, window, 1);
    if (score > best) {
      best = score;
      bestLag = lag;
    }
  }
  return bestLag;
}
