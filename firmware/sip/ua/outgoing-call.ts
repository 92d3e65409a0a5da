/**
 * A call the phone places: the UAC side of an INVITE (RFC 3261 §13.2) from
 * the moment it is sent to our server until it fails, is cancelled, or —
 * answered — ends with a BYE either way (§15).
 *
 *   const call = core.placeCall({ from: { uri: aor, displayName }, target, offer,
 *                                 sender, server: () => proxyTarget });
 *   call.onStateChange(({ to }) => …);       // calling → proceeding → early → confirmed → ended
 *   call.onEarlyMedia((sdp) => …);  call.onAnswer((sdp) => …);
 *   call.hangup();                           // CANCEL before the answer, BYE after it
 *   call.session?.sendReinvite(holdOffer);   // once confirmed
 *
 * The INVITE goes to the account's outbound proxy or registrar (the
 * `server` resolver) through its AuthenticatingSender, so a 401/407 from our
 * server is answered (§22.2, §22.3: a new transaction, CSeq + 1). The 2xx
 * is ACKed by this UAC core (§13.2.2.4), every retransmission of it too,
 * and a 2xx from a second fork is ACKed and ended with a BYE. The dialogs
 * are registered with the user-agent core, which routes the peer's
 * in-dialog requests (BYE, re-INVITE, INFO, NOTIFY, REFER) back here.
 */
import { Dialog, dialogKey, responseDialogId } from '../dialog/index.js';
import { getCSeq, getCallId, getTo } from '../message/index.js';
import type { MessageBody, SipRequest, SipResponse, Uri } from '../message/index.js';
import type { ClientTransactionHandlers, IncomingRequest, SentRequest } from '../transaction/index.js';
import { createCancel } from '../transaction/index.js';
import { TimerSet } from '../transaction/timer-set.js';
import type { TransportProtocol, TransportTarget } from '../transport/types.js';
import type { AuthenticatedOutcome, AuthenticatedSendOptions } from './authenticating-sender.js';
import type { DialogOwner } from './dialog-owner.js';
import type { InDialogHandler } from './incoming-call.js';
import { createInvite } from './invite-request.js';
import type { Party } from './invite-request.js';
import { bodyOf } from './message-body.js';
import type { AckSent, SessionContext } from './session-context.js';
import { SessionModifier } from './session-modifier.js';
import type { SessionModifierOptions } from './session-modifier.js';
import { TypedEmitter } from './typed-emitter.js';
import type { UasRequest } from './uas-request.js';

/*
 * States and allowed transitions (§13.2.2, §9.1, §15):
 *   calling    → proceeding  a 1xx without a To tag (100 Trying)
 *   calling | proceeding → early      a 1xx with a To tag: an early dialog (§12.1.2)
 *   calling | proceeding | early → confirmed   a 2xx: dialog confirmed, ACK sent (§13.2.2.4)
 *   calling | proceeding | early → failed      3xx-6xx (the transaction ACKs it), Timer B (408),
 *                                              a transport error or no route (503)
 *   calling | proceeding | early → cancelling  hangup() before the final: CANCEL, at once if a
 *                                              provisional came, else after the first one (§9.1)
 *   cancelling → cancelled   a non-2xx final (487), Timer B, or no final 64*T1 after the CANCEL
 *   cancelling → ended       a 2xx crossed the CANCEL: ACKed, then ended with a BYE (§15)
 *   confirmed  → ended       hangup() sent a BYE, or the peer's BYE came
 * failed, cancelled and ended are final.
 */
export type OutgoingCallState = 'calling' | 'proceeding' | 'early' | 'confirmed' | 'cancelling' | 'failed' | 'cancelled' | 'ended';

const ALLOWED: Readonly<Record<OutgoingCallState, readonly OutgoingCallState[]>> = {
  calling: ['proceeding', 'early', 'confirmed', 'failed', 'cancelling'],
  proceeding: ['early', 'confirmed', 'failed', 'cancelling'],
  early: ['confirmed', 'failed', 'cancelling'],
  confirmed: ['ended'],
  cancelling: ['cancelled', 'ended'],
  failed: [],
  cancelled: [],
  ended: [],
};

