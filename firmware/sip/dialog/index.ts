/**
 * SIP dialogs (RFC 3261 §12).
 *
 *   // UAS: when sending a 180 with a To tag or the 2xx to an INVITE
 *   const dialog = Dialog.asUas(invite, response, { transport: incoming.source.protocol });
 *   // UAC: on a 1xx with a To tag (early) or a 2xx to our INVITE
 *   const dialog = Dialog.asUac(sentInvite, response, { transport: target.protocol });
 *   dialog.confirm(twoHundred);                 // early → confirmed (UAC: route set recomputed)
 *   const bye = dialog.createRequest('BYE');    // Request-URI, Route, CSeq per §12.2.1.1
 *   const ack = dialog.createRequest('ACK', { cseq: inviteSeq });
 *   dialog.receiveRequest(req) === 'out-of-order' → answer 500 (§12.2.2)
 *   registry.matchRequest(req): outside | matched | no-dialog (→ 481, ACK dropped)
 */
export { Dialog, TARGET_REFRESH_METHODS } from './dialog.js';
export type { DialogOptions, DialogRole, DialogState, InDialogRequestOptions } from './dialog.js';
export { DialogRegistry } from './dialog-registry.js';
export type { DialogMatch } from './dialog-registry.js';
export { dialogKey, requestDialogId, responseDialogId } from './dialog-id.js';
export type { DialogId } from './dialog-id.js';
export { addressRequest, asRequestUri, isLooseRouter, routeSetFromRequest, routeSetFromResponse } from './route-set.js';
export type { RequestAddressing } from './route-set.js';
export { nextRemoteSeq, randomInitialSeq, remoteCSeqVerdict } from './cseq-order.js';
export type { RemoteCSeqVerdict } from './cseq-order.js';
