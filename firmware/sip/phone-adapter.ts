/**
 * The SIP stack seen through the narrow PhoneSip interface the phone UI uses.
 */
import type { AccountStatus, IncomingCallEnd, IncomingCallView, PhoneSip } from '../phone/phone-sip.js';
import type { SipStack } from './sip-stack.js';
import type { IncomingCall } from './ua/incoming-call.js';
import { formatUri, getCallId, type Uri } from './message/index.js';

/** What a desk phone shows as the number: the user part of a SIP URI, or the whole URI. */
export function displayNumber(uri: Uri): string {
  if (uri.kind === 'sip' && uri.user) return uri.user;
  return formatUri(uri).replace(/^sips?:/, '');
}

const FINAL: ReadonlyMap<string, IncomingCallEnd> = new Map([
  ['rejected', 'rejected'],
  ['cancelled', 'cancelled'],
  ['failed', 'failed'],
  ['ended', 'ended'],
]);

/**
 * Intercom / auto-answer requests as PBXs send them: `Call-Info: <uri>;answer-after=0`
 * (Asterisk, Polycom), `Alert-Info: <…>;info=alert-autoanswer`, `Alert-Info: Intercom`,
 * `Alert-Info: info=Auto Answer` (Yealink, Snom).
 */
export function asksForAutoAnswer(callInfo: readonly string[], alertInfo: readonly string[]): boolean {
  if (callInfo.some((v) => /;\s*answer-after\s*=\s*\d+/i.test(v))) return true;
  return alertInfo.some((v) => /auto[-\s]?answer|intercom/i.test(v));
}

/** The account an INVITE is for: the one whose user name is the Request-URI's user part. */
export function accountForRequestUser(user: string | undefined, accounts: readonly { index: number; userName: string }[]): number {
  return accounts.find((a) => user !== undefined && a.userName === user)?.index ?? accounts[0]?.index ?? 1;
}

function incomingCallView(call: IncomingCall, accountIndex: number): IncomingCallView {
  // P-Asserted-Identity, when the PBX asserts one, names the caller better than From.
  const party = call.caller.asserted ?? call.caller;
  return {
    callerName: party.displayName ?? '',
    callerNumber: displayNumber(party.uri),
    callerUri: formatUri(party.uri),
    callId: getCallId(call.request) ?? '',
    accountIndex,
    intercom: asksForAutoAnswer(call.request.headers.getAll('Call-Info'), call.request.headers.getAll('Alert-Info')),
    offerSdp: call.offer && /^application\/sdp\b/i.test(call.offer.contentType) ? new TextDecoder().decode(call.offer.bytes) : undefined,
    reject: (status = 486) => {
      if (!call.isFinished) call.reject(status);
    },
    accept: (answerSdp) => {
      call.accept({ contentType: 'application/sdp', bytes: new TextEncoder().encode(answerSdp) });
    },
    hangup: () => {
      if (!call.isFinished) call.hangup();
    },
    onEnd: (listener) => {
      let told = false;
      call.onStateChange((change) => {
        const end = FINAL.get(change.to);
        if (end && !told) {
          told = true;
          listener(end);
        }
      });
    },
  };
}

export function phoneSip(stack: SipStack, clock: { now(): number }, wallNow: () => Date = () => new Date()): PhoneSip {
  return {
    accounts(): readonly AccountStatus[] {
      return stack.registrations.snapshot().accounts.map((a) => ({
        index: a.index,
        label: a.label,
        uri: a.uri,
        registered: a.registered,
        state: a.state,
        server: a.server,
        expiresInS: a.expiresInS,
        lastFailure: a.lastFailure
          ? {
              status: a.lastFailure.status || null,
              reason: a.lastFailure.reason,
              // The registration clock is monotonic; the console wants wall time.
              at: new Date(wallNow().getTime() - (clock.now() - a.lastFailure.at)).toISOString(),
            }
          : null,
      }));
    },
    onAccountsChanged: (listener) => stack.registrations.onChange(() => listener()),
    onIncomingCall: (listener) =>
      stack.core.onIncomingCall((call) => {
        // Ring at once (180 with a To tag), so the caller hears ringback and the
        // transaction needs no 100 Trying of its own.
        call.ring();
        const uri = call.request.uri;
        const user = uri.kind === 'sip' ? uri.user : undefined;
        listener(incomingCallView(call, accountForRequestUser(user, stack.config.accounts)));
      }),
  };
}
