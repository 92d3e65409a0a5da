/**
 * Packet-loss concealment in the style of ITU-T G.711 Appendix I: waveform
 * substitution by pitch-period replication from the recent output.
 *
 * What it does, per Appendix I §I.2:
 *  - keeps the last 48.75 ms of output (3 × the longest pitch period plus a
 *    quarter of one) as history;
 *  - at the first lost sample, estimates the pitch period P (pitch-search.ts)
 *    and repeats the last period of history; the loop's junction is smoothed
 *    by overlap-adding its last P/4 samples with the P/4 samples one period
 *    earlier (triangular windows), so the repetition has no click;
 *  - after 10 ms and again after 20 ms of loss, widens the loop to two and
 *    then three periods (repeating one period for long sounds buzzy),
 *    cross-fading over P/4 from the old loop into the new one;
 *  - from 10 ms on, attenuates linearly by 20 % per 10 ms, so that the output
 *    is silent from 60 ms of loss on;
 *  - merges the first good frame after a loss by overlap-adding the
 *    continued synthetic signal into it over P/4 + 4 ms per extra 10 ms lost
 *    (at most 10 ms), so the real signal fades in without a step.
 *
 * One deliberate difference: Appendix I delays all output by 3.75 ms so that
 * the start of the substitution can also be cross-faded with the last good
 * samples. This processor adds no delay (decoders stay sample-aligned with
 * their input, which the jitter buffer and the tests of the media path rely
 * on); a substitution taken exactly one pitch period back continues a voiced
 * signal without a step anyway.
 *
 * Written for 8 kHz (G.711) with every duration scaled, so it serves G.722's
 * 16 kHz output too. A processor: frames in, frames out, with statistics.
 */
import { findPitch, pitchSearchParams, type PitchSearchParams } from './pitch-search.js';

export interface ConcealerStats {
  /** Good samples passed through (merged or not). */
  readonly goodSamples: number;
  /** Samples made up during losses, including muted ones. */
  readonly concealedSamples: number;
  /** Of those, samples output as silence after the 60 ms limit. */
  readonly mutedSamples: number;
  /** Losses (runs of consecutive concealed samples) begun. */
  readonly losses: number;
  /** Pitch period (samples) estimated at the start of the last loss, 0 before any. */
  readonly lastPitch: number;
}

/*
 * States and allowed transitions:
 *   listening  → listening   (good frame)
 *   listening  → concealing  (conceal: a loss begins)
 *   concealing → concealing  (conceal: the loss goes on)
 *   concealing → listening   (good frame, merged with the substitution)
 */
type ConcealerState = 'listening' | 'concealing';

const ALLOWED: Readonly<Record<ConcealerState, readonly ConcealerState[]>> = {
  listening: ['listening', 'concealing'],
  concealing: ['concealing', 'listening'],
};

/** A loss that goes on this long is silent from then on (Appendix I §I.2.6). */
const MUTE_AFTER_MS = 60;
/** Attenuation per 10 ms after the first 10 ms (Appendix I §I.2.6). */
const ATTENUATION_PER_10MS = 0.2;
/** The merge overlap grows by this much per 10 ms lost beyond the first (Appendix I §I.2.7). */
const MERGE_GROWTH_MS = 4;
/** Loops are widened to at most this many periods (Appendix I §I.2.5). */
const MAX_PERIODS = 3;

