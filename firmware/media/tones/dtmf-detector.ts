/**
 * Detects DTMF digits received in-band (ITU-T Q.23 signals; receiver
 * behaviour after Q.24): Goertzel filters on the eight Q.23 frequencies over
 * fixed analysis blocks, a verdict per block, and a small state machine that
 * reports each key press exactly once.
 *
 * Block: 102 samples at 8 kHz (12.75 ms; the length scales with the sample
 * rate). Its ~78 Hz resolution puts the nearest neighbour of each DTMF
 * frequency (73–89 Hz away in the low group) close to the first null of the
 * filter, and it is short enough that two whole blocks fit in any 40 ms
 * signal or pause, whatever its alignment to the blocks.
 *
 * A block holds digit d when (levels from tone-level.ts):
 *  - the strongest low-group and the strongest high-group frequency are each
 *    at least minLevelDbm0;
 *  - twist: the high group is at most normalTwistDb (8 dB) below, and at
 *    most reverseTwistDb (4 dB) above, the low group (Q.24 leaves the figures
 *    to each Administration; these accept our own +2 dB pre-emphasis and a
 *    line's high-frequency loss with margin);
 *  - relative peak: every other frequency of each group is at least
 *    relativePeakDb below that group's strongest (rejects chords, speech
 *    harmonics, and a single tone that leaks into a neighbour);
 *  - the two tones carry at least toneEnergyFraction of the block's energy
 *    (rejects speech and noise that merely has energy near both).
 *
 * Then (one step per block):
 *   idle    → rising   a block holds a digit
 *   rising  → present  `confirmBlocks` consecutive blocks hold the same digit: report it
 *   rising  → rising   a different digit (start counting again)
 *   rising  → idle     a block without a digit
 *   present → falling  a block without that digit
 *   falling → present  the digit is back within `releaseBlocks` blocks (a dropout, not a new press)
 *   falling → idle | rising   `releaseBlocks` blocks without it: the key was released
 * Two confirming blocks are 25.5 ms of stable tone, which every Q.24-valid
 * (≥ 40 ms) signal provides; two releasing blocks fit in every ≥ 40 ms pause.
 */
import { goertzelPower } from '../dsp/tone-analysis.js';
import { DTMF_HIGH_GROUP_HZ, DTMF_LOW_GROUP_HZ, dtmfDigitAt, type DtmfDigit } from './dtmf-frequencies.js';
import { dbm0ToPeak } from './tone-level.js';

export interface DtmfDetectorOptions {
  readonly sampleRate?: number;
  readonly minLevelDbm0?: number;
  readonly normalTwistDb?: number;
  readonly reverseTwistDb?: number;
  readonly relativePeakDb?: number;
  readonly toneEnergyFraction?: number;
  readonly confirmBlocks?: number;
  readonly releaseBlocks?: number;
}

export type DtmfDetectorState = 'idle' | 'rising' | 'present' | 'falling';

const ALLOWED: Readonly<Record<DtmfDetectorState, readonly DtmfDetectorState[]>> = {
  idle: ['rising'],
  rising: ['present', 'rising', 'idle'],
  present: ['falling'],
  falling: ['present', 'idle', 'rising'],
};

/** Why a block did or did not hold a digit (exposed for tests and diagnostics). */
export type DtmfBlockVerdict =
  | { readonly digit: DtmfDigit }
  | { readonly digit?: undefined; readonly reason: 'too-weak' | 'twist' | 'not-a-single-pair' | 'not-tonal' };

/** Analysis block length at 8 kHz. */
const BLOCK_AT_8K = 102;

export class DtmfDetector {
  readonly sampleRate: number;
  readonly blockSamples: number;
  private readonly minPower: number;
  private readonly normalTwist: number;
  private readonly reverseTwist: number;
  private readonly relativePeak: number;
  private readonly toneEnergyFraction: number;
  private readonly confirmBlocks: number;
  private readonly releaseBlocks: number;
  private readonly block: Int16Array;
  private filled = 0;
  private stateNow: DtmfDetectorState = 'idle';
  private digit: DtmfDigit | undefined;
  /** Blocks in a row holding the candidate (rising) or missing the digit (falling). */
  private count = 0;

