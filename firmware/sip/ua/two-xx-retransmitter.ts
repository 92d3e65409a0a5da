/**
 * The UAS core's retransmission of a 2xx to an INVITE (RFC 3261 §13.3.1.4;
 * the transaction layer does not do it, RFC 6026 §8.7 lets the TU's copies
 * through its Accepted state):
 *
 * "The 2xx response is passed to the transport with an interval that
 * starts at T1 seconds and doubles for each retransmission until it reaches
 * T2 seconds (T1 and T2 are defined in Section 17). Response retransmissions
 * cease when an ACK request for the response is received. [...] If the
 * server retransmits the 2xx response for 64*T1 seconds without receiving an
 * ACK, the dialog is confirmed, but the session SHOULD be terminated. This is
 * accomplished with a BYE, as described in Section 15."
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { TimerSet } from '../transaction/timer-set.js';
import type { TimerValues } from '../transaction/index.js';

/** The interval after `current`: doubled, at most T2. */
export function nextTwoXxInterval(current: number, timers: TimerValues): number {
  return Math.min(2 * current, timers.t2);
}

/** How long the UAS retransmits before it gives up: 64*T1. */
export function twoXxGiveUpAfter(timers: TimerValues): number {
  return 64 * timers.t1;
}

export class TwoXxRetransmitter {
  readonly #timers: TimerSet<'retransmit' | 'give-up'>;
  readonly #values: TimerValues;
  readonly #send: () => void;
  readonly #giveUp: () => void;
  #interval: number;

  /** `send` re-sends the 2xx; `giveUp` runs once at 64*T1 without an ACK. */
  constructor(clock: Clock, values: TimerValues, send: () => void, giveUp: () => void) {
    this.#timers = new TimerSet(clock);
    this.#values = values;
    this.#send = send;
    this.#giveUp = giveUp;
    this.#interval = values.t1;
  }

  get running(): boolean {
    return this.#timers.isRunning('give-up');
  }

  /** Call right after the first transmission. */
  start(): void {
    this.#interval = this.#values.t1;
    this.#timers.start('retransmit', this.#interval, () => this.#retransmit());
    this.#timers.start('give-up', twoXxGiveUpAfter(this.#values), () => {
      this.#timers.clearAll();
      this.#giveUp();
    });
  }

  /** The ACK came (or the call ended): no more copies. */
  stop(): void {
    this.#timers.clearAll();
  }

  #retransmit(): void {
    this.#send();
    this.#interval = nextTwoXxInterval(this.#interval, this.#values);
    this.#timers.start('retransmit', this.#interval, () => this.#retransmit());
  }
}
