// RFC 4028 session timers in whole calls between the phone and a peer (the
// same stack) on the fake network: negotiation in the INVITE and its 2xx,
// refreshes at half the interval (UPDATE, or re-INVITE when the peer does not
// allow UPDATE), the refreshee's BYE, 422 both ways, and a refresh that fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getCallId, getTokens, sipUri } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import type { AcceptOptions, IncomingCall } from '../../firmware/sip/ua/incoming-call.js';
import { attachSessionToIncomingCall } from '../../firmware/sip/ua/incoming-call-session.js';
import type { OutgoingCall, PlaceCallOptions } from '../../firmware/sip/ua/outgoing-call.js';
import type { IncomingReinviteRequest } from '../../firmware/sip/ua/session-modifier.js';
import { getMinSE, getSessionExpires } from '../../firmware/sip/ua/session-timer-policy.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import type { UserAgentCoreOptions } from '../../firmware/sip/ua/user-agent-core.js';
import { ANSWER, OFFER, cseqOf, text, uacRig } from './uac-harness.js';
import type { Ua, UacRig } from './uac-harness.js';
import { callerInvite, sendInvite, uasRig } from './uas-harness.js';

interface Rig {
  readonly base: UacRig;
  readonly phone: Ua;
  readonly peer: Ua;
  dispose(): void;
}

/** The UAC harness with each side's core rebuilt with `options` (the harness builds them without). */
function rig(options: { phone?: Partial<UserAgentCoreOptions>; peer?: Partial<UserAgentCoreOptions> } = {}): Rig {
  const base = uacRig();
  const rebuild = (ua: Ua, extra: Partial<UserAgentCoreOptions> | undefined): Ua => {
    ua.core.dispose();
    const core = new UserAgentCore({ layer: ua.layer, clock: base.clock, contact: () => ua.contact, logger: { warn: (l) => ua.log.push(l) }, ...extra });
    return { ...ua, core };
  };
  const phone = rebuild(base.phone, options.phone);
  const peer = rebuild(base.peer, options.peer);
  return {
    base,
    phone,
    peer,
    dispose: () => {
      phone.core.dispose();
      peer.core.dispose();
      base.dispose();
    },
  };
}

/** `from` calls `to` directly. */
function call(from: Ua, to: Ua, options: Partial<PlaceCallOptions> = {}): OutgoingCall {
  return from.core.placeCall({
    from: { uri: from.aor },
    target: sipUri({ user: to.name, host: to.transport.host, port: to.transport.port }),
    offer: OFFER,
    sender: from.sender,
    server: () => to.transport.target(),
    nextHopIsOurServer: false,
    ...options,
  });
}

/** `ua` answers every call at once (with a SessionModifier that accepts re-INVITEs when `reinvites`). */
function answers(ua: Ua, options: { accept?: AcceptOptions; reinvites?: boolean } = {}): IncomingCall[] {
  const calls: IncomingCall[] = [];
  ua.core.onIncomingCall((c) => {
    calls.push(c);
    c.accept(ANSWER, options.accept);
    if (options.reinvites === true) {
      const session = attachSessionToIncomingCall(c, ua.core.sessionContext, { initial: { local: ANSWER, remote: c.offer } });
      session.onReinvite((r) => r.accept(ANSWER));
    }
  });
  return calls;
}

function requests(r: Rig, from: Ua, method: string): { message: SipRequest; sentAt: number }[] {
  return r.base.requests(from, method).map((p) => ({ message: p.message, sentAt: p.sentAt }));
}

function dropRequests(r: Rig, from: Ua, method: string): void {
  r.base.net.filter = (p) =>
    p.message.kind === 'request' && p.message.method === method && p.from.host === from.transport.host ? 'drop' : 'deliver';
}

