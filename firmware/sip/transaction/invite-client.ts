/**
 * The INVITE client transaction: RFC 3261 §17.1.1 (Figure 5) as RFC 6026 §7.2
 * and §8.4 revise it (RFC 6026 is paraphrased below, RFC 3261 quoted).
 *
 * RFC 3261 ended the transaction on a 2xx, so a retransmitted 2xx found no
 * transaction; RFC 6026 adds the Accepted state, which keeps passing 2xx
 * responses up to the TU (the dialog layer re-ACKs them) until Timer M
 * fires. It never ACKs a 2xx itself — that ACK is the TU's (§13.2.2.4); the
 * ACK for a 300-699 response is this transaction's (§17.1.1.3, ack.ts).
 */
import { errorMessage } from './types.js';
import type { ClientFailure, ClientTransactionHandlers, TransactionContext } from './types.js';
import { createAckForNon2xx } from './ack.js';
import { TimerSet } from './timer-set.js';
import { nextTimerA, timerA, timerB, timerD, timerM } from './timers.js';
import type { SipRequest, SipResponse } from '../message/index.js';

/*
 * States and allowed transitions (Figure 5, RFC 6026 Figure 5):
 *   calling    → proceeding  1xx received (to TU)
 *   calling    → completed   300-699 received (to TU, ACK sent)
 *   calling    → accepted    2xx received (to TU)
 *   calling    → terminated  Timer B fires or transport error (TU told)
 *   proceeding → completed   300-699 received (to TU, ACK sent)
 *   proceeding → accepted    2xx received (to TU)
 *   completed  → terminated  Timer D fires, or the ACK could not be sent (TU told)
 *   accepted   → terminated  Timer M fires
 * Self-loops (1xx in Proceeding, a retransmitted final) change no state, and
 * neither does fallBackToUdp() in Calling (§18.1.1: the transport under the
 * INVITE becomes UDP, so Timer A starts).
 */
export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

