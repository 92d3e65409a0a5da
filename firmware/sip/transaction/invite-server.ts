/**
 * The INVITE server transaction: RFC 3261 §17.2.1 (Figure 7) as RFC 6026
 * §7.1 and §8.5-8.7 revise it (RFC 6026 is paraphrased below, RFC 3261
 * quoted).
 *
 * RFC 3261 ended the transaction when the TU sent a 2xx, so a retransmitted
 * INVITE looked like a new one; RFC 6026 adds the Accepted state, which
 * absorbs those retransmissions, passes the TU's own 2xx retransmissions to
 * the transport (§13.3.1.4: the TU retransmits 2xx, not the transaction) and
 * lets the layer hand ACKs to the TU, until Timer L fires.
 */
import { createResponse } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { TimerSet } from './timer-set.js';
import { TRYING_DELAY_MS, nextTimerG, timerG, timerH, timerI, timerL } from './timers.js';
import { errorMessage } from './types.js';
import type { ServerFailure, TransactionContext } from './types.js';

/*
 * States and allowed transitions (Figure 7, RFC 6026 Figure 7):
 *   proceeding → completed   300-699 from TU (sent)
 *   proceeding → accepted    2xx from TU (sent)
 *   proceeding → terminated  transport error (TU told)
 *   completed  → confirmed   ACK received
 *   completed  → terminated  Timer H fires or transport error (TU told)
 *   confirmed  → terminated  Timer I fires
 *   accepted   → terminated  Timer L fires
 * Self-loops (1xx from TU, retransmitted INVITE, Timer G, 2xx from TU in
 * Accepted, ACK in Confirmed or Accepted) change no state.
 */
export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

