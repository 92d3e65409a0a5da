/**
 * An incoming call: the UAS side of an out-of-dialog INVITE (RFC 3261
 * §13.3) from the moment it arrives until it is rejected, cancelled or, once
 * answered, ended by a BYE either way (§15).
 *
 *   core.onIncomingCall((call) => {
 *     call.ring();                                   // 180 with a To tag: early dialog
 *     call.onStateChange(({ to }) => …);
 *     … call.accept({ contentType: 'application/sdp', bytes: answer })
 *       or call.reject(486);
 *   });
 *
 * The phone calls ring() as soon as the call arrives, so the transaction
 * layer's 100 Trying (sent when the TU is silent for 200 ms, §17.2.1) is
 * normally not needed.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { Dialog } from '../dialog/index.js';
import { getCSeq, getContentType, formatMediaType } from '../message/index.js';
import type { MessageBody, SipRequest, SipResponse, Uri } from '../message/index.js';
import type { IncomingRequest, InviteServerTransaction, ServerFailure, TimerValues } from '../transaction/index.js';
import type { TransportTarget } from '../transport/types.js';
import { capabilityHeaders } from './capabilities.js';
import type { UasCapabilities } from './capabilities.js';
import { callerIdentity, calleeUri } from './caller-identity.js';
import type { CallerIdentity } from './caller-identity.js';
import type { DialogOwner } from './dialog-owner.js';
import { TwoXxRetransmitter } from './two-xx-retransmitter.js';
import { TypedEmitter } from './typed-emitter.js';
import type { UasRequest } from './uas-request.js';

/*
 * States and allowed transitions:
 *   offered  → ringing    ring(): 180 with a To tag, early dialog (§13.3.1.1)
 *   offered  → accepted   accept() without ringing first
 *   ringing  → accepted   accept(): 2xx with Contact and the answer (§13.3.1.4)
 *   offered | ringing → rejected    reject(): a 3xx-6xx final (§13.3.1.3)
 *   offered | ringing → cancelled   CANCEL: 487 to the INVITE (§9.2)
 *   offered | ringing → failed      the INVITE transaction failed (transport error)
 *   ringing  → ended      BYE on the early dialog: 487 to the INVITE (§15.1.2)
 *   accepted → confirmed  the ACK for the 2xx (§13.3.1.4)
 *   accepted → failed     no ACK within 64*T1: BYE sent (§13.3.1.4)
 *   accepted → ended      BYE before the ACK (the ACK was lost)
 *   confirmed → ended     BYE received, or hangup() sent one
 * rejected, cancelled, failed and ended are final.
 */
export type IncomingCallState = 'offered' | 'ringing' | 'accepted' | 'confirmed' | 'rejected' | 'cancelled' | 'failed' | 'ended';

const ALLOWED: Readonly<Record<IncomingCallState, readonly IncomingCallState[]>> = {
  offered: ['ringing', 'accepted', 'rejected', 'cancelled', 'failed'],
  ringing: ['accepted', 'rejected', 'cancelled', 'failed', 'ended'],
  accepted: ['confirmed', 'failed', 'ended'],
  confirmed: ['ended'],
  rejected: [],
  cancelled: [],
  failed: [],
  ended: [],
};

const FINAL_STATES: readonly IncomingCallState[] = ['rejected', 'cancelled', 'failed', 'ended'];

export interface IncomingCallStateChange {
  readonly from: IncomingCallState;
  readonly to: IncomingCallState;
  /** Why, in a few words ("CANCEL", "BYE", "no ACK for the 2xx" …). */
  readonly reason: string;
}

/** What the UA core gives an incoming call. */
export interface IncomingCallContext {
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly capabilities: UasCapabilities;
  /** Our Contact URI for this call (the Contact provider's answer for the transport the INVITE came on). */
  readonly contact: Uri;
  /** Registers a new (early or confirmed) dialog with this call as its owner. */
  addDialog(dialog: Dialog, owner: DialogOwner): void;
  /** Sends an in-dialog request (the BYE) through the transaction layer. */
  sendRequest(request: SipRequest): void;
  /** Reports a listener that threw, and the like. */
  log(line: string): void;
}

/** A handler for in-dialog requests (re-INVITE, UPDATE, INFO …): true when it answers. */
export type InDialogHandler = (request: UasRequest, dialog: Dialog) => boolean;

/** Hears the ACKs in the call's dialog other than the one for the INVITE's 2xx (those for 2xx to re-INVITEs, §13.3.1.4). */
export type InDialogAckHandler = (ack: IncomingRequest, dialog: Dialog) => void;