const ALLOWED: Readonly<Record<InviteClientState, readonly InviteClientState[]>> = {
  calling: ['proceeding', 'completed', 'accepted', 'terminated'],
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

type InviteClientTimer = 'A' | 'B' | 'D' | 'M';

export class InviteClientTransaction {
  readonly #ctx: TransactionContext<SipRequest>;
  readonly #handlers: ClientTransactionHandlers;
  readonly #timers: TimerSet<InviteClientTimer>;
  #state: InviteClientState = 'calling';
  #request: SipRequest;
  /** From the context; false after a §18.1.1 fallback to UDP (fallBackToUdp). */
  #reliable: boolean;
  #timerAInterval: number;
  /** The ACK for the non-2xx final, resent for each retransmission of that final. */
  #ack: SipRequest | undefined;
  #disposed = false;

  /** `request` is the INVITE as it goes on the wire, Via with this transaction's branch on top. */
  constructor(
    request: SipRequest,
    ctx: TransactionContext<SipRequest>,
    handlers: ClientTransactionHandlers,
  ) {
    if (request.method !== 'INVITE') throw new Error(`InviteClientTransaction for ${request.method}`);
    this.#request = request;
    this.#reliable = ctx.reliable;
    this.#ctx = ctx;
    this.#handlers = handlers;
    this.#timers = new TimerSet(ctx.clock);
    this.#timerAInterval = timerA(ctx.timers);
  }

  get state(): InviteClientState {
    return this.#state;
  }

  /** The INVITE as it goes on the wire (after a fallback to UDP, with the UDP Via). */
  get request(): SipRequest {
    return this.#request;
  }

  /**
   * Sends the INVITE. §17.1.1.2: "If an unreliable transport is being used,
   * the client transaction MUST start timer A with a value of T1 [...] For any
   * transport, the client transaction MUST start timer B with a value of
   * 64*T1 seconds".
   */
  start(): void {
    this.#send(this.#request);
    if (!this.#reliable) this.#timers.start('A', this.#timerAInterval, () => this.#onTimerA());
    this.#timers.start('B', timerB(this.#ctx.timers), () => this.#onTimerB());
  }

  /**
   * RFC 3261 §18.1.1: the INVITE went to TCP for its size, the connection
   * could not be made, and the layer is sending `request` — the same INVITE
   * and branch with a UDP Via — over UDP instead. From here the transport is
   * unreliable, so §17.1.1.2 applies: "If an unreliable transport is being
   * used, the client transaction MUST start timer A with a value of T1."
   * Timer B runs on from the first attempt. Only in Calling: nothing went
   * out before, so nothing can have been answered.
   */
  fallBackToUdp(request: SipRequest): void {
    if (this.#disposed || this.#state !== 'calling' || !this.#reliable) return;
    this.#request = request;
    this.#reliable = false;
    this.#timers.start('A', this.#timerAInterval, () => this.#onTimerA());
  }

  /** A response the layer matched to this transaction (§17.1.3). */
  receiveResponse(response: SipResponse): void {
    if (this.#disposed) return;
    const status = response.status;
    switch (this.#state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          // "In the 'Proceeding' state, the client transaction SHOULD NOT retransmit the request any longer."
          if (this.#state === 'calling') {
            this.#timers.stop('A');
            this.#timers.stop('B');
            this.#transition('proceeding');
          }
          this.#handlers.onProvisional?.(response);
        } else if (status < 300) {
          this.#accept(response);
        } else {
          this.#complete(response);
        }
        return;
      case 'completed':
        // "Any retransmissions of the final response that are received while in
        // the 'Completed' state MUST cause the ACK to be re-passed to the
        // transport layer for retransmission, but the newly received response
        // MUST NOT be passed up to the TU."
        if (status >= 300 && this.#ack !== undefined) this.#send(this.#ack);
        return;
      case 'accepted':
        // RFC 6026 §8.4 (paraphrased): every 2xx received in Accepted is passed
        // up to the TU — retransmissions and 2xx from other forks alike.
        if (status >= 200 && status < 300) this.#handlers.onFinal?.(response);
        return;
      case 'terminated':
        return;
    }
  }

  /** Clears every timer; the transaction goes quiet without telling anyone. */
  dispose(): void {
    this.#disposed = true;
    this.#timers.clearAll();
  }

  #accept(response: SipResponse): void {
    this.#timers.stop('A');
    this.#timers.stop('B');
    // RFC 6026 §8.4 (paraphrased): a 2xx in Calling or Proceeding moves the
    // transaction to Accepted, is passed to the TU, and starts Timer M (64*T1).
    this.#transition('accepted');
    this.#timers.start('M', timerM(this.#ctx.timers), () => this.#terminate());
    this.#handlers.onFinal?.(response);
  }

  #complete(response: SipResponse): void {
    this.#timers.stop('A');
    this.#timers.stop('B');
    // "When in either the 'Calling' or 'Proceeding' states, reception of a
    // response with status code from 300-699 MUST cause the client transaction
    // to transition to 'Completed'. The client transaction MUST pass the
    // received response up to the TU, and the client transaction MUST
    // generate an ACK request, even if the transport is reliable".
    this.#transition('completed');
    this.#ack = createAckForNon2xx(this.#request, response);
    this.#send(this.#ack);
    // "The client transaction SHOULD start timer D when it enters the
    // 'Completed' state, with a value of at least 32 seconds for unreliable
    // transports, and a value of zero seconds for reliable transports."
    const d = timerD(this.#ctx.timers, this.#reliable);
    if (d === 0) this.#terminate();
    else this.#timers.start('D', d, () => this.#terminate());
    this.#handlers.onFinal?.(response);
  }

  #onTimerA(): void {
    // "When timer A fires, the client transaction MUST retransmit the request
    // by passing it to the transport layer, and MUST reset the timer with a
    // value of 2*T1."
    this.#timerAInterval = nextTimerA(this.#timerAInterval);
    this.#send(this.#request);
    if (this.#state === 'calling') this.#timers.start('A', this.#timerAInterval, () => this.#onTimerA());
  }

  #onTimerB(): void {
    // "If the client transaction is still in the 'Calling' state when timer B
    // fires, the client transaction SHOULD inform the TU that a timeout has occurred."
    this.#fail({ kind: 'timeout', timer: 'B', treatAs: 408 });
  }

  #send(message: SipRequest): void {
    this.#ctx.send(message).then(undefined, (error: unknown) => {
      // Figure 5: a transport error in Calling (the INVITE) or Completed (the
      // ACK) informs the TU and terminates; once a response has come back the
      // request evidently arrived, and after the end nothing changes.
      if (this.#disposed || (this.#state !== 'calling' && this.#state !== 'completed')) return;
      this.#fail({ kind: 'transport-error', message: errorMessage(error), treatAs: 503 });
    });
  }

  #fail(failure: ClientFailure): void {
    this.#terminate();
    this.#handlers.onFailure?.(failure);
  }

  #terminate(): void {
    this.#transition('terminated');
    this.#timers.clearAll();
    this.#ctx.onTerminated();
  }

  #transition(next: InviteClientState): void {
    if (!ALLOWED[this.#state].includes(next)) {
      throw new Error(`INVITE client transaction: illegal transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }
}
