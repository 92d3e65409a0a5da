/**
 * The named timers one transaction runs (Timer A, Timer B ...), all on the
 * Clock it was given, so dispose() can clear every one of them and a test on
 * a VirtualClock sees none left pending.
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';

export class TimerSet<Name extends string> {
  readonly #clock: Clock;
  readonly #handles = new Map<Name, TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** (Re)starts timer `name`; a running timer of that name is cleared first. */
  start(name: Name, ms: number, fire: () => void): void {
    this.stop(name);
    const handle = this.#clock.setTimer(ms, () => {
      this.#handles.delete(name);
      fire();
    });
    this.#handles.set(name, handle);
  }

  stop(name: Name): void {
    this.#clock.clearTimer(this.#handles.get(name));
    this.#handles.delete(name);
  }

  isRunning(name: Name): boolean {
    return this.#handles.has(name);
  }

  clearAll(): void {
    for (const handle of this.#handles.values()) this.#clock.clearTimer(handle);
    this.#handles.clear();
  }
}