export class IncomingCall implements DialogOwner {
  readonly request: SipRequest;
  readonly source: TransportTarget;
  readonly caller: CallerIdentity;
  readonly callee: Uri;
  /** The session offer in the INVITE (§13.2.1), if it has a body. */
  readonly offer: MessageBody | undefined;
  readonly #uas: UasRequest;
  readonly #ctx: IncomingCallContext;
  readonly #events: TypedEmitter<IncomingCallStateChange>;
  readonly #retransmitter: TwoXxRetransmitter;
  readonly #inviteSeq: number;
  readonly #unsubscribeFailure: () => void;
  #state: IncomingCallState = 'offered';
  #dialog: Dialog | undefined;
  #accepted: SipResponse | undefined;
  #hangupPending = false;
  #inDialogHandler: InDialogHandler | undefined;
  #inDialogAckHandler: InDialogAckHandler | undefined;

  constructor(uas: UasRequest, transaction: InviteServerTransaction, ctx: IncomingCallContext) {
    if (uas.request.method !== 'INVITE') throw new Error(`IncomingCall for ${uas.request.method}`);
    this.#uas = uas;
    this.#ctx = ctx;
    this.request = uas.request;
    this.source = uas.source;
    this.caller = callerIdentity(uas.request);
    this.callee = calleeUri(uas.request);
    const type = getContentType(uas.request);
    this.offer = uas.request.body.length > 0 && type !== undefined ? { contentType: formatMediaType(type), bytes: uas.request.body } : undefined;
    this.#inviteSeq = getCSeq(uas.request)?.seq ?? 0;
    this.#events = new TypedEmitter((e) => ctx.log(`sip/ua: incoming-call listener threw: ${e instanceof Error ? e.message : String(e)}`));
    this.#retransmitter = new TwoXxRetransmitter(
      ctx.clock,
      ctx.timers,
      () => {
        if (this.#accepted !== undefined) this.#uas.send(this.#accepted);
      },
      () => this.#noAck(),
    );
    this.#unsubscribeFailure = transaction.onFailure((f) => this.#transactionFailed(f));
  }

  get state(): IncomingCallState {
    return this.#state;
  }

  /** The early or confirmed dialog, once ring() or accept() made one. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** Our To tag in every response to the INVITE (and so our dialog's local tag). */
  get localTag(): string | undefined {
    return this.#uas.toTag;
  }

