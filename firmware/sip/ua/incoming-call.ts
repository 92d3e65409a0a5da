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
 *
 * Extensions: when the INVITE requires 100rel (or supports it and the
 * call's settings — its account's — prefer it) every 101-199 goes out
 * reliably and the 2xx waits for the PRACKs (RFC 3262,
 * reliable-provisional-sender.ts). accept() negotiates a session timer
 * (RFC 4028 §9, session-timer.ts) from the request and the call's settings
 * (given by the core as the INVITE arrived, overridden in accept()).
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { Dialog } from '../dialog/index.js';
import { getCSeq, getContentType, getTokens, formatMediaType } from '../message/index.js';
import type { MessageBody, SipRequest, SipResponse, Uri } from '../message/index.js';
import type { IncomingRequest, InviteServerTransaction, ServerFailure, TimerValues } from '../transaction/index.js';
import type { TransportTarget } from '../transport/types.js';
import { capabilityHeaders } from './capabilities.js';
import type { UasCapabilities } from './capabilities.js';
import { callerIdentity, calleeUri } from './caller-identity.js';
import type { CallerIdentity } from './caller-identity.js';
import type { DialogOwner } from './dialog-owner.js';
import { usesReliableProvisionals } from './prack-policy.js';
import { ReliableProvisionalSender } from './reliable-provisional-sender.js';
import type { SessionContext } from './session-context.js';
import { SessionTimer } from './session-timer.js';
import { sessionTimerSettings, timerFromUasDecision, uasTimerDecision, uasTimerHeaders } from './session-timer-policy.js';
import type { NegotiatedTimer, SessionTimerSettings } from './session-timer-policy.js';
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
 *   accepted → failed     no ACK within 64*T1: BYE sent (§13.3.1.4); or the 2xx waited
 *                         for a PRACK that never came: 5xx instead (RFC 3262 §3)
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
  /**
   * Send 101-199 reliably when the INVITE only supports 100rel (RFC 3262 §3;
   * a Require is always honoured): the choice of the account the INVITE is
   * for, as it arrived. Default false.
   */
  readonly reliableProvisionals?: boolean;
  /** The session timer settings (RFC 4028) of the account the INVITE is for, as it arrived; accept() may override them. */
  readonly sessionTimer?: Partial<SessionTimerSettings>;
  /** In-dialog requests with their responses (the session timer's UPDATE refreshes); without it no timer runs. */
  readonly session?: SessionContext;
}

export interface AcceptOptions {
  readonly headers?: Iterable<readonly [string, string]>;
  /** Session timer settings for this call, over the core's (RFC 4028; the INVITE's own Session-Expires is honoured regardless). */
  readonly sessionTimer?: Partial<SessionTimerSettings>;
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
  /** RFC 3262: the reliable 1xx machinery, when the INVITE asked for (or allowed) it. */
  readonly #reliable: ReliableProvisionalSender | undefined;
  #sessionTimer: SessionTimer | undefined;
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
    this.#reliable = usesReliableProvisionals(uas.request, ctx.reliableProvisionals ?? false)
      ? new ReliableProvisionalSender({
          clock: ctx.clock,
          timers: ctx.timers,
          invite: uas.request,
          transmit: (response) => this.#uas.send(response),
          giveUp: () => this.#noPrack(),
        })
      : undefined;
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

  /** Whether this call's 101-199 go out reliably (RFC 3262). */
  get reliableProvisionals(): boolean {
    return this.#reliable !== undefined;
  }

