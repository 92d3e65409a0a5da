/**
 * What the dialog-level UA code (an outgoing call, the re-INVITEs of a
 * session) needs of the user-agent core: a clock and the timer values,
 * the capabilities advertised in INVITEs and their 2xx (§13.3.1.4), and the
 * ways in-dialog messages leave — requests through a client transaction,
 * the ACK for a 2xx by the UAC core itself (§13.2.2.4: "The UAC core MUST
 * generate an ACK request for each 2xx received from the transaction
 * layer"). UserAgentCore.sessionContext provides all of it.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { Dialog } from '../dialog/index.js';
import type { SipRequest } from '../message/index.js';
import type { ClientTransactionHandlers, SentRequest, TimerValues } from '../transaction/index.js';
import type { TransportTarget } from '../transport/types.js';
import type { UasCapabilities } from './capabilities.js';

/** An ACK for a 2xx as it went out (with its Via) and where, to send again unchanged for each retransmitted 2xx. */
export interface AckSent {
  readonly ack: SipRequest;
  readonly target: TransportTarget;
}

export interface SessionContext {
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly capabilities: UasCapabilities;
  /** Sends an in-dialog request (BYE, re-INVITE) to the next hop of its Route / Request-URI; see UserAgentCore.sendRequest. */
  sendRequest(request: SipRequest, handlers?: ClientTransactionHandlers): Promise<SentRequest | undefined>;
  /**
   * Sends the ACK for a 2xx to the INVITE numbered `inviteSeq` in `dialog`
   * to the dialog's next hop, and keeps it for a 2xx retransmission that
   * outlives the INVITE client transaction. Undefined: no route.
   */
  sendAck(dialog: Dialog, inviteSeq: number, ack: SipRequest): Promise<AckSent | undefined>;
  /** The same ACK once more (a retransmitted 2xx, §13.2.2.4). */
  resendAck(sent: AckSent): void;
  log(line: string): void;
}
