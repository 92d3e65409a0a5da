/**
 * The SIP stack seen through the narrow PhoneSip interface the phone UI uses:
 * accounts, incoming calls, calls placed from an account, and each
 * confirmed call's SipLeg (phone-leg.ts).
 */
import type {
  AccountStatus,
  DialogIdentity,
  IncomingCallEnd,
  IncomingCallView,
  OutgoingCallView,
  OutgoingProgress,
  PhoneSip,
  PlaceCallRequest,
  SipLeg,
} from '../phone/phone-sip.js';
import type { SipStack } from './sip-stack.js';
import type { IncomingCall } from './ua/incoming-call.js';
import type { OutgoingCall } from './ua/outgoing-call.js';
import { attachSessionToIncomingCall } from './ua/incoming-call-session.js';
import { formatUri, getCallId, parseUri, sipUri, type Uri } from './message/index.js';
import { sdpBody, sdpText, sipLeg } from './phone-leg.js';
import { PhoneTransfers, replacesHeader } from './phone-transfer.js';
import { MwiService } from './mwi-service.js';
import { accountForRequestUser, callSettingsOf } from './account-call-settings.js';

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

/** The account an INVITE is for (moved to account-call-settings.ts, which the stack shares). */

function onFinal(call: IncomingCall | OutgoingCall, listener: (how: IncomingCallEnd) => void): void {
  let told = false;
  const tell = (state: string): void => {
    const end = FINAL.get(state);
    if (end && !told) {
      told = true;
      listener(end);
    }
  };
  if (call.isFinished) {
    tell(call.state);
    return;
  }
  call.onStateChange((change) => tell(change.to));
}

function incomingCallView(stack: SipStack, transfers: PhoneTransfers, call: IncomingCall, accountIndex: number, replaces: DialogIdentity | undefined): IncomingCallView {
  // P-Asserted-Identity, when the PBX asserts one, names the caller better than From.
  const party = call.caller.asserted ?? call.caller;
  const referredBy = call.request.headers.get('Referred-By');
  return {
    callerName: party.displayName ?? '',
    callerNumber: displayNumber(party.uri),
    callerUri: formatUri(party.uri),
    callId: getCallId(call.request) ?? '',
    accountIndex,
    intercom: asksForAutoAnswer(call.request.headers.getAll('Call-Info'), call.request.headers.getAll('Alert-Info')),
    offerSdp: sdpText(call.offer),
    ...(replaces ? { replaces } : {}),
    ...(referredBy === undefined ? {} : { referredBy }),
    reject: (status = 486) => {
      if (!call.isFinished) call.reject(status);
    },
    redirect: (target) => {
      // §21.3.3: "The requesting client SHOULD retry the request at the new address(es) given by the Contact header field".
      if (!call.isFinished) call.reject(302, undefined, [['Contact', `<${target}>`]]);
    },
    accept: (answerSdp): SipLeg => {
      const answer = sdpBody(answerSdp);
      call.accept(answer);
      const session = attachSessionToIncomingCall(call, stack.core.sessionContext, { initial: { local: answer, remote: call.offer } });
      const dialog = call.dialog;
      if (!dialog) throw new Error('an accepted call has no dialog');
      return sipLeg({
        dialog,
        session,
        // attachSessionToIncomingCall routes INVITE to the session and everything else to `otherRequests`.
        setInDialogHandler: (handler) => {
          const sessionHandler = (request: Parameters<typeof handler>[0], d: Parameters<typeof handler>[1]) =>
            (d === dialog && session.handleRequest(request)) || handler(request, d);
          call.setInDialogHandler(sessionHandler);
        },
        hangup: () => {
          if (!call.isFinished) call.hangup();
        },
        onEnd: (listener) => onFinal(call, listener),
        transfer: transfers.parts(accountIndex),
        log: (line) => console.error(line),
      });
    },
    hangup: () => {
      if (!call.isFinished) call.hangup();
    },
    onEnd: (listener) => onFinal(call, listener),
  };
}

/** The SIP URI the phone layer resolved from what was dialed; a bad one throws SipSyntaxError naming it. */
function targetUri(target: string): Uri {
  return parseUri(target, 'call target');
}

