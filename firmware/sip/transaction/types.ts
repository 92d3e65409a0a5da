/**
 * What the transaction state machines share: the context the transaction
 * layer gives each one (clock, timer values, a bound send) and what the
 * transaction user (the UA core, the dialog layer) hears back.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { SipMessage, SipResponse } from '../message/index.js';
import type { TimerValues } from './timers.js';

/**
 * A client transaction ended without a final response. §8.1.3.1: "When a
 * timeout error is received from the transaction layer, it MUST be treated
 * as if a 408 (Request Timeout) status code has been received. If a fatal
 * transport error is reported by the transport layer ... the condition MUST
 * be treated as a 503 (Service Unavailable) status code."
 */
export type ClientFailure =
  | { readonly kind: 'timeout'; readonly timer: 'B' | 'F'; readonly treatAs: 408 }
  | { readonly kind: 'transport-error'; readonly message: string; readonly treatAs: 503 };

/** A server transaction failed: Timer H (the ACK never came, §17.2.1) or a send that failed. */
export type ServerFailure =
  | { readonly kind: 'timeout'; readonly timer: 'H' }
  | { readonly kind: 'transport-error'; readonly message: string };

/** What the TU hears from a client transaction. */
export interface ClientTransactionHandlers {
  /** 1xx responses (§17.1.1.2, §17.1.2.2: "passed to the TU"). */
  readonly onProvisional?: (response: SipResponse) => void;
  /**
   * The final response. For an INVITE, every 2xx received in Accepted is
   * passed up too (RFC 6026 §8.4), so this
   * may run again for a retransmitted 2xx or a 2xx from another fork; the
   * dialog layer ACKs each of them (§13.2.2.4). Non-2xx retransmissions are
   * absorbed.
   */
  readonly onFinal?: (response: SipResponse) => void;
  /** Timer B/F or a transport error: no (more) responses will come. */
  readonly onFailure?: (failure: ClientFailure) => void;
}

/**
 * What a state machine gets from the transaction layer. `Out` is what it
 * sends: requests (and the ACK) for a client, responses for a server.
 */
export interface TransactionContext<Out extends SipMessage> {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /**
   * TCP and TLS: no retransmission timers and zero wait timers (§17.1.1.2,
   * §17.1.2.2). As the transaction starts: a client transaction whose large
   * request falls back from TCP to UDP is told so (fallBackToUdp).
   */
  readonly reliable: boolean;
  /** Sends on the transport (to the client's target, or back as §18.2.2 says). Rejects on a transport error. */
  readonly send: (message: Out) => Promise<void>;
  /** Called once when the transaction enters Terminated, so the layer forgets it. */
  readonly onTerminated: () => void;
}

/** The text of a rejected send. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