  get isFinished(): boolean {
    return FINAL_STATES.includes(this.#state);
  }

  /** Listens for state changes; returns an unsubscribe. */
  onStateChange(listener: (change: IncomingCallStateChange) => void): () => void {
    return this.#events.on(listener);
  }

  /** Who answers re-INVITE, UPDATE, INFO … in this call's dialog; unhandled ones get the core's default (488 for a re-INVITE). */
  setInDialogHandler(handler: InDialogHandler | undefined): void {
    this.#inDialogHandler = handler;
  }

  /** Who hears the other ACKs in this call's dialog (a SessionModifier stops its 2xx retransmissions on them). */
  setInDialogAckHandler(handler: InDialogAckHandler | undefined): void {
    this.#inDialogAckHandler = handler;
  }

  /** 180 Ringing. */
  ring(): void {
    this.provisional(180);
  }

  /**
   * A provisional response with our To tag, Contact and the Record-Route
   * copied (§12.1.1), which makes an early dialog (§13.3.1.1: "it SHOULD
   * generate a 180 (Ringing) response"). 183 with an early-media answer goes
   * through here too.
   */
  provisional(status: number, options: { readonly reason?: string; readonly body?: MessageBody } = {}): void {
    if (status <= 100 || status >= 200) throw new RangeError(`not a provisional status with a To tag: ${status}`);
    if (this.#state !== 'offered' && this.#state !== 'ringing') throw new Error(`cannot send ${status} in state ${this.#state}`);
    const response = this.#uas.createResponse(status, { ...options, contact: this.#ctx.contact, copyRecordRoute: true });
    this.#ensureDialog(response);
    this.#uas.send(response);
    if (this.#state === 'offered') this.#transition('ringing', `${status}`);
  }

  /**
   * Answers the call: 200 OK with our Contact, the Record-Route copied
   * (§12.1.1), Allow and Supported (§13.3.1.4: "The 2xx response to an
   * INVITE SHOULD contain the Allow header field and the Supported header
   * field") and the session answer; then retransmits it until the ACK.
   */
  accept(answer: MessageBody, options: { readonly headers?: Iterable<readonly [string, string]> } = {}): void {
    if (this.#state !== 'offered' && this.#state !== 'ringing') throw new Error(`cannot accept in state ${this.#state}`);
    const response = this.#uas.createResponse(200, {
      contact: this.#ctx.contact,
      copyRecordRoute: true,
      headers: [...capabilityHeaders(this.#ctx.capabilities, ['Allow', 'Supported']), ...(options.headers ?? [])],
      body: answer,
    });
    const dialog = this.#ensureDialog(response);
    if (dialog.state === 'early') dialog.confirm();
    this.#accepted = response;
    this.#transition('accepted', '200');
    this.#uas.send(response);
    this.#retransmitter.start();
  }

  /** Declines the call with a final 3xx-6xx (default 486 Busy Here, §21.4.24). */
  reject(status = 486, reason?: string): void {
    if (status < 300 || status > 699) throw new RangeError(`reject() needs a 3xx-6xx status, got ${status}`);
    if (this.#state !== 'offered' && this.#state !== 'ringing') throw new Error(`cannot reject in state ${this.#state}`);
    this.#uas.respond(status, { reason });
    this.#dialog?.terminate();
    this.#transition('rejected', `${status}`);
  }

  /**
   * Ends an answered call with a BYE (§15.1.1). §15: "the callee's UA MUST
   * NOT send a BYE on a confirmed dialog until it has received an ACK for its
   * 2xx response or until the server transaction times out" — before the
   * ACK, the BYE waits for it (or for the 64*T1 give-up).
   */
  hangup(): void {
    switch (this.#state) {
      case 'confirmed':
        this.#sendBye();
        this.#transition('ended', 'local hangup');
        return;
      case 'accepted':
        this.#hangupPending = true;
        return;
      default:
        throw new Error(`cannot hang up in state ${this.#state}: ${this.isFinished ? 'the call is over' : 'use reject()'}`);
    }
  }

  /**
   * A CANCEL matched the INVITE (the core has answered it 200). §9.2: "the
   * UAS core [...] SHOULD respond to the INVITE with a 487 (Request
   * Terminated)" if no final response was sent; after one, "CANCEL has no
   * effect on it".
   */
  cancel(): void {
    if (this.#state !== 'offered' && this.#state !== 'ringing') return;
    this.#uas.respond(487);
    this.#dialog?.terminate();
    this.#transition('cancelled', 'CANCEL');
  }

  // DialogOwner: the core routes this call's in-dialog requests here.

  handleRequest(request: UasRequest, dialog: Dialog): boolean {
    return this.#inDialogHandler?.(request, dialog) ?? false;
  }

  /**
   * BYE (§15.1.2), already answered 200 by the core: "the UAS MUST still
   * respond to any pending requests received for that dialog. It is
   * RECOMMENDED that a 487 (Request Terminated) response be generated to
   * those pending requests."
   */
  byeReceived(): void {
    switch (this.#state) {
      case 'ringing':
        this.#uas.respond(487);
        break;
      case 'accepted':
      case 'confirmed':
        this.#retransmitter.stop();
        break;
      default:
        return;
    }
    this.#dialog?.terminate();
    this.#transition('ended', 'BYE');
  }

  /** The ACK for our 2xx (§13.3.1.4: "Response retransmissions cease when an ACK request for the response is received"). */
  ackReceived(ack: IncomingRequest, dialog?: Dialog): void {
    if (this.#state !== 'accepted' || getCSeq(ack.message)?.seq !== this.#inviteSeq) {
      if (dialog !== undefined) this.#inDialogAckHandler?.(ack, dialog);
      return;
    }
    this.#retransmitter.stop();
    this.#transition('confirmed', 'ACK');
    if (this.#hangupPending) {
      this.#sendBye();
      this.#transition('ended', 'local hangup');
    }
  }

  /** Stops the timers; the call stays in its state. */
  dispose(): void {
    this.#retransmitter.stop();
    this.#unsubscribeFailure();
    this.#events.clear();
  }

  #ensureDialog(response: SipResponse): Dialog {
    if (this.#dialog === undefined) {
      this.#dialog = Dialog.asUas(this.request, response, { transport: this.source.protocol });
      this.#ctx.addDialog(this.#dialog, this);
    }
    return this.#dialog;
  }

  #noAck(): void {
    if (this.#state !== 'accepted') return;
    // "the dialog is confirmed, but the session SHOULD be terminated. This is accomplished with a BYE".
    this.#sendBye();
    this.#transition('failed', 'no ACK for the 2xx');
  }

  #sendBye(): void {
    const dialog = this.#dialog;
    if (dialog === undefined || dialog.state === 'terminated') return;
    const bye = dialog.createRequest('BYE');
    dialog.terminate();
    this.#ctx.sendRequest(bye);
  }

  #transactionFailed(failure: ServerFailure): void {
    // Timer H after a rejection needs nothing from the call; a transport error before the final ends it.
    if (this.#state !== 'offered' && this.#state !== 'ringing') return;
    this.#dialog?.terminate();
    this.#transition('failed', failure.kind === 'timeout' ? `Timer ${failure.timer}` : failure.message);
  }

  #transition(next: IncomingCallState, reason: string): void {
    const from = this.#state;
    if (!ALLOWED[from].includes(next)) throw new Error(`incoming call: illegal transition ${from} → ${next}`);
    this.#state = next;
    if (FINAL_STATES.includes(next)) {
      this.#retransmitter.stop();
      this.#unsubscribeFailure();
    }
    this.#events.emit({ from, to: next, reason });
  }
}
