import type { Delay } from '../bus/clock.js';

/**
 * A Delay for bus-level tests: returns at once and remembers each wait in
 * microseconds, so a test can check a driver honours datasheet timings
 * without the test taking that long.
 */
export class RecordingDelay implements Delay {
  readonly waitsUs: number[] = [];

  delayUs(us: number): Promise<void> {
    this.waitsUs.push(us);
    return Promise.resolve();
  }

  delayMs(ms: number): Promise<void> {
    this.waitsUs.push(ms * 1000);
    return Promise.resolve();
  }
}
