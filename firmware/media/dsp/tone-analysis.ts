/**
 * Small signal measurements for checking tones (and, later, detecting DTMF
 * or call-progress tones): the Goertzel algorithm for the energy at one
 * frequency, and a zero-crossing frequency estimate.
 */

/**
 * Goertzel: s[n] = x[n] + 2cos(ω)s[n−1] − s[n−2]; power = s1² + s2² − 2cos(ω)s1s2,
 * with ω = 2πf/fs. Normalised by N² so a full-scale sine at exactly f gives ≈ 0.25.
 */
export function goertzelPower(samples: ArrayLike<number>, frequencyHz: number, sampleRate: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = (samples[i] ?? 0) / 32768 + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n * n);
}

/** Frequency from the number of sign changes (two per cycle) over the span between the first and last. */
export function zeroCrossingFrequency(samples: ArrayLike<number>, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] ?? 0;
    const b = samples[i] ?? 0;
    if ((a < 0 && b >= 0) || (a >= 0 && b < 0)) {
      if (first < 0) first = i;
      last = i;
      crossings++;
    }
  }
  if (crossings < 2) return 0;
  return ((crossings - 1) / 2) * (sampleRate / (last - first));
}
