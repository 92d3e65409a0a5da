/**
 * Time as drivers and protocol code see it. Everything that waits or stamps
 * takes a Clock, so tests can run the same code on a VirtualClock.
 */
export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Monotonic milliseconds (fractional); the origin is arbitrary. */
  now(): number;
  /** Calls `callback` once, `ms` from now. */
  setTimer(ms: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
}

/**
 * A wait, as embedded-hal's DelayNs: drivers that must respect a datasheet
 * timing (the HD44780's 4.1 ms after the first function set) await it.
 */
export interface Delay {
  delayUs(us: number): Promise<void>;
  delayMs(ms: number): Promise<void>;
}

/** A Delay that waits on a Clock's timers (so it also runs on a virtual clock). */
export function clockDelay(clock: Clock): Delay {
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      clock.setTimer(ms, resolve);
    });
  return {
    delayUs: (us) => wait(us / 1000),
    delayMs: (ms) => wait(ms),
  };
}
