import type { Clock, TimerHandle } from '../bus/clock.js';
import type { DigitalOut, Level } from '../bus/gpio.js';
import { checkPattern, LED_PATTERNS } from './patterns.js';
import type { BlinkPattern, LedPatternName } from './patterns.js';

export interface LedOptions {
  /** True when the LED lights with the line low (LED from 3V3 to the pin, the usual sink wiring). */
  readonly activeLow?: boolean;
}


/** The line level that lights (or darkens) the LED, as a pure function. */
export function levelFor(lit: boolean, activeLow: boolean): Level {
  return lit === !activeLow ? 1 : 0;
}

function samePattern(a: BlinkPattern, b: BlinkPattern): boolean {
  return (
    a === b ||
    (a.name === b.name && a.steps.length === b.steps.length && a.steps.every((s, i) => s.lit === b.steps[i]?.lit && s.ms === b.steps[i]?.ms))
  );
}

/**
 * An LED on one output line: steady on, off, or a blink pattern played on the
 * Clock. A new mode takes effect at once (the current step is abandoned);
 * asking again for the pattern already playing keeps its phase, so a screen
 * refresh that re-applies LED states does not make a blink stutter.
 */
export class Led {
  private readonly activeLow: boolean;
  private pattern: BlinkPattern | undefined;
  private steady = false;
  private stepIndex = 0;
  private stepStartMs = 0;
  private stepTimer: TimerHandle | undefined;
  private isLit = false;

  constructor(
    private readonly line: DigitalOut,
    private readonly clock: Clock,
    options: LedOptions = {},
  ) {
    this.activeLow = options.activeLow ?? false;
    this.drive(false);
  }

  get name(): string {
    return this.line.name;
  }

  /** Whether the LED is lit at this moment. */
  get lit(): boolean {
    return this.isLit;
  }

  /** What the LED is doing: 'on', 'off', or the name of the pattern it blinks. */
  get showing(): string {
    if (this.pattern) return this.pattern.name;
    return this.steady ? 'on' : 'off';
  }

  on(): void {
    this.stop();
    this.steady = true;
    this.drive(true);
  }

  off(): void {
    this.stop();
    this.steady = false;
    this.drive(false);
  }

  /** Plays `pattern` (or one of LED_PATTERNS by name) from its first step, now. */
  blink(pattern: BlinkPattern | LedPatternName): void {
    const next = typeof pattern === 'string' ? LED_PATTERNS[pattern] : pattern;
    checkPattern(next);
    if (this.pattern && samePattern(this.pattern, next)) return;
    this.stop();
    this.pattern = next;
    this.stepIndex = 0;
    this.stepStartMs = this.clock.now();
    this.playStep();
  }

  /** Stops blinking and darkens the LED. */
  dispose(): void {
    this.off();
  }

  private playStep(): void {
    const pattern = this.pattern;
    const step = pattern?.steps[this.stepIndex];
    if (!pattern || !step) return;
    this.drive(step.lit);
    // Aim at the step's planned end, not "ms from now": late timers then do not add up.
    const endMs = this.stepStartMs + step.ms;
    this.stepTimer = this.clock.setTimer(Math.max(0, endMs - this.clock.now()), () => {
      this.stepTimer = undefined;
      this.stepIndex = (this.stepIndex + 1) % pattern.steps.length;
      this.stepStartMs = endMs;
      this.playStep();
    });
  }

  private stop(): void {
    this.clock.clearTimer(this.stepTimer);
    this.stepTimer = undefined;
    this.pattern = undefined;
  }

  private drive(lit: boolean): void {
    this.isLit = lit;
    this.line.write(levelFor(lit, this.activeLow));
  }
}
