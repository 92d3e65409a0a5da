/**
 * The non-INVITE client transaction: RFC 3261 §17.1.2 (Figure 6). Used for
 * every method but INVITE and ACK: REGISTER, BYE, CANCEL, OPTIONS, SUBSCRIBE,
 * NOTIFY, REFER, INFO, MESSAGE, UPDATE, PRACK.
 */
import { errorMessage } from './types.js';
import type { ClientFailure, ClientTransactionHandlers, TransactionContext } from './types.js';
import { TimerSet } from './timer-set.js';
import { nextTimerE, timerE, timerEInProceeding, timerF, timerK } from './timers.js';
import type { SipRequest, SipResponse } from '../message/index.js';

/*
 * States and allowed transitions (Figure 6):
 *   trying     → proceeding  1xx received (to TU)
 *   trying     → completed   200-699 received (to TU)
 *   trying     → terminated  Timer F fires or transport error (TU told)
 *   proceeding → completed   200-699 received (to TU)
 *   proceeding → terminated  Timer F fires or transport error (TU told)
 *   completed  → terminated  Timer K fires
 * Self-loops (Timer E retransmissions, 1xx in Proceeding, absorbed finals) change no state,
 * and neither does fallBackToUdp() in Trying (§18.1.1: the transport under the request
 * becomes UDP, so Timer E starts).
 */
export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const ALLOWED: Readonly<Record<NonInviteClientState, readonly NonInviteClientState[]>> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

type NonInviteClientTimer = 'E' | 'F' | 'K';

export class NonInviteClientTransaction {
  readonly #ctx: TransactionContext<SipRequest>;
  readonly #handlers: ClientTransactionHandlers;
  readonly #timers: TimerSet<NonInviteClientTimer>;
  #state: NonInviteClientState = 'trying';
  #request: SipRequest;
  /** From the context; false after a §18.1.1 fallback to UDP (fallBackToUdp). */
  #reliable: boolean;
  #timerEInterval: number;
  #disposed = false;

  /** `request` is the request as it goes on the wire, Via with this transaction's branch on top. */
  constructor(
    request: SipRequest,
    ctx: TransactionContext<SipRequest>,
    handlers: ClientTransactionHandlers,
  ) {
    if (request.method === 'INVITE' || request.method === 'ACK') {
      throw new Error(`NonInviteClientTransaction for ${request.method}`);
    }
    this.#request = request;
    this.#reliable = ctx.reliable;
    this.#ctx = ctx;
    this.#handlers = handlers;
    this.#timers = new TimerSet(ctx.clock);
    this.#timerEInterval = timerE(ctx.timers);
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  /** The request as it goes on the wire (after a fallback to UDP, with the UDP Via). */
  get request(): SipRequest {
    return this.#request;
  }

  /**
   * Sends the request. §17.1.2.2: "The 'Trying' state is entered when the TU
   * initiates a new client transaction with a request. When entering this
   * state, the client transaction SHOULD set timer F to fire in 64*T1
   * seconds. [...] If an unreliable transport is in use, the client
   * transaction MUST set timer E to fire in T1 seconds."
   */
  start(): void {
    this.#send();
    this.#timers.start('F', timerF(this.#ctx.timers), () => this.#onTimerF());
    if (!this.#reliable) this.#timers.start('E', this.#timerEInterval, () => this.#onTimerE());
  }

  /**
   * RFC 3261 §18.1.1: the request went to TCP for its size, the connection
   * could not be made, and the layer is sending `request` — the same request
   * and branch with a UDP Via — over UDP instead. From here the transport is
   * unreliable, so §17.1.2.2 applies: "If an unreliable transport is in use,
   * the client transaction MUST set timer E to fire in T1 seconds." Timer F
   * runs on from the first attempt. Only in Trying: nothing went out before,
   * so nothing can have been answered.
   */
  fallBackToUdp(request: SipRequest): void {
    if (this.#disposed || this.#state !== 'trying' || !this.#reliable) return;
    this.#request = request;
    this.#reliable = false;
    this.#timers.start('E', this.#timerEInterval, () => this.#onTimerE());
  }

  receiveResponse(response: SipResponse): void {
    if (this.#disposed) return;
    if (this.#state !== 'trying' && this.#state !== 'proceeding') {
      // "The 'Completed' state exists to buffer any additional response
      // retransmissions that may be received" — absorbed here.
      return;
    }
    if (response.status < 200) {
      // "If a provisional response is received while in the 'Trying' state,
      // the response MUST be passed to the TU, and then the client transaction
      // SHOULD move to the 'Proceeding' state." Timer E keeps running; it is
      // reset to T2 when it next fires (#onTimerE).
      if (this.#state === 'trying') this.#transition('proceeding');
      this.#handlers.onProvisional?.(response);
      return;
    }
    // "If a final response (status codes 200-699) is received while in the
    // 'Trying' state, the response MUST be passed to the TU, and the client
    // transaction MUST transition to the 'Completed' state." (Also from Proceeding.)
    this.#timers.stop('E');
    this.#timers.stop('F');
    this.#transition('completed');
    // "Once the client transaction enters the 'Completed' state, it MUST set
    // Timer K to fire in T4 seconds for unreliable transports, and zero
    // seconds for reliable transports."
    const k = timerK(this.#ctx.timers, this.#reliable);
    if (k === 0) this.#terminate();
    else this.#timers.start('K', k, () => this.#terminate());
    this.#handlers.onFinal?.(response);
  }

  dispose(): void {
    this.#disposed = true;
    this.#timers.clearAll();
  }

  #onTimerE(): void {
    // Trying: "it is reset to a MIN(4*T1, T2)" and so on; Proceeding:
    // "If Timer E fires while in the 'Proceeding' state, the request MUST be
    // passed to the transport layer for retransmission, and Timer E MUST be
    // reset with a value of T2 seconds."
    this.#timerEInterval =
      this.#state === 'proceeding' ? timerEInProceeding(this.#ctx.timers) : nextTimerE(this.#timerEInterval, this.#ctx.timers);
    this.#send();
    this.#timers.start('E', this.#timerEInterval, () => this.#onTimerE());
  }

  #onTimerF(): void {
    // "If Timer F fires while the client transaction is still in the 'Trying'
    // state, the client transaction SHOULD inform the TU about the timeout,
    // and then it SHOULD enter the 'Terminated' state." (Likewise in Proceeding.)
    this.#fail({ kind: 'timeout', timer: 'F', treatAs: 408 });
  }

  #send(): void {
    this.#ctx.send(this.#request).then(undefined, (error: unknown) => {
      // §17.1.4: "The client transaction SHOULD inform the TU that a
      // transport failure has occurred, and the client transaction SHOULD
      // transition directly to the 'Terminated' state." Once completed, it has its answer.
      if (this.#disposed || (this.#state !== 'trying' && this.#state !== 'proceeding')) return;
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

  #transition(next: NonInviteClientState): void {
    if (!ALLOWED[this.#state].includes(next)) {
      throw new Error(`non-INVITE client transaction: illegal transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }
}
