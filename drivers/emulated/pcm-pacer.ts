import type { Clock, TimerHandle } from '../bus/clock.js';
import type { PcmFormat } from '../bus/pcm.js';

/** Refuses a format an emulated device cannot pace: every field a positive integer. */
export function checkPcmFormat(format: PcmFormat): void {
  const fields: ReadonlyArray<readonly [string, number]> = [
    ['sampleRate', format.sampleRate],
    ['channels', format.channels],
    ['periodFrames', format.periodFrames],
  ];
  for (const [key, value] of fields) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`PCM format ${key} = ${value} is not a positive integer`);
  }
}

export interface PeriodPacerOptions {
  readonly clock: Clock;
  readonly periodFrames: number;
  readonly sampleRate: number;
  /**
   * 1 for capture: period n is ready at start + (n+1)·period, once captured.
   * 0 for playback: period n is asked for at start + n·period, before it plays.
   */
  readonly firstTickAfterPeriods: 0 | 1;
  /**
   * When the timer comes back this many periods late or more (a stalled event
   * loop, a suspended machine), the excess periods are skipped rather than
   * delivered in one burst, and reported as an overrun.
   */
  readonly maxCatchUpPeriods?: number;
}

/**
 * A self-correcting period clock for emulated PCM devices. Tick n is due at
 * start + (n + first) × periodFrames / sampleRate, computed from the start
 * time every time (never by adding intervals), so timer lateness never
 * accumulates into drift; each timer is set for the next due time only
 * (never setInterval). Late timers deliver every period that fell due.
 */
export class PeriodPacer {
  private readonly clock: Clock;
  private readonly periodFrames: number;
  private readonly sampleRate: number;
  private readonly first: number;
  private readonly maxCatchUp: number;
  private timer: TimerHandle | undefined;
  private startMs = 0;
  /** Ticks consumed so far (delivered or skipped). */
  private ticks = 0;
  private running = false;
  private onTick: () => void = () => undefined;
  private onSkip: (periods: number) => void = () => undefined;

  constructor(options: PeriodPacerOptions) {
    if (!Number.isInteger(options.periodFrames) || options.periodFrames < 1) throw new RangeError(`periodFrames ${options.periodFrames}`);
    if (!(options.sampleRate > 0)) throw new RangeError(`sampleRate ${options.sampleRate}`);
    this.clock = options.clock;
    this.periodFrames = options.periodFrames;
    this.sampleRate = options.sampleRate;
    this.first = options.firstTickAfterPeriods;
    this.maxCatchUp = options.maxCatchUpPeriods ?? 50;
  }

  get periodMs(): number {
    return (this.periodFrames * 1000) / this.sampleRate;
  }

  /** Ticks delivered or skipped since start. */
  get tickCount(): number {
    return this.ticks;
  }

  start(onTick: () => void, onSkip: (periods: number) => void = () => undefined): void {
    if (this.running) throw new Error('PeriodPacer: already running');
    this.onTick = onTick;
    this.onSkip = onSkip;
    this.running = true;
    this.startMs = this.clock.now();
    this.ticks = 0;
    this.schedule();
  }

  /** After stop(): runs again with the callbacks start() was given, tick 0 due as at a start. */
  resume(): void {
    this.start(this.onTick, this.onSkip);
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** Due time of tick n (0-based). */
  private dueMs(n: number): number {
    return this.startMs + ((n + this.first) * this.periodFrames * 1000) / this.sampleRate;
  }

  private schedule(): void {
    const wait = this.dueMs(this.ticks) - this.clock.now();
    this.timer = this.clock.setTimer(Math.max(0, wait), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.running) return;
    const elapsedTicks = ((this.clock.now() - this.startMs) * this.sampleRate) / (this.periodFrames * 1000);
    // The tolerance absorbs float rounding when the timer fires exactly on time.
    const due = Math.floor(elapsedTicks + 1e-9) - this.first + 1 - this.ticks;
    if (due > this.maxCatchUp) {
      const skipped = due - this.maxCatchUp;
      this.ticks += skipped;
      this.onSkip(skipped);
    }
    for (let i = 0; i < Math.min(due, this.maxCatchUp) && this.running; i++) {
      this.ticks++;
      this.onTick();
    }
    if (this.running) this.schedule();
  }
}
