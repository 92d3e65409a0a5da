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
 *
 * The message size rule (§18.1.1, size-rule.ts) is applied here, where the
 * Via is written: a request the TU sends to a UDP target that is larger than
 * 1300 bytes with its Via goes over TCP to the same address and port instead,
 * its top Via saying TCP (with the TCP sent-by), and its client transaction
 * runs as on a reliable transport (no Timer A/E; Timer B/F still run). The
 * same holds for the ACK of a 2xx and for in-dialog requests: the rule looks
 * at each request's size, not at the dialog. A message that already carries
 * a TCP Via of ours on a UDP target — a retransmitted ACK, the ACK of a
 * non-2xx, a CANCEL (whose Via must equal the INVITE's, §9.1) — follows its
 * Via to TCP. When the TCP connection cannot be made (refused, reset,
 * protocol unreachable, connect timeout) the request is sent over UDP after
 * all, with its Via changed back, and one line is logged; the target is then
 * remembered for a while (NoTcpMemo) so the next large requests go straight
 * to UDP. Responses never move: they leave as the request came (§18.2.2).
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import { createResponse, getCSeq, getTopVia, isRfc3261Branch, serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { formatTarget } from '../transport/addresses.js';
import type { TransportLogger } from '../transport/logger.js';
import { consoleLogger } from '../transport/logger.js';
import { NoTcpMemo, exceedsUdpSizeLimit, retriesOverUdp } from '../transport/size-rule.js';
import type { IncomingMessage, SipTransport, TransportTarget } from '../transport/types.js';
import { errorMessage } from './types.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { localViaValue, withLocalViaFor } from './local-via.js';
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
  /** Where the §18.1.1 size rule says what it did (a fallback to UDP, a large request that must stay on UDP); console.warn by default. */
  readonly logger?: TransportLogger;
  /** How long a target that would not take TCP gets large requests over UDP without a new attempt (default NO_TCP_MEMORY_MS). */
  readonly noTcpMemoryMs?: number;
}

/** A client transaction as the TU holds it: the request as sent (with its Via) and where it went. */
export interface SentRequest {
  readonly transaction: ClientTransaction;
  /** As on the wire: its top Via names TCP when §18.1.1 moved it there, UDP again after a fallback. */
  readonly request: SipRequest;
  /** The target the TU gave (a large request to a UDP target travels over TCP to the same address). */
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
  /** The connection each client transaction over TCP/TLS holds open until it ends. */
  readonly #holds = new Map<ClientTransaction, () => void>();
  readonly #logger: TransportLogger;
  readonly #noTcp: NoTcpMemo;
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
    this.#logger = options.logger ?? consoleLogger;
    this.#noTcp = new NoTcpMemo(() => clock.now(), options.noTcpMemoryMs);
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
    const wire = this.#wireTarget(sent, target);
    const ctx = {
      clock: this.#clock,
      timers: this.#timers,
      reliable: this.#transport.isReliable(wire.protocol),
      // The request, its retransmissions and the ACK of a non-2xx (all with this Via) go the same way.
      send: (message: SipRequest) =>
        this.#transmit(message, target, (overUdp) => {
          if (message !== transaction.request) return;
          this.#release(transaction);
          transaction.fallBackToUdp(overUdp);
        }),
      onTerminated: () => {
        this.#release(transaction);
        if (this.#clients.get(key) === transaction) this.#clients.delete(key);
      },
    };
    const transaction: ClientTransaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(sent, ctx, handlers)
        : new NonInviteClientTransaction(sent, ctx, handlers);
    this.#clients.set(key, transaction);
    // An INVITE can wait in Proceeding for minutes: its connection must not close as idle meanwhile.
    if (wire.protocol !== 'udp') this.#holds.set(transaction, this.#transport.hold(wire));
    transaction.start();
    return {
      transaction,
      // Read when asked: a fallback to UDP changes the request (its Via) after this returns.
      get request() {
        return transaction.request;
      },
      target,
      branch,
    };
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
    const sent = this.#transmit(withVia, target);
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
    for (const release of this.#holds.values()) release();
    this.#holds.clear();
    for (const entry of [...this.#servers.values(), ...this.#legacyServers]) entry.transaction.dispose();
    this.#clients.clear();
    this.#servers.clear();
    this.#legacyServers.clear();
    this.#requestHandler = undefined;
    this.#ackHandler = undefined;
    this.#strayHandler = undefined;
  }

  /** `request` with our Via on top (unless it has one), for the transport §18.1.1 picks. */
  #withVia(request: SipRequest, target: TransportTarget): SipRequest {
    const headers = request.headers.clone();
    if (headers.has('Via')) return { ...request, headers };
    headers.prepend('Via', localViaValue(target.protocol, this.#transport.localEndpoint(target.protocol)));
    const stamped = { ...request, headers };
    return target.protocol === 'udp' ? this.#applySizeRule(stamped, target) : stamped;
  }

  /**
   * §18.1.1 for a request freshly given a UDP Via: "larger than 1300 bytes
   * and the path MTU is unknown" (it always is) → TCP, "the value in the top
   * Via MUST be changed". Where TCP is not possible the request stays on UDP,
   * with a warning: fragmented, it may well be lost.
   */
  #applySizeRule(request: SipRequest, target: TransportTarget): SipRequest {
    const size = serialize(request).byteLength;
    if (!exceedsUdpSizeLimit(size)) return request;
    const what = `${request.method} of ${size} bytes exceeds the §18.1.1 UDP limit`;
    if (!this.#transport.canSend('tcp')) {
      this.#logger.warn(`sip/transaction: ${what}; TCP is not enabled, sending it over UDP anyway`);
      return request;
    }
    const ago = this.#noTcp.failedMsAgo(target);
    if (ago !== undefined) {
      this.#logger.warn(
        `sip/transaction: ${what}; ${formatTarget(target)} would not take TCP ${Math.round(ago / 1000)} s ago, sending it over UDP anyway`,
      );
      return request;
    }
    return withLocalViaFor(request, 'tcp', this.#transport.localEndpoint('tcp'));
  }

  /** A TCP Via of ours on a request for a UDP target: §18.1.1 moved it (or its INVITE) to TCP, to the same address. */
  #wireTarget(message: SipRequest, target: TransportTarget): TransportTarget {
    if (target.protocol !== 'udp' || getTopVia(message)?.transport !== 'TCP') return target;
    return { protocol: 'tcp', host: target.host, port: target.port };
  }

  /**
   * Sends `message` the way its Via says (#wireTarget). §18.1.1: "If an
   * element sends a request over TCP because of these message size
   * constraints, and that request would have otherwise been sent over UDP,
   * if the attempt to establish the connection generates either an ICMP
   * Protocol Not Supported, or results in a TCP reset, the element SHOULD
   * retry the request, using UDP" (which failures count: retriesOverUdp).
   * The retry keeps the branch: it is the same request, never received —
   * the connection carried nothing — so it is the same transaction
   * (§17.1.3 matches its responses by branch and method, not transport);
   * only the Via's transport and sent-by change, as §18.1.1 requires of
   * a change of transport. `onFallback` gets the UDP request before it goes.
   */
  #transmit(message: SipRequest, target: TransportTarget, onFallback?: (overUdp: SipRequest) => void): Promise<void> {
    const wire = this.#wireTarget(message, target);
    const sending = this.#transport.send(message, wire);
    if (wire === target) return sending;
    return sending.catch((error: unknown) => {
      if (!retriesOverUdp(error)) throw error;
      this.#noTcp.remember(target);
      const overUdp = withLocalViaFor(message, 'udp', this.#transport.localEndpoint('udp'));
      this.#logger.warn(
        `sip/transaction: ${message.method} of ${serialize(message).byteLength} bytes could not go over TCP (${errorMessage(error)}); ` +
          `sending it over UDP to ${formatTarget(target)} (RFC 3261 §18.1.1)`,
      );
      onFallback?.(overUdp);
      return this.#transport.send(overUdp, target);
    });
  }

  #release(transaction: ClientTransaction): void {
    this.#holds.get(transaction)?.();
    this.#holds.delete(transaction);
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