const FINAL_STATES: readonly OutgoingCallState[] = ['failed', 'cancelled', 'ended'];

export interface OutgoingCallStateChange {
  readonly from: OutgoingCallState;
  readonly to: OutgoingCallState;
  /** Why, in a few words ("180", "486 Busy Here", "BYE", "local hangup" …). */
  readonly reason: string;
}

/** Why the call did not get through: the final status (408 for Timer B, 503 for a transport error) and its reason. */
export interface CallFailure {
  readonly status: number;
  readonly reason: string;
  /** The final response itself (3xx Contacts, Retry-After, Warning …), when there was one. */
  readonly response?: SipResponse;
}

/** What sends the INVITE and answers our server's challenges: the account's AuthenticatingSender. */
export interface InviteSender {
  send(request: SipRequest, target: TransportTarget, options: AuthenticatedSendOptions): Promise<AuthenticatedOutcome>;
}

export interface PlaceCallOptions {
  /** Our address of record (From, §8.1.1.3) with the display name. */
  readonly from: Party;
  /** Who we call (Request-URI and To). */
  readonly target: Uri;
  /** The SDP offer (§13.2.1): bytes and Content-Type, made by the media layer. */
  readonly offer: MessageBody;
  readonly sender: InviteSender;
  /** The account's outbound proxy or registrar, resolved: where the INVITE goes (§8.1.2). */
  readonly server: () => TransportTarget | undefined | Promise<TransportTarget | undefined>;
  /**
   * Whether `server` is our own server (default true): only then is a
   * 401/407 answered — the digest-leak guard (auth/credential-store.ts). A
   * direct IP call sets it false.
   */
  readonly nextHopIsOurServer?: boolean;
  readonly userAgent?: string;
  /** More header lines in the INVITE (Referred-By, Replaces …). */
  readonly headers?: Iterable<readonly [string, string]>;
  /** For the session once confirmed (491 retries, the random source …). */
  readonly session?: Omit<SessionModifierOptions, 'initial'>;
}

/** What the user-agent core gives an outgoing call. */
export interface OutgoingCallContext extends SessionContext {
  /** Our Contact for the transport the INVITE goes on (§8.1.1.8). */
  contact(protocol: TransportProtocol): Uri;
  /** Registers an (early or confirmed) dialog with this call as its owner. */
  addDialog(dialog: Dialog, owner: DialogOwner): void;
  /** Starts the CANCEL's client transaction, towards where the INVITE went (§9.1). */
  sendCancel(cancel: SipRequest, target: TransportTarget, handlers: ClientTransactionHandlers): SentRequest;
}

export class OutgoingCall implements DialogOwner {
  readonly target: Uri;
  readonly offer: MessageBody;
  readonly #options: PlaceCallOptions;
  readonly #ctx: OutgoingCallContext;
  readonly #events: TypedEmitter<OutgoingCallStateChange>;
  readonly #earlyMediaEvents: TypedEmitter<MessageBody>;
  readonly #answerEvents: TypedEmitter<MessageBody>;
  readonly #timers: TimerSet<'cancel-give-up'>;
  #state: OutgoingCallState = 'calling';
  /** The INVITE's latest transaction (a challenged INVITE is sent again as a new one). */
  #invite: SentRequest | undefined;
  #provisionalSeen = false;
  #cancelSent = false;
  /** Early dialogs by key, one per fork that sent a 1xx with a To tag. */
  readonly #early = new Map<string, Dialog>();
  #dialog: Dialog | undefined;
  /** The ACK for each 2xx'd dialog (ours and other forks'), re-sent for each retransmitted 2xx. */
  readonly #acks = new Map<string, Promise<AckSent | undefined>>();
  /** The final outcome has been handled; 2xx arriving before that wait here. */
  #finalHandled = false;
  readonly #laterFinals: { response: SipResponse; sent: SentRequest }[] = [];
  #lastProvisional: number | undefined;
  #earlyMedia: MessageBody | undefined;
  #answer: MessageBody | undefined;
  #failure: CallFailure | undefined;
  #session: SessionModifier | undefined;
  #inDialogHandler: InDialogHandler | undefined;
  #disposed = false;

