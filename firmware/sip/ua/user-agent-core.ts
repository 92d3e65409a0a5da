/**
 * The user-agent core as a UAS (RFC 3261 §8.2, §12.2.2, §13.3, §15): sits on
 * the TransactionLayer and decides what every incoming request gets.
 *
 *   request → source policy (sip.trust_ctrl: drop silently, see source-policy.ts)
 *           → §8.2 checks (uas-checks.ts): 400 / 405 / 501 / 416 / 482 / 420 / 415 / 406
 *           → CANCEL: 200 and 487 to the INVITE it cancels (§9.2), or 481
 *           → To tag: its dialog (§12.2.2) — none: 481 (unless a NOTIFY that
 *             overtook the 2xx to a SUBSCRIBE of ours: awaitNotify(), RFC 6665
 *             §4.1.2.4); out-of-order CSeq: 500;
 *             BYE: 200, the owner told, the dialog terminated (§15.1.2);
 *             others: the dialog's owner, else the defaults below
 *           → no To tag: OPTIONS → 200 with Allow/Accept/Supported (§11.2);
 *             INVITE → 403 for a direct IP call when those are off, 422 when
 *             its Session-Expires is below our Min-SE (RFC 4028 §9), else an
 *             IncomingCall for onIncomingCall (480 when nobody listens), with
 *             the 100rel and session-timer choices and the Contact user of
 *             the account it is for (incomingCallSettings, read once as it arrives);
 *             NOTIFY → a handler registered for its event package with
 *             onNotify() (message-summary: RFC 3842), else as other methods;
 *             other methods → a handler registered with onRequest(), else the
 *             defaults below
 *   ACK      → the dialog's owner (the incoming call waiting for it); an ACK
 *              naming no dialog is dropped (§17: ACKs are never answered)
 *   stray response → a retransmitted 2xx to an INVITE of ours whose dialog
 *              exists is ACKed again (§13.2.2.4); anything else is dropped
 *              (RFC 4475 §3.3.10 bcast: nothing is sent anywhere)
 *
 *   const core = new UserAgentCore({ layer, clock, contact: (protocol) => myContactUri,
 *                                    sources: { trustedSource, trustCtrl, allowDirectIp } });
 *   core.onIncomingCall((call) => call.ring());
 *
 * As a UAC it places calls (placeCall(): outgoing-call.ts), owns their
 * dialogs like those of incoming calls, and sends the ACK for each 2xx to
 * an INVITE of ours (sendAck(), §13.2.2.4); sessionContext is what the
 * re-INVITE machinery (session-modifier.ts) needs of it.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { DialogRegistry, responseDialogId, dialogKey } from '../dialog/index.js';
import type { Dialog } from '../dialog/index.js';
import { getCSeq, getTo } from '../message/index.js';
import type { SipRequest, SipResponse, Uri } from '../message/index.js';
import type {
  ClientTransactionHandlers,
  IncomingRequest,
  IncomingResponse,
  SentRequest,
  ServerTransaction,
  TransactionLayer,
} from '../transaction/index.js';
import { InviteServerTransaction } from '../transaction/index.js';
import { formatTarget } from '../transport/addresses.js';
import type { TransportProtocol, TransportTarget } from '../transport/types.js';
import { capabilities, capabilityHeaders } from './capabilities.js';
import type { UasCapabilities } from './capabilities.js';
import type { DialogOwner } from './dialog-owner.js';
import { IncomingCall } from './incoming-call.js';
import { OutgoingCall } from './outgoing-call.js';
import type { PlaceCallOptions } from './outgoing-call.js';
import { literalTarget } from './request-target.js';
import { DIRECT_IP_FORBIDDEN_REASON, directIpForbidden, dropUntrusted, sourceFacts } from './source-policy.js';
import type { SourcePolicy } from './source-policy.js';
import { sessionTimerSettings, uasTimerDecision, uasTimerHeaders } from './session-timer-policy.js';
import type { SessionTimerSettings } from './session-timer-policy.js';
import type { AckSent, SessionContext } from './session-context.js';
import { runUasChecks } from './uas-checks.js';
import { UasRequest } from './uas-request.js';

export interface UaLogger {
  warn(line: string): void;
}

export interface UserAgentCoreOptions {
  readonly layer: TransactionLayer;
  readonly clock: Clock;
  /**
   * The Contact provider: our Contact URI for a request that came or goes on
   * `protocol` (§12.1.1: where the peer reaches us). `user` is the user part
   * the call or request asks for — its account's user name (CallSettings,
   * PlaceCallOptions, contactFor()); absent for one that belongs to no
   * account, when the provider chooses.
   */
  readonly contact: (protocol: TransportProtocol, user?: string) => Uri;
  readonly capabilities?: Partial<UasCapabilities>;
  readonly sources?: SourcePolicy;
  /**
   * Where a request the core sends (a BYE) goes. Default: its next hop when
   * that is an IP literal (request-target.ts); the phone passes RFC 3263
   * resolution for host names.
   */
  readonly resolveTarget?: (request: SipRequest) => TransportTarget | undefined | Promise<TransportTarget | undefined>;
  readonly logger?: UaLogger;
  /**
   * RFC 3262: send an incoming call's 101-199 reliably when its INVITE lists
   * 100rel in Supported (a Require: 100rel is always honoured). Default off.
   */
  readonly reliableProvisionals?: boolean;
  /** RFC 4028 session timer settings of the phone: incoming calls, and the defaults of placeCall(). */
  readonly sessionTimer?: Partial<SessionTimerSettings>;
  /**
   * The settings of the account an out-of-dialog INVITE is for, asked once
   * as it arrives, before any check or response that depends on them (the
   * 422, the first 1xx): over reliableProvisionals, sessionTimer and the
   * Contact provider's own user above, which stay for a request that belongs
   * to no account (undefined). The call keeps what it got here to its end.
   */
  readonly incomingCallSettings?: (invite: SipRequest) => CallSettings | undefined;
}

