/**
 * Renders a TonePattern to 16-bit linear PCM, one frame at a time, for the
 * media engine's mixer (a processor: pull(n) → the next n samples, mono).
 *
 * - Phase: every oscillator's phase is computed from the absolute sample index
 *   since the tone started (φ = frac(n·f/fs)), so the waveform is one unbroken
 *   sine per component across frames and across cadence steps (an oscillator
 *   keeps running, silently, while its step is off), and the output does not
 *   depend on how the caller sizes its frames.
 * - Timing: step boundaries come from CadenceCursor, exact to the sample and
 *   free of drift however long the tone plays.
 * - Clicks: a component that appears or grows ramps up over the first
 *   `rampMs` of its step; one that disappears or shrinks ramps down over the
 *   last `rampMs` of the step before, both with a raised-cosine shape. So the
 *   sound stays inside its step (off steps are exact digital silence) and a
 *   component that continues from one step to the next is not touched (the
 *   UK's 440 Hz under the pulsing 350 Hz of its special dial tone).
 * - Levels: each component's dBm0 → peak as tone-level.ts documents; an
 *   overall gain (ringer volume) on top, changed with the same ramp.
 */
import { CadenceCursor, type ScheduledStep } from './cadence-schedule.js';
import { dbToGain, dbm0ToPeak, type LevelReference } from './tone-level.js';
import { checkPattern, type CadenceStep, type ToneComponent, type TonePattern } from './tone-pattern.js';

export interface ToneGeneratorOptions {
  /** 8000, 16000 or 48000 in this phone; any positive rate works. */
  readonly sampleRate: number;
  /** Length of the on/off ramps; 4 ms unless given (E.180 leaves it open; 2–5 ms is click-free and keeps 40 ms DTMF bursts intact). */
  readonly rampMs?: number;
  /** Overall gain in dB added to every component's level (−Infinity mutes). */
  readonly gainDb?: number;
  /** Which G.711 law's Tmax the Int16 full scale stands for. */
  readonly levelReference?: LevelReference;
}

export const DEFAULT_RAMP_MS = 4;

/**
 * playing  → stopping   stop(): the output fades out over one ramp
 * playing  → idle       the pattern ended (no loop)
 * stopping → idle       the fade-out is done
 * playing | stopping | idle → playing   restart()
 */
export type ToneGeneratorState = 'playing' | 'stopping' | 'idle';

const ALLOWED: Readonly<Record<ToneGeneratorState, readonly ToneGeneratorState[]>> = {
  playing: ['stopping', 'idle', 'playing'],
  stopping: ['idle', 'playing'],
  idle: ['playing'],
};

interface Oscillator {
  /** Cycles per sample of the carrier. */
  readonly step: number;
  /** Cycles per sample of the modulating tone (0: none). */
  readonly amStep: number;
  readonly amDepth: number;
}

/** A gain that moves from one value to another along a raised cosine. */
interface GainRamp {
  readonly from: number;
  readonly to: number;
  readonly startSample: number;
}

const TWO_PI = 2 * Math.PI;

export class ToneGenerator {
  readonly sampleRate: number;
  readonly rampSamples: number;
  private readonly cursor: CadenceCursor;
  private readonly oscillators: Oscillator[] = [];
  /** Peak (Int16 units) of each oscillator in each step. */
  private readonly peaks = new Map<CadenceStep, Float64Array>();
  private readonly silence: Float64Array;
  private readonly rampShapes = new Map<number, Float64Array>();
  private stateNow: ToneGeneratorState = 'playing';
  /** Samples rendered since the tone (re)started. */
  private n = 0;
  private scheduled: ScheduledStep | undefined;
  private master: GainRamp;
  private fadeOutStart = 0;

  constructor(pattern: TonePattern, options: ToneGeneratorOptions) {
    checkPattern(pattern, options.sampleRate);
    this.sampleRate = options.sampleRate;
    const rampMs = options.rampMs ?? DEFAULT_RAMP_MS;
    if (!(Number.isFinite(rampMs) && rampMs >= 0)) throw new RangeError(`ramp ${rampMs} ms`);
    this.rampSamples = Math.round((rampMs * this.sampleRate) / 1000);
    const reference = options.levelReference ?? 'mu-law';
    const keys = new Map<string, number>();
    for (const step of [...pattern.intro, ...pattern.loop]) {
      for (const c of step.sound?.components ?? []) {
        const key = oscillatorKey(c);
        if (!keys.has(key)) {
          keys.set(key, this.oscillators.length);
          this.oscillators.push({ step: c.hz / this.sampleRate, amStep: (c.am?.hz ?? 0) / this.sampleRate, amDepth: c.am?.depth ?? 0 });
        }
      }
    }
    this.silence = new Float64Array(this.oscillators.length);
    for (const step of [...pattern.intro, ...pattern.loop]) {
      const peaks = new Float64Array(this.oscillators.length);
      for (const c of step.sound?.components ?? []) {
        const index = keys.get(oscillatorKey(c)) ?? 0;
        // Two entries for one oscillator in one sound add up in amplitude.
        peaks[index] = (peaks[index] ?? 0) + dbm0ToPeak(c.levelDbm0, reference);
      }
      this.peaks.set(step, peaks);
    }
    const gain = dbToGain(options.gainDb ?? 0);
    this.master = { from: gain, to: gain, startSample: 0 };
    this.cursor = new CadenceCursor(pattern, this.sampleRate);
    this.scheduled = this.cursor.current();
  }

  get state(): ToneGeneratorState {
    return this.stateNow;
  }

