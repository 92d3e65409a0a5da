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
 *
 * Extensions: a reliable 1xx (Require: 100rel, RSeq) is PRACKed in order,
 * duplicates and gaps left alone (RFC 3262 §4, prack-policy.ts). The
 * INVITE asks for a session timer when the settings say so, a 422 is
 * retried with the larger Min-SE (RFC 4028 §7.3), and the 2xx sets up the
 * call's SessionTimer (§7.2, session-timer.ts).
 */
import { Dialog, dialogKey, responseDialogId } from '../dialog/index.js';
import { formatCSeq, getCSeq, getCallId, getTo, getTokens } from '../message/index.js';
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
import { formatRAck, getRSeq, isReliableProvisional, rackFor, rseqVerdict } from './prack-policy.js';
import type { AckSent, SessionContext } from './session-context.js';
import { SessionModifier } from './session-modifier.js';
import type { SessionModifierOptions } from './session-modifier.js';
import { SessionTimer } from './session-timer.js';
import { askedInterval, minSEAfter422, sessionTimerSettings, timerFrom2xx, uacTimerHeaders } from './session-timer-policy.js';
import type { SessionTimerSettings } from './session-timer-policy.js';
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
  /** RFC 4028 session timer for this call, over the core's settings (enabled, expires = 1800, minSE = 90, refresher). */
  readonly sessionTimer?: Partial<SessionTimerSettings>;
  /**
   * The user part of our Contact in the INVITE, and so of the dialog's local
   * target (§8.1.1.8, §12.1.2): the calling account's user name. Absent: the
   * core's Contact provider chooses.
   */
  readonly contactUser?: string;
}

/** RFC 4028 §7.3 retries of one INVITE after 422: each must raise Min-SE, this bounds a path that keeps raising it. */
const MAX_422_RETRIES = 3;

/** What the user-agent core gives an outgoing call. */
export interface OutgoingCallContext extends SessionContext {
  /** Our Contact for the transport the INVITE goes on (§8.1.1.8). */
  contact(protocol: TransportProtocol): Uri;
  /** Registers an (early or confirmed) dialog with this call as its owner. */
  addDialog(dialog: Dialog, owner: DialogOwner): void;
  /** Starts the CANCEL's client transaction, towards where the INVITE went (§9.1). */
  sendCancel(cancel: SipRequest, target: TransportTarget, handlers: ClientTransactionHandlers): SentRequest;
  /** The phone's session timer settings, under the call's own. */
  readonly sessionTimer?: Partial<SessionTimerSettings>;
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
  #sessionTimer: SessionTimer | undefined;
  /** Session timer settings; Min-SE raised by each 422 (RFC 4028 §7.3). */
  #timerSettings: SessionTimerSettings;
  /** RFC 3262 §4: the RSeq of the last reliable 1xx PRACKed, per early dialog. */
  readonly #rseq = new Map<string, number>();
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
    this.#timerSettings = sessionTimerSettings(ctx.sessionTimer, options.sessionTimer);
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

  /** The confirmed call's session timer (RFC 4028), inactive when none was negotiated. */
  get sessionTimer(): SessionTimer | undefined {
    return this.#sessionTimer;
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
        this.#endConfirmed('local hangup');
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
    this.#sessionTimer?.dispose();
    this.#events.clear();
    this.#earlyMediaEvents.clear();
    this.#answerEvents.clear();
  }

  // DialogOwner: the core routes the peer's requests in our dialogs here.