  constructor(options: DtmfDetectorOptions = {}) {
    this.sampleRate = options.sampleRate ?? 8000;
    if (!(Number.isFinite(this.sampleRate) && this.sampleRate > 2 * 1633)) throw new RangeError(`sample rate ${this.sampleRate}`);
    this.blockSamples = Math.round((BLOCK_AT_8K * this.sampleRate) / 8000);
    // goertzelPower reports (A/2)² for a sine of peak A (as a fraction of full scale).
    const minPeak = dbm0ToPeak(options.minLevelDbm0 ?? -30) / 32768;
    this.minPower = (minPeak * minPeak) / 4;
    this.normalTwist = 10 ** ((options.normalTwistDb ?? 8) / 10);
    this.reverseTwist = 10 ** ((options.reverseTwistDb ?? 4) / 10);
    this.relativePeak = 10 ** ((options.relativePeakDb ?? 8) / 10);
    this.toneEnergyFraction = options.toneEnergyFraction ?? 0.6;
    this.confirmBlocks = options.confirmBlocks ?? 2;
    this.releaseBlocks = options.releaseBlocks ?? 2;
    if (!(Number.isInteger(this.confirmBlocks) && this.confirmBlocks >= 2)) throw new RangeError(`confirmBlocks ${this.confirmBlocks} (at least 2)`);
    if (!(Number.isInteger(this.releaseBlocks) && this.releaseBlocks >= 1)) throw new RangeError(`releaseBlocks ${this.releaseBlocks} (at least 1)`);
    this.block = new Int16Array(this.blockSamples);
  }

  get state(): DtmfDetectorState {
    return this.stateNow;
  }

  /** Feeds received audio (any frame size); returns the digits whose press completed in it, in order. */
  process(samples: ArrayLike<number>): DtmfDigit[] {
    const found: DtmfDigit[] = [];
    for (let i = 0; i < samples.length; ) {
      const take = Math.min(samples.length - i, this.blockSamples - this.filled);
      for (let k = 0; k < take; k++) this.block[this.filled + k] = samples[i + k] ?? 0;
      this.filled += take;
      i += take;
      if (this.filled === this.blockSamples) {
        this.filled = 0;
        const digit = this.step(this.classify(this.block).digit);
        if (digit !== undefined) found.push(digit);
      }
    }
    return found;
  }

  /** Forgets any partial block and any digit in progress. */
  reset(): void {
    this.filled = 0;
    this.stateNow = 'idle';
    this.digit = undefined;
    this.count = 0;
  }

  /** The verdict on one analysis block (of any length). */
  classify(block: ArrayLike<number>): DtmfBlockVerdict {
    const low = DTMF_LOW_GROUP_HZ.map((f) => goertzelPower(block, f, this.sampleRate));
    const high = DTMF_HIGH_GROUP_HZ.map((f) => goertzelPower(block, f, this.sampleRate));
    const row = indexOfMax(low);
    const column = indexOfMax(high);
    const rowPower = low[row] ?? 0;
    const columnPower = high[column] ?? 0;
    if (rowPower < this.minPower || columnPower < this.minPower) return { reason: 'too-weak' };
    if (rowPower > columnPower * this.normalTwist || columnPower > rowPower * this.reverseTwist) return { reason: 'twist' };
    const others = (powers: number[], peakIndex: number, peak: number): boolean =>
      powers.every((p, i) => i === peakIndex || p * this.relativePeak <= peak);
    if (!others(low, row, rowPower) || !others(high, column, columnPower)) return { reason: 'not-a-single-pair' };
    let energy = 0;
    for (let i = 0; i < block.length; i++) {
      const x = (block[i] ?? 0) / 32768;
      energy += x * x;
    }
    // A sine of peak A has mean square A²/2 = 2 · (A/2)², i.e. 2 × its Goertzel power.
    const meanSquare = energy / block.length;
    if (2 * (rowPower + columnPower) < this.toneEnergyFraction * meanSquare) return { reason: 'not-tonal' };
    const digit = dtmfDigitAt(row, column);
    return digit === undefined ? { reason: 'not-a-single-pair' } : { digit };
  }

  /** One state-machine step for one block; returns the digit when a press is confirmed. */
  private step(seen: DtmfDigit | undefined): DtmfDigit | undefined {
    switch (this.stateNow) {
      case 'idle':
        if (seen !== undefined) this.startRising(seen);
        return undefined;
      case 'rising':
        if (seen === undefined) {
          this.transition('idle');
          this.digit = undefined;
        } else if (seen !== this.digit) {
          this.startRising(seen);
        } else if (++this.count >= this.confirmBlocks) {
          this.transition('present');
          return seen;
        }
        return undefined;
      case 'present':
        if (seen !== this.digit) {
          this.transition('falling');
          this.count = 1;
          this.releaseIfDone(seen);
        }
        return undefined;
      case 'falling':
        if (seen === this.digit) {
          this.transition('present');
        } else {
          this.count++;
          this.releaseIfDone(seen);
        }
        return undefined;
    }
  }

  private startRising(digit: DtmfDigit): void {
    this.transition('rising');
    this.digit = digit;
    this.count = 1;
  }

  private releaseIfDone(seen: DtmfDigit | undefined): void {
    if (this.count < this.releaseBlocks) return;
    if (seen === undefined) {
      this.transition('idle');
      this.digit = undefined;
    } else {
      this.startRising(seen);
    }
  }

  private transition(to: DtmfDetectorState): void {
    if (!ALLOWED[this.stateNow].includes(to)) throw new Error(`DTMF detector cannot go from ${this.stateNow} to ${to}`);
    this.stateNow = to;
  }
}

function indexOfMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}
