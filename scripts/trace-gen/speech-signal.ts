/**
 * A deterministic speech-like test signal for replaying traces through the
 * real decoder path: a harmonic series (voiced speech) whose fundamental
 * glides between about 100 and 160 Hz, under a syllable-rate envelope
 * (about 4 syllables a second) that dips to near silence between
 * syllables, with a pause of 300 ms every 2.5 s (a breath between phrases).
 * Enough like speech that pitch-synchronous time stretching and pitch-based
 * concealment meet what they would meet in a call, and a pure function of
 * the sample index, so any frame can be made on its own.
 */

const HARMONICS = 10;

/** Sample n of the signal at `sampleRate`, 16-bit scale. */
export function speechSample(n: number, sampleRate: number): number {
  const t = n / sampleRate;
  // Fundamental phase: integral of f0(t) = 130 + 30 sin(2π·0.7t).
  const phase = 2 * Math.PI * (130 * t - (30 / (2 * Math.PI * 0.7)) * Math.cos(2 * Math.PI * 0.7 * t));
  // Σ sin(h(φ + 0.3)) / h, the harmonics as powers of one unit phasor.
  const c = Math.cos(phase + 0.3);
  const s = Math.sin(phase + 0.3);
  let re = c;
  let im = s;
  let v = 0;
  for (let h = 1; h <= HARMONICS; h++) {
    v += im / h;
    const next = re * c - im * s;
    im = re * s + im * c;
    re = next;
  }
  // Syllables: a raised cosine at 4.2 Hz, floor 0.05.
  const syllable = 0.05 + 0.95 * (0.5 - 0.5 * Math.cos(2 * Math.PI * 4.2 * t)) ** 2;
  // Phrases: 2.2 s of speech then 0.3 s of near silence.
  const inPhrase = t % 2.5 < 2.2 ? 1 : 0.02;
  return Math.round(6000 * syllable * inPhrase * v);
}

/** `count` samples of the signal starting at sample `from`. */
export function speechFrame(from: number, count: number, sampleRate: number): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = speechSample(from + i, sampleRate);
  return out;
}
