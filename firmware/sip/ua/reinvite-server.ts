/**
 * One re-INVITE from the peer in a confirmed dialog (RFC 3261 §14.2), from
 * the moment it passed the glare checks until it is rejected or its 2xx is
 * ACKed. Whoever decides about media (the SDP offer/answer layer) gets it as
 * an IncomingReinviteRequest and calls accept() with the answer — or, when
 * the re-INVITE had no offer, with an offer of its own, whose answer then
 * comes in the ACK (§13.2.1) — or reject().
 *
 * §14.2: "If the UAS is unwilling to accept the change [...] it MUST reject
 * the request" and the session stays as it was; the 2xx is retransmitted
 * until the ACK like any 2xx to an INVITE (§13.3.1.4, two-xx-retransmitter.ts)
 * and, as §13.3.1.4 says, "If the server retransmits the 2xx response for
 * 64*T1 seconds without receiving an ACK, the dialog is confirmed, but the
 * session SHOULD be terminated. This is accomplished with a BYE".
 *
 * The dialog's remote target follows the Contact of the re-INVITE when the
 * 2xx goes out (§12.2.2); the user-agent core does that (UasRequest onFinal).
 */
import type { Dialog } from '../dialog/index.js';
import { getCSeq } from '../message/index.js';
import type { MessageBody, SipRequest, SipResponse } from '../message/index.js';
import type { IncomingRequest } from '../transaction/index.js';
import { capabilityHeaders } from './capabilities.js';
import { bodyOf } from './message-body.js';
import type { SessionContext } from './session-context.js';
import { TwoXxRetransmitter } from './two-xx-retransmitter.js';
import type { UasRequest } from './uas-request.js';

/*
 * States and allowed transitions:
 *   offered      → awaiting-ack  accept(): 2xx with our Contact and the body, retransmitted
 *   offered      → done          reject(): 3xx-6xx; or the transaction would take no final (CANCELled: 487 already sent)
 *   awaiting-ack → done          the ACK; or 64*T1 without one (the session should end)
 */
export type ReinviteServerState = 'offered' | 'awaiting-ack' | 'done';

const ALLOWED: Readonly<Record<ReinviteServerState, readonly ReinviteServerState[]>> = {
  offered: ['awaiting-ack', 'done'],
  'awaiting-ack': ['done'],
  done: [],
};

/** What the media layer sees of a re-INVITE and how it answers. */
export interface IncomingReinviteRequest {
  readonly request: SipRequest;
  /** The offer in the re-INVITE; undefined when it has none (then accept() takes our offer). */
  readonly offer: MessageBody | undefined;
  /** 2xx with `body`: the answer to `offer`, or our offer when there was none. */
  accept(body: MessageBody): void;
  /** A 3xx-6xx; the session stays as it was (default 488 Not Acceptable Here, §14.2). */
  reject(status?: number, reason?: string): void;
}

export interface ReinviteServerHooks {
  /** The offer/answer exchange completed: the session descriptions to use from now on. */
  readonly committed: (local: MessageBody, remote: MessageBody) => void;
  /** The exchange is over (rejected, ACKed, or given up): another INVITE may start. */
  readonly done: () => void;
  /** 64*T1 without an ACK for our 2xx. */
  readonly ackTimeout: () => void;
}

export class IncomingReinvite implements IncomingReinviteRequest {
  readonly request: SipRequest;
  readonly offer: MessageBody | undefined;
  readonly #uas: UasRequest;
  readonly #dialog: Dialog;
  readonly #ctx: SessionContext;
  readonly #hooks: ReinviteServerHooks;
  readonly #seq: number | undefined;
  readonly #retransmitter: TwoXxRetransmitter;
  #state: ReinviteServerState = 'offered';
  #response: SipResponse | undefined;
  /** Our offer in the 2xx, when the re-INVITE had none: committed with the answer in the ACK. */
  #ourOffer: MessageBody | undefined;

  constructor(uas: UasRequest, dialog: Dialog, ctx: SessionContext, hooks: ReinviteServerHooks) {
    this.request = uas.request;
    this.offer = bodyOf(uas.request);
    this.#uas = uas;
    this.#dialog = dialog;
    this.#ctx = ctx;
    this.#hooks = hooks;
    this.#seq = getCSeq(uas.request)?.seq;
    this.#retransmitter = new TwoXxRetransmitter(
      ctx.clock,
      ctx.timers,
      () => {
        if (this.#response !== undefined) this.#uas.send(this.#response);
      },
      () => this.#noAck(),
    );
  }

  get state(): ReinviteServerState {
    return this.#state;
  }

  /** The exchange still blocks other INVITEs in the dialog (no final yet, or our 2xx not ACKed). */
  get inProgress(): boolean {
    return this.#state !== 'done';
  }

  accept(body: MessageBody): void {
    if (this.#state !== 'offered') throw new Error(`cannot accept a re-INVITE in state ${this.#state}`);
    const response = this.#uas.createResponse(200, {
      // §13.3.1.4: the 2xx carries our Contact, Allow and Supported, like any 2xx to an INVITE.
      contact: this.#dialog.localTarget,
      headers: capabilityHeaders(this.#ctx.capabilities, ['Allow', 'Supported']),
      body,
    });
    if (!this.#uas.send(response)) {
      // The transaction took no final: a CANCEL got there first and the core answered 487.
      this.#finish();
      return;
    }
    this.#response = response;
    this.#transition('awaiting-ack');
    this.#retransmitter.start();
    if (this.offer !== undefined) this.#hooks.committed(body, this.offer);
    else this.#ourOffer = body;
  }

  reject(status = 488, reason?: string): void {
    if (status < 300 || status > 699) throw new RangeError(`reject() needs a 3xx-6xx status, got ${status}`);
    if (this.#state !== 'offered') throw new Error(`cannot reject a re-INVITE in state ${this.#state}`);
    this.#uas.respond(status, { reason });
    this.#finish();
  }

  /** An ACK in the dialog; true when it acknowledged our 2xx (§13.3.1.4: "Response retransmissions cease"). */
  ackReceived(ack: IncomingRequest): boolean {
    if (this.#state !== 'awaiting-ack' || getCSeq(ack.message)?.seq !== this.#seq) return false;
    this.#retransmitter.stop();
    const answer = bodyOf(ack.message);
    if (this.#ourOffer !== undefined) {
      if (answer !== undefined) this.#hooks.committed(this.#ourOffer, answer);
      else this.#ctx.log('sip/ua: the ACK brought no answer to the offer in our 2xx: the session stays as it was');
    }
    this.#finish();
    return true;
  }

  /**
   * The dialog ended under it. §15.1.2: "the UAS MUST still respond to any
   * pending requests received for that dialog. It is RECOMMENDED that a 487
   * (Request Terminated) response be generated to those pending requests."
   */
  abandon(): void {
    if (this.#state === 'offered') this.#uas.respond(487);
    if (this.#state !== 'done') this.#finish();
  }

  #noAck(): void {
    if (this.#state !== 'awaiting-ack') return;
    this.#finish();
    this.#hooks.ackTimeout();
  }

  #finish(): void {
    this.#retransmitter.stop();
    this.#transition('done');
    this.#hooks.done();
  }

  #transition(next: ReinviteServerState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`re-INVITE server: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }
}
