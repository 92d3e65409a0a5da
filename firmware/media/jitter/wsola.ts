/**
 * Time-scale modification of speech by waveform-similarity overlap-add
 * (WSOLA, Verhelst & Roelands 1993), the family NetEQ's accelerate and
 * preemptive expand belong to: the length of a stretch of audio changes by
 * a whole number of lags τ chosen where the waveform repeats itself (a pitch
 * period in voiced speech), so nothing is cut mid-cycle and the pitch is
 * unchanged.
 *
 *  - accelerate: the two segments A = x[s, s+τ) and B = x[s+τ, s+2τ) are
 *    replaced by one segment that fades from A into B. Output is τ shorter.
 *    At its start it equals A (continuing x[s−1]), at its end it equals B
 *    (leading into x[s+2τ]), so the splice leaves no step.
 *  - expand: after x[s+τ) comes a segment fading from x[s+τ, s+2τ) into
 *    x[s, s+τ), then x[s+τ …] again: the period x[s, s+τ) is heard twice.
 *    Output is τ longer; both junctions continue the waveform.
 *
 * τ is the lag in [minLag, maxLag] where A and B correlate best
 * (normalised cross-correlation). A stretch is refused when no lag
 * correlates well enough — the audio is not periodic there and a splice
 * would be heard — unless the segment is so quiet that nothing can be heard
 * (NetEQ's "low energy" case), where the longest allowed lag is used.
 */

export interface StretchParams {
  /** Shortest lag considered, samples. */
  readonly minLag: number;
  /** Longest lag considered, samples (the amount changed is at most this). */
  readonly maxLag: number;
  /** Where the splice starts in the input (default 0). */
  readonly start?: number;
  /** Smallest normalised correlation accepted for audible audio (default 0.6). */
  readonly minCorrelation?: number;
  /** Below this RMS the segment counts as silence and any lag will do (default 100). */
  readonly silenceRms?: number;
  /** Splice only if the segment is silence (lags shorter than a pitch period are heard anywhere else). */
  readonly onlyInSilence?: boolean;
}

export interface StretchResult {
  readonly output: Int16Array;
  /** Samples removed (accelerate) or inserted (expand): |output.length − input.length|. */
  readonly changed: number;
  /** The normalised correlation at the chosen lag (1 for silence). */
  readonly correlation: number;
}

interface Lag {
  readonly lag: number;
  readonly correlation: number;
}

function clamp16(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/** The usable lag range for `x` from `start`, where 2τ samples must fit. */
function lagRange(x: ArrayLike<number>, p: StretchParams): { readonly lo: number; readonly hi: number; readonly s: number } {
  const s = p.start ?? 0;
  const lo = Math.max(1, Math.floor(p.minLag));
  const hi = Math.min(Math.floor(p.maxLag), Math.floor((x.length - s) / 2));
  return { lo, hi, s };
}

/** Normalised correlation of x[s, s+τ) with x[s+τ, s+2τ). */
function correlationAt(x: ArrayLike<number>, s: number, lag: number): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < lag; i++) {
    const a = x[s + i] ?? 0;
    const b = x[s + lag + i] ?? 0;
    xy += a * b;
    xx += a * a;
    yy += b * b;
  }
  return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
}

/** The two best lags in [lo, hi], best first; ties go to the longer lag: it changes more per splice at equal quality. */
function searchLags(x: ArrayLike<number>, s: number, lo: number, hi: number): Lag[] {
  let first: Lag | undefined;
  let second: Lag | undefined;
  for (let lag = lo; lag <= hi; lag++) {
    const c = correlationAt(x, s, lag);
    if (!first || c >= first.correlation) {
      second = first;
      first = { lag, correlation: c };
    } else if (!second || c >= second.correlation) {
      second = { lag, correlation: c };
    }
  }
  return [first, second].filter((l): l is Lag => l !== undefined);
}