describe('RFC 4028: the phone as refresher', () => {
  it('asks for 90 s with refresher=uac; the 2xx agrees (Require: timer); an UPDATE refreshes every 45 s and the call lives on', async () => {
    const r = rig();
    const peerCalls = answers(r.peer);
    const c = call(r.phone, r.peer, { sessionTimer: { enabled: true, expires: 90, refresher: 'uac' } });
    await r.base.run(1_000);
    const [invite] = requests(r, r.phone, 'INVITE');
    assert.ok(invite !== undefined);
    assert.deepEqual(getSessionExpires(invite.message), { seconds: 90, refresher: 'uac' });
    assert.equal(getMinSE(invite.message), 90);
    assert.ok(getTokens(invite.message, 'Supported').includes('timer'), '§7.1: Supported: timer');
    const ok = r.base.responses(r.peer, 200)[0]?.message;
    assert.ok(ok !== undefined && getTokens(ok, 'Require').includes('timer'), '§9: Require: timer when the UAC refreshes');
    assert.equal(c.sessionTimer?.state, 'refresher');
    assert.equal(peerCalls[0]?.sessionTimer?.state, 'refreshee');

    await r.base.run(200_000);
    const updates = requests(r, r.phone, 'UPDATE');
    assert.deepEqual(
      updates.map((u) => Math.round(u.sentAt / 1000)),
      [45, 90, 135, 180],
      'half the interval after each 2xx (§10)',
    );
    assert.deepEqual(getSessionExpires(updates[0]?.message ?? invite.message), { seconds: 90, refresher: 'uac' }, '§7.4: the interval and refresher in force');
    assert.equal(updates[0]?.message.body.length, 0, 'an UPDATE refresh carries no offer (§7.4)');
    assert.equal(c.state, 'confirmed');
    assert.equal(peerCalls[0]?.state, 'confirmed');
    assert.equal(requests(r, r.peer, 'BYE').length + requests(r, r.phone, 'BYE').length, 0);
    c.hangup();
    await r.base.run(1_000);
    r.dispose();
  });

  it('refreshes by re-INVITE repeating our offer when the peer does not allow UPDATE', async () => {
    const r = rig({ peer: { capabilities: { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] } } });
    const peerCalls = answers(r.peer, { reinvites: true });
    const c = call(r.phone, r.peer, { sessionTimer: { enabled: true, expires: 90, refresher: 'uac' } });
    await r.base.run(50_000);
    const invites = requests(r, r.phone, 'INVITE');
    assert.equal(invites.length, 2, 'the INVITE and one re-INVITE refresh');
    const refresh = invites[1];
    assert.ok(refresh !== undefined);
    assert.equal(Math.round(refresh.sentAt / 1000), 45);
    assert.equal(text(refresh.message.body), text(OFFER), '§7.4: "a re-INVITE SHOULD contain one [an offer], even if the details of the session have not changed"');
    assert.deepEqual(getSessionExpires(refresh.message), { seconds: 90, refresher: 'uac' });
    assert.equal(requests(r, r.phone, 'UPDATE').length, 0);
    assert.equal(c.sessionTimer?.state, 'refresher', 'the 2xx to the re-INVITE renewed the timer');
    assert.equal(peerCalls[0]?.sessionTimer?.state, 'refreshee');
    c.hangup();
    await r.base.run(1_000);
    r.dispose();
  });

  it('a refresh due while our hold re-INVITE awaits its answer is put off, and that re-INVITE’s 2xx renews the timer', async () => {
    const r = rig({ peer: { capabilities: { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] } } });
    const pending: IncomingReinviteRequest[] = [];
    r.peer.core.onIncomingCall((incoming) => {
      incoming.accept(ANSWER);
      attachSessionToIncomingCall(incoming, r.peer.core.sessionContext, { initial: { local: ANSWER, remote: incoming.offer } }).onReinvite((re) =>
        pending.push(re),
      );
    });
    const c = call(r.phone, r.peer, { sessionTimer: { enabled: true, expires: 90, refresher: 'uac' } });
    await r.base.run(44_000);
    const hold = c.session?.sendReinvite(OFFER);
    await r.base.run(6_000);
    assert.equal(pending.length, 1, 'the hold re-INVITE is still unanswered at 45 s');
    assert.equal(requests(r, r.phone, 'INVITE').length, 2, 'no refresh re-INVITE alongside it (RFC 3261 §14.1)');
    assert.equal(c.state, 'confirmed', 'a refresh that could not go out is no failed session');
    pending[0]?.accept(ANSWER);
    await r.base.run(1_000);
    assert.equal((await hold)?.kind, 'accepted');
    assert.equal(c.sessionTimer?.state, 'refresher');
    await r.base.run(50_000);
    const invites = requests(r, r.phone, 'INVITE');
    assert.equal(invites.length, 3);
    assert.equal(Math.round((invites[2]?.sentAt ?? 0) / 1000), 95, 'the next refresh half an interval after the hold’s 2xx (50 s)');
    assert.equal(requests(r, r.phone, 'BYE').length, 0);
    c.hangup();
    await r.base.run(1_000);
    r.dispose();
  });

  it('a refresh answered 481 ends the call with a BYE (RFC 3261 §12.2.1.2)', async () => {
    const r = rig();
    answers(r.peer);
    const c = call(r.phone, r.peer, { sessionTimer: { enabled: true, expires: 90, refresher: 'uac' } });
    await r.base.run(1_000);
    const dialog = r.peer.core.dialogs.dialogs()[0];
    assert.ok(dialog !== undefined);
    r.peer.core.dialogs.delete(dialog); // the peer forgets the call: our UPDATE meets a 481
    await r.base.run(45_000);
    // The UPDATE meets the 481 first; the BYE that follows meets one too (the peer has forgotten the dialog).
    assert.deepEqual(r.base.responses(r.peer, 481).map((p) => cseqOf(p.message).method), ['UPDATE', 'BYE']);
    assert.equal(c.state, 'ended');
    assert.equal(c.sessionTimer?.state ?? 'disposed', 'disposed');
    assert.equal(requests(r, r.phone, 'BYE').length, 1);
    r.dispose();
  });
});

