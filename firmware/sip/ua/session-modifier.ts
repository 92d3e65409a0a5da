/**
 * Changing the session of a confirmed call (RFC 3261 §14): the re-INVITEs
 * we send (hold, resume, a new codec) and those the peer sends, in one
 * dialog, for an outgoing or an incoming call alike.
 *
 *   const session = call.session;                       // OutgoingCall, once confirmed
 *   // (an IncomingCall: attachSessionToIncomingCall(call, core.sessionContext, { initial }))
 *   session.onReinvite((r) => r.accept(media.answer(r.offer)));   // the SDP layer decides
 *   const outcome = await session.sendReinvite(holdOffer);
 *   outcome.kind === 'accepted' ? outcome.remote : outcome.status   // 491 retried, 488 reported
 *
 * The session descriptions in force (`current`) change only when an
 * offer/answer exchange completes; a re-INVITE that fails leaves them as
 * they were (§14.1: "the session parameters MUST remain unchanged, as if no
 * re-INVITE had been issued") and says why in its outcome. This layer never
 * looks inside a body: the o= line and everything else are the SDP layer's.
 *
 * Glare (§14.1, §14.2, glare-policy.ts): a re-INVITE from the peer while
 * ours awaits its final gets 491, and ours, answered 491 by the peer, is
 * sent again after the §14.1 back-off — 2.1-4 s if we own the Call-ID (we
 * placed the call), 0-2 s if not — so the two ends do not collide again.
 * A second re-INVITE from the peer while its first is still being served
 * gets 500 with Retry-After.
 */
import type { Dialog } from '../dialog/index.js';
import type { MessageBody } from '../message/index.js';
import type { IncomingRequest } from '../transaction/index.js';
import { capabilityHeaders } from './capabilities.js';
import { overlappingInviteRetryAfterSeconds, reinviteVerdict, requestPendingRetryDelayMs } from './glare-policy.js';
import { ReinviteClient } from './reinvite-client.js';
import type { ReinviteOutcome } from './reinvite-client.js';
import { IncomingReinvite } from './reinvite-server.js';
import type { IncomingReinviteRequest } from './reinvite-server.js';
import type { SessionContext } from './session-context.js';
import { TypedEmitter } from './typed-emitter.js';
import type { UasRequest } from './uas-request.js';

export type { ReinviteOutcome } from './reinvite-client.js';
export type { IncomingReinviteRequest } from './reinvite-server.js';

/** The session descriptions in force: ours and the peer's, as last agreed. */
export interface SessionDescriptions {
  readonly local: MessageBody | undefined;
  readonly remote: MessageBody | undefined;
}

export interface SessionChange {
  readonly previous: SessionDescriptions;
  readonly current: SessionDescriptions;
  /** Who asked for the change: our re-INVITE, or the peer's. */
  readonly by: 'local' | 'remote';
}

/** Default number of 491 retries: §14.1 "attempt the re-INVITE once more". */
export const DEFAULT_REQUEST_PENDING_RETRIES = 1;

export interface SessionModifierOptions {
  /** The descriptions the INVITE that made the dialog agreed on. */
  readonly initial?: SessionDescriptions;
  /** §14.1: whether we generated the Call-ID. Default: we did if we sent the INVITE that made the dialog. */
  readonly ownsCallId?: boolean;
  readonly requestPendingRetries?: number;
  /** [0, 1) for the §14.1 and §14.2 random waits; Math.random by default. */
  readonly random?: () => number;
  /** Header lines every re-INVITE carries besides Allow and Supported (User-Agent …). */
  readonly headers?: Iterable<readonly [string, string]>;
  /** No ACK for our 2xx to the peer's re-INVITE within 64*T1: the call should end with a BYE (§13.3.1.4). */
  readonly onAckTimeout?: () => void;
}

export class SessionModifier {
  readonly dialog: Dialog;
  readonly #ctx: SessionContext;
  readonly #ownsCallId: boolean;
  readonly #retries: number;
  readonly #random: () => number;
  readonly #headers: readonly (readonly [string, string])[];
  readonly #onAckTimeout: (() => void) | undefined;
  readonly #changes: TypedEmitter<SessionChange>;
  readonly #unsubscribeDialog: () => void;
  #current: SessionDescriptions;
  #client: ReinviteClient | undefined;
  #server: IncomingReinvite | undefined;
  #handler: ((reinvite: IncomingReinviteRequest) => void) | undefined;
  #closed = false;

