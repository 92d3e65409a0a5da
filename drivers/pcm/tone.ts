/**
 * Sine tone generator with phase continuity: consecutive next() calls (of
 * any sizes) produce one unbroken waveform, and a frequency change keeps
 * the phase, so there is never a click at a period boundary. Several
 * frequencies may be summed (dial tone 350+440 Hz, ringback 440+480 Hz).
 */

export interface ToneOptions {
  /** One frequency, or several summed with equal share of the amplitude. */
  readonly frequencyHz: number | readonly number[];
  readonly sampleRate: number;
  /** Peak level as a fraction of full scale (0..1]; 0.5 ≈ −6 dBFS. */
  readonly amplitude?: number;
  /** The same signal is written to every channel of each frame. */
  readonly channels?: number;
}

const FULL_SCALE = 32767;

export class ToneGenerator {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly amplitude: number;
  private frequencies: number[];
  /** Phase of each component in cycles, kept in [0, 1). */
  private phases: number[];

  constructor(options: ToneOptions) {
    if (!Number.isFinite(options.sampleRate) || options.sampleRate <= 0) throw new RangeError(`sample rate ${options.sampleRate}`);
    this.sampleRate = options.sampleRate;
    this.channels = options.channels ?? 1;
    if (!Number.isInteger(this.channels) || this.channels < 1) throw new RangeError(`channels ${this.channels}`);
    this.amplitude = options.amplitude ?? 0.5;
    if (!(this.amplitude > 0 && this.amplitude <= 1)) throw new RangeError(`amplitude ${this.amplitude} is not in (0, 1]`);
    this.frequencies = this.checked(options.frequencyHz);
    this.phases = this.frequencies.map(() => 0);
  }

  /** Changes frequency without a phase jump. */
  setFrequency(frequencyHz: number | readonly number[]): void {
    const next = this.checked(frequencyHz);
    if (next.length !== this.frequencies.length) this.phases = next.map((_, i) => this.phases[i] ?? 0);
    this.frequencies = next;
  }

  /** The next `frames` frames, interleaved. */
  next(frames: number): Int16Array {
    if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`frames ${frames}`);
    const out = new Int16Array(frames * this.channels);
    const scale = (this.amplitude * FULL_SCALE) / this.frequencies.length;
    const steps = this.frequencies.map((f) => f / this.sampleRate);
    for (let n = 0; n < frames; n++) {
      let x = 0;
      for (let c = 0; c < this.phases.length; c++) {
        const phase = this.phases[c] ?? 0;
        x += Math.sin(2 * Math.PI * phase);
        const advanced = phase + (steps[c] ?? 0);
        this.phases[c] = advanced - Math.floor(advanced);
      }
      out.fill(Math.round(x * scale), n * this.channels, (n + 1) * this.channels);
    }
    return out;
  }

  private checked(frequencyHz: number | readonly number[]): number[] {
    const list = typeof frequencyHz === 'number' ? [frequencyHz] : [...frequencyHz];
    if (list.length === 0) throw new RangeError('a tone needs at least one frequency');
    for (const f of list) {
      if (!Number.isFinite(f) || f <= 0 || f >= this.sampleRate / 2) {
        throw new RangeError(`tone ${f} Hz must be above 0 and below ${this.sampleRate / 2} Hz (half of ${this.sampleRate} Hz)`);
      }
    }
    return list;
  }
}
