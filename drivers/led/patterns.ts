/**
 * LED blink patterns as data: a cycle of lit / dark steps that repeats until
 * the pattern changes. The UI chooses a pattern by name; the LED driver only
 * plays steps, so a new cadence is a new entry here, not new code.
 */
export interface LedStep {
  readonly lit: boolean;
  readonly ms: number;
}

export interface BlinkPattern {
  readonly name: string;
  readonly steps: readonly LedStep[];
}

function onOff(name: string, onMs: number, offMs: number): BlinkPattern {
  return { name, steps: [{ lit: true, ms: onMs }, { lit: false, ms: offMs }] };
}

/** The phone's pattern set (cadences as common desk phones use them). */
export const LED_PATTERNS = {
  /** Incoming call: an even 1 Hz blink. */
  ringing: onOff('ringing', 500, 500),
  /** Message waiting: a short flash every two seconds (slow flash). */
  messageWaiting: onOff('messageWaiting', 100, 1900),
  /** Call on hold: a quick even blink. */
  hold: onOff('hold', 250, 250),
} as const satisfies Record<string, BlinkPattern>;

export type LedPatternName = keyof typeof LED_PATTERNS;

export function isLedPatternName(text: string): text is LedPatternName {
  return Object.hasOwn(LED_PATTERNS, text);
}

/** Throws unless the pattern can be played: at least one step, every step a positive time. */
export function checkPattern(pattern: BlinkPattern): void {
  if (pattern.steps.length === 0) throw new RangeError(`LED pattern "${pattern.name}" has no steps`);
  for (const step of pattern.steps) {
    if (!(Number.isFinite(step.ms) && step.ms > 0)) {
      throw new RangeError(`LED pattern "${pattern.name}" has a step of ${step.ms} ms; each step must be > 0 ms`);
    }
  }
}

/** Whether the pattern is lit `elapsedMs` after it started (pure; used by tests and the front panel). */
export function patternLitAt(pattern: BlinkPattern, elapsedMs: number): boolean {
  const cycle = pattern.steps.reduce((sum, s) => sum + s.ms, 0);
  let t = ((elapsedMs % cycle) + cycle) % cycle;
  for (const step of pattern.steps) {
    if (t < step.ms) return step.lit;
    t -= step.ms;
  }
  return pattern.steps[pattern.steps.length - 1]?.lit ?? false;
}
