/**
 * Where each cadence step starts and ends, in samples, without drift.
 *
 * A step's start is computed from its start time in milliseconds since the
 * tone began (intro length + cycles × loop length + offset in the loop),
 * rounded once to a sample index — never by adding rounded step lengths — so
 * the n-th busy-tone burst starts at exactly round(n · 1000 ms · fs / 1000)
 * however long the tone has played and whatever the frame size was.
 */
import { stepsMs, type CadenceStep, type TonePattern } from './tone-pattern.js';

export interface ScheduledStep {
  readonly step: CadenceStep;
  /** First sample of the step (samples since the tone started). */
  readonly startSample: number;
  /** First sample after the step. */
  readonly endSample: number;
  /** The step before (undefined: silence before the tone started). */
  readonly previous: CadenceStep | undefined;
  /** The step after (undefined: the tone ends after this one). */
  readonly next: CadenceStep | undefined;
}

interface Position {
  readonly inLoop: boolean;
  readonly cycle: number;
  readonly index: number;
}

/** Walks the steps of a pattern in order, forever if it has a loop. */
export class CadenceCursor {
  private readonly introStartsMs: number[];
  private readonly loopStartsMs: number[];
  private readonly introMs: number;
  private readonly loopMs: number;
  private position: Position | undefined;

  constructor(
    private readonly pattern: TonePattern,
    private readonly sampleRate: number,
  ) {
    this.introStartsMs = startsOf(pattern.intro);
    this.loopStartsMs = startsOf(pattern.loop);
    this.introMs = stepsMs(pattern.intro);
    this.loopMs = stepsMs(pattern.loop);
    this.position = this.first();
  }

  /** Back to the first step. */
  rewind(): void {
    this.position = this.first();
  }

  /** The step now playing, or undefined once a pattern without a loop has ended. */
  current(): ScheduledStep | undefined {
    const at = this.position;
    if (at === undefined) return undefined;
    const after = this.after(at);
    const before = this.before(at);
    return {
      step: this.stepOf(at),
      startSample: this.sampleAt(this.startMs(at)),
      endSample: this.sampleAt(this.startMs(at) + this.stepOf(at).ms),
      previous: before === undefined ? undefined : this.stepOf(before),
      next: after === undefined ? undefined : this.stepOf(after),
    };
  }

  /** Moves to the next step. */
  advance(): void {
    if (this.position !== undefined) this.position = this.after(this.position);
  }

  private first(): Position | undefined {
    if (this.pattern.intro.length > 0) return { inLoop: false, cycle: 0, index: 0 };
    if (this.pattern.loop.length > 0) return { inLoop: true, cycle: 0, index: 0 };
    return undefined;
  }

  private after(at: Position): Position | undefined {
    if (!at.inLoop) {
      if (at.index + 1 < this.pattern.intro.length) return { ...at, index: at.index + 1 };
      return this.pattern.loop.length > 0 ? { inLoop: true, cycle: 0, index: 0 } : undefined;
    }
    if (at.index + 1 < this.pattern.loop.length) return { ...at, index: at.index + 1 };
    return { inLoop: true, cycle: at.cycle + 1, index: 0 };
  }

  private before(at: Position): Position | undefined {
    if (at.index > 0) return { ...at, index: at.index - 1 };
    if (!at.inLoop) return undefined;
    if (at.cycle > 0) return { inLoop: true, cycle: at.cycle - 1, index: this.pattern.loop.length - 1 };
    return this.pattern.intro.length > 0 ? { inLoop: false, cycle: 0, index: this.pattern.intro.length - 1 } : undefined;
  }

  private stepOf(at: Position): CadenceStep {
    const step = (at.inLoop ? this.pattern.loop : this.pattern.intro)[at.index];
    if (step === undefined) throw new RangeError(`no cadence step ${at.index}`);
    return step;
  }

  private startMs(at: Position): number {
    if (!at.inLoop) return this.introStartsMs[at.index] ?? 0;
    return this.introMs + at.cycle * this.loopMs + (this.loopStartsMs[at.index] ?? 0);
  }

  private sampleAt(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000);
  }
}

function startsOf(steps: readonly CadenceStep[]): number[] {
  const starts: number[] = [];
  let t = 0;
  for (const step of steps) {
    starts.push(t);
    t += step.ms;
  }
  return starts;
}
