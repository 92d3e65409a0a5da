/**
 * A confirmed call's SIP side, incoming or outgoing, seen through the
 * phone's narrow SipLeg interface: re-INVITEs both ways (the SessionModifier),
 * the peer's REFER and INFO, and the end of the call.
 */
import type { Dialog } from './dialog/index.js';
import { formatUri, type MessageBody } from './message/index.js';
import type { IncomingCallEnd, PeerRequestHandlers, SessionOutcome, SipLeg } from '../phone/phone-sip.js';
import type { TransferParts } from './phone-transfer.js';
import type { InDialogHandler } from './ua/incoming-call.js';
import type { SessionModifier } from './ua/session-modifier.js';

const SDP = 'application/sdp';

export function sdpBody(text: string): MessageBody {
  return { contentType: SDP, bytes: new TextEncoder().encode(text) };
}

export function sdpText(body: MessageBody | undefined): string | undefined {
  if (body === undefined || !/^application\/sdp\b/i.test(body.contentType)) return undefined;
  return new TextDecoder().decode(body.bytes);
}

/** What the leg needs from the call it wraps (OutgoingCall or IncomingCall) and from the transfer layer. */
export interface LegParts {
  readonly dialog: Dialog;
  readonly session: SessionModifier;
  /** Sets who answers the call's in-dialog requests other than INVITE. */
  setInDialogHandler(handler: InDialogHandler): void;
  hangup(): void;
  onEnd(listener: (how: IncomingCallEnd) => void): void;
  /** The transfer layer (phone-transfer.ts): REFER, INFO and NOTIFY in the call's dialog. */
  readonly transfer: TransferParts;
  log(line: string): void;
}

export function sipLeg(parts: LegParts): SipLeg {
  const { dialog, session, transfer } = parts;
  transfer.watch(dialog);
  let handlers: PeerRequestHandlers | undefined;
  session.onReinvite((reinvite) => {
    const h = handlers;
    if (!h) {
      reinvite.reject(488);
      return;
    }
    h.reoffer(sdpText(reinvite.offer))
      .then((result) => {
        if ('sdp' in result) reinvite.accept(sdpBody(result.sdp));
        else reinvite.reject(result.status, result.reason);
      })
      .catch((e: unknown) => {
        parts.log(`sip: answering a re-INVITE failed: ${e instanceof Error ? e.message : String(e)}`);
        reinvite.reject(500);
      });
  });
  session.onChange((change) => {
    // The ACK's answer to the offer we put in a 200 (a re-INVITE without SDP, §14.2).
    if (change.by !== 'remote' || change.current.remote === change.previous.remote) return;
    const offerWasOurs = change.current.local !== change.previous.local;
    const answer = sdpText(change.current.remote);
    if (offerWasOurs && answer !== undefined && handlers) handlers.ackAnswer(answer);
  });
  parts.setInDialogHandler((request, d) => d === dialog && handlers !== undefined && transfer.serveOther(request, d, handlers));
  return {
    callId: dialog.id.callId,
    remoteUri: formatUri(dialog.remoteUri),
    identity: () => ({ callId: dialog.id.callId, localTag: dialog.id.localTag, remoteTag: dialog.id.remoteTag ?? '' }),
    serve(h) {
      handlers = h;
    },
    async reinvite(offerSdp): Promise<SessionOutcome> {
      const outcome = await session.sendReinvite(sdpBody(offerSdp));
      if (outcome.kind === 'accepted') return { ok: true, answerSdp: sdpText(outcome.remote) };
      return { ok: false, status: outcome.status ?? 0, reason: outcome.reason, endDialog: outcome.endDialog };
    },
    refer: (target, replaces) => transfer.refer(dialog, target, replaces),
    info: (digit, durationMs) => transfer.info(dialog, digit, durationMs),
    hangup: () => parts.hangup(),
    onEnd: (listener) => parts.onEnd(listener),
  };
}
