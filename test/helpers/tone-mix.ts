/**
 * Several tones in one recording (a conference mix): per 20 ms frame, which
 * of the given frequencies carry a real part of the frame's energy, and over
 * the stretch where all of them sound together, how often each one does.
 *
 * tone-frames.ts asks whether one tone dominates a frame (≥ half its energy),
 * which two or three equal tones in a mix never do; here each tone need only
 * carry `minShare` of the frame's energy (default 10 %, −10 dB). The Goertzel
 * bin of a 20 ms frame is 50 Hz wide, so tones 200 Hz or more apart (440, 660,
 * 880) do not leak into each other's measure.
 */
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';

/** Below about −50 dBFS a frame is silence: it carries no tone. */
const SILENCE_MEAN_SQUARE = (100 / 32768) ** 2;
const FRAME_MS = 20;
/** The first 200 ms of the stretch are skipped: the mix and jitter buffers settle. */
const SETTLE_FRAMES = 10;

/**
 * The share of a frame's energy at `hz`. goertzelPower gives A²/4 for a sine
 * of amplitude A (full scale 1), whose mean square is A²/2.
 */
function energyShare(frame: ArrayLike<number>, hz: number, sampleRate: number, meanSquare: number): number {
  return (2 * goertzelPower(frame, hz, sampleRate)) / meanSquare;
}

/** For each tone, one flag per 20 ms frame: the tone carries at least `minShare` of the frame's energy. */
export function tonesPerFrame(samples: ArrayLike<number>, sampleRate: number, tones: readonly number[], minShare = 0.1): boolean[][] {
  const n = Math.round((sampleRate * FRAME_MS) / 1000);
  const flags: boolean[][] = tones.map(() => []);
  for (let start = 0; start + n <= samples.length; start += n) {
    const frame = Array.prototype.slice.call(samples, start, start + n) as number[];
    const meanSquare = frame.reduce((sum, v) => sum + (v / 32768) ** 2, 0) / n;
    tones.forEach((hz, i) => flags[i]?.push(meanSquare >= SILENCE_MEAN_SQUARE && energyShare(frame, hz, sampleRate, meanSquare) >= minShare));
  }
  return flags;
}

export interface TogetherCoverage {
  /** Frames from 200 ms after all tones first sound together to the last frame where they do. */
  readonly frames: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Per tone (same order as asked), the share of those frames where it sounds. */
  readonly shares: readonly number[];
  /** Per tone, its longest silence in that stretch: [from, to) in ms, or undefined when it never drops out. */
  readonly longestGapMs: readonly (readonly [number, number] | undefined)[];
}

/** The longest run of false flags in [from, to), as [start, end) frame indexes. */
function longestGap(flags: readonly boolean[], from: number, to: number): [number, number] | undefined {
  let best: [number, number] | undefined;
  let start = -1;
  for (let f = from; f <= to; f++) {
    const silent = f < to && flags[f] !== true;
    if (silent && start < 0) start = f;
    if (!silent && start >= 0) {
      if (!best || f - start > best[1] - best[0]) best = [start, f];
      start = -1;
    }
  }
  return best;
}

/** Where all `tones` sound in the same frame, and how steadily each sounds over that stretch. */
export function tonesTogether(samples: ArrayLike<number>, sampleRate: number, tones: readonly number[], minShare = 0.1): TogetherCoverage {
  const flags = tonesPerFrame(samples, sampleRate, tones, minShare);
  const frameCount = flags[0]?.length ?? 0;
  const together = Array.from({ length: frameCount }, (_, f) => flags.every((perTone) => perTone[f] === true));
  const first = together.indexOf(true);
  const last = together.lastIndexOf(true);
  if (first < 0 || last - first < SETTLE_FRAMES) return { frames: 0, firstMs: -1, lastMs: -1, shares: tones.map(() => 0), longestGapMs: tones.map(() => undefined) };
  const from = first + SETTLE_FRAMES;
  const frames = last + 1 - from;
  const shares = flags.map((perTone) => perTone.slice(from, last + 1).filter(Boolean).length / frames);
  const longestGapMs = flags.map((perTone) => {
    const gap = longestGap(perTone, from, last + 1);
    return gap && ([gap[0] * FRAME_MS, gap[1] * FRAME_MS] as const);
  });
  return { frames, firstMs: first * FRAME_MS, lastMs: last * FRAME_MS, shares, longestGapMs };
}

/** A recording's first channel (baresip records stereo for some codecs). */
export function firstChannel(pcm: { readonly samples: ArrayLike<number>; readonly channels: number }): ArrayLike<number> {
  if (pcm.channels === 1) return pcm.samples;
  return Array.prototype.filter.call(pcm.samples, (_: number, i: number) => i % pcm.channels === 0) as number[];
}