/**
 * Longest lag searched sample by sample. Beyond it (16 and 48 kHz audio)
 * the search cost grows with the square of the lag — at 48 kHz, 36 times
 * that at 8 kHz for the same 15 ms — so the lag is first found on a copy
 * averaged down to about 8 kHz and then refined around the best two
 * candidates at full rate (NetEQ likewise correlates at 4 kHz). Whether a
 * splice is accepted is still decided by the full-rate correlation.
 */
const FULL_SEARCH_MAX_LAG = 160;
const COARSE_MAX_LAG = 120;

function coarseToFine(x: ArrayLike<number>, s: number, lo: number, hi: number): Lag | undefined {
  const d = Math.ceil(hi / COARSE_MAX_LAG);
  const n = Math.floor((2 * hi) / d);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += x[s + k * d + j] ?? 0;
    y[k] = sum / d;
  }
  let best: Lag | undefined;
  for (const coarse of searchLags(y, 0, Math.max(1, Math.floor(lo / d)), Math.floor(hi / d))) {
    const fine = searchLags(x, s, Math.max(lo, coarse.lag * d - d), Math.min(hi, coarse.lag * d + d))[0];
    if (fine && (!best || fine.correlation > best.correlation || (fine.correlation === best.correlation && fine.lag > best.lag))) best = fine;
  }
  return best;
}

/** Best lag by normalised correlation of x[s, s+τ) with x[s+τ, s+2τ); undefined if none fits. */
export function bestLag(x: ArrayLike<number>, params: StretchParams): Lag | undefined {
  const { lo, hi, s } = lagRange(x, params);
  if (hi < lo) return undefined;
  const silence = params.silenceRms ?? 100;
  let energy = 0;
  for (let i = s; i < s + 2 * hi; i++) energy += (x[i] ?? 0) ** 2;
  if (Math.sqrt(energy / (2 * hi)) < silence) return { lag: hi, correlation: 1 };
  if (params.onlyInSilence) return undefined;
  if (hi > FULL_SEARCH_MAX_LAG && hi - lo > FULL_SEARCH_MAX_LAG / 2) return coarseToFine(x, s, lo, hi);
  return searchLags(x, s, lo, hi)[0];
}

function accepted(lag: Lag | undefined, params: StretchParams): lag is Lag {
  return lag !== undefined && lag.correlation >= (params.minCorrelation ?? 0.6);
}

/** Shortens `x` by one well-matched lag; undefined when it cannot be done without being heard. */
export function accelerate(x: Int16Array, params: StretchParams): StretchResult | undefined {
  const lag = bestLag(x, params);
  if (!accepted(lag, params)) return undefined;
  const s = params.start ?? 0;
  const t = lag.lag;
  const out = new Int16Array(x.length - t);
  out.set(x.subarray(0, s));
  for (let i = 0; i < t; i++) {
    const w = (i + 1) / (t + 1);
    out[s + i] = clamp16((x[s + i] ?? 0) * (1 - w) + (x[s + t + i] ?? 0) * w);
  }
  out.set(x.subarray(s + 2 * t), s + t);
  return { output: out, changed: t, correlation: lag.correlation };
}

/** Lengthens `x` by one well-matched lag; undefined when it cannot be done without being heard. */
export function expand(x: Int16Array, params: StretchParams): StretchResult | undefined {
  const lag = bestLag(x, params);
  if (!accepted(lag, params)) return undefined;
  const s = params.start ?? 0;
  const t = lag.lag;
  const out = new Int16Array(x.length + t);
  out.set(x.subarray(0, s + t));
  for (let i = 0; i < t; i++) {
    const w = (i + 1) / (t + 1);
    out[s + t + i] = clamp16((x[s + t + i] ?? 0) * (1 - w) + (x[s + i] ?? 0) * w);
  }
  out.set(x.subarray(s + t), s + 2 * t);
  return { output: out, changed: t, correlation: lag.correlation };
}
