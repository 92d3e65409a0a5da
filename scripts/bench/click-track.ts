/**
 * The mouth-to-ear benchmark's test signal and what it looks for in a
 * recording: a quiet continuous tone (400 Hz at 0.1 of full scale) with a
 * loud click (4 ms of 1 kHz at 0.8) every 500 ms. The click starts a 20 ms
 * packet, so its send time is the packet's; it is a tone burst rather than a
 * single sample so that resampling (8 → 16 kHz in the phone) keeps its peak;
 * and it is far above the tone, so a sample beyond half of full scale can
 * only be a click. Silence where the tone should be is a gap.
 */

export interface ClickTrack {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  /** Sample index of each click's first sample. */
  readonly clickStarts: readonly number[];
}

export const CLICK_EVERY_MS = 500;
const TONE_HZ = 400;
const TONE_LEVEL = 0.1;
const CLICK_HZ = 1000;
const CLICK_MS = 4;
const CLICK_LEVEL = 0.8;
/** A sample above this share of full scale is a click, never the tone. */
export const CLICK_THRESHOLD = 0.5;

/** `seconds` of the signal; the first click after `firstClickMs`. */
export function clickTrack(seconds: number, firstClickMs: number, sampleRate = 8000): ClickTrack {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(TONE_LEVEL * 32767 * Math.sin((2 * Math.PI * TONE_HZ * i) / sampleRate));
  const clickStarts: number[] = [];
  const clickLength = Math.round((CLICK_MS * sampleRate) / 1000);
  for (let at = Math.round((firstClickMs * sampleRate) / 1000); at + clickLength <= samples.length; at += (CLICK_EVERY_MS * sampleRate) / 1000) {
    clickStarts.push(at);
    for (let j = 0; j < clickLength; j++) samples[at + j] = Math.round(CLICK_LEVEL * 32767 * Math.sin((2 * Math.PI * CLICK_HZ * j) / sampleRate));
  }
  return { samples, sampleRate, clickStarts };
}

/**
 * Sample indices where clicks start: the first sample above the threshold,
 * then nothing for `refractoryMs` (a click's own ringing, or a concealment
 * that repeats the click's frame, is not a second click).
 */
export function findClicks(samples: Int16Array, sampleRate: number, refractoryMs = CLICK_EVERY_MS / 2): number[] {
  const level = CLICK_THRESHOLD * 32767;
  const refractory = Math.round((refractoryMs * sampleRate) / 1000);
  const found: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i] ?? 0) > level) {
      found.push(i);
      i += refractory;
    }
  }
  return found;
}

/**
 * Milliseconds of silence in [from, to): 10 ms blocks whose RMS is under a
 * quarter of the tone's (the tone alone has RMS 0.1/√2 of full scale).
 */
export function silentMs(samples: Int16Array, sampleRate: number, from: number, to: number): number {
  const block = Math.round(sampleRate / 100);
  const floor = (TONE_LEVEL / Math.SQRT2 / 4) * 32767;
  let silent = 0;
  for (let start = Math.max(0, from); start + block <= Math.min(to, samples.length); start += block) {
    let energy = 0;
    for (let i = start; i < start + block; i++) energy += (samples[i] ?? 0) ** 2;
    if (Math.sqrt(energy / block) < floor) silent++;
  }
  return silent * 10;
}