function outgoingCallView(transfers: PhoneTransfers, call: OutgoingCall, accountIndex: number): OutgoingCallView {
  const listeners = new Set<(p: OutgoingProgress) => void>();
  const tell = (p: OutgoingProgress): void => {
    for (const l of listeners) l(p);
  };
  let leg: SipLeg | undefined;
  call.onEarlyMedia((answer) => tell({ kind: 'ringing', status: call.lastProvisional ?? 183, earlySdp: sdpText(answer) ?? '' }));
  call.onStateChange(({ to }) => {
    switch (to) {
      case 'proceeding':
        tell({ kind: 'trying' });
        return;
      case 'early':
        if (call.earlyMedia === undefined) tell({ kind: 'ringing', status: call.lastProvisional ?? 180 });
        return;
      case 'confirmed': {
        const dialog = call.dialog;
        const session = call.session;
        if (!dialog || !session) return;
        leg = sipLeg({
          dialog,
          session,
          setInDialogHandler: (handler) => call.setInDialogHandler(handler),
          hangup: () => call.hangup(),
          onEnd: (listener) => onFinal(call, listener),
          transfer: transfers.parts(accountIndex),
          log: (line) => console.error(line),
        });
        tell({ kind: 'answered', answerSdp: sdpText(call.answer), leg });
        return;
      }
      case 'failed':
        tell({ kind: 'failed', status: call.failure?.status ?? 500, reason: call.failure?.reason ?? 'failed' });
        return;
      case 'cancelled':
        tell({ kind: 'cancelled' });
        return;
      default:
        return;
    }
  });
  return {
    get callId() {
      return call.callId ?? '';
    },
    onProgress: (listener) => {
      listeners.add(listener);
    },
    cancel: () => call.hangup(),
  };
}

/** The phone's SIP side, and how to end its subscriptions before the stack stops. */
export type RunningPhoneSip = PhoneSip & { stop(): Promise<void> };

export function phoneSip(stack: SipStack, clock: { now(): number }, wallNow: () => Date = () => new Date()): RunningPhoneSip {
  const transfers = new PhoneTransfers(stack);
  const mwi = new MwiService(stack);
  return {
    onMessageWaiting: (listener) => mwi.onChange(listener),
    stop: async () => {
      await mwi.stop();
      transfers.dispose();
    },
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
        const replaces = transfers.replacesFor(call.request);
        if (replaces.kind === 'reject') {
          // RFC 3891 §3: 481 for no such dialog, 486 for a confirmed one named early-only, 603 for one just ended.
          call.reject(replaces.status, replaces.reason);
          return;
        }
        const uri = call.request.uri;
        const user = uri.kind === 'sip' ? uri.user : undefined;
        const accountIndex = accountForRequestUser(user, stack.config.accounts);
        // The phone decides first, synchronously: do-not-disturb, forward-always and busy
        // answer at once with their final response and no 180 before it (a 180 then a 302
        // can reach the caller in the other order through a proxy). Otherwise ring at once
        // (180 with a To tag), so the caller hears ringback and the transaction needs no 100
        // Trying of its own; a replacing INVITE is answered without ringing. Whether the 180
        // goes reliably, and the session timer of the answer, the core settled as the INVITE
        // arrived, from the account it is for (sip-stack.ts).
        listener(incomingCallView(stack, transfers, call, accountIndex, replaces.kind === 'replace' ? replaces.ours : undefined));
        if (replaces.kind === 'none' && call.state === 'offered') call.ring();
      }),
    domainOf: (accountIndex) => {
      // Yealink dials bare numbers at sip_server.1.address, with its port when one is set.
      const server = stack.config.accounts.find((a) => a.index === accountIndex)?.servers[0];
      if (!server) return undefined;
      const host = server.address.includes(':') && !server.address.startsWith('[') ? `[${server.address}]` : server.address;
      return server.port > 0 && server.port !== 5060 ? `${host}:${server.port}` : host;
    },
    placeCall(request: PlaceCallRequest): OutgoingCallView {
      const account = stack.config.accounts.find((a) => a.index === request.accountIndex);
      if (!account) throw new Error(`account ${request.accountIndex} is not configured`);
      const client = stack.registrations.client(account.index);
      const domain = account.servers[0]?.address;
      if (!client || domain === undefined) throw new Error(`account ${account.index} has no server to call through`);
      const headers: [string, string][] = [];
      if (request.referredBy !== undefined) headers.push(['Referred-By', request.referredBy]);
      if (request.replaces) headers.push(['Replaces', replacesHeader(request.replaces)]);
      // This account's session timer (RFC 4028) in the configuration in force now, which the call keeps,
      // and its user in our Contact (so in the dialog's local target, for every refresh and REFER).
      const settings = callSettingsOf(account);
      const call = stack.core.placeCall({
        from: { uri: sipUri({ user: account.userName, host: domain }), ...(account.displayName ? { displayName: account.displayName } : {}) },
        target: targetUri(request.target),
        offer: sdpBody(request.offerSdp),
        sender: client.sender,
        server: () => client.callTarget(),
        userAgent: stack.userAgent,
        headers,
        sessionTimer: settings.sessionTimer,
        contactUser: settings.contactUser,
      });
      // placeCall() has started the call; its INVITE leaves on a later microtask, after these listeners are on.
      return outgoingCallView(transfers, call, account.index);
    },
  };
}