function clamp16(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

export class AppendixIConcealer {
  readonly sampleRate: number;
  /** Output delay added by this processor (none; see the header comment). */
  readonly delaySamples = 0;

  private readonly frame10ms: number;
  private readonly muteAfter: number;
  private readonly mergeGrowth: number;
  private readonly pitch: PitchSearchParams;
  private readonly history: Int16Array;

  private state: ConcealerState = 'listening';
  /** Copy of the history taken when the loss began, with the loop junction smoothed. */
  private buffer = new Float64Array(0);
  /** The raw last P/4 samples of history, kept to redo the junction when the loop widens. */
  private lastQuarter = new Float64Array(0);
  private period = 0;
  private quarter = 0;
  private periods = 1;
  /** Position inside the loop of `periods` periods that ends the buffer. */
  private offset = 0;
  /** Samples concealed in this loss so far. */
  private erased = 0;
  /** The old loop's continuation, faded out over the first P/4 samples after widening. */
  private fadeFrom = new Float64Array(0);
  private fadePos = 0;

  private goodSamples = 0;
  private concealedSamples = 0;
  private mutedSamples = 0;
  private losses = 0;

  constructor(sampleRate = 8000) {
    if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate % 8000 !== 0) {
      throw new RangeError(`Appendix I concealment runs at multiples of 8 kHz, not ${sampleRate} Hz`);
    }
    this.sampleRate = sampleRate;
    this.frame10ms = sampleRate / 100;
    this.muteAfter = (sampleRate * MUTE_AFTER_MS) / 1000;
    this.mergeGrowth = (sampleRate * MERGE_GROWTH_MS) / 1000;
    this.pitch = pitchSearchParams(sampleRate);
    this.history = new Int16Array(MAX_PERIODS * this.pitch.maxLag + (this.pitch.maxLag >> 2));
  }

  get stats(): ConcealerStats {
    return {
      goodSamples: this.goodSamples,
      concealedSamples: this.concealedSamples,
      mutedSamples: this.mutedSamples,
      losses: this.losses,
      lastPitch: this.period,
    };
  }

  /** True while a loss is being concealed (the next good frame will be merged). */
  get concealing(): boolean {
    return this.state === 'concealing';
  }

  /**
   * Passes a good (decoded) frame through; the first one after a loss comes
   * back merged with the continued substitution. Returns a fresh array.
   */
  good(frame: Int16Array): Int16Array {
    const out = Int16Array.from(frame);
    if (this.state === 'concealing') {
      const lostFrames = Math.ceil(this.erased / this.frame10ms);
      const overlap = Math.min(
        this.quarter + (lostFrames - 1) * this.mergeGrowth,
        this.frame10ms,
        out.length,
      );
      for (let i = 0; i < overlap; i++) {
        const w = (i + 1) / (overlap + 1);
        out[i] = clamp16(this.nextSynthetic() * (1 - w) + (frame[i] ?? 0) * w);
      }
    }
    this.transition('listening');
    this.goodSamples += out.length;
    this.remember(out);
    return out;
  }

  /** Makes up `sampleCount` samples for audio that did not arrive. */
  conceal(sampleCount: number): Int16Array {
    if (!Number.isInteger(sampleCount) || sampleCount < 0) throw new RangeError(`cannot conceal ${sampleCount} samples`);
    if (sampleCount === 0) return new Int16Array(0);
    if (this.state === 'listening') this.beginLoss();
    this.transition('concealing');
    const out = new Int16Array(sampleCount);
    for (let i = 0; i < sampleCount; i++) {
      if (this.erased < this.muteAfter && this.erased === this.periods * this.frame10ms && this.periods < MAX_PERIODS) {
        this.widenLoop();
      }
      if (this.erased >= this.muteAfter) this.mutedSamples++;
      out[i] = clamp16(this.nextSynthetic());
    }
    this.concealedSamples += sampleCount;
    this.remember(out);
    return out;
  }

  /** Forgets the history and any loss in progress. */
  reset(): void {
    this.history.fill(0);
    this.state = 'listening';
    this.erased = 0;
    this.fadePos = this.fadeFrom.length;
  }

  private transition(to: ConcealerState): void {
    if (!ALLOWED[this.state].includes(to)) throw new Error(`concealer: ${this.state} → ${to} is not allowed`);
    this.state = to;
  }

  private beginLoss(): void {
    this.losses++;
    this.period = findPitch(this.history, this.pitch);
    this.quarter = Math.max(1, this.period >> 2);
    this.buffer = Float64Array.from(this.history);
    const n = this.buffer.length;
    this.lastQuarter = this.buffer.slice(n - this.quarter);
    this.periods = 1;
    this.smoothJunction();
    this.offset = 0;
    this.erased = 0;
    this.fadeFrom = new Float64Array(0);
    this.fadePos = 0;
  }

  /**
   * Overlap-adds the loop's last P/4 samples (fading out) with the P/4
   * samples just before the loop's start (fading in), so that the sample
   * after the loop's end leads on smoothly to its first sample.
   */
  private smoothJunction(): void {
    const n = this.buffer.length;
    const loop = this.periods * this.period;
    const q = this.quarter;
    for (let i = 0; i < q; i++) {
      const w = (i + 1) / (q + 1);
      this.buffer[n - q + i] = (this.lastQuarter[i] ?? 0) * (1 - w) + (this.buffer[n - loop - q + i] ?? 0) * w;
    }
  }

  /** Appendix I §I.2.5: from one period to two, from two to three, cross-fading. */
  private widenLoop(): void {
    const q = this.quarter;
    const oldLoop = this.periods * this.period;
    const n = this.buffer.length;
    const tail = new Float64Array(q);
    let at = this.offset;
    for (let i = 0; i < q; i++) {
      tail[i] = this.buffer[n - oldLoop + at] ?? 0;
      at = (at + 1) % oldLoop;
    }
    this.periods++;
    this.smoothJunction();
    // Same phase within the period, now counted from the oldest period.
    this.offset %= this.period;
    this.fadeFrom = tail;
    this.fadePos = 0;
  }

  /** The next sample of the substitution, attenuated for the time lost so far. */
  private nextSynthetic(): number {
    const loop = this.periods * this.period;
    const n = this.buffer.length;
    let v = this.buffer[n - loop + this.offset] ?? 0;
    this.offset = (this.offset + 1) % loop;
    if (this.fadePos < this.fadeFrom.length) {
      const w = (this.fadePos + 1) / (this.fadeFrom.length + 1);
      v = (this.fadeFrom[this.fadePos] ?? 0) * (1 - w) + v * w;
      this.fadePos++;
    }
    const gain = this.gainAt(this.erased);
    this.erased++;
    return v * gain;
  }

  /** 1 for the first 10 ms, then down by 20 % per 10 ms, reaching 0 at 60 ms. */
  private gainAt(erased: number): number {
    if (erased < this.frame10ms) return 1;
    if (erased >= this.muteAfter) return 0;
    return Math.max(0, 1 - (ATTENUATION_PER_10MS * (erased - this.frame10ms)) / this.frame10ms);
  }

  private remember(samples: Int16Array): void {
    const h = this.history;
    if (samples.length >= h.length) {
      h.set(samples.subarray(samples.length - h.length));
      return;
    }
    h.copyWithin(0, samples.length);
    h.set(samples, h.length - samples.length);
  }
}
