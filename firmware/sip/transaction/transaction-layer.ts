/**
 * The transaction layer (RFC 3261 §17): owns the client and server
 * transactions of one SipTransport, matches what arrives to them and passes
 * the rest up to the transaction user (the UA core and dialog layer):
 *
 *   response  → its client transaction (§17.1.3), or onStrayResponse —
 *               §18.1.2: "If there is a match, the response MUST be passed to
 *               that transaction. Otherwise, the response MUST be passed to
 *               the core". The dialog layer needs these: a retransmitted 2xx
 *               after Timer M, or a 2xx from another fork, must be re-ACKed.
 *   request   → its server transaction (§17.2.3) when it is a retransmission
 *               (absorbed there: the last response is sent again), else a new
 *               server transaction handed to onRequest. A CANCEL carries the
 *               INVITE server transaction it cancels (§9.2) as `cancels`.
 *   ACK       → absorbed by an INVITE server transaction in Completed or
 *               Confirmed (the ACK for a non-2xx); every other ACK — for a
 *               2xx, with its own branch, or one matching an Accepted
 *               transaction (RFC 6026) — goes to onAck.
 *
 * Requests the TU sends get a Via with a fresh branch and rport
 * (local-via.ts) unless they already carry one (a CANCEL from createCancel()
 * keeps the branch of the INVITE it cancels, §9.1).
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import { createResponse, getCSeq, getTopVia, isRfc3261Branch } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { IncomingMessage, SipTransport, TransportTarget } from '../transport/types.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { localViaValue } from './local-via.js';
import { clientKey, responseClientKey, rfc2543CancelMatches, rfc2543Matches, serverKey } from './matching.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { DEFAULT_TIMER_VALUES, checkTimerValues } from './timers.js';
import type { TimerValues } from './timers.js';
import type { ClientTransactionHandlers } from './types.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export type IncomingRequest = IncomingMessage & { readonly message: SipRequest };
export type IncomingResponse = IncomingMessage & { readonly message: SipResponse };

export type RequestHandler = (transaction: ServerTransaction, incoming: IncomingRequest) => void;
export type AckHandler = (incoming: IncomingRequest) => void;
export type StrayResponseHandler = (incoming: IncomingResponse) => void;

export interface TransactionLayerOptions {
  /** T1, T2, T4 (Table 4); each defaults to the RFC value. */
  readonly timers?: Partial<TimerValues>;
  /** How long an INVITE server transaction waits for the TU before sending 100 Trying itself (default 200 ms). */
  readonly tryingDelayMs?: number;
}

/** A client transaction as the TU holds it: the request as sent (with its Via) and where it went. */
export interface SentRequest {
  readonly transaction: ClientTransaction;
  readonly request: SipRequest;
  readonly target: TransportTarget;
  readonly branch: string;
}

/** Without a top Via and a CSeq a request can neither be matched nor answered (§8.1.1, §18.2.2). */
function canBeAnswered(request: SipRequest): boolean {
  try {
    return getCSeq(request) !== undefined && getTopVia(request) !== undefined;
  } catch {
    return false;
  }
}

interface ServerEntry {
  readonly transaction: ServerTransaction;
  /** undefined: created by an RFC 2543 request, matched by §17.2.3's fallback rules. */
  readonly key: string | undefined;
}

export class TransactionLayer {
  readonly #transport: SipTransport;
  readonly #clock: Clock;
  readonly #timers: TimerValues;
  readonly #tryingDelayMs: number | undefined;
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerEntry>();
  /** Server transactions created by RFC 2543 requests (no magic cookie): few, so searched in order. */
  readonly #legacyServers = new Set<ServerEntry>();
  readonly #discardTimers = new Set<TimerHandle>();
  readonly #unsubscribe: () => void;
  #requestHandler: RequestHandler | undefined;
  #ackHandler: AckHandler | undefined;
  #strayHandler: StrayResponseHandler | undefined;
  #disposed = false;

  constructor(transport: SipTransport, clock: Clock, options: TransactionLayerOptions = {}) {
    this.#transport = transport;
    this.#clock = clock;
    this.#timers = checkTimerValues({ ...DEFAULT_TIMER_VALUES, ...options.timers });
    this.#tryingDelayMs = options.tryingDelayMs;
    this.#unsubscribe = transport.onMessage((incoming) => this.#receive(incoming));
  }