  constructor(options: PlaceCallOptions, ctx: OutgoingCallContext) {
    this.target = options.target;
    this.offer = options.offer;
    this.#options = options;
    this.#ctx = ctx;
    const log = (what: string) => (e: unknown) => ctx.log(`sip/ua: outgoing-call ${what} listener threw: ${e instanceof Error ? e.message : String(e)}`);
    this.#events = new TypedEmitter(log('state'));
    this.#earlyMediaEvents = new TypedEmitter(log('early-media'));
    this.#answerEvents = new TypedEmitter(log('answer'));
    this.#timers = new TimerSet(ctx.clock);
  }

  get state(): OutgoingCallState {
    return this.#state;
  }

  get isFinished(): boolean {
    return FINAL_STATES.includes(this.#state);
  }

  /** The INVITE as last sent (with its Via), once it is. */
  get invite(): SipRequest | undefined {
    return this.#invite?.request;
  }

  get callId(): string | undefined {
    return this.#invite === undefined ? undefined : getCallId(this.#invite.request);
  }

  /** The confirmed dialog, once a 2xx came. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** The status of the last provisional response (180 Ringing, 183 Session Progress …). */
  get lastProvisional(): number | undefined {
    return this.#lastProvisional;
  }

  /** The answer in a 1xx (early media, typically 183), if any. */
  get earlyMedia(): MessageBody | undefined {
    return this.#earlyMedia;
  }

  /** The answer the call was confirmed with: the 2xx's body, else the early one. */
  get answer(): MessageBody | undefined {
    return this.#answer;
  }

  get failure(): CallFailure | undefined {
    return this.#failure;
  }

  /** Re-INVITEs in the confirmed dialog (hold, resume …). */
  get session(): SessionModifier | undefined {
    return this.#session;
  }

  onStateChange(listener: (change: OutgoingCallStateChange) => void): () => void {
    return this.#events.on(listener);
  }

  /** An answer in a provisional response: play the far end's early media (ring-back, announcements). */
  onEarlyMedia(listener: (answer: MessageBody) => void): () => void {
    return this.#earlyMediaEvents.on(listener);
  }

  /** The answer of the 2xx that confirmed the call (or the early one, if the 2xx repeats none). */
  onAnswer(listener: (answer: MessageBody) => void): () => void {
    return this.#answerEvents.on(listener);
  }

  /** Who answers in-dialog requests other than re-INVITE (INFO, REFER, NOTIFY …). */
  setInDialogHandler(handler: InDialogHandler | undefined): void {
    this.#inDialogHandler = handler;
  }

  /**
   * Resolves our server and sends the INVITE. The INVITE leaves on a later
   * microtask, never inside this call, so listeners added right after
   * placeCall() hear every state change.
   */
  start(): void {
    void this.#run().catch((e: unknown) => {
      const reason = e instanceof Error ? e.message : String(e);
      this.#ctx.log(`sip/ua: outgoing call failed: ${reason}`);
      if (!this.#finalHandled) this.#endWithoutFinal(503, reason);
    });
  }