  /** True once the tone has ended by itself or after stop(); pull() then gives silence. */
  get done(): boolean {
    return this.stateNow === 'idle';
  }

  /** Samples rendered since the tone (re)started. */
  get position(): number {
    return this.n;
  }

  /** The next `frames` samples (mono). Silence once done. */
  pull(frames: number): Int16Array {
    if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`frames ${frames}`);
    const out = new Int16Array(frames);
    let i = 0;
    while (i < frames && this.stateNow !== 'idle') {
      const now = this.scheduled;
      if (now === undefined) {
        this.transition('idle');
        break;
      }
      if (this.n >= now.endSample) {
        this.cursor.advance();
        this.scheduled = this.cursor.current();
        continue;
      }
      let count = Math.min(frames - i, now.endSample - this.n);
      if (this.stateNow === 'stopping') count = Math.min(count, this.fadeOutStart + this.rampSamples - this.n);
      this.render(out, i, count, now);
      i += count;
      this.n += count;
      if (this.n >= now.endSample) {
        this.cursor.advance();
        this.scheduled = this.cursor.current();
        // A tone that plays once is done the moment its last step ends.
        if (this.scheduled === undefined) {
          this.transition('idle');
          break;
        }
      }
      if (this.stateNow === 'stopping' && this.n >= this.fadeOutStart + this.rampSamples) this.transition('idle');
    }
    return out;
  }

  /** Fades out over one ramp, then falls silent (done). */
  stop(): void {
    if (this.stateNow !== 'playing') return;
    this.fadeOutStart = this.n;
    this.transition('stopping');
    if (this.rampSamples === 0) this.transition('idle');
  }

  /** Starts the pattern again from its first step, at the current gain. */
  restart(): void {
    this.n = 0;
    this.cursor.rewind();
    this.scheduled = this.cursor.current();
    const gain = this.master.to;
    this.master = { from: gain, to: gain, startSample: 0 };
    this.transition('playing');
  }

  /** Changes the overall gain (ringer volume), ramping from the present value. */
  setGainDb(db: number): void {
    if (Number.isNaN(db) || db === Infinity) throw new RangeError(`gain ${db} dB`);
    this.master = { from: this.gainAt(this.n), to: dbToGain(db), startSample: this.n };
  }

  private transition(to: ToneGeneratorState): void {
    if (!ALLOWED[this.stateNow].includes(to)) throw new Error(`tone generator cannot go from ${this.stateNow} to ${to}`);
    this.stateNow = to;
  }

  private render(out: Int16Array, offset: number, count: number, at: ScheduledStep): void {
    const current = this.peaksOf(at.step);
    const previous = at.previous === undefined ? this.silence : this.peaksOf(at.previous);
    const next = at.next === undefined ? this.silence : this.peaksOf(at.next);
    const stepLength = at.endSample - at.startSample;
    const ramp = Math.min(this.rampSamples, Math.floor(stepLength / 2));
    const shape = this.rampShape(ramp);
    const active: number[] = [];
    for (let c = 0; c < this.oscillators.length; c++) if ((current[c] ?? 0) > 0) active.push(c);
    if (active.length === 0) return; // a silent step: the output is already zero
    for (let k = 0; k < count; k++) {
      const n = this.n + k;
      const intoStep = n - at.startSample;
      const beforeEnd = at.endSample - 1 - n;
      let x = 0;
      for (const c of active) {
        const osc = this.oscillators[c];
        const a = current[c] ?? 0;
        let envelope = a;
        if (intoStep < ramp) {
          const p = previous[c] ?? 0;
          if (p < a) envelope = p + (a - p) * (shape[intoStep] ?? 1);
        } else if (beforeEnd < ramp) {
          const q = next[c] ?? 0;
          if (q < a) envelope = q + (a - q) * (shape[beforeEnd] ?? 1);
        }
        const cycles = n * osc.step;
        let y = envelope * Math.sin(TWO_PI * (cycles - Math.floor(cycles)));
        if (osc.amStep > 0) {
          const amCycles = n * osc.amStep;
          y *= 1 + osc.amDepth * Math.sin(TWO_PI * (amCycles - Math.floor(amCycles)));
        }
        x += y;
      }
      x *= this.gainAt(n);
      if (this.stateNow === 'stopping') {
        const j = n - this.fadeOutStart;
        x *= j < this.rampSamples ? 1 - (this.rampShape(this.rampSamples)[j] ?? 1) : 0;
      }
      out[offset + k] = x >= 32767 ? 32767 : x <= -32768 ? -32768 : Math.round(x);
    }
  }

  private gainAt(n: number): number {
    const { from, to, startSample } = this.master;
    const j = n - startSample;
    if (j >= this.rampSamples || from === to) return to;
    return from + (to - from) * (this.rampShape(this.rampSamples)[j] ?? 1);
  }

  private peaksOf(step: CadenceStep): Float64Array {
    return this.peaks.get(step) ?? this.silence;
  }

  /** w(j) = ½(1 − cos(π(j + ½)/R)), j = 0…R−1: rises from ≈0 to ≈1, symmetric about its middle. */
  private rampShape(length: number): Float64Array {
    let shape = this.rampShapes.get(length);
    if (shape === undefined) {
      shape = new Float64Array(length);
      for (let j = 0; j < length; j++) shape[j] = 0.5 * (1 - Math.cos((Math.PI * (j + 0.5)) / length));
      this.rampShapes.set(length, shape);
    }
    return shape;
  }
}

function oscillatorKey(c: ToneComponent): string {
  return c.am === undefined ? `${c.hz}` : `${c.hz}*${c.am.hz}@${c.am.depth}`;
}
