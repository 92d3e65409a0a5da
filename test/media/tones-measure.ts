/**
 * Measurements the tone tests make on rendered audio: level of one frequency
 * (Goertzel), on/off segments from frame energy, and the plan's own segments
 * to compare them with.
 */
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';
import { dbm0ToPeak, peakToDbm0 } from '../../firmware/media/tones/tone-level.js';
import type { CadenceStep, TonePattern } from '../../firmware/media/tones/tone-pattern.js';

/**
 * Level in dBm0 of the component at `hz`: Goertzel over the Hann-windowed
 * samples (the window keeps a strong tone elsewhere from leaking into the
 * measured frequency), corrected for the window's coherent gain of ½. Goertzel
 * gives (A/2)² for a sine of peak A (in full-scale units).
 */
export function levelDbm0At(samples: ArrayLike<number>, hz: number, sampleRate: number): number {
  const n = samples.length;
  const windowed = new Float64Array(n);
  for (let i = 0; i < n; i++) windowed[i] = (samples[i] ?? 0) * 0.5 * (1 - Math.cos((2 * Math.PI * i) / n));
  const power = goertzelPower(windowed, hz, sampleRate);
  return peakToDbm0(2 * 2 * Math.sqrt(power) * 32768);
}

export interface Segment {
  readonly on: boolean;
  readonly ms: number;
}

/**
 * On/off segments from the RMS of consecutive `frameMs` frames: a frame is
 * "on" when its RMS is above that of a −40 dBm0 sine (far below any tone here,
 * far above the digital silence of an off step).
 */
export function measuredSegments(samples: Int16Array, sampleRate: number, frameMs = 1): Segment[] {
  const frame = Math.round((frameMs * sampleRate) / 1000);
  const threshold = dbm0ToPeak(-40) / Math.SQRT2;
  const segments: { on: boolean; ms: number }[] = [];
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let energy = 0;
    for (let i = start; i < start + frame; i++) energy += (samples[i] ?? 0) ** 2;
    const on = Math.sqrt(energy / frame) > threshold;
    const last = segments.at(-1);
    if (last !== undefined && last.on === on) last.ms += frameMs;
    else segments.push({ on, ms: frameMs });
  }
  return segments;
}

export interface Edge {
  readonly atMs: number;
  readonly on: boolean;
}

/**
 * Where the signal switches on or off, from segments. A leading "off" no longer
 * than `ignoreLeadingMs` is dropped: it is the quiet start of the first ramp,
 * not a step of the cadence.
 */
export function edgesOf(segments: readonly Segment[], ignoreLeadingMs = 0): Edge[] {
  const edges: Edge[] = [];
  let t = 0;
  for (const [i, s] of segments.entries()) {
    if (!(i === 0 && !s.on && s.ms <= ignoreLeadingMs)) edges.push({ atMs: i === 0 ? 0 : t, on: s.on });
    t += s.ms;
  }
  return edges;
}

/** The plan's steps for `cycles` loop cycles as on/off segments, adjacent sounding steps merged. */
export function plannedSegments(pattern: TonePattern, cycles: number): Segment[] {
  const steps: CadenceStep[] = [...pattern.intro];
  for (let c = 0; c < cycles; c++) steps.push(...pattern.loop);
  const segments: { on: boolean; ms: number }[] = [];
  for (const step of steps) {
    const on = step.sound !== undefined;
    const last = segments.at(-1);
    if (last !== undefined && last.on === on) last.ms += step.ms;
    else segments.push({ on, ms: step.ms });
  }
  return segments;
}

/** Samples needed for `ms` at `sampleRate`. */
export function samplesFor(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}

/** Deterministic uniform numbers in [0, 1) (a 32-bit LCG), so noise tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
