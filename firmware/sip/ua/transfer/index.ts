/**
 * Call transfer and the other in-dialog requests of a call (RFC 3515 REFER,
 * RFC 3420 sipfrag, RFC 3891 Replaces, RFC 3892 Referred-By, RFC 5589, SIP
 * INFO DTMF), built on the dialog layer and the account's AuthenticatingSender.
 *
 *   const ctx = transferContext(core, { sender, isOurServer });
 *   // transferor (blind: no replaces; attended: replacesForDialog(consultation.dialog))
 *   const sub = sendRefer(ctx, call.dialog, { referTo, referredBy: { uri: aor }, replaces });
 *   // transferee: receiveRefer(ctx, request, dialog) → refer.accept() → notifier.report(status) per response
 *   call.setInDialogHandler(firstHandler(sub.handleRequest, referRequestHandler(ctx, policy, onRefer),
 *                                        (r) => receiveDtmfInfo(r, onDtmf)));
 *   // transfer target: replacesOf(invite) → replacesVerdict(core.dialogs, replaces, terminated)
 */
export { transferContext } from './context.js';
export type { TransferAccount, TransferContext } from './context.js';
export { sendInDialogRequest } from './in-dialog-request.js';
export type { InDialogOutcome, InDialogSendOptions } from './in-dialog-request.js';
export { firstHandler } from './in-dialog-router.js';
export { referToValue, referredByValue, replacesForDialog } from './refer-request.js';
export { ReferSubscription, sendRefer } from './refer-subscription.js';
export type { ReferClientState, ReferEnd, ReferEndCause, ReferOptions, ReferProgress } from './refer-subscription.js';
export { REFER_EVENT, readReferNotify, referNotifyParts } from './refer-notify-message.js';
export type { ReadReferNotify, ReferNotifyContent, ReferSubscriptionState } from './refer-notify-message.js';
export { checkReferTo, handleRefer, receiveRefer, referRequestHandler } from './incoming-refer.js';
export type { AcceptedRefer, PendingRefer, ReceivedRefer, ReferDetails, ReferPolicy, ReferVerdict } from './incoming-refer.js';
export { DEFAULT_REFER_EXPIRES_S, ReferNotifier } from './refer-notifier.js';
export type { ReferNotifierEnd, ReferNotifierEndCause, ReferNotifierOptions, ReferNotifierState } from './refer-notifier.js';
export { SubscriptionUsage, isSubscriptionSuccessor } from './subscription-usage.js';
export type { SubscriptionUsageOptions } from './subscription-usage.js';
export { TerminatedDialogs, replacesOf, replacesVerdict } from './replaces-match.js';
export type { EndedDialogs, ReplacesHeader, ReplacesVerdict } from './replaces-match.js';
export { DEFAULT_DTMF_DURATION_MS, DTMF_RELAY_CONTENT_TYPE, formatDtmfRelay, parseDtmfRelay } from './dtmf-relay.js';
export type { DtmfRelay } from './dtmf-relay.js';
export { DtmfInfoSender, receiveDtmfInfo } from './dtmf-info.js';