describe('RFC 4028: the phone as refreshee', () => {
  it('as UAC with refresher=uas: the peer’s UPDATEs keep the call; when they stop arriving the phone sends BYE 60 s after the last one', async () => {
    const r = rig();
    answers(r.peer);
    const c = call(r.phone, r.peer, { sessionTimer: { enabled: true, expires: 90, refresher: 'uas' } });
    await r.base.run(100_000);
    assert.equal(c.sessionTimer?.state, 'refreshee');
    assert.deepEqual(requests(r, r.peer, 'UPDATE').map((u) => Math.round(u.sentAt / 1000)), [45, 90], 'the peer refreshes');
    assert.equal(c.state, 'confirmed');
    dropRequests(r, r.peer, 'UPDATE');
    await r.base.run(60_000);
    const [bye] = requests(r, r.phone, 'BYE');
    assert.ok(bye !== undefined, 'BYE after the refreshes stopped');
    assert.equal(Math.round(bye.sentAt / 1000), 150, 'the last refresh (90 s) + 90 − min(32, 30) (§10)');
    assert.equal(c.state, 'ended');
    r.dispose();
  });

  it('as UAS: the 2xx carries the caller’s interval; without refreshes the phone sends BYE at 90 − 30 s', async () => {
    const r = rig();
    const phoneCalls = answers(r.phone);
    const c = call(r.peer, r.phone, { sessionTimer: { enabled: true, expires: 90, refresher: 'uac' } });
    dropRequests(r, r.peer, 'UPDATE');
    await r.base.run(1_000);
    const ok = r.base.responses(r.phone, 200)[0];
    assert.ok(ok !== undefined);
    assert.deepEqual(getSessionExpires(ok.message), { seconds: 90, refresher: 'uac' });
    assert.ok(getTokens(ok.message, 'Require').includes('timer'));
    assert.equal(phoneCalls[0]?.sessionTimer?.state, 'refreshee');
    await r.base.run(60_000);
    const [bye] = requests(r, r.phone, 'BYE');
    assert.ok(bye !== undefined);
    assert.equal(bye.sentAt - ok.sentAt, 60_000);
    assert.equal(phoneCalls[0]?.state, 'ended');
    assert.equal(c.state, 'ended', 'the caller took the BYE');
    r.dispose();
  });

  it('as UAS with the caller refreshing by re-INVITE: each 2xx carries Session-Expires and restarts the wait', async () => {
    const r = rig({ phone: { capabilities: { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] } } });
    const phoneCalls = answers(r.phone, { reinvites: true });
    const c = call(r.peer, r.phone, { sessionTimer: { enabled: true, expires: 90, refresher: 'uac' } });
    await r.base.run(200_000);
    const reinvites = requests(r, r.peer, 'INVITE').slice(1);
    assert.deepEqual(reinvites.map((i) => Math.round(i.sentAt / 1000)), [45, 90, 135, 180]);
    const answers200 = r.base.responses(r.phone, 200).filter((p) => cseqOf(p.message).method === 'INVITE');
    assert.ok(answers200.length >= 5);
    for (const a of answers200) assert.deepEqual(getSessionExpires(a.message), { seconds: 90, refresher: 'uac' });
    assert.equal(requests(r, r.phone, 'BYE').length, 0);
    assert.equal(phoneCalls[0]?.state, 'confirmed');
    c.hangup();
    await r.base.run(1_000);
    r.dispose();
  });
});