  constructor(dialog: Dialog, ctx: SessionContext, options: SessionModifierOptions = {}) {
    this.dialog = dialog;
    this.#ctx = ctx;
    this.#ownsCallId = options.ownsCallId ?? dialog.role === 'uac';
    this.#retries = options.requestPendingRetries ?? DEFAULT_REQUEST_PENDING_RETRIES;
    this.#random = options.random ?? Math.random;
    // §13.2.1 / §14.1: a re-INVITE is an INVITE; it advertises Allow and Supported like the first one.
    this.#headers = [...capabilityHeaders(ctx.capabilities, ['Allow', 'Supported']), ...(options.headers ?? [])];
    this.#onAckTimeout = options.onAckTimeout;
    this.#current = options.initial ?? { local: undefined, remote: undefined };
    this.#changes = new TypedEmitter((e) => ctx.log(`sip/ua: session listener threw: ${e instanceof Error ? e.message : String(e)}`));
    this.#unsubscribeDialog = dialog.onStateChange((state) => {
      if (state === 'terminated') this.dispose();
    });
    if (dialog.state === 'terminated') this.dispose();
  }

  /** The session descriptions in force. */
  get current(): SessionDescriptions {
    return this.#current;
  }

  /** Whether our owner's Call-ID ownership puts our §14.1 back-off in 2.1-4 s (true) or 0-2 s. */
  get ownsCallId(): boolean {
    return this.#ownsCallId;
  }

  /** An INVITE exchange is under way in either direction (or our re-INVITE waits for its turn). */
  get busy(): boolean {
    return this.#client !== undefined || this.#server !== undefined;
  }

  /** Listens for completed changes; returns an unsubscribe. */
  onChange(listener: (change: SessionChange) => void): () => void {
    return this.#changes.on(listener);
  }

  /** Who decides about the peer's re-INVITEs (without one they get 488, §14.2). Returns an unsubscribe. */
  onReinvite(handler: (reinvite: IncomingReinviteRequest) => void): () => void {
    this.#handler = handler;
    return () => {
      if (this.#handler === handler) this.#handler = undefined;
    };
  }

  /**
   * Sends a re-INVITE with `offer` — or without one, when `offer` is
   * undefined: the 2xx then carries the peer's offer and `answerOffer` makes
   * the answer the ACK carries. Resolves with the outcome; never rejects.
   * Waits for the peer's INVITE exchange to finish if one is under way
   * (§14.1); refuses while a re-INVITE of ours is still going.
   */
  sendReinvite(offer: MessageBody | undefined, answerOffer?: (offer: MessageBody) => MessageBody | undefined): Promise<ReinviteOutcome> {
    if (this.#closed) return Promise.resolve(notSent('the dialog is over'));
    if (this.#client !== undefined) return Promise.resolve(notSent('a re-INVITE of ours is already in progress (§14.1)'));
    return new Promise<ReinviteOutcome>((resolve) => {
      const client: ReinviteClient = new ReinviteClient({
        dialog: this.dialog,
        ctx: this.#ctx,
        offer,
        answerOffer,
        headers: this.#headers,
        retries: this.#retries,
        retryDelayMs: () => requestPendingRetryDelayMs(this.#ownsCallId, this.#random),
        mayStart: () => this.#server === undefined,
        done: (outcome) => {
          if (this.#client === client) this.#client = undefined;
          if (outcome.kind === 'accepted') {
            this.#commit({ local: outcome.local ?? this.#current.local, remote: outcome.remote ?? this.#current.remote }, 'local');
          }
          resolve(outcome);
        },
      });
      this.#client = client;
      client.poke();
    });
  }

  /**
   * An in-dialog request the call routes here (its DialogOwner.handleRequest):
   * INVITE is served (true); anything else is left to others (false).
   */
  handleRequest(request: UasRequest): boolean {
    if (request.method !== 'INVITE') return false;
    if (this.#closed) {
      request.respond(481);
      return true;
    }
    const verdict = reinviteVerdict({
      ownInviteInProgress: this.#client?.state === 'sending',
      peerInviteInProgress: this.#server?.inProgress ?? false,
    });
    switch (verdict) {
      case 'request-pending':
        request.respond(491);
        return true;
      case 'server-busy':
        request.respond(500, { headers: [['Retry-After', String(overlappingInviteRetryAfterSeconds(this.#random))]] });
        return true;
      case 'serve':
        this.#serve(request);
        return true;
    }
  }

  /** An ACK in the dialog (its DialogOwner.ackReceived): the one for our 2xx to a re-INVITE stops its retransmissions. */
  ackReceived(ack: IncomingRequest): void {
    this.#server?.ackReceived(ack);
  }

  /** Gives up what is under way (a pending re-INVITE of ours resolves as failed; the peer's gets 487) and stops every timer. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribeDialog();
    this.#server?.abandon();
    this.#server = undefined;
    this.#client?.abandon('the dialog is over');
    this.#client = undefined;
    this.#changes.clear();
    this.#handler = undefined;
  }

  #serve(request: UasRequest): void {
    const reinvite: IncomingReinvite = new IncomingReinvite(request, this.dialog, this.#ctx, {
      committed: (local, remote) => this.#commit({ local, remote }, 'remote'),
      done: () => {
        if (this.#server !== reinvite) return;
        this.#server = undefined;
        // Our re-INVITE may have been waiting for this one to finish (§14.1).
        this.#client?.poke();
      },
      ackTimeout: () => this.#onAckTimeout?.(),
    });
    this.#server = reinvite;
    const handler = this.#handler;
    if (handler === undefined) {
      reinvite.reject(488);
      return;
    }
    try {
      handler(reinvite);
    } catch (e) {
      this.#ctx.log(`sip/ua: re-INVITE handler threw: ${e instanceof Error ? e.message : String(e)}`);
      if (reinvite.state === 'offered') reinvite.reject(500);
    }
  }

  #commit(current: SessionDescriptions, by: 'local' | 'remote'): void {
    const previous = this.#current;
    this.#current = current;
    this.#changes.emit({ previous, current, by });
  }
}

function notSent(reason: string): ReinviteOutcome {
  return { kind: 'failed', status: undefined, reason, attempts: 0, endDialog: false };
}