  get timerValues(): TimerValues {
    return this.#timers;
  }

  /** Live transactions, for diagnostics and tests. */
  get counts(): { readonly client: number; readonly server: number } {
    return { client: this.#clients.size, server: this.#servers.size + this.#legacyServers.size };
  }

  /**
   * Starts a client transaction for `request` (not ACK: see sendAck). The
   * request is copied; the copy, with the Via on top, is `request` of the result.
   */
  sendRequest(request: SipRequest, target: TransportTarget, handlers: ClientTransactionHandlers): SentRequest {
    if (this.#disposed) throw new Error('transaction layer disposed');
    if (request.method === 'ACK') throw new Error('an ACK is not a transaction: use sendAck()');
    const cseq = getCSeq(request);
    if (cseq === undefined || cseq.method !== request.method) {
      throw new Error(`${request.method} request needs a CSeq with method ${request.method} (§8.1.1.5)`);
    }
    const sent = this.#withVia(request, target);
    const branch = getTopVia(sent)?.branch;
    if (branch === undefined || !isRfc3261Branch(branch)) {
      throw new Error('the request carries a Via without an RFC 3261 branch');
    }
    const key = clientKey(branch, request.method);
    if (this.#clients.has(key)) throw new Error(`a ${request.method} client transaction with branch ${branch} exists`);
    const ctx = {
      clock: this.#clock,
      timers: this.#timers,
      reliable: this.#transport.isReliable(target.protocol),
      send: (message: SipRequest) => this.#transport.send(message, target),
      onTerminated: () => {
        if (this.#clients.get(key) === transaction) this.#clients.delete(key);
      },
    };
    const transaction: ClientTransaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(sent, ctx, handlers)
        : new NonInviteClientTransaction(sent, ctx, handlers);
    this.#clients.set(key, transaction);
    transaction.start();
    return { transaction, request: sent, target, branch };
  }

  /**
   * Sends the TU's ACK for a 2xx (§13.2.2.4), which no state machine carries
   * (§17: "Since this ACK is retransmitted only by the UAC, it is effectively
   * considered its own transaction"): a Via with a new branch is added unless
   * the ACK has one, so the TU re-sends the returned `ack` unchanged for each
   * retransmitted 2xx. `sent` rejects on a transport error; ignoring it is safe.
   */
  sendAck(ack: SipRequest, target: TransportTarget): { readonly ack: SipRequest; readonly sent: Promise<void> } {
    if (this.#disposed) throw new Error('transaction layer disposed');
    if (ack.method !== 'ACK') throw new Error(`sendAck() given ${ack.method}`);
    const withVia = this.#withVia(ack, target);
    const sent = this.#transport.send(withVia, target);
    // A TU that does not await `sent` must not cause an unhandled rejection.
    sent.catch(() => undefined);
    return { ack: withVia, sent };
  }

  /** Every new request (not ACK); the handler answers through transaction.respond(). Returns an unsubscribe. */
  onRequest(handler: RequestHandler): () => void {
    this.#requestHandler = handler;
    return () => {
      if (this.#requestHandler === handler) this.#requestHandler = undefined;
    };
  }

  /** ACKs for 2xx responses (and any ACK no transaction absorbs). */
  onAck(handler: AckHandler): () => void {
    this.#ackHandler = handler;
    return () => {
      if (this.#ackHandler === handler) this.#ackHandler = undefined;
    };
  }

  /** Responses that match no client transaction. */
  onStrayResponse(handler: StrayResponseHandler): () => void {
    this.#strayHandler = handler;
    return () => {
      if (this.#strayHandler === handler) this.#strayHandler = undefined;
    };
  }

  /**
   * Drops a request without answering it (sip.trust_ctrl). Its transaction
   * stays long enough (64*T1, the longest a client retransmits) to absorb the
   * retransmissions silently, then is forgotten, so a flood of distinct
   * requests from untrusted sources cannot grow memory without bound.
   */
  discard(transaction: ServerTransaction): void {
    transaction.dispose();
    const entry = [...this.#servers.values(), ...this.#legacyServers].find((e) => e.transaction === transaction);
    if (entry === undefined || this.#disposed) return;
    const handle = this.#clock.setTimer(64 * this.#timers.t1, () => {
      this.#discardTimers.delete(handle);
      this.#forget(entry);
    });
    this.#discardTimers.add(handle);
  }

  /** Stops listening and disposes of every transaction (clearing all their timers); the transport stays open. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#unsubscribe();
    for (const handle of this.#discardTimers) this.#clock.clearTimer(handle);
    this.#discardTimers.clear();
    for (const tx of this.#clients.values()) tx.dispose();
    for (const entry of [...this.#servers.values(), ...this.#legacyServers]) entry.transaction.dispose();
    this.#clients.clear();
    this.#servers.clear();
    this.#legacyServers.clear();
    this.#requestHandler = undefined;
    this.#ackHandler = undefined;
    this.#strayHandler = undefined;
  }

  #withVia(request: SipRequest, target: TransportTarget): SipRequest {
    const headers = request.headers.clone();
    if (!headers.has('Via')) {
      headers.prepend('Via', localViaValue(target.protocol, this.#transport.localEndpoint(target.protocol)));
    }
    return { ...request, headers };
  }

  #receive(incoming: IncomingMessage): void {
    if (this.#disposed) return;
    const message = incoming.message;
    if (message.kind === 'response') this.#receiveResponse({ ...incoming, message });
    else if (message.method === 'ACK') this.#receiveAck({ ...incoming, message });
    else this.#receiveRequest({ ...incoming, message });
  }

  #receiveResponse(incoming: IncomingResponse): void {
    const key = responseClientKey(incoming.message);
    const transaction = key === undefined ? undefined : this.#clients.get(key);
    if (transaction !== undefined) transaction.receiveResponse(incoming.message);
    else this.#strayHandler?.(incoming);
  }

  #receiveAck(incoming: IncomingRequest): void {
    const entry = this.#findServer(incoming.message);
    if (entry !== undefined && entry.transaction instanceof InviteServerTransaction) {
      const disposition = entry.transaction.receiveAck();
      if (disposition === 'absorbed' || disposition === 'ignored') return;
    }
    this.#ackHandler?.(incoming);
  }

  #receiveRequest(incoming: IncomingRequest): void {
    const request = incoming.message;
    if (!canBeAnswered(request)) return;

    const existing = this.#findServer(request);
    if (existing !== undefined) {
      existing.transaction.receiveRetransmission();
      return;
    }

    const key = serverKey(request);
    const ctx = {
      clock: this.#clock,
      timers: this.#timers,
      reliable: this.#transport.isReliable(incoming.source.protocol),
      send: (response: SipResponse) => this.#transport.sendResponse(response, incoming),
      onTerminated: () => this.#forget(entry),
    };
    const transaction: ServerTransaction =
      request.method === 'INVITE'
        ? new InviteServerTransaction(request, ctx, { tryingDelayMs: this.#tryingDelayMs })
        : new NonInviteServerTransaction(request, ctx, {
            cancels: request.method === 'CANCEL' ? this.#findCancelled(request) : undefined,
          });
    const entry: ServerEntry = { transaction, key };
    if (key === undefined) this.#legacyServers.add(entry);
    else this.#servers.set(key, entry);

    if (transaction instanceof InviteServerTransaction) transaction.start();
    const handler = this.#requestHandler;
    if (handler === undefined) {
      // No TU to take it: say so rather than let the peer retransmit to a timeout (§21.5.4).
      transaction.respond(createResponse(request, 503));
      return;
    }
    handler(transaction, incoming);
  }

  #findServer(request: SipRequest): ServerEntry | undefined {
    const key = serverKey(request);
    if (key !== undefined) return this.#servers.get(key);
    for (const entry of this.#legacyServers) {
      if (rfc2543Matches(entry.transaction.request, entry.transaction.lastResponse, request)) return entry;
    }
    return undefined;
  }

  /** §9.2: the INVITE server transaction a CANCEL cancels. */
  #findCancelled(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel, 'INVITE');
    if (key !== undefined) {
      const tx = this.#servers.get(key)?.transaction;
      return tx instanceof InviteServerTransaction ? tx : undefined;
    }
    for (const entry of this.#legacyServers) {
      const tx = entry.transaction;
      if (tx instanceof InviteServerTransaction && rfc2543CancelMatches(tx.request, cancel)) return tx;
    }
    return undefined;
  }

  #forget(entry: ServerEntry): void {
    if (entry.key === undefined) this.#legacyServers.delete(entry);
    else if (this.#servers.get(entry.key) === entry) this.#servers.delete(entry.key);
  }
}
