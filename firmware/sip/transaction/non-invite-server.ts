/**
 * The non-INVITE server transaction: RFC 3261 §17.2.2 (Figure 8). A CANCEL
 * is one of these too; the layer attaches the INVITE server transaction it
 * cancels (§9.2) as `cancels`.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { InviteServerTransaction } from './invite-server.js';
import { TimerSet } from './timer-set.js';
import { timerJ } from './timers.js';
import { errorMessage } from './types.js';
import type { ServerFailure, TransactionContext } from './types.js';

/*
 * States and allowed transitions (Figure 8):
 *   trying     → proceeding  1xx from TU (sent)
 *   trying     → completed   200-699 from TU (sent)
 *   trying     → terminated  transport error (TU told)
 *   proceeding → completed   200-699 from TU (sent)
 *   proceeding → terminated  transport error (TU told)
 *   completed  → terminated  Timer J fires or transport error (TU told)
 * Self-loops (1xx in Proceeding, retransmitted requests) change no state.
 */
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const ALLOWED: Readonly<Record<NonInviteServerState, readonly NonInviteServerState[]>> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export interface NonInviteServerOptions {
  /** For a CANCEL: the INVITE server transaction it matched (§9.2), if any. */
  readonly cancels?: InviteServerTransaction;
}

export class NonInviteServerTransaction {
  /**
   * For a CANCEL, the INVITE server transaction it cancels, found by §9.2
   * matching; undefined if none ("If the UAS did not find a matching
   * transaction for the CANCEL according to the procedure above, it SHOULD
   * respond to the CANCEL with a 481").
   */
  readonly cancels: InviteServerTransaction | undefined;
  readonly #ctx: TransactionContext<SipResponse>;
  readonly #timers: TimerSet<'J'>;
  readonly #failureListeners = new Set<(failure: ServerFailure) => void>();
  #state: NonInviteServerState = 'trying';
  #lastResponse: SipResponse | undefined;
  #disposed = false;

  constructor(
    readonly request: SipRequest,
    ctx: TransactionContext<SipResponse>,
    options: NonInviteServerOptions = {},
  ) {
    if (request.method === 'INVITE' || request.method === 'ACK') {
      throw new Error(`NonInviteServerTransaction for ${request.method}`);
    }
    this.#ctx = ctx;
    this.#timers = new TimerSet(ctx.clock);
    this.cancels = options.cancels;
  }

  get state(): NonInviteServerState {
    return this.#state;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#lastResponse;
  }

  /** Registers a listener for transport errors; returns an unsubscribe function. */
  onFailure(listener: (failure: ServerFailure) => void): () => void {
    this.#failureListeners.add(listener);
    return () => {
      this.#failureListeners.delete(listener);
    };
  }

  /** A response from the TU; false when discarded (after the final, or after the end). */
  respond(response: SipResponse): boolean {
    if (this.#disposed) return false;
    if (this.#state !== 'trying' && this.#state !== 'proceeding') {
      // "Any other final responses passed by the TU to the server transaction
      // MUST be discarded while in the 'Completed' state."
      return false;
    }
    if (response.status < 200) {
      // "While in the 'Trying' state, if the TU passes a provisional response
      // to the server transaction, the server transaction MUST enter the
      // 'Proceeding' state. The response MUST be passed to the transport layer
      // for transmission."
      if (this.#state === 'trying') this.#transition('proceeding');
      this.#sendResponse(response);
      return true;
    }
    // "If the TU passes a final response (status codes 200-699) to the server
    // while in the 'Proceeding' state, the transaction MUST enter the
    // 'Completed' state, and the response MUST be passed to the transport
    // layer for transmission." "When the server transaction enters the
    // 'Completed' state, it MUST set Timer J to fire in 64*T1 seconds for
    // unreliable transports, and zero seconds for reliable transports."
    this.#transition('completed');
    this.#sendResponse(response);
    const j = timerJ(this.#ctx.timers, this.#ctx.reliable);
    if (j === 0) this.#terminate();
    else this.#timers.start('J', j, () => this.#terminate());
    return true;
  }

  /** A retransmission of the request that created this transaction (§17.2.3). */
  receiveRetransmission(): void {
    if (this.#disposed) return;
    // Trying: "Once in the 'Trying' state, any further request retransmissions
    // are discarded." Proceeding: "If a retransmission of the request is
    // received while in the 'Proceeding' state, the most recently sent
    // provisional response MUST be passed to the transport layer for
    // retransmission." Completed: "While in the 'Completed' state, the server
    // transaction MUST pass the final response to the transport layer for
    // retransmission whenever a retransmission of the request is received."
    if ((this.#state === 'proceeding' || this.#state === 'completed') && this.#lastResponse !== undefined) {
      this.#sendResponse(this.#lastResponse);
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#timers.clearAll();
    this.#failureListeners.clear();
  }

  #sendResponse(response: SipResponse): void {
    this.#lastResponse = response;
    this.#ctx.send(response).then(undefined, (error: unknown) => {
      // Figure 8: "Trnsprt Err. Inform TU" from Proceeding and Completed (and Trying, sending nothing, has none).
      if (this.#disposed || this.#state === 'terminated') return;
      this.#terminate();
      const failure: ServerFailure = { kind: 'transport-error', message: errorMessage(error) };
      for (const listener of [...this.#failureListeners]) listener(failure);
    });
  }

  #terminate(): void {
    this.#transition('terminated');
    this.#timers.clearAll();
    this.#ctx.onTerminated();
  }

  #transition(next: NonInviteServerState): void {
    if (!ALLOWED[this.#state].includes(next)) {
      throw new Error(`non-INVITE server transaction: illegal transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }
}
