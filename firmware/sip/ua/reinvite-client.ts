/**
 * One session modification we ask for: a re-INVITE in a confirmed dialog
 * (RFC 3261 §14.1), ACKed on a 2xx (§13.2.2.4), retried after 491 Request
 * Pending. §14.1:
 *
 * "If the UAC receives a 491 response to a re-INVITE, it SHOULD start a
 * timer with a value T chosen as follows [glare-policy.ts]. When the timer
 * fires, the UAC SHOULD attempt the re-INVITE once more, if it still desires
 * for that session modification to take place."
 *
 * "If a UA receives a non-2xx final response to a re-INVITE, the session
 * parameters MUST remain unchanged, as if no re-INVITE had been issued."
 * This file only reports; the session modifier keeps the session
 * descriptions and changes them on an accepted outcome alone.
 *
 * And §14.1: "a UAC MUST NOT initiate a new INVITE transaction within a
 * dialog while another INVITE transaction is in progress in either
 * direction" — the modifier says through mayStart() whether the peer's
 * INVITE is still being served; a waiting client is poked when it is over.
 */
import type { Dialog } from '../dialog/index.js';
import { getCSeq } from '../message/index.js';
import type { MessageBody, SipRequest, SipResponse } from '../message/index.js';
import type { ClientFailure } from '../transaction/index.js';
import { TimerSet } from '../transaction/timer-set.js';
import { bodyOf } from './message-body.js';
import type { AckSent, SessionContext } from './session-context.js';

/*
 * States and allowed transitions:
 *   waiting → sending   our turn: no INVITE in progress either way, no back-off running
 *   sending → waiting   491 with a retry left: the §14.1 back-off starts
 *   sending → done      any other final response (a 2xx is ACKed), Timer B, a transport error
 *   waiting → done      the dialog ended (or the session was disposed) first
 */
export type ReinviteClientState = 'waiting' | 'sending' | 'done';

const ALLOWED: Readonly<Record<ReinviteClientState, readonly ReinviteClientState[]>> = {
  waiting: ['sending', 'done'],
  sending: ['waiting', 'done'],
  done: [],
};

export type ReinviteOutcome =
  | {
      readonly kind: 'accepted';
      /** What we sent: the offer in the re-INVITE, or the answer in the ACK when the 2xx made the offer. */
      readonly local: MessageBody | undefined;
      /** What the peer sent in the 2xx: the answer, or its offer. */
      readonly remote: MessageBody | undefined;
      readonly response: SipResponse;
      /** Re-INVITEs sent (1 + the 491 retries). */
      readonly attempts: number;
    }
  | {
      readonly kind: 'failed';
      /** The final status, 408 for Timer B, 503 for a transport error; undefined when nothing was sent for it. */
      readonly status: number | undefined;
      readonly reason: string;
      readonly attempts: number;
      readonly response?: SipResponse;
      /**
       * §12.2.1.2: "If the response for a request within a dialog is a 481
       * (Call/Transaction Does Not Exist) or a 408 (Request Timeout), the UAC
       * SHOULD terminate the dialog. A UAC SHOULD also terminate a dialog if no
       * response at all is received for the request". Left to the call.
       */
      readonly endDialog: boolean;
    };

export interface ReinviteClientOptions {
  readonly dialog: Dialog;
  readonly ctx: SessionContext;
  /** The new offer; undefined for a re-INVITE without one (the 2xx then carries the peer's offer). */
  readonly offer: MessageBody | undefined;
  /** Without an offer: the answer to the peer's offer in the 2xx, carried in the ACK (§13.2.1). */
  readonly answerOffer: ((offer: MessageBody) => MessageBody | undefined) | undefined;
  readonly headers: readonly (readonly [string, string])[];
  /** How many 491s are retried (§14.1: "once more"). */
  readonly retries: number;
  /** The back-off after a 491 (requestPendingRetryDelayMs). */
  readonly retryDelayMs: () => number;
  /** False while the peer's INVITE is in progress. */
  readonly mayStart: () => boolean;
  readonly done: (outcome: ReinviteOutcome) => void;
}

export class ReinviteClient {
  readonly #o: ReinviteClientOptions;
  readonly #timers: TimerSet<'retry'>;
  #state: ReinviteClientState = 'waiting';
  #retriesLeft: number;
  #attempts = 0;

