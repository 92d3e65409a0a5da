/**
 * The UAS side of RFC 3262 for one INVITE: its 101-199 responses sent
 * reliably, one at a time, retransmitted until PRACKed.
 *
 * §3: "The provisional response to be sent reliably is constructed by the
 * UAS core according to the procedures of Section 8.2.6 of RFC 3261. In
 * addition, it MUST contain a Require header field containing the option tag
 * 100rel, and MUST include an RSeq header field." "The reliable provisional
 * response is passed to the transaction layer periodically with an interval
 * that starts at T1 seconds and doubles for each retransmission [...] This
 * differs from retransmissions of 2xx responses, whose intervals cap off at
 * T2 seconds." "If a reliable provisional response is retransmitted for
 * 64*T1 seconds without reception of a corresponding PRACK, the UAS SHOULD
 * reject the original request with a 5xx response."
 *
 * Ordering (§3): "The UAS MUST NOT send a second reliable provisional
 * response until the first is acknowledged. After the first, it is
 * RECOMMENDED that the UAS not send an additional reliable provisional
 * response until the previous is acknowledged. [...] The value of the RSeq in
 * each subsequent reliable provisional response for the same request MUST be
 * greater by exactly one." So later 1xx wait in a queue. And the final
 * response: "The UAS MAY send a final response to the initial request before
 * having received PRACKs for all unacknowledged reliable provisional
 * responses, unless the final response is 2xx and any of the unacknowledged
 * reliable provisional responses contained a session description. In that
 * case, it MUST NOT send a final response until those provisional responses
 * are acknowledged." The incoming call holds every 2xx back
 * (whenAcknowledged) — simpler than looking for a body, and a PRACK is one
 * round trip away. A non-2xx final goes at once and stop() ends it all.
 *
 * States and allowed transitions:
 *   idle     → awaiting   a reliable 1xx went out; its retransmissions run
 *   awaiting → awaiting   its PRACK came and the next queued 1xx went out
 *   awaiting → idle       its PRACK came, nothing queued: held-back work runs
 *   awaiting → failed     64*T1 without its PRACK: giveUp() (the INVITE gets a 5xx)
 *   idle | awaiting → stopped   a final response went out, or the call is over
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { TimerSet } from '../transaction/timer-set.js';
import type { TimerValues } from '../transaction/index.js';
import { OPTION_100REL, initialRSeq, prackMatches } from './prack-policy.js';

export type ReliableProvisionalState = 'idle' | 'awaiting' | 'failed' | 'stopped';

const ALLOWED: Readonly<Record<ReliableProvisionalState, readonly ReliableProvisionalState[]>> = {
  idle: ['awaiting', 'stopped'],
  awaiting: ['awaiting', 'idle', 'failed', 'stopped'],
  failed: [],
  stopped: [],
};

/** The interval after `current`: doubled, with no T2 cap (§3). */
export function nextReliableProvisionalInterval(current: number): number {
  return 2 * current;
}

export interface ReliableProvisionalSenderOptions {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** The INVITE the responses answer: a PRACK's RAck must name its CSeq (§3). */
  readonly invite: SipRequest;
  /** Hands a response (first copy or retransmission) to the INVITE server transaction. */
  readonly transmit: (response: SipResponse) => void;
  /** 64*T1 without a PRACK: the caller answers the INVITE with a 5xx. */
  readonly giveUp: () => void;
  /** [0, 1) for the first RSeq; Math.random by default. */
  readonly random?: () => number;
}

export class ReliableProvisionalSender {
  readonly #o: ReliableProvisionalSenderOptions;
  readonly #timers: TimerSet<'retransmit' | 'give-up'>;
  readonly #queue: SipResponse[] = [];
  readonly #whenAcknowledged: (() => void)[] = [];
  #state: ReliableProvisionalState = 'idle';
  #nextRSeq: number;
  #pending: { readonly response: SipResponse; readonly rseq: number } | undefined;
  #interval: number;

  constructor(options: ReliableProvisionalSenderOptions) {
    this.#o = options;
    this.#timers = new TimerSet(options.clock);
    this.#nextRSeq = initialRSeq((options.random ?? Math.random)());
    this.#interval = options.timers.t1;
  }

  get state(): ReliableProvisionalState {
    return this.#state;
  }

  /** A reliable 1xx awaits its PRACK, or more wait their turn. */
  get unacknowledged(): boolean {
    return this.#pending !== undefined || this.#queue.length > 0;
  }

  /** Sends `response` (a 101-199) reliably: Require: 100rel and RSeq added; now, or after the previous one is PRACKed. */
  send(response: SipResponse): void {
    if (response.status <= 100 || response.status >= 200) throw new RangeError(`only a 101-199 is sent reliably, not ${response.status}`);
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    this.#queue.push(response);
    if (this.#pending === undefined) this.#sendNext();
  }

  /** Runs `work` once every reliable 1xx sent or queued is PRACKed (at once if none is); never after stop() or a give-up. */
  whenAcknowledged(work: () => void): void {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    if (!this.unacknowledged) {
      work();
      return;
    }
    this.#whenAcknowledged.push(work);
  }

  /** A PRACK in the call's dialog: true when it acknowledges the 1xx awaiting one (answer 200), false otherwise (answer 481). */
  prack(request: SipRequest): boolean {
    const pending = this.#pending;
    if (this.#state !== 'awaiting' || pending === undefined || !prackMatches(request, this.#o.invite, pending.rseq)) return false;
    // §3: "It SHOULD cease retransmissions of the reliable provisional response, and MUST remove it from the list".
    this.#timers.clearAll();
    this.#pending = undefined;
    if (this.#queue.length > 0) {
      this.#sendNext();
      return true;
    }
    this.#transition('idle');
    for (const work of this.#whenAcknowledged.splice(0)) work();
    return true;
  }

  /** A final response went out (or the call ended): no more copies, nothing held back runs. */
  stop(): void {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    this.#timers.clearAll();
    this.#queue.length = 0;
    this.#whenAcknowledged.length = 0;
    this.#pending = undefined;
    this.#transition('stopped');
  }

  #sendNext(): void {
    const next = this.#queue.shift();
    if (next === undefined) return;
    const rseq = this.#nextRSeq;
    this.#nextRSeq += 1;
    const headers = next.headers.clone();
    headers.append('Require', OPTION_100REL);
    headers.set('RSeq', String(rseq));
    const response: SipResponse = { ...next, headers };
    this.#pending = { response, rseq };
    this.#transition('awaiting');
    this.#o.transmit(response);
    this.#interval = this.#o.timers.t1;
    this.#timers.start('retransmit', this.#interval, () => this.#retransmit());
    this.#timers.start('give-up', 64 * this.#o.timers.t1, () => this.#giveUp());
  }

  #retransmit(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#o.transmit(pending.response);
    this.#interval = nextReliableProvisionalInterval(this.#interval);
    this.#timers.start('retransmit', this.#interval, () => this.#retransmit());
  }

  #giveUp(): void {
    this.#timers.clearAll();
    this.#queue.length = 0;
    this.#whenAcknowledged.length = 0;
    this.#pending = undefined;
    this.#transition('failed');
    this.#o.giveUp();
  }

  #transition(next: ReliableProvisionalState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`reliable provisionals: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }
}