  /** The session timer of the answered call (RFC 4028); undefined before accept() or without a session context. */
  get sessionTimer(): SessionTimer | undefined {
    return this.#sessionTimer;
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
    // RFC 3262 §3: Require: 100rel and RSeq, retransmitted until PRACKed; later ones queue behind it.
    if (this.#reliable !== undefined) this.#reliable.send(response);
    else this.#uas.send(response);
    if (this.#state === 'offered') this.#transition('ringing', `${status}`);
  }

  /**
   * Answers the call: 200 OK with our Contact, the Record-Route copied
   * (§12.1.1), Allow and Supported (§13.3.1.4: "The 2xx response to an
   * INVITE SHOULD contain the Allow header field and the Supported header
   * field") and the session answer; then retransmits it until the ACK.
   *
   * The 2xx carries the session timer RFC 4028 §9 decides (Session-Expires,
   * Require: timer when the caller refreshes). The INVITE's interval was
   * checked against the core's Min-SE when it arrived (422, §9); here the
   * per-call settings can ask for a timer or a shorter interval, not refuse one.
   * With reliable provisionals unacknowledged, the 2xx waits for their PRACK
   * (RFC 3262 §3).
   */
  accept(answer: MessageBody, options: AcceptOptions = {}): void {
    if (this.#state !== 'offered' && this.#state !== 'ringing') throw new Error(`cannot accept in state ${this.#state}`);
    const checked = sessionTimerSettings(this.#ctx.sessionTimer);
    const settings = sessionTimerSettings(this.#ctx.sessionTimer, options.sessionTimer);
    let timer = uasTimerDecision(this.request, { want: settings.enabled, expires: settings.expires, minSE: checked.minSE, refresher: settings.refresher });
    if (timer.kind === 'reject') {
      this.#ctx.log(`sip/ua: the INVITE's Session-Expires is below Min-SE ${timer.minSE} but was not refused on arrival: no session timer`);
      timer = { kind: 'none' };
    }
    const response = this.#uas.createResponse(200, {
      contact: this.#ctx.contact,
      copyRecordRoute: true,
      headers: [...capabilityHeaders(this.#ctx.capabilities, ['Allow', 'Supported']), ...uasTimerHeaders(timer), ...(options.headers ?? [])],
      body: answer,
    });
    const dialog = this.#ensureDialog(response);
    if (dialog.state === 'early') dialog.confirm();
    this.#accepted = response;
    this.#transition('accepted', '200');
    const send = (): void => {
      if (this.#state !== 'accepted') return;
      this.#reliable?.stop();
      this.#uas.send(response);
      this.#retransmitter.start();
    };
    if (this.#reliable !== undefined) this.#reliable.whenAcknowledged(send);
    else send();
    this.#startSessionTimer(dialog, settings, timerFromUasDecision(timer));
  }

  /**
   * Declines the call with a final 3xx-6xx (default 486 Busy Here, §21.4.24);
   * `headers` carry e.g. the Contact of a 302 (§21.3.3, call forwarding).
   */
  reject(status = 486, reason?: string, headers?: Iterable<readonly [string, string]>): void {
    if (status < 300 || status > 699) throw new RangeError(`reject() needs a 3xx-6xx status, got ${status}`);
    if (this.#state !== 'offered' && this.#state !== 'ringing') throw new Error(`cannot reject in state ${this.#state}`);
    this.#uas.respond(status, { reason, ...(headers === undefined ? {} : { headers }) });
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
    if (request.method === 'PRACK') {
      // RFC 3262 §3: a matching PRACK "MUST be responded to with a 2xx response", any other with 481.
      request.respond(this.#reliable?.prack(request.request) === true ? 200 : 481);
      return true;
    }
    const next = (r: UasRequest): boolean => this.#inDialogHandler?.(r, dialog) ?? false;
    const timer = this.#sessionTimer;
    return timer !== undefined && dialog === this.#dialog ? timer.handleRequest(request, next) : next(request);
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
    this.#reliable?.stop();
    this.#sessionTimer?.dispose();
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

  #startSessionTimer(dialog: Dialog, settings: SessionTimerSettings, negotiated: NegotiatedTimer | undefined): void {
    const session = this.#ctx.session;
    if (session === undefined) return;
    let peerAllow: string[] = [];
    try {
      peerAllow = getTokens(this.request, 'Allow');
    } catch {
      // A malformed Allow tells us nothing: refreshes go by re-INVITE.
    }
    this.#sessionTimer = new SessionTimer({ dialog, ctx: session, settings, peerAllow, expire: (reason) => this.#sessionExpired(reason) });
    this.#sessionTimer.start(negotiated);
  }

  /** RFC 4028 §10: the session is over for want of a refresh (or ours failed): a BYE, once the ACK allows one (§15). */
  #sessionExpired(reason: string): void {
    if (this.#state === 'confirmed') {
      this.#sendBye();
      this.#transition('ended', reason);
    } else if (this.#state === 'accepted') {
      this.#hangupPending = true;
    }
  }

  /** RFC 3262 §3: "the UAS SHOULD reject the original request with a 5xx response" after 64*T1 without a PRACK. */
  #noPrack(): void {
    if (this.#state !== 'offered' && this.#state !== 'ringing' && this.#state !== 'accepted') return;
    this.#accepted = undefined;
    this.#uas.respond(500, { reason: 'Reliable Provisional Response Not Acknowledged' });
    this.#dialog?.terminate();
    this.#transition('failed', 'no PRACK for a reliable provisional response');
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
      this.#reliable?.stop();
      this.#sessionTimer?.dispose();
    }
    this.#events.emit({ from, to: next, reason });
  }
}
