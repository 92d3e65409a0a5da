/**
 * The mixer's arithmetic, as small pure functions: sums are taken in floating
 * point (so two full-scale legs do not wrap), a gain is applied once, and the
 * result is clipped to Int16 only at the end.
 *
 * Conference (N−1) mixing, as any conference bridge does it: each remote
 * party is sent the local microphone plus every OTHER party, never its own
 * audio back (that would be an echo of itself delayed by the round trip);
 * the local user hears all the parties.
 */

/** Adds `samples` × `gain` into `accumulator` (same length). */
export function addInto(accumulator: Float32Array, samples: Int16Array, gain = 1): void {
  const n = Math.min(accumulator.length, samples.length);
  for (let i = 0; i < n; i++) accumulator[i] = (accumulator[i] ?? 0) + (samples[i] ?? 0) * gain;
}

/** The accumulator × gain, rounded and clipped to Int16. */
export function clipToInt16(accumulator: Float32Array, gain = 1): Int16Array {
  const out = new Int16Array(accumulator.length);
  for (let i = 0; i < accumulator.length; i++) {
    const v = Math.round((accumulator[i] ?? 0) * gain);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Linear gain of a level in dB; −Infinity is silence. */
export function gainFromDb(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 20);
}

/** Interleaved frames → mono (the mean of the channels). */
export function downmixToMono(interleaved: Int16Array, channels: number): Int16Array {
  if (channels === 1) return interleaved;
  const frames = Math.floor(interleaved.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c] ?? 0;
    out[f] = Math.round(sum / channels);
  }
  return out;
}

/** Mono → interleaved frames, the same sample on every channel. */
export function upmixFromMono(mono: Int16Array, channels: number): Int16Array {
  if (channels === 1) return mono;
  const out = new Int16Array(mono.length * channels);
  for (let f = 0; f < mono.length; f++) out.fill(mono[f] ?? 0, f * channels, (f + 1) * channels);
  return out;
}

/**
 * What the conference sends to `leg`: the microphone plus every other leg's
 * received audio (N−1 mixing). `legs` maps each leg to its audio for this period.
 */
export function conferenceSendMix(mic: Int16Array, leg: string, legs: ReadonlyMap<string, Int16Array>): Int16Array {
  const acc = new Float32Array(mic.length);
  addInto(acc, mic);
  for (const [other, audio] of legs) if (other !== leg) addInto(acc, audio);
  return clipToInt16(acc);
}