const ALLOWED: Readonly<Record<InviteServerState, readonly InviteServerState[]>> = {
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

type InviteServerTimer = 'trying' | 'G' | 'H' | 'I' | 'L';

/** What became of an ACK the layer matched to this transaction. */
export type AckDisposition =
  /** The ACK for our non-2xx final (or a retransmission of it): the transaction keeps it. */
  | 'absorbed'
  /** RFC 6026 Accepted: an ACK for the 2xx, which belongs to the TU (the dialog). */
  | 'to-tu'
  /** No final response has been sent yet, or the transaction is over: dropped. */
  | 'ignored';

export interface InviteServerOptions {
  /** How long the TU may stay silent before the transaction sends 100 Trying itself (default 200 ms). */
  readonly tryingDelayMs?: number;
}

export class InviteServerTransaction {
  readonly #ctx: TransactionContext<SipResponse>;
  readonly #timers: TimerSet<InviteServerTimer>;
  readonly #tryingDelayMs: number;
  readonly #failureListeners = new Set<(failure: ServerFailure) => void>();
  #state: InviteServerState = 'proceeding';
  #lastResponse: SipResponse | undefined;
  #timerGInterval: number;
  #disposed = false;

  constructor(
    readonly request: SipRequest,
    ctx: TransactionContext<SipResponse>,
    options: InviteServerOptions = {},
  ) {
    if (request.method !== 'INVITE') throw new Error(`InviteServerTransaction for ${request.method}`);
    this.#ctx = ctx;
    this.#timers = new TimerSet(ctx.clock);
    this.#tryingDelayMs = options.tryingDelayMs ?? TRYING_DELAY_MS;
    this.#timerGInterval = timerG(ctx.timers);
  }

  get state(): InviteServerState {
    return this.#state;
  }

  /** The most recent response sent (what a retransmitted INVITE gets again; its To tag matches an RFC 2543 ACK). */
  get lastResponse(): SipResponse | undefined {
    return this.#lastResponse;
  }

  /**
   * Called once the request has been handed to the TU. §17.2.1: "The server
   * transaction MUST generate a 100 (Trying) response unless it knows that
   * the TU will generate a provisional or final response within 200 ms, in
   * which case it MAY generate a 100 (Trying) response."
   */
  start(): void {
    if (this.#lastResponse !== undefined || this.#state !== 'proceeding') return;
    this.#timers.start('trying', this.#tryingDelayMs, () => {
      // §17.2.1: "the insertion of tags in the To header field of the response
      // (when none was present in the request) is downgraded from MAY to SHOULD NOT."
      if (this.#lastResponse === undefined) this.#sendResponse(createResponse(this.request, 100));
    });
  }

  /** Registers a listener for Timer H and transport errors; returns an unsubscribe function. */
  onFailure(listener: (failure: ServerFailure) => void): () => void {
    this.#failureListeners.add(listener);
    return () => {
      this.#failureListeners.delete(listener);
    };
  }

  /**
   * A response from the TU. Returns false when the state machine discards it
   * (after a non-2xx final; a non-2xx or 1xx after a 2xx; after the end).
   */
  respond(response: SipResponse): boolean {
    if (this.#disposed) return false;
    const status = response.status;
    switch (this.#state) {
      case 'proceeding':
        this.#timers.stop('trying');
        if (status < 200) {
          // "So long as the server transaction is in the 'Proceeding' state,
          // each of these MUST be passed to the transport layer for transmission."
          this.#sendResponse(response);
        } else if (status < 300) {
          // RFC 6026 §8.5 (paraphrased): a 2xx from the TU in Proceeding is
          // passed to the transport and the transaction enters Accepted,
          // starting Timer L (64*T1).
          this.#transition('accepted');
          this.#timers.start('L', timerL(this.#ctx.timers), () => this.#terminate());
          this.#sendResponse(response);
        } else {
          // "While in the 'Proceeding' state, if the TU passes a response with
          // status code from 300 to 699 to the server transaction, the response
          // MUST be passed to the transport layer for transmission, and the
          // state machine MUST enter the 'Completed' state. For unreliable
          // transports, timer G is set to fire in T1 seconds [...] When the
          // 'Completed' state is entered, timer H MUST be set to fire in 64*T1
          // seconds for all transports."
          this.#transition('completed');
          if (!this.#ctx.reliable) this.#timers.start('G', this.#timerGInterval, () => this.#onTimerG());
          this.#timers.start('H', timerH(this.#ctx.timers), () => this.#onTimerH());
          this.#sendResponse(response);
        }
        return true;
      case 'accepted':
        // RFC 6026 §8.7 (paraphrased): in Accepted, a 2xx from the TU (its own
        // retransmission, §13.3.1.4) is passed to the transport; nothing else is sent.
        if (status < 200 || status >= 300) return false;
        this.#sendResponse(response);
        return true;
      case 'completed':
      case 'confirmed':
      case 'terminated':
        return false;
    }
  }

  /** A retransmission of the INVITE that created this transaction (matched by the layer, §17.2.3). */
  receiveRetransmission(): void {
    if (this.#disposed) return;
    switch (this.#state) {
      case 'proceeding':
        // "If a request retransmission is received while in the 'Proceeding'
        // state, the most recent provisional response that was received from
        // the TU MUST be passed to the transport layer for retransmission."
        if (this.#lastResponse !== undefined) this.#sendResponse(this.#lastResponse);
        return;
      case 'completed':
        // "while in the 'Completed' state, if a request retransmission is
        // received, the server SHOULD pass the response to the transport for retransmission."
        if (this.#lastResponse !== undefined) this.#sendResponse(this.#lastResponse);
        return;
      case 'accepted':
        // RFC 6026 §8.7 (paraphrased): a retransmitted INVITE in Accepted is
        // absorbed, not passed to the TU; the TU's 2xx retransmissions answer it.
        return;
      case 'confirmed':
      case 'terminated':
        return;
    }
  }

  /** An ACK the layer matched to this transaction. */
  receiveAck(): AckDisposition {
    if (this.#disposed) return 'ignored';
    switch (this.#state) {
      case 'completed':
        // "If an ACK is received while the server transaction is in the
        // 'Completed' state, the server transaction MUST transition to the
        // 'Confirmed' state. As Timer G is ignored in this state, any
        // retransmissions of the response will cease." Timer I: "T4 seconds
        // for unreliable transports, and zero seconds for reliable transports".
        this.#timers.stop('G');
        this.#timers.stop('H');
        this.#transition('confirmed');
        {
          const i = timerI(this.#ctx.timers, this.#ctx.reliable);
          if (i === 0) this.#terminate();
          else this.#timers.start('I', i, () => this.#terminate());
        }
        return 'absorbed';
      case 'confirmed':
        // "The purpose of the 'Confirmed' state is to absorb any additional ACK
        // messages that arrive, triggered from retransmissions of the final response."
        return 'absorbed';
      case 'accepted':
        // RFC 6026 §8.7 (paraphrased): an ACK matching in Accepted is passed to the TU.
        return 'to-tu';
      case 'proceeding':
      case 'terminated':
        return 'ignored';
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#timers.clearAll();
    this.#failureListeners.clear();
  }

  #onTimerG(): void {
    // "If timer G fires, the response is passed to the transport layer once
    // more for retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds."
    if (this.#lastResponse !== undefined) this.#sendResponse(this.#lastResponse);
    this.#timerGInterval = nextTimerG(this.#timerGInterval, this.#ctx.timers);
    this.#timers.start('G', this.#timerGInterval, () => this.#onTimerG());
  }

  #onTimerH(): void {
    // "If timer H fires while in the 'Completed' state, it implies that the
    // ACK was never received. In this case, the server transaction MUST
    // transition to the 'Terminated' state, and MUST indicate to the TU that
    // a transaction failure has occurred."
    this.#fail({ kind: 'timeout', timer: 'H' });
  }

  #sendResponse(response: SipResponse): void {
    this.#lastResponse = response;
    const is2xx = response.status >= 200 && response.status < 300;
    this.#ctx.send(response).then(undefined, (error: unknown) => {
      // RFC 6026 §7.1 (paraphrased): a transport error while sending a 2xx
      // does not end the transaction — Timer L does. Otherwise Figure 7:
      // inform the TU and terminate.
      if (this.#disposed || is2xx || (this.#state !== 'proceeding' && this.#state !== 'completed')) return;
      this.#fail({ kind: 'transport-error', message: errorMessage(error) });
    });
  }

  #fail(failure: ServerFailure): void {
    this.#terminate();
    for (const listener of [...this.#failureListeners]) listener(failure);
  }

  #terminate(): void {
    this.#transition('terminated');
    this.#timers.clearAll();
    this.#ctx.onTerminated();
  }

  #transition(next: InviteServerState): void {
    if (!ALLOWED[this.#state].includes(next)) {
      throw new Error(`INVITE server transaction: illegal transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }
}
