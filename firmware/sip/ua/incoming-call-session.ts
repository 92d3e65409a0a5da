/**
 * Re-INVITEs in the dialog of an answered incoming call: a SessionModifier
 * wired to the call, so the peer's re-INVITEs and the ACKs for our 2xx to
 * them reach it, and a 2xx left without ACK ends the call (§13.3.1.4).
 *
 *   call.accept(answer);
 *   const session = attachSessionToIncomingCall(call, core.sessionContext, {
 *     initial: { local: answer, remote: call.offer },
 *   });
 *
 * We are not the owner of this Call-ID (the caller generated it), so a 491
 * is retried after 0-2 s (§14.1).
 *
 * With a session timer (RFC 4028, the call's sessionTimer), the modifier
 * sends through the timer's context, so our re-INVITEs carry
 * Session-Expires and their 2xx renegotiate it, and the timer refreshes by
 * re-INVITE through this modifier when the caller does not allow UPDATE.
 */
import type { Dialog } from '../dialog/index.js';
import type { IncomingCall, InDialogHandler } from './incoming-call.js';
import type { SessionContext } from './session-context.js';
import { SessionModifier } from './session-modifier.js';
import type { SessionModifierOptions } from './session-modifier.js';
import type { UasRequest } from './uas-request.js';

export interface IncomingCallSessionOptions extends SessionModifierOptions {
  /** In-dialog requests other than INVITE (INFO, REFER, UPDATE …); unanswered ones get the core's default. */
  readonly otherRequests?: InDialogHandler;
}

/** Replaces the call's in-dialog handlers; the call must have been accepted. */
export function attachSessionToIncomingCall(call: IncomingCall, ctx: SessionContext, options: IncomingCallSessionOptions = {}): SessionModifier {
  const dialog = call.dialog;
  if (dialog?.state !== 'confirmed') throw new Error(`an incoming call in state ${call.state} has no confirmed dialog to modify`);
  const timer = call.sessionTimer;
  const session = new SessionModifier(dialog, timer?.wrapContext(ctx) ?? ctx, {
    ...options,
    onAckTimeout:
      options.onAckTimeout ??
      (() => {
        if (call.state === 'confirmed') call.hangup();
      }),
  });
  timer?.useReinvite(() => session.sendReinvite(session.current.local));
  const mine = (d: Dialog): boolean => d === dialog;
  call.setInDialogHandler((request: UasRequest, d: Dialog) => (mine(d) && session.handleRequest(request)) || (options.otherRequests?.(request, d) ?? false));
  call.setInDialogAckHandler((ack, d) => {
    if (mine(d)) session.ackReceived(ack);
  });
  return session;
}