  handleRequest(request: UasRequest, dialog: Dialog): boolean {
    const next = (r: UasRequest): boolean =>
      (dialog === this.#dialog && this.#session?.handleRequest(r) === true) || (this.#inDialogHandler?.(r, dialog) ?? false);
    // Every re-INVITE or UPDATE of the peer is a session refresh (RFC 4028 §9): the timer sees it first.
    const timer = this.#sessionTimer;
    return timer !== undefined && dialog === this.#dialog ? timer.handleRequest(request, next) : next(request);
  }

  /** The peer's BYE, already answered 200 by the core (§15.1.2). */
  byeReceived(_request: UasRequest, dialog: Dialog): void {
    if (dialog !== this.#dialog || this.#state !== 'confirmed') return;
    this.#session?.dispose();
    this.#sessionTimer?.dispose();
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
    let invite = createInvite({
      from: this.#options.from,
      target: this.target,
      contact: this.#ctx.contact(server.protocol),
      offer: this.offer,
      capabilities: this.#ctx.capabilities,
      userAgent: this.#options.userAgent,
      // RFC 4028 §7.1: Session-Expires and Min-SE when we ask for a timer ('timer' is in Supported always).
      headers: [...(this.#options.headers ?? []), ...uacTimerHeaders(undefined, this.#timerSettings)],
    });
    for (let retries = 0; ; retries += 1) {
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
      const retry = retries < MAX_422_RETRIES ? this.#retryAfter422(invite, outcome) : undefined;
      if (retry === undefined) {
        this.#final(outcome);
        return;
      }
      invite = retry;
    }
  }

  /**
   * RFC 4028 §7.3: "If a 422 response is received, the UAC MAY retry the
   * request [...] The new request SHOULD contain a Min-SE header field whose
   * value is the largest from all Min-SE header fields returned in all 422
   * responses to the request, and a Session-Expires whose value is at least
   * that" — the same Call-ID, From tag and To, the next CSeq (RFC 3261
   * §8.1.3.5). Undefined: no retry (not a 422, cancelling, or no progress).
   */
  #retryAfter422(invite: SipRequest, outcome: AuthenticatedOutcome): SipRequest | undefined {
    if (outcome.kind !== 'final' || outcome.response.status !== 422 || this.#state === 'cancelling') return undefined;
    const minSE = minSEAfter422(outcome.response, askedInterval(outcome.sent.request), this.#timerSettings.minSE);
    const lastSeq = getCSeq(outcome.sent.request)?.seq;
    if (minSE === undefined || lastSeq === undefined) return undefined;
    const settings = sessionTimerSettings(this.#timerSettings, { enabled: true, minSE, expires: Math.max(this.#timerSettings.expires, minSE) });
    this.#timerSettings = { ...this.#timerSettings, minSE: settings.minSE };
    this.#endEarlyDialogs();
    const headers = invite.headers.clone();
    headers.remove('Via');
    headers.remove('Session-Expires');
    headers.remove('Min-SE');
    headers.set('CSeq', formatCSeq({ seq: lastSeq + 1, method: 'INVITE' }));
    for (const [name, value] of uacTimerHeaders(undefined, settings)) headers.append(name, value);
    return { ...invite, headers };
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
      const dialog = this.#earlyDialog(response, sent);
      if (dialog !== undefined && isReliableProvisional(response) && !this.#acknowledgeReliable(response, dialog)) return;
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

  /** §12.1.2: a 1xx with a To tag makes an early dialog, one per fork; returns the fork's dialog. */
  #earlyDialog(response: SipResponse, sent: SentRequest): Dialog | undefined {
    const id = responseDialogId(response);
    if (id === undefined) return undefined;
    const known = this.#early.get(dialogKey(id));
    if (known !== undefined) return known;
    const dialog = Dialog.asUac(sent.request, response, { transport: sent.target.protocol });
    this.#early.set(dialog.key, dialog);
    this.#ctx.addDialog(dialog, this);
    return dialog;
  }

  /**
   * RFC 3262 §4: "Assuming the response is to be transmitted reliably, the
   * UAC MUST create a new request with method PRACK. This request is sent
   * within the dialog associated with the provisional response". In order
   * only (rseqVerdict): a retransmission or one ahead of the next is neither
   * PRACKed nor processed further — false; the caller then drops it.
   */
  #acknowledgeReliable(response: SipResponse, dialog: Dialog): boolean {
    const rseq = getRSeq(response);
    const rack = rackFor(response);
    if (rseq === undefined || rack === undefined || dialog.state === 'terminated') return false;
    if (rseqVerdict(this.#rseq.get(dialog.key), rseq) !== 'acknowledge') return false;
    this.#rseq.set(dialog.key, rseq);
    this.#sendInDialog(dialog.createRequest('PRACK', { headers: [['RAck', formatRAck(rack)]] }));
    return true;
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
    const timer = new SessionTimer({
      dialog,
      ctx: this.#ctx,
      settings: this.#timerSettings,
      peerAllow: allowOf(response),
      expire: (reason) => this.#endConfirmed(reason),
    });
    this.#sessionTimer = timer;
    // The SessionModifier's re-INVITEs go through the timer's context: they carry Session-Expires and their 2xx renegotiate it.
    const session = new SessionModifier(dialog, timer.wrapContext(this.#ctx), {
      ...this.#options.session,
      headers: [...(this.#options.userAgent === undefined ? [] : [['User-Agent', this.#options.userAgent] as const]), ...(this.#options.session?.headers ?? [])],
      onAckTimeout: this.#options.session?.onAckTimeout ?? (() => this.hangup()),
      initial: { local: this.offer, remote: this.#answer },
    });
    this.#session = session;
    timer.useReinvite(() => session.sendReinvite(session.current.local));
    timer.start(timerFrom2xx(response, askedInterval(sent.request)));
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

  /** Ends the confirmed call with a BYE (§15.1.1): hangup(), or the session timer gave up (RFC 4028 §10). */
  #endConfirmed(reason: string): void {
    if (this.#state !== 'confirmed') return;
    this.#session?.dispose();
    this.#sessionTimer?.dispose();
    if (this.#dialog !== undefined) this.#sendInDialog(this.#byeFor(this.#dialog));
    this.#transition('ended', reason);
  }

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
    if (FINAL_STATES.includes(next)) {
      this.#timers.clearAll();
      this.#sessionTimer?.dispose();
    }
    this.#events.emit({ from, to: next, reason });
  }
}

/** The methods a response's Allow lists (none when it has no Allow or a malformed one). */
function allowOf(response: SipResponse): string[] {
  try {
    return getTokens(response, 'Allow');
  } catch {
    return [];
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