  constructor(options: ReinviteClientOptions) {
    this.#o = options;
    this.#timers = new TimerSet(options.ctx.clock);
    this.#retriesLeft = options.retries;
  }

  get state(): ReinviteClientState {
    return this.#state;
  }

  /** Sends now if it may (first call, the end of a back-off, the end of the peer's INVITE). */
  poke(): void {
    if (this.#state !== 'waiting' || this.#timers.isRunning('retry') || !this.#o.mayStart()) return;
    this.#attempt();
  }

  /** Gives up without a final response of our own (the dialog ended). */
  abandon(reason: string): void {
    if (this.#state === 'done') return;
    this.#finish({ kind: 'failed', status: undefined, reason, attempts: this.#attempts, endDialog: false });
  }

  #attempt(): void {
    let request: SipRequest;
    try {
      request = this.#o.dialog.createRequest('INVITE', { headers: this.#o.headers, body: this.#o.offer });
    } catch (e) {
      this.abandon(e instanceof Error ? e.message : String(e));
      return;
    }
    const seq = getCSeq(request)?.seq ?? 0;
    this.#transition('sending');
    this.#attempts += 1;
    let finalSeen = false;
    let ack: Promise<AckSent | undefined> | undefined;
    const sent = this.#o.ctx.sendRequest(request, {
      onFinal: (response) => {
        if (!finalSeen) {
          finalSeen = true;
          ack = this.#final(response, seq);
        } else if (response.status >= 200 && response.status < 300 && ack !== undefined) {
          // A retransmitted 2xx: §13.2.2.4 "The UAC core MUST generate an ACK request for each 2xx".
          void ack.then((a) => {
            if (a !== undefined) this.#o.ctx.resendAck(a);
          });
        }
      },
      onFailure: (failure) => {
        if (finalSeen) return;
        finalSeen = true;
        this.#failed(failure);
      },
    });
    sent.then(undefined, (e: unknown) => {
      if (finalSeen) return;
      finalSeen = true;
      this.#failed({ kind: 'transport-error', message: e instanceof Error ? e.message : String(e), treatAs: 503 });
    });
  }

  /** The first final response of an attempt; returns the ACK being sent for a 2xx. */
  #final(response: SipResponse, seq: number): Promise<AckSent | undefined> | undefined {
    if (this.#state !== 'sending') return undefined;
    const status = response.status;
    if (status >= 200 && status < 300) return this.#accepted(response, seq);
    if (status === 491 && this.#retriesLeft > 0) {
      this.#retriesLeft -= 1;
      this.#transition('waiting');
      this.#timers.start('retry', this.#o.retryDelayMs(), () => this.poke());
      return undefined;
    }
    this.#finish({
      kind: 'failed',
      status,
      reason: response.reason,
      attempts: this.#attempts,
      response,
      endDialog: status === 481 || status === 408,
    });
    return undefined;
  }

  #accepted(response: SipResponse, seq: number): Promise<AckSent | undefined> | undefined {
    const dialog = this.#o.dialog;
    const remote = bodyOf(response);
    const local = this.#o.offer ?? (remote === undefined ? undefined : this.#o.answerOffer?.(remote));
    let ack: Promise<AckSent | undefined> | undefined;
    if (dialog.state !== 'terminated') {
      // §12.2.1.2: a 2xx to a target refresh request replaces the remote target; the ACK goes there.
      dialog.refreshFromResponse(response);
      const request = dialog.createRequest('ACK', { cseq: seq, body: this.#o.offer === undefined ? local : undefined });
      ack = this.#o.ctx.sendAck(dialog, seq, request).catch((e: unknown) => {
        this.#o.ctx.log(`sip/ua: could not send the ACK for a re-INVITE: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
    }
    this.#finish({ kind: 'accepted', local, remote, response, attempts: this.#attempts });
    return ack;
  }

  #failed(failure: ClientFailure): void {
    if (this.#state !== 'sending') return;
    this.#finish({
      kind: 'failed',
      status: failure.treatAs,
      reason: failure.kind === 'timeout' ? `no response (Timer ${failure.timer})` : failure.message,
      attempts: this.#attempts,
      endDialog: failure.kind === 'timeout',
    });
  }

  #finish(outcome: ReinviteOutcome): void {
    this.#timers.clearAll();
    this.#transition('done');
    this.#o.done(outcome);
  }

  #transition(next: ReinviteClientState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`re-INVITE client: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }
}
