/**
 * What owns a dialog the UA core routes requests to (the incoming call, and
 * later the sessions and subscriptions built above the core). Each hook is
 * optional; the core answers what an owner leaves alone (see
 * user-agent-core.ts for the defaults).
 */
import type { Dialog } from '../dialog/index.js';
import type { IncomingRequest } from '../transaction/index.js';
import type { UasRequest } from './uas-request.js';

export interface DialogOwner {
  /**
   * An in-dialog request other than ACK, BYE and CANCEL (re-INVITE, UPDATE,
   * INFO, NOTIFY, REFER …) that passed the §8.2 checks and the §12.2.2 CSeq
   * check. Return true when the owner answers it (now or later); false lets
   * the core answer with its default.
   */
  handleRequest?(request: UasRequest, dialog: Dialog): boolean;
  /** A BYE, already answered 200 (§15.1.2); the dialog terminates right after. */
  byeReceived?(request: UasRequest, dialog: Dialog): void;
  /** An ACK in this dialog (for a 2xx: §13.3.1.4). */
  ackReceived?(ack: IncomingRequest, dialog: Dialog): void;
}
