/**
 * How much of a recording carries a tone: the share of 20 ms frames whose
 * energy at the tone's frequency dominates (Goertzel), over the stretch from
 * 200 ms after the tone first appears to its last appearance.
 */
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';

export interface ToneCoverage {
  readonly frames: number;
  readonly withTone: number;
  readonly share: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Start times (ms) of the frames in the window without the tone. */
  readonly missingMs: readonly number[];
}

function frameHasTone(frame: ArrayLike<number>, hz: number, sampleRate: number): boolean {
  let sumSquares = 0;
  for (let i = 0; i < frame.length; i++) sumSquares += ((frame[i] ?? 0) / 32768) ** 2;
  const meanSquare = sumSquares / Math.max(1, frame.length);
  if (meanSquare < (100 / 32768) ** 2) return false; // below about -50 dBFS: silence
  // goertzelPower gives A²/4 for a sine of amplitude A (full scale 1), whose mean square is A²/2:
  // the tone must carry at least half of the frame's energy.
  return goertzelPower(frame, hz, sampleRate) / (meanSquare / 2) >= 0.5;
}

export function toneCoverage(samples: ArrayLike<number>, sampleRate: number, hz: number): ToneCoverage {
  const n = Math.round(sampleRate * 0.02);
  const flags: boolean[] = [];
  for (let start = 0; start + n <= samples.length; start += n) {
    flags.push(frameHasTone(Array.prototype.slice.call(samples, start, start + n) as number[], hz, sampleRate));
  }
  const first = flags.indexOf(true);
  const last = flags.lastIndexOf(true);
  if (first < 0) return { frames: 0, withTone: 0, share: 0, firstMs: -1, lastMs: -1, missingMs: [] };
  const from = first + 10; // skip the first 200 ms
  const window = flags.slice(from, last + 1);
  const withTone = window.filter(Boolean).length;
  const missingMs = window.flatMap((f, i) => (f ? [] : [(from + i) * 20]));
  return { frames: window.length, withTone, share: window.length === 0 ? 0 : withTone / window.length, firstMs: first * 20, lastMs: last * 20, missingMs };
}
