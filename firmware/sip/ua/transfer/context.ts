/**
 * What the transfer code (REFER, its NOTIFYs, INFO) needs of the SIP stack,
 * gathered from the user-agent core and the account that owns the call:
 *
 *   const ctx = transferContext(core, { sender: account.sender, isOurServer: (t) => stack.isServerAddress(t.host) });
 *
 * In-dialog requests go through the account's AuthenticatingSender, so a
 * 401/407 from our own proxy is answered like the INVITE's (RFC 3261 §22.2,
 * §22.3); a challenge from anyone else is not (the digest-leak guard).
 */
import type { Clock } from '../../../../drivers/bus/clock.js';
import type { Dialog } from '../../dialog/index.js';
import type { SipRequest } from '../../message/index.js';
import type { TimerValues } from '../../transaction/index.js';
import type { TransportTarget } from '../../transport/types.js';
import type { AuthenticatingSender } from '../authenticating-sender.js';
import type { DialogOwner } from '../dialog-owner.js';
import type { UserAgentCore } from '../user-agent-core.js';

export interface TransferContext {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** Where an in-dialog request goes: its first Route or remote target, resolved (UserAgentCore.targetOf). */
  targetOf(request: SipRequest): TransportTarget | undefined | Promise<TransportTarget | undefined>;
  /** The account's sender: answers our server's 401/407 with CSeq + 1. */
  readonly sender: Pick<AuthenticatingSender, 'send'>;
  /** Whether `target` is our registrar or outbound proxy: only then is a challenge answered. */
  isOurServer(target: TransportTarget): boolean;
  /** Puts a dialog under the core's routing (a subscription usage that outlives the call's BYE). */
  addDialog(dialog: Dialog, owner: DialogOwner): void;
  log(line: string): void;
}

export interface TransferAccount {
  readonly sender: Pick<AuthenticatingSender, 'send'>;
  isOurServer(target: TransportTarget): boolean;
}

export function transferContext(core: UserAgentCore, account: TransferAccount): TransferContext {
  const session = core.sessionContext;
  return {
    clock: session.clock,
    timers: session.timers,
    targetOf: (request) => core.targetOf(request),
    sender: account.sender,
    isOurServer: (target) => account.isOurServer(target),
    addDialog: (dialog, owner) => core.addDialog(dialog, owner),
    log: (line) => session.log(line),
  };
}
