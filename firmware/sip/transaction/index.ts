/**
 * The SIP transaction layer (RFC 3261 §17, with RFC 6026's Accepted states).
 *
 *   const layer = new TransactionLayer(transport, clock);
 *   const { transaction, request } = layer.sendRequest(invite, target, {
 *     onProvisional: (r) => …, onFinal: (r) => …,            // every 2xx of an INVITE reaches onFinal
 *     onFailure: (f) => …,                                    // {kind:'timeout'} = 408, {kind:'transport-error'} = 503
 *   });
 *   layer.sendRequest(createCancel(request), target, { … });  // CANCEL: same branch (§9.1)
 *   layer.sendAck(ackFor2xx, target);                         // the TU's ACK for a 2xx (§13.2.2.4)
 *   layer.onRequest((tx, incoming) => tx.respond(createResponse(incoming.message, 180, undefined, { toTag })));
 *   layer.onAck((incoming) => …);  layer.onStrayResponse((incoming) => …);
 *   layer.dispose();
 *
 * One file per state machine: invite-client.ts (Figure 5), non-invite-client.ts
 * (Figure 6), invite-server.ts (Figure 7), non-invite-server.ts (Figure 8);
 * timers.ts computes Timers A-M from T1, T2, T4.
 */
export { TransactionLayer } from './transaction-layer.js';
export type {
  AckHandler,
  ClientTransaction,
  IncomingRequest,
  IncomingResponse,
  RequestHandler,
  SentRequest,
  ServerTransaction,
  StrayResponseHandler,
  TransactionLayerOptions,
} from './transaction-layer.js';
export { InviteClientTransaction } from './invite-client.js';
export type { InviteClientState } from './invite-client.js';
export { NonInviteClientTransaction } from './non-invite-client.js';
export type { NonInviteClientState } from './non-invite-client.js';
export { InviteServerTransaction } from './invite-server.js';
export type { AckDisposition, InviteServerOptions, InviteServerState } from './invite-server.js';
export { NonInviteServerTransaction } from './non-invite-server.js';
export type { NonInviteServerOptions, NonInviteServerState } from './non-invite-server.js';
export { createAckForNon2xx } from './ack.js';
export { createCancel } from './cancel.js';
export { createLocalVia, localViaValue } from './local-via.js';
export { clientKey, responseClientKey, rfc2543CancelMatches, rfc2543Matches, serverKey } from './matching.js';
export * from './timers.js';
export type { ClientFailure, ClientTransactionHandlers, ServerFailure, TransactionContext } from './types.js';