/** One call's own choices, over the core's (an account's settings, read when the call starts). */
export interface CallSettings {
  /** RFC 3262: send the 101-199 of an incoming call reliably when its INVITE only supports 100rel. */
  readonly reliableProvisionals?: boolean;
  /** RFC 4028: the session timer asked for (enabled, expires, refresher …). */
  readonly sessionTimer?: Partial<SessionTimerSettings>;
  /**
   * The user part of our Contact in this call's 1xx and 2xx, and so of the
   * dialog's local target (§12.1.1): the account's user name, which PBXs
   * match in-dialog requests to. Absent: the Contact provider's choice.
   */
  readonly contactUser?: string;
}

/** Answers a request outside any dialog; see onRequest(). */
export type RequestHandler = (request: UasRequest) => void;

/** Takes a NOTIFY that overtook the 2xx to its SUBSCRIBE (awaitNotify()); false leaves it to the default 481. */
export type EarlyNotifyHandler = (request: UasRequest) => boolean;

/** The event package a request names (RFC 6665 §8.2.1: "Event" HCOLON event-type, case-insensitive). */
function eventPackage(request: SipRequest): string | undefined {
  return request.headers.get('Event')?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Methods that only make sense inside a dialog (or a subscription / a
 * reliable provisional the phone never created): without a handler they get
 * 481 (§12.2.2, §15.1.2 for BYE, RFC 3262 §3 for PRACK, RFC 6665 §4.1.3 for NOTIFY).
 */
const DIALOG_ONLY_METHODS: readonly string[] = ['BYE', 'UPDATE', 'INFO', 'PRACK', 'NOTIFY'];

/** What an ACK for a 2xx we received was sent as, to send it again for a retransmitted 2xx (§13.2.2.4). */
interface SentAck {
  readonly dialog: Dialog;
  readonly inviteSeq: number;
  readonly ack: SipRequest;
  readonly target: TransportTarget;
}

const quietLogger: UaLogger = { warn: () => undefined };

export class UserAgentCore {
  readonly dialogs = new DialogRegistry<DialogOwner>();
  readonly capabilities: UasCapabilities;
  readonly #layer: TransactionLayer;
  readonly #clock: Clock;
  readonly #contact: (protocol: TransportProtocol, user?: string) => Uri;
  readonly #sources: SourcePolicy;
  readonly #resolveTarget: (request: SipRequest) => TransportTarget | undefined | Promise<TransportTarget | undefined>;
  readonly #logger: UaLogger;
  readonly #unsubscribe: (() => void)[];
  readonly #handlers = new Map<string, RequestHandler>();
  /** Out-of-dialog NOTIFY handlers by event package (onNotify). */
  readonly #notifyHandlers = new Map<string, RequestHandler>();
  /** NOTIFYs awaited before the 2xx to our SUBSCRIBE, by Call-ID and our tag (awaitNotify). */
  readonly #earlyNotify = new Map<string, EarlyNotifyHandler>();
  readonly #reliableProvisionals: boolean;
  readonly #sessionTimer: Partial<SessionTimerSettings> | undefined;
  readonly #incomingCallSettings: ((invite: SipRequest) => CallSettings | undefined) | undefined;
  /** Requests of live server transactions, for the §8.2.2.2 merged-request check. */
  readonly #ongoing = new Map<ServerTransaction, SipRequest>();
  /** The incoming call each INVITE server transaction belongs to, for CANCEL (§9.2). */
  readonly #calls = new Map<InviteServerTransaction, IncomingCall>();
  readonly #acks = new Map<string, SentAck>();
  readonly #outgoing = new Set<OutgoingCall>();
  #incomingCallHandler: ((call: IncomingCall) => void) | undefined;
  #disposed = false;

  constructor(options: UserAgentCoreOptions) {
    this.#layer = options.layer;
    this.#clock = options.clock;
    this.#contact = options.contact;
    this.#sources = options.sources ?? {};
    this.#resolveTarget = options.resolveTarget ?? literalTarget;
    this.#logger = options.logger ?? quietLogger;
    this.#reliableProvisionals = options.reliableProvisionals ?? false;
    this.#sessionTimer = options.sessionTimer;
    this.#incomingCallSettings = options.incomingCallSettings;
    this.capabilities = capabilities(options.capabilities);
    this.#unsubscribe = [
      this.#layer.onRequest((tx, incoming) => this.#guard(() => this.#receiveRequest(tx, incoming))),
      this.#layer.onAck((incoming) => this.#guard(() => this.#receiveAck(incoming))),
      this.#layer.onStrayResponse((incoming) => this.#guard(() => this.#receiveStrayResponse(incoming))),
    ];
  }

  /** Every new incoming call (out-of-dialog INVITE that passed every check). Returns an unsubscribe. */
  onIncomingCall(handler: (call: IncomingCall) => void): () => void {
    this.#incomingCallHandler = handler;
    return () => {
      if (this.#incomingCallHandler === handler) this.#incomingCallHandler = undefined;
    };
  }

  /**
   * Serves out-of-dialog requests of `method` (an unsolicited MWI NOTIFY, an
   * out-of-dialog REFER, an OPTIONS answered differently …); the handler
   * must respond. Returns an unsubscribe.
   */
  onRequest(method: string, handler: RequestHandler): () => void {
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  /**
   * Serves out-of-dialog NOTIFYs of one event package (RFC 6665 §8.2.1), such
   * as the unsolicited message-summary NOTIFY many PBXs send (RFC 3842);
   * before the onRequest('NOTIFY') handler, which gets the other packages.
   * The handler must respond. Returns an unsubscribe.
   */
  onNotify(event: string, handler: RequestHandler): () => void {
    const key = event.toLowerCase();
    this.#notifyHandlers.set(key, handler);
    return () => {
      if (this.#notifyHandlers.get(key) === handler) this.#notifyHandlers.delete(key);
    };
  }

  /**
   * RFC 6665 §4.1.2.4: "Due to the potential for out-of-order messages,
   * packet loss, and forking, the subscriber MUST be prepared to receive
   * NOTIFY requests before the SUBSCRIBE transaction has completed." A
   * subscriber whose SUBSCRIBE (Call-ID, From tag `localTag`) awaits its 2xx
   * takes such a NOTIFY here, before the dialog exists. Returns an unsubscribe.
   */
  awaitNotify(callId: string, localTag: string, handler: EarlyNotifyHandler): () => void {
    const key = `${callId}\n${localTag}`;
    this.#earlyNotify.set(key, handler);
    return () => {
      if (this.#earlyNotify.get(key) === handler) this.#earlyNotify.delete(key);
    };
  }

  /**
   * Our Contact URI for requests that go on `protocol` (a SUBSCRIBE's,
   * §8.1.1.8: where the peer reaches us), with the user part of the account
   * that sends them (`user`); without one, the Contact provider's choice.
   */
  contactFor(protocol: TransportProtocol, user?: string): Uri {
    return this.#contact(protocol, user);
  }

  /** Puts a dialog made elsewhere (an outgoing call's, by its UAC) under the core's routing. */
  addDialog(dialog: Dialog, owner: DialogOwner): void {
    this.dialogs.add(dialog, owner);
  }

  /**
   * Records the ACK sent for the 2xx that confirmed a dialog of ours, so a
   * retransmission of that 2xx arriving after the INVITE client transaction
   * is gone is ACKed again (§13.2.2.4: "The UAC core MUST generate an ACK
   * request for each 2xx received from the transaction layer").
   */
  rememberAck(dialog: Dialog, inviteSeq: number, ack: SipRequest, target: TransportTarget): void {
    this.#acks.set(dialog.key, { dialog, inviteSeq, ack, target });
  }

  /**
   * Sends a request the core or a call makes (the BYE) through the
   * transaction layer, to the target resolveTarget gives. A request that
   * cannot be routed is reported as a 503-like failure (§8.1.3.1). When the
   * resolver answers synchronously the request is handed to the transaction
   * layer before this returns.
   */
  sendRequest(request: SipRequest, handlers: ClientTransactionHandlers = {}): Promise<SentRequest | undefined> {
    let resolved: TransportTarget | undefined | Promise<TransportTarget | undefined>;
    try {
      resolved = this.#resolveTarget(request);
    } catch (e) {
      this.#unresolvable(request, e);
      resolved = undefined;
    }
    if (resolved instanceof Promise) {
      return resolved.then(
        (target) => this.#sendTo(request, target, handlers),
        (e: unknown) => {
          this.#unresolvable(request, e);
          return this.#sendTo(request, undefined, handlers);
        },
      );
    }
    try {
      return Promise.resolve(this.#sendTo(request, resolved, handlers));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * Where `request` goes (resolveTarget), for a sender that needs the target
   * before it starts a transaction — the AuthenticatingSender of an
   * in-dialog request (ua/transfer/). Undefined when it cannot be routed.
   * Answers synchronously when the resolver does (a literal address), so
   * the caller can send at once: in-dialog requests must leave in CSeq order
   * (§12.2.1.1), and a later one must not overtake a request waiting here.
   */
  targetOf(request: SipRequest): TransportTarget | undefined | Promise<TransportTarget | undefined> {
    let resolved: TransportTarget | undefined | Promise<TransportTarget | undefined>;
    try {
      resolved = this.#resolveTarget(request);
    } catch (e) {
      this.#unresolvable(request, e);
      return undefined;
    }
    if (!(resolved instanceof Promise)) return resolved;
    return resolved.catch((e: unknown) => {
      this.#unresolvable(request, e);
      return undefined;
    });
  }

  #sendTo(request: SipRequest, target: TransportTarget | undefined, handlers: ClientTransactionHandlers): SentRequest | undefined {
    if (this.#disposed) return undefined;
    if (target === undefined) {
      handlers.onFailure?.({ kind: 'transport-error', message: 'no route to the next hop', treatAs: 503 });
      return undefined;
    }
    return this.#layer.sendRequest(request, target, handlers);
  }

  #unresolvable(request: SipRequest, e: unknown): void {
    this.#logger.warn(`sip/ua: cannot resolve where ${request.method} goes: ${e instanceof Error ? e.message : String(e)}`);
  }

  /**
   * Places a call (RFC 3261 §13.2; outgoing-call.ts): the INVITE goes to
   * `options.server` through `options.sender` on a later microtask; the
   * call's dialogs are routed like those of incoming calls.
   */
  placeCall(options: PlaceCallOptions): OutgoingCall {
    if (this.#disposed) throw new Error('user-agent core disposed');
    const call = new OutgoingCall(options, {
      ...this.sessionContext,
      sessionTimer: this.#sessionTimer,
      contact: (protocol) => this.#contact(protocol, options.contactUser),
      addDialog: (dialog, owner) => this.dialogs.add(dialog, owner),
      sendCancel: (cancel, target, handlers) => this.#layer.sendRequest(cancel, target, handlers),
    });
    this.#outgoing.add(call);
    call.onStateChange(() => {
      if (call.isFinished) this.#outgoing.delete(call);
    });
    call.start();
    return call;
  }

  /** Live outgoing calls (not yet in a final state). */
  get outgoingCalls(): OutgoingCall[] {
    return [...this.#outgoing];
  }

  /**
   * Sends the ACK for a 2xx to an INVITE of ours (§13.2.2.4) to the next hop
   * resolveTarget gives, and remembers it (rememberAck) for a retransmitted
   * 2xx that outlives the INVITE client transaction. Resolves with the ACK
   * as sent and where, so the caller re-sends it for each retransmission
   * the transaction still passes up; undefined when it cannot be routed.
   * With a synchronous resolver the ACK is on its way before this returns.
   */
  sendAck(dialog: Dialog, inviteSeq: number, ack: SipRequest): Promise<AckSent | undefined> {
    const send = (target: TransportTarget | undefined): AckSent | undefined => {
      if (target === undefined || this.#disposed) {
        if (target === undefined) this.#logger.warn('sip/ua: no route for the ACK of a 2xx');
        return undefined;
      }
      const sent = this.#layer.sendAck(ack, target).ack;
      this.rememberAck(dialog, inviteSeq, sent, target);
      return { ack: sent, target };
    };
    let resolved: TransportTarget | undefined | Promise<TransportTarget | undefined>;
    try {
      resolved = this.#resolveTarget(ack);
    } catch (e) {
      this.#unresolvable(ack, e);
      return Promise.resolve(undefined);
    }
    if (resolved instanceof Promise) {
      return resolved.then(send, (e: unknown) => {
        this.#unresolvable(ack, e);
        return undefined;
      });
    }
    try {
      return Promise.resolve(send(resolved));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * What a SessionModifier (re-INVITEs in a call's dialog) and an outgoing
   * call need of the core: clock, timer values, capabilities, and the ways
   * in-dialog requests and ACKs leave.
   */
  get sessionContext(): SessionContext {
    return {
      clock: this.#clock,
      timers: this.#layer.timerValues,
      capabilities: this.capabilities,
      sendRequest: (request, handlers) => this.sendRequest(request, handlers),
      sendAck: (dialog, inviteSeq, ack) => this.sendAck(dialog, inviteSeq, ack),
      resendAck: (sent) => {
        if (!this.#disposed) this.#layer.sendAck(sent.ack, sent.target);
      },
      log: (line) => this.#logger.warn(line),
    };
  }

  /** Live incoming calls (not yet in a final state). */
  get incomingCalls(): IncomingCall[] {
    return [...new Set(this.#calls.values())];
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const off of this.#unsubscribe) off();
    for (const call of this.#calls.values()) call.dispose();
    this.#calls.clear();
    for (const call of this.#outgoing) call.dispose();
    this.#outgoing.clear();
    this.#ongoing.clear();
    this.#acks.clear();
    this.#handlers.clear();
    this.#notifyHandlers.clear();
    this.#earlyNotify.clear();
    this.dialogs.clear();
  }

  // ——— requests ———

  #receiveRequest(tx: ServerTransaction, incoming: IncomingRequest): void {
    const request = incoming.message;
    const facts = sourceFacts(this.#sources, incoming.source);
    if (dropUntrusted(facts)) {
      this.#logger.warn(`sip/ua: dropped ${request.method} from ${formatTarget(incoming.source)}: not one of our servers (sip.trust_ctrl)`);
      // No response, and no 100 Trying from the INVITE transaction either; its retransmissions die there too.
      this.#layer.discard(tx);
      return;
    }

    const uas = this.#serverRequest(tx, incoming);
    const rejection = runUasChecks(request, this.capabilities, this.#liveRequests());
    this.#ongoing.set(tx, request);
    if (rejection !== undefined) {
      uas.respond(rejection.status, { reason: rejection.reason, headers: rejection.headers });
      return;
    }

    if (request.method === 'CANCEL') {
      this.#receiveCancel(uas, tx);
      return;
    }

    const match = this.dialogs.matchRequest(request);
    switch (match.kind) {
      case 'no-dialog':
        if (request.method === 'NOTIFY' && this.#earlyNotify.get(`${match.id.callId}\n${match.id.localTag}`)?.(uas) === true) return;
        // §12.2.2: "it MUST respond to the request with a 481 (Call/Transaction Does Not Exist)".
        uas.respond(481);
        return;
      case 'matched':
        this.#receiveInDialog(uas, match.dialog, match.owner);
        return;
      case 'outside':
        this.#receiveOutsideDialog(uas, tx, directIpForbidden(facts));
        return;
    }
  }

  /** A UasRequest that applies a target refresh when its 2xx goes out (§12.2.2, atomic). */
  #serverRequest(tx: ServerTransaction, incoming: IncomingRequest): UasRequest {
    return new UasRequest(tx, incoming, {
      onFinal: (response) => {
        if (response.status < 200 || response.status >= 300) return;
        const match = this.dialogs.matchRequest(incoming.message);
        if (match.kind === 'matched') match.dialog.refreshFromRequest(incoming.message);
      },
    });
  }

  /**
   * §9.2: "If the UAS did not find a matching transaction for the CANCEL
   * [...] it SHOULD respond to the CANCEL with a 481" — else 200, with the
   * To tag of the INVITE's responses ("the To tag of the response to the
   * CANCEL and the To tag in the response to the original request SHOULD be
   * the same"), and the INVITE, if not yet answered, gets 487.
   */
  #receiveCancel(uas: UasRequest, tx: ServerTransaction): void {
    const invite = tx instanceof InviteServerTransaction ? undefined : tx.cancels;
    if (invite === undefined) {
      uas.respond(481);
      return;
    }
    const call = this.#calls.get(invite);
    const inviteTag = call?.localTag ?? (invite.lastResponse === undefined ? undefined : toTagOf(invite.lastResponse));
    const ok = new UasRequest(tx, { message: uas.request, source: uas.source, receivedAt: uas.receivedAt }, { toTag: inviteTag });
    ok.respond(200);
    if (call !== undefined) {
      call.cancel();
    } else if (invite.state === 'proceeding') {
      // A re-INVITE (or an INVITE nobody took) still waiting for its final.
      invite.respond(new UasRequest(invite, { message: invite.request, source: uas.source, receivedAt: uas.receivedAt }).createResponse(487));
    }
  }

  #receiveInDialog(uas: UasRequest, dialog: Dialog, owner: DialogOwner): void {
    if (dialog.receiveRequest(uas.request) === 'out-of-order') {
      // §12.2.2: "the request is out of order and MUST be rejected with a 500 (Server Internal Error) response".
      uas.respond(500, { reason: 'CSeq out of order' });
      return;
    }
    switch (uas.method) {
      case 'BYE':
        // §15.1.2: "the UAS core SHOULD generate a 2xx response to the BYE, and MUST pass that to the server transaction".
        uas.respond(200);
        owner.byeReceived?.(uas, dialog);
        dialog.terminate();
        this.#acks.delete(dialog.key);
        return;
      case 'OPTIONS':
        if (owner.handleRequest?.(uas, dialog) !== true) this.#answerOptions(uas);
        return;
      default:
        if (owner.handleRequest?.(uas, dialog) === true) return;
        this.#defaultInDialog(uas);
    }
  }

  /**
   * What an in-dialog request nobody handled gets: a re-INVITE 488 Not
   * Acceptable Here (§14.2: a UAS that does not accept the change "MUST
   * reject the request"; RFC 6141 keeps the session as it was), a NOTIFY
   * without a subscription 481 (RFC 6665 §4.1.3), PRACK 481 (RFC 3262 §3:
   * no reliable provisional of ours), and UPDATE, INFO, REFER 501.
   */
  #defaultInDialog(uas: UasRequest): void {
    switch (uas.method) {
      case 'INVITE':
        uas.respond(488);
        return;
      case 'NOTIFY':
      case 'PRACK':
        uas.respond(481);
        return;
      default:
        uas.respond(501);
    }
  }

  #receiveOutsideDialog(uas: UasRequest, tx: ServerTransaction, forbidDirectIp: boolean): void {
    const method = uas.method;
    if (method === 'INVITE' && tx instanceof InviteServerTransaction) {
      if (forbidDirectIp) {
        uas.respond(403, { reason: DIRECT_IP_FORBIDDEN_REASON });
        return;
      }
      this.#offerCall(uas, tx);
      return;
    }
    const event = method === 'NOTIFY' ? eventPackage(uas.request) : undefined;
    const handler = (event === undefined ? undefined : this.#notifyHandlers.get(event)) ?? this.#handlers.get(method);
    if (handler !== undefined) {
      handler(uas);
      return;
    }
    if (method === 'OPTIONS') this.#answerOptions(uas);
    else if (DIALOG_ONLY_METHODS.includes(method)) uas.respond(481);
    else uas.respond(501);
  }

  /**
   * §11.2: "Allow, Accept, Accept-Encoding, Accept-Language, and Supported
   * header fields SHOULD be present in a response to OPTIONS." The status is
   * the one an INVITE would get (§11.2): 200, the phone being able to take a call.
   */
  #answerOptions(uas: UasRequest): void {
    uas.respond(200, {
      headers: capabilityHeaders(this.capabilities, ['Allow', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Supported']),
    });
  }

  #offerCall(uas: UasRequest, tx: InviteServerTransaction): void {
    const handler = this.#incomingCallHandler;
    if (handler === undefined) {
      // Nobody to ring: §21.4.18 480 "the callee's end system was contacted successfully but the callee is currently unavailable".
      uas.respond(480);
      return;
    }
    // The account's choices in force now: the call keeps them, whatever changes before it ends.
    const own = this.#incomingCallSettings?.(uas.request);
    const sessionTimer = sessionTimerSettings(this.#sessionTimer, own?.sessionTimer);
    // RFC 4028 §9: an interval below our Min-SE from a caller that can retry gets 422 with our Min-SE, before any ringing.
    const minSE = sessionTimer.minSE;
    const timer = uasTimerDecision(uas.request, { want: false, expires: minSE, minSE });
    if (timer.kind === 'reject') {
      uas.respond(422, { headers: uasTimerHeaders(timer) });
      return;
    }
    const call = new IncomingCall(uas, tx, {
      clock: this.#clock,
      timers: this.#layer.timerValues,
      capabilities: this.capabilities,
      contact: this.#contact(uas.source.protocol, own?.contactUser),
      addDialog: (dialog, owner) => this.dialogs.add(dialog, owner),
      sendRequest: (request) => this.#sendAndForget(request),
      log: (line) => this.#logger.warn(line),
      reliableProvisionals: own?.reliableProvisionals ?? this.#reliableProvisionals,
      sessionTimer,
      session: this.sessionContext,
    });
    this.#calls.set(tx, call);
    call.onStateChange(() => {
      if (call.isFinished) {
        this.#calls.delete(tx);
        call.dispose();
      }
    });
    handler(call);
  }

  #sendAndForget(request: SipRequest): void {
    this.sendRequest(request, {
      onFailure: (f) => this.#logger.warn(`sip/ua: ${request.method} failed: ${f.kind === 'timeout' ? `Timer ${f.timer}` : f.message}`),
    }).catch((e: unknown) => this.#logger.warn(`sip/ua: could not send ${request.method}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Requests of the server transactions still alive (terminated ones are forgotten here). */
  #liveRequests(): SipRequest[] {
    const live: SipRequest[] = [];
    for (const [tx, request] of this.#ongoing) {
      if (tx.state === 'terminated') this.#ongoing.delete(tx);
      else live.push(request);
    }
    return live;
  }

  // ——— ACK ———

  #receiveAck(incoming: IncomingRequest): void {
    if (dropUntrusted(sourceFacts(this.#sources, incoming.source))) return;
    const match = this.dialogs.matchRequest(incoming.message);
    // An ACK outside any dialog or for none of ours is dropped: ACKs are never answered.
    if (match.kind !== 'matched') return;
    match.owner.ackReceived?.(incoming, match.dialog);
  }

  // ——— stray responses ———

  #receiveStrayResponse(incoming: IncomingResponse): void {
    const response = incoming.message;
    if (response.status < 200 || response.status >= 300) return;
    const cseq = getCSeq(response);
    if (cseq?.method !== 'INVITE') return;
    const id = responseDialogId(response);
    const sent = id === undefined ? undefined : this.#acks.get(dialogKey(id));
    if (sent === undefined || sent.inviteSeq !== cseq.seq) return;
    if (sent.dialog.state === 'terminated') {
      this.#acks.delete(sent.dialog.key);
      return;
    }
    this.#layer.sendAck(sent.ack, sent.target);
  }

  /** A bug in a handler must not escape into the transport's receive path. */
  #guard(run: () => void): void {
    if (this.#disposed) return;
    try {
      run();
    } catch (e) {
      this.#logger.warn(`sip/ua: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}

function toTagOf(response: SipResponse): string | undefined {
  try {
    return getTo(response)?.tag;
  } catch {
    return undefined;
  }
}