describe('RFC 4028: 422 Session Interval Too Small', () => {
  it('§7.3 as UAC: the phone retries with the larger Min-SE and a Session-Expires at least that, same Call-ID, next CSeq', async () => {
    const r = rig({ peer: { sessionTimer: { minSE: 300 } } });
    answers(r.peer);
    const c = call(r.phone, r.peer, { sessionTimer: { enabled: true, expires: 90 } });
    await r.base.run(1_000);
    const [first, second] = requests(r, r.phone, 'INVITE');
    assert.ok(first !== undefined && second !== undefined);
    const refused = r.base.responses(r.peer, 422)[0];
    assert.ok(refused !== undefined && getMinSE(refused.message) === 300);
    assert.equal(getMinSE(second.message), 300);
    assert.equal(getSessionExpires(second.message)?.seconds, 300);
    assert.equal(getCallId(second.message), getCallId(first.message));
    assert.equal(cseqOf(second.message).seq, cseqOf(first.message).seq + 1);
    assert.equal(c.state, 'confirmed');
    assert.equal(c.sessionTimer?.current?.interval, 300);
    c.hangup();
    await r.base.run(1_000);
    r.dispose();
  });

  it('§9 as UAS: too small from a caller that supports timers → 422 with our Min-SE; from one that does not → raised, we refresh', () => {
    const rig1 = uasRig();
    const supported = sendInvite(rig1, callerInvite({ headers: [['Supported', 'timer'], ['Session-Expires', '60']] }));
    rig1.clock.advance(0);
    assert.deepEqual(supported.finals.map((f) => f.status), [422]);
    assert.equal(getMinSE(supported.finals[0] ?? supported.sent.request), 90);
    assert.equal(rig1.calls.length, 0, 'refused before any ringing');
    rig1.dispose();

    const rig2 = uasRig();
    const unaware = sendInvite(rig2, callerInvite({ headers: [['Session-Expires', '60']] }), { autoAck: true });
    rig2.clock.advance(0);
    rig2.calls[0]?.accept({ contentType: 'application/sdp', bytes: new TextEncoder().encode('v=0\r\n') });
    rig2.clock.advance(0);
    const ok = unaware.finals[0];
    assert.ok(ok !== undefined && ok.status === 200);
    assert.deepEqual(getSessionExpires(ok), { seconds: 90, refresher: 'uas' });
    assert.equal(getTokens(ok, 'Require').includes('timer'), false, 'no Require: timer on a UAC that lacks it');
    assert.equal(rig2.calls[0]?.sessionTimer?.state, 'refresher');
    rig2.dispose();
  });
});
