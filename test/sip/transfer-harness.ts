/**
 * Shared set-up for the transfer tests (not itself a test file): the UAC
 * rig's two whole user agents with a confirmed call between them — the
 * phone (alice) placed it, the peer (bob) answered — and a TransferContext
 * for each side, whose AuthenticatingSender is the rig's own. Either side
 * plays transferor or transferee: both run the code under test.
 */
import assert from 'node:assert/strict';
import type { Dialog } from '../../firmware/sip/dialog/index.js';
import type { IncomingCall, InDialogHandler } from '../../firmware/sip/ua/incoming-call.js';
import type { OutgoingCall } from '../../firmware/sip/ua/outgoing-call.js';
import { transferContext } from '../../firmware/sip/ua/transfer/index.js';
import type { TransferContext } from '../../firmware/sip/ua/transfer/index.js';
import { ANSWER, uacRig } from './uac-harness.js';
import type { Ua, UacRig } from './uac-harness.js';

export interface ConnectedCall {
  readonly rig: UacRig;
  readonly phoneCall: OutgoingCall;
  readonly peerCall: IncomingCall;
  readonly phoneDialog: Dialog;
  readonly peerDialog: Dialog;
  readonly phoneCtx: TransferContext;
  readonly peerCtx: TransferContext;
  /** Who answers the in-dialog requests other than re-INVITE on each side. */
  onPhone(handler: InDialogHandler): void;
  onPeer(handler: InDialogHandler): void;
}

export function contextOf(ua: Ua, isOurServer = true): TransferContext {
  return transferContext(ua.core, { sender: ua.sender, isOurServer: () => isOurServer });
}

/** The phone calls the peer (through the Record-Routing relay proxy if asked) and the peer answers at once. */
export async function connectedCall(options: { proxy?: boolean } = {}): Promise<ConnectedCall> {
  const rig = uacRig({ proxy: options.proxy ?? false });
  rig.peer.core.onIncomingCall((call) => {
    rig.peer.incoming.push(call);
    call.accept(ANSWER);
  });
  const phoneCall = rig.place();
  await rig.run(500);
  const peerCall = rig.peer.incoming[0];
  assert.equal(phoneCall.state, 'confirmed');
  assert.ok(peerCall !== undefined);
  assert.equal(peerCall.state, 'confirmed');
  const phoneDialog = phoneCall.dialog;
  const peerDialog = peerCall.dialog;
  assert.ok(phoneDialog !== undefined && peerDialog !== undefined);
  return {
    rig,
    phoneCall,
    peerCall,
    phoneDialog,
    peerDialog,
    phoneCtx: contextOf(rig.phone),
    peerCtx: contextOf(rig.peer),
    onPhone: (handler) => phoneCall.setInDialogHandler(handler),
    onPeer: (handler) => peerCall.setInDialogHandler(handler),
  };
}