  /**
   * Ends the call whatever its state. Before the final response: CANCEL
   * (§9.1: "If no provisional response has been received, the CANCEL
   * request MUST NOT be sent; rather, the client MUST wait for the arrival
   * of a provisional response before sending the request"). After the 2xx:
   * BYE (§15.1.1). Once finished (or already cancelling): nothing.
   */
  hangup(): void {
    switch (this.#state) {
      case 'calling':
      case 'proceeding':
      case 'early':
        this.#transition('cancelling', 'local hangup');
        this.#sendCancelIfDue();
        return;
      case 'confirmed':
        this.#session?.dispose();
        if (this.#dialog !== undefined) this.#sendInDialog(this.#byeFor(this.#dialog));
        this.#transition('ended', 'local hangup');
        return;
      default:
        return;
    }
  }

  /** Stops every timer; the call stays in its state. */
  dispose(): void {
    this.#disposed = true;
    this.#timers.clearAll();
    this.#session?.dispose();
    this.#events.clear();
    this.#earlyMediaEvents.clear();
    this.#answerEvents.clear();
  }

  // DialogOwner: the core routes the peer's requests in our dialogs here.

  handleRequest(request: UasRequest, dialog: Dialog): boolean {
    if (dialog === this.#dialog && this.#session?.handleRequest(request) === true) return true;
    return this.#inDialogHandler?.(request, dialog) ?? false;
  }

  /** The peer's BYE, already answered 200 by the core (§15.1.2). */
  byeReceived(_request: UasRequest, dialog: Dialog): void {
    if (dialog !== this.#dialog || this.#state !== 'confirmed') return;
    this.#session?.dispose();
    this.#transition('ended', 'BYE');
  }

  /** An ACK from the peer: the one for our 2xx to its re-INVITE. */
  ackReceived(ack: IncomingRequest, dialog: Dialog): void {
    if (dialog === this.#dialog) this.#session?.ackReceived(ack);
  }

  // ——— sending the INVITE ———

  async #run(): Promise<void> {
    let server: TransportTarget | undefined;
    try {
      server = await this.#options.server();
    } catch (e) {
      this.#ctx.log(`sip/ua: cannot resolve our server: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (this.#disposed) return;
    if (this.#state === 'cancelling') {
      this.#finalHandled = true;
      this.#transition('cancelled', 'hung up before the INVITE was sent');
      return;
    }
    if (server === undefined) {
      this.#finalHandled = true;
      this.#fail(503, 'no route to our server (treated as 503, §8.1.3.1)');
      return;
    }
    const invite = createInvite({
      from: this.#options.from,
      target: this.target,
      contact: this.#ctx.contact(server.protocol),
      offer: this.offer,
      capabilities: this.#ctx.capabilities,
      userAgent: this.#options.userAgent,
      headers: this.#options.headers,
    });
    const outcome = await this.#options.sender.send(invite, server, {
      nextHopIsOurServer: this.#options.nextHopIsOurServer ?? true,
      onAttempt: (sent) => {
        this.#invite = sent;
        this.#provisionalSeen = false;
        this.#cancelSent = false;
      },
      onProvisional: (response, sent) => this.#provisional(response, sent),
      onLaterFinal: (response, sent) => this.#laterFinal(response, sent),
    });
    if (this.#disposed) return;
    this.#final(outcome);
  }

  #provisional(response: SipResponse, sent: SentRequest): void {
    if (sent !== this.#invite || this.isFinished) return;
    this.#provisionalSeen = true;
    this.#lastProvisional = response.status;
    if (this.#state === 'cancelling') {
      this.#sendCancelIfDue();
      return;
    }
    const tag = toTagOf(response);
    if (response.status > 100 && tag !== undefined) {
      this.#earlyDialog(response, sent);
      const media = bodyOf(response);
      if (media !== undefined && !sameBody(media, this.#earlyMedia)) {
        this.#earlyMedia = media;
        if (this.#state !== 'early') this.#transition('early', `${response.status}`);
        this.#earlyMediaEvents.emit(media);
        return;
      }
      if (this.#state !== 'early') this.#transition('early', `${response.status}`);
    } else if (this.#state === 'calling') {
      this.#transition('proceeding', `${response.status}`);
    }
  }

  /** §12.1.2: a 1xx with a To tag makes an early dialog, one per fork. */
  #earlyDialog(response: SipResponse, sent: SentRequest): void {
    const id = responseDialogId(response);
    if (id === undefined || this.#early.has(dialogKey(id))) return;
    const dialog = Dialog.asUac(sent.request, response, { transport: sent.target.protocol });
    this.#early.set(dialog.key, dialog);
    this.#ctx.addDialog(dialog, this);
  }

  #final(outcome: AuthenticatedOutcome): void {
    this.#finalHandled = true;
    this.#timers.stop('cancel-give-up');
    if (outcome.kind === 'failure') {
      const f = outcome.failure;
      // §8.1.3.1: a timeout is treated as 408, a transport error as 503.
      this.#endWithoutFinal(f.treatAs, f.kind === 'timeout' ? `no response (Timer ${f.timer})` : f.message);
      return;
    }
    const response = outcome.response;
    if (response.status >= 200 && response.status < 300) {
      this.#accepted(response, outcome.sent);
    } else {
      this.#endEarlyDialogs();
      if (this.#state === 'cancelling') {
        this.#failure = { status: response.status, reason: response.reason, response };
        this.#transition('cancelled', `${response.status} ${response.reason}`);
      } else if (!this.isFinished) {
        this.#fail(response.status, outcome.authFailure?.reason ?? response.reason, response);
      }
    }
    for (const later of this.#laterFinals.splice(0)) this.#laterFinal(later.response, later.sent);
  }

  /** The first 2xx (§13.2.2.4): the dialog is confirmed, the ACK sent; a CANCEL it crossed ends it at once with a BYE. */
  #accepted(response: SipResponse, sent: SentRequest): void {
    if (this.isFinished) {
      // Given up on already (no final 64*T1 after our CANCEL): end this one like a late fork.
      this.#endFork(response, sent);
      return;
    }
    const id = responseDialogId(response);
    const early = id === undefined ? undefined : this.#early.get(dialogKey(id));
    let dialog: Dialog;
    if (early !== undefined && early.state === 'early') {
      // "the dialog MUST be transitioned to the "confirmed" state, and the route set for the dialog MUST be recomputed based on the 2xx response"
      early.confirm(response);
      dialog = early;
      this.#early.delete(early.key);
    } else {
      dialog = Dialog.asUac(sent.request, response, { transport: sent.target.protocol });
      this.#ctx.addDialog(dialog, this);
    }
    this.#endEarlyDialogs();
    this.#dialog = dialog;
    const ack = this.#sendAck(dialog, sent);
    if (this.#state === 'cancelling') {
      // The 200 crossed our CANCEL: §15 "the caller's UA MAY send a BYE for either confirmed or early dialogs".
      const bye = this.#byeFor(dialog);
      void ack.then(() => this.#sendInDialog(bye));
      this.#transition('ended', 'answered as the CANCEL crossed it: ACK and BYE');
      return;
    }
    this.#answer = bodyOf(response) ?? this.#earlyMedia;
    this.#session = new SessionModifier(dialog, this.#ctx, {
      ...this.#options.session,
      headers: [...(this.#options.userAgent === undefined ? [] : [['User-Agent', this.#options.userAgent] as const]), ...(this.#options.session?.headers ?? [])],
      onAckTimeout: this.#options.session?.onAckTimeout ?? (() => this.hangup()),
      initial: { local: this.offer, remote: this.#answer },
    });
    this.#transition('confirmed', `${response.status}`);
    if (this.#answer !== undefined) this.#answerEvents.emit(this.#answer);
  }

  /**
   * A 2xx after the first (RFC 6026 §8.4 passes them up): a retransmission
   * is ACKed again; one from another fork makes a dialog of its own, which
   * §13.2.2.4 lets the UAC end at once: "If the UAC does not want to continue
   * with that dialog, then the UAC MUST terminate the dialog by sending a BYE
   * request as described in Section 15" — after its ACK.
   */
  #laterFinal(response: SipResponse, sent: SentRequest): void {
    if (!this.#finalHandled) {
      this.#laterFinals.push({ response, sent });
      return;
    }
    if (response.status < 200 || response.status >= 300) return;
    const id = responseDialogId(response);
    if (id === undefined) return;
    const key = dialogKey(id);
    const ack = this.#acks.get(key);
    if (ack !== undefined) {
      void ack.then((a) => {
        if (a !== undefined) this.#ctx.resendAck(a);
      });
      return;
    }
    this.#endFork(response, sent);
  }

  /** A 2xx we do not keep: its own dialog, ACKed, then a BYE (after the ACK, which it must not overtake). */
  #endFork(response: SipResponse, sent: SentRequest): void {
    const fork = Dialog.asUac(sent.request, response, { transport: sent.target.protocol });
    const ack = this.#sendAck(fork, sent);
    const bye = this.#byeFor(fork);
    void ack.then(() => this.#sendInDialog(bye));
  }

  /**
   * §13.2.2.4: "The header fields of the ACK are constructed in the same way
   * as for any request sent within a dialog (see Section 12) with the
   * exception of the CSeq and the header fields related to authentication.
   * The sequence number of the CSeq header field MUST be the same as the
   * INVITE being acknowledged, but the CSeq method MUST be ACK. The ACK MUST
   * contain the same credentials as the INVITE."
   */
  #sendAck(dialog: Dialog, sent: SentRequest): Promise<AckSent | undefined> {
    const seq = getCSeq(sent.request)?.seq ?? 0;
    const credentials: [string, string][] = [];
    for (const name of ['Authorization', 'Proxy-Authorization']) {
      for (const value of sent.request.headers.lines(name)) credentials.push([name, value]);
    }
    const ack = this.#ctx
      .sendAck(dialog, seq, dialog.createRequest('ACK', { cseq: seq, headers: credentials }))
      .then((a) => {
        if (a === undefined) this.#ctx.log('sip/ua: no route for the ACK of a 2xx');
        return a;
      })
      .catch((e: unknown) => {
        this.#ctx.log(`sip/ua: could not send the ACK of a 2xx: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
    this.#acks.set(dialog.key, ack);
    return ack;
  }

  /** The BYE that ends `dialog` (§15.1.1), built now; the dialog terminates with it. */
  #byeFor(dialog: Dialog): SipRequest | undefined {
    if (dialog.state === 'terminated') return undefined;
    const bye = dialog.createRequest('BYE');
    dialog.terminate();
    return bye;
  }

  #sendInDialog(request: SipRequest | undefined): void {
    if (request === undefined) return;
    const method = request.method;
    this.#ctx
      .sendRequest(request, { onFailure: (f) => this.#ctx.log(`sip/ua: ${method} failed: ${f.kind === 'timeout' ? `Timer ${f.timer}` : f.message}`) })
      .catch((e: unknown) => this.#ctx.log(`sip/ua: could not send ${method}: ${e instanceof Error ? e.message : String(e)}`));
  }

  // ——— CANCEL (§9.1) ———

  #sendCancelIfDue(): void {
    const invite = this.#invite;
    if (this.#state !== 'cancelling' || this.#cancelSent || invite === undefined || !this.#provisionalSeen) return;
    this.#cancelSent = true;
    this.#ctx.sendCancel(createCancel(invite.request), invite.target, {
      onFailure: (f) => this.#ctx.log(`sip/ua: CANCEL failed: ${f.kind === 'timeout' ? `Timer ${f.timer}` : f.message}`),
    });
    // §9.1: "If there is no final response for the original request in 64*T1 seconds [...] the client SHOULD
    // then consider the original transaction cancelled and SHOULD destroy the client transaction".
    this.#timers.start('cancel-give-up', 64 * this.#ctx.timers.t1, () => {
      if (this.#state !== 'cancelling') return;
      invite.transaction.dispose();
      this.#finalHandled = true;
      this.#endEarlyDialogs();
      this.#transition('cancelled', 'no final response 64*T1 after the CANCEL');
    });
  }

  // ——— helpers ———

  #endEarlyDialogs(): void {
    for (const dialog of this.#early.values()) dialog.terminate();
    this.#early.clear();
  }

  /** No final response will come (Timer B, a transport error): failed, or cancelled if we were cancelling. */
  #endWithoutFinal(status: number, reason: string): void {
    this.#finalHandled = true;
    this.#timers.stop('cancel-give-up');
    this.#endEarlyDialogs();
    if (this.#state === 'cancelling') this.#transition('cancelled', reason);
    else if (!this.isFinished) this.#fail(status, reason);
  }

  #fail(status: number, reason: string, response?: SipResponse): void {
    this.#failure = { status, reason, response };
    this.#transition('failed', `${status} ${reason}`);
  }

  #transition(next: OutgoingCallState, reason: string): void {
    const from = this.#state;
    if (!ALLOWED[from].includes(next)) throw new Error(`outgoing call: illegal transition ${from} → ${next}`);
    this.#state = next;
    if (FINAL_STATES.includes(next)) this.#timers.clearAll();
    this.#events.emit({ from, to: next, reason });
  }
}

function toTagOf(response: SipResponse): string | undefined {
  try {
    return getTo(response)?.tag;
  } catch {
    return undefined;
  }
}

function sameBody(a: MessageBody, b: MessageBody | undefined): boolean {
  if (b === undefined || a.contentType !== b.contentType || a.bytes.length !== b.bytes.length) return false;
  return a.bytes.every((byte, i) => byte === b.bytes[i]);
}
