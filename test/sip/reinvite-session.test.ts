// Re-INVITEs in a confirmed dialog (RFC 3261 §14) between two whole user
// agents on the fake network: the phone's SessionModifier on one side, the
// same code on the peer's (an IncomingCall or OutgoingCall there). Bodies are
// opaque strings: this layer must carry them byte for byte and keep the
// session descriptions in force until an exchange completes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatUri, getContacts, getTokens, sipUri } from '../../firmware/sip/message/index.js';
import type { MessageBody } from '../../firmware/sip/message/index.js';
import type { IncomingCall } from '../../firmware/sip/ua/incoming-call.js';
import { attachSessionToIncomingCall } from '../../firmware/sip/ua/incoming-call-session.js';
import type { OutgoingCall } from '../../firmware/sip/ua/outgoing-call.js';
import type { SessionChange, SessionModifier } from '../../firmware/sip/ua/session-modifier.js';
import { ANSWER, BOB_AOR, OFFER, PEER, PHONE, cseqOf, sdp, text, uacRig } from './uac-harness.js';
import type { UacRig } from './uac-harness.js';

const HOLD = sdp('v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n');
const HELD = sdp('v=0\r\no=bob 7 8 IN IP4 192.0.2.30\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=recvonly\r\n');
const RESUME = sdp('v=0\r\no=alice 1 3 IN IP4 192.0.2.10\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n');
const RESUMED = sdp('v=0\r\no=bob 7 9 IN IP4 192.0.2.30\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n');

/** A stand-in for the SDP layer: answers hold with recvonly, anything else with sendrecv. */
function answerFor(offer: MessageBody | undefined): MessageBody {
  return text(offer)?.includes('a=sendonly') === true ? HELD : RESUMED;
}

interface Call {
  /** The side that placed the call (owner of the Call-ID). */
  readonly caller: OutgoingCall;
  readonly callee: IncomingCall;
  readonly callerSession: SessionModifier;
  readonly calleeSession: SessionModifier;
}

function sessionOf(call: OutgoingCall): SessionModifier {
  const s = call.session;
  if (s === undefined) assert.fail(`no session (call ${call.state})`);
  return s;
}

/** The phone calls the peer (the phone owns the Call-ID); the peer answers at once. */
async function phoneCallsPeer(rig: UacRig, random: { phone?: number; peer?: number } = {}): Promise<Call> {
  let calleeSession: SessionModifier | undefined;
  rig.peer.core.onIncomingCall((c) => {
    rig.peer.incoming.push(c);
    c.accept(ANSWER);
    calleeSession = attachSessionToIncomingCall(c, rig.peer.core.sessionContext, {
      initial: { local: ANSWER, remote: c.offer },
      random: () => random.peer ?? 0.5,
    });
  });
  const caller = rig.place({ session: { random: () => random.phone ?? 0.5 } });
  await rig.run(1000);
  const callee = rig.peer.incoming[0];
  assert.equal(caller.state, 'confirmed');
  assert.ok(callee !== undefined && calleeSession !== undefined);
  assert.equal(callee.state, 'confirmed');
  return { caller, callee, callerSession: sessionOf(caller), calleeSession };
}

/** The peer calls the phone (the peer owns the Call-ID); the phone answers at once. */
async function peerCallsPhone(rig: UacRig, random: { phone?: number; peer?: number } = {}): Promise<Call> {
  let calleeSession: SessionModifier | undefined;
  rig.phone.core.onIncomingCall((c) => {
    rig.phone.incoming.push(c);
    c.accept(ANSWER);
    calleeSession = attachSessionToIncomingCall(c, rig.phone.core.sessionContext, {
      initial: { local: ANSWER, remote: c.offer },
      random: () => random.phone ?? 0.5,
    });
  });
  const caller = rig.peer.core.placeCall({
    from: { uri: BOB_AOR },
    target: sipUri({ user: 'alice', host: PHONE.host, port: PHONE.port }),
    offer: OFFER,
    sender: rig.peer.sender,
    server: () => ({ protocol: 'udp', ...PHONE }),
    nextHopIsOurServer: false,
    session: { random: () => random.peer ?? 0.5 },
  });
  await rig.run(1000);
  const callee = rig.phone.incoming[0];
  assert.equal(caller.state, 'confirmed');
  assert.ok(callee !== undefined && calleeSession !== undefined);
  return { caller, callee, callerSession: sessionOf(caller), calleeSession };
}

function changes(session: SessionModifier): SessionChange[] {
  const list: SessionChange[] = [];
  session.onChange((c) => list.push(c));
  return list;
}

describe('re-INVITE: hold and resume from the phone', () => {
  it('sends the offer byte for byte, ACKs the 2xx, and makes the answer current', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    call.calleeSession.onReinvite((r) => r.accept(answerFor(r.offer)));
    const phoneChanges = changes(call.callerSession);
    const peerChanges = changes(call.calleeSession);

    const hold = call.callerSession.sendReinvite(HOLD);
    await rig.run(1000);
    const outcome = await hold;
    assert.equal(outcome.kind, 'accepted');
    assert.equal(outcome.kind === 'accepted' ? text(outcome.remote) : undefined, text(HELD));

    const [initial, reinvite] = rig.requests(rig.phone, 'INVITE');
    assert.ok(initial !== undefined && reinvite !== undefined);
    const invite = reinvite.message;
    assert.deepEqual(invite.body, HOLD.bytes, 'the offer went out untouched (o= is the SDP layer’s)');
    assert.equal(cseqOf(invite).seq, cseqOf(initial.message).seq + 1, 'next CSeq in the dialog');
    assert.equal(formatUri(invite.uri), 'sip:bob@192.0.2.30:5060', 'to the remote target');
    const contacts = getContacts(invite);
    assert.ok(contacts !== '*' && formatUri(contacts[0]?.uri ?? invite.uri) === 'sip:alice@192.0.2.10:5060', 'Contact (target refresh, §8.1.1.8)');
    assert.ok(getTokens(invite, 'Allow').includes('INVITE'));
    assert.equal(invite.headers.get('User-Agent'), 'deskphone/test');

    const acks = rig.requests(rig.phone, 'ACK');
    assert.equal(acks.length, 2, 'one ACK for the INVITE, one for the re-INVITE');
    assert.deepEqual(cseqOf(acks[1]?.message ?? invite), { seq: cseqOf(invite).seq, method: 'ACK' });

    assert.deepEqual([text(call.callerSession.current.local), text(call.callerSession.current.remote)], [text(HOLD), text(HELD)]);
    assert.deepEqual([text(call.calleeSession.current.local), text(call.calleeSession.current.remote)], [text(HELD), text(HOLD)]);
    assert.deepEqual(phoneChanges.map((c) => c.by), ['local']);
    assert.deepEqual(peerChanges.map((c) => c.by), ['remote']);
    assert.equal(text(phoneChanges[0]?.previous.local), text(OFFER));

    const resume = call.callerSession.sendReinvite(RESUME);
    await rig.run(5000);
    const resumed = await resume;
    assert.equal(resumed.kind, 'accepted');
    assert.deepEqual([text(call.callerSession.current.local), text(call.callerSession.current.remote)], [text(RESUME), text(RESUMED)]);
    const peer200s = rig.responses(rig.peer, 200).map((p) => cseqOf(p.message).seq);
    assert.deepEqual(peer200s, [cseqOf(initial.message).seq, cseqOf(invite).seq, cseqOf(invite).seq + 1], 'no 2xx retransmitted: every ACK arrived');
    assert.equal(call.callee.state, 'confirmed');
    rig.dispose();
  });

  it('a re-INVITE without an offer: the 2xx carries the peer’s offer, the ACK our answer', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    const peerOffer = sdp('v=0\r\no=bob 7 8 IN IP4 192.0.2.30\r\ns=-\r\nm=audio 5000 RTP/AVP 0 8\r\n');
    const ourAnswer = sdp('v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n');
    const offered: (string | undefined)[] = [];
    call.calleeSession.onReinvite((r) => {
      offered.push(text(r.offer));
      r.accept(peerOffer);
    });
    const outcome = call.callerSession.sendReinvite(undefined, (o) => (text(o) === text(peerOffer) ? ourAnswer : undefined));
    await rig.run(1000);
    assert.equal((await outcome).kind, 'accepted');
    assert.deepEqual(offered, [undefined]);
    const reinvite = rig.requests(rig.phone, 'INVITE')[1]?.message;
    assert.equal(reinvite?.body.length, 0);
    const ack = rig.requests(rig.phone, 'ACK')[1]?.message;
    assert.equal(text(ack?.body), text(ourAnswer));
    assert.equal(ack?.headers.get('Content-Type'), 'application/sdp');
    assert.deepEqual([text(call.callerSession.current.local), text(call.callerSession.current.remote)], [text(ourAnswer), text(peerOffer)]);
    assert.deepEqual([text(call.calleeSession.current.local), text(call.calleeSession.current.remote)], [text(peerOffer), text(ourAnswer)]);
    rig.dispose();
  });
});

describe('re-INVITE: failures leave the session as it was (§14.1)', () => {
  it('488 → failed outcome; the previous descriptions stay current; the call goes on', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    call.calleeSession.onReinvite((r) => r.reject(488));
    const seen = changes(call.callerSession);
    const outcome = call.callerSession.sendReinvite(HOLD);
    await rig.run(1000);
    const result = await outcome;
    assert.equal(result.kind, 'failed');
    assert.equal(result.kind === 'failed' ? result.status : 0, 488);
    assert.equal(result.kind === 'failed' ? result.endDialog : true, false);
    assert.deepEqual([text(call.callerSession.current.local), text(call.callerSession.current.remote)], [text(OFFER), text(ANSWER)]);
    assert.deepEqual([text(call.calleeSession.current.local), text(call.calleeSession.current.remote)], [text(ANSWER), text(OFFER)]);
    assert.equal(seen.length, 0);
    assert.equal(call.caller.state, 'confirmed');
    assert.equal(call.callerSession.busy, false, 'another re-INVITE may be sent');
    rig.dispose();
  });

  it('without a handler on the other side the core answers 488', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    const outcome = call.callerSession.sendReinvite(HOLD);
    await rig.run(1000);
    const result = await outcome;
    assert.equal(result.kind === 'failed' ? result.status : 0, 488);
    assert.equal(text(call.callerSession.current.local), text(OFFER));
    rig.dispose();
  });

  it('no response (Timer B) → 408, flagged for ending the dialog (§12.2.1.2)', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    rig.net.filter = (p) => (p.to.host === PEER.host ? 'drop' : 'deliver');
    const outcome = call.callerSession.sendReinvite(HOLD);
    await rig.run(33_000);
    const result = await outcome;
    assert.equal(result.kind === 'failed' ? result.status : 0, 408);
    assert.equal(result.kind === 'failed' ? result.endDialog : false, true);
    assert.equal(text(call.callerSession.current.local), text(OFFER));
    rig.dispose();
  });
});

describe('re-INVITE: 491 Request Pending and the §14.1 retry', () => {
  it('owner of the Call-ID: retried 2.1-4 s later (3050 ms with random 0.5), once', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig, { phone: 0.5 });
    let first = true;
    call.calleeSession.onReinvite((r) => {
      if (first) {
        first = false;
        r.reject(491);
      } else r.accept(answerFor(r.offer));
    });
    const outcome = call.callerSession.sendReinvite(HOLD);
    await rig.run(10_000);
    const result = await outcome;
    assert.equal(result.kind, 'accepted');
    assert.equal(result.attempts, 2);
    const [, tried, retried] = rig.requests(rig.phone, 'INVITE');
    const pending = rig.responses(rig.peer, 491)[0];
    assert.ok(tried !== undefined && retried !== undefined && pending !== undefined);
    assert.equal(retried.sentAt - pending.sentAt, 3050);
    assert.equal(cseqOf(retried.message).seq, cseqOf(tried.message).seq + 1, 'a new transaction with the next CSeq');
    assert.deepEqual(retried.message.body, HOLD.bytes);
    assert.equal(text(call.callerSession.current.local), text(HOLD));
    rig.dispose();
  });

  it('not the owner: retried 0-2 s later (1000 ms with random 0.5)', async () => {
    const rig = uacRig();
    const call = await peerCallsPhone(rig, { phone: 0.5 });
    let first = true;
    call.callerSession.onReinvite((r) => {
      if (first) {
        first = false;
        r.reject(491);
      } else r.accept(answerFor(r.offer));
    });
    assert.equal(call.calleeSession.ownsCallId, false);
    const outcome = call.calleeSession.sendReinvite(HOLD);
    await rig.run(10_000);
    assert.equal((await outcome).kind, 'accepted');
    const [tried, retried] = rig.requests(rig.phone, 'INVITE');
    const pending = rig.responses(rig.peer, 491)[0];
    assert.ok(tried !== undefined && retried !== undefined && pending !== undefined);
    assert.equal(retried.sentAt - pending.sentAt, 1000);
    rig.dispose();
  });

  it('491 again after the retries → failed 491, session unchanged; the retry count is configurable', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig, { phone: 0 });
    call.calleeSession.onReinvite((r) => r.reject(491));
    const outcome = call.callerSession.sendReinvite(HOLD);
    await rig.run(10_000);
    const result = await outcome;
    assert.equal(result.kind === 'failed' ? result.status : 0, 491);
    assert.equal(result.attempts, 2, '§14.1 "once more" by default');
    assert.equal(text(call.callerSession.current.local), text(OFFER));
    rig.dispose();

    const rig2 = uacRig();
    rig2.peer.core.onIncomingCall((c) => {
      c.accept(ANSWER);
      attachSessionToIncomingCall(c, rig2.peer.core.sessionContext).onReinvite((r) => r.reject(491));
    });
    const caller = rig2.place({ session: { random: () => 0, requestPendingRetries: 3 } });
    await rig2.run(1000);
    const outcome2 = sessionOf(caller).sendReinvite(HOLD);
    await rig2.run(20_000);
    assert.equal((await outcome2).attempts, 4);
    const times = rig2.requests(rig2.phone, 'INVITE').slice(1).map((p) => p.sentAt);
    assert.deepEqual(
      times.slice(1).map((t, i) => t - (times[i] ?? 0)),
      [2100, 2100, 2100],
      'each retry waits T (random 0: 2.1 s for the owner)',
    );
    rig2.dispose();
  });
});

describe('re-INVITE glare (§14.2)', () => {
  it('both ends re-INVITE at once: each gets 491, the non-owner retries after 0-2 s, the owner after 2.1-4 s, both succeed', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig, { phone: 0.5, peer: 0.5 });
    call.callerSession.onReinvite((r) => r.accept(answerFor(r.offer)));
    call.calleeSession.onReinvite((r) => r.accept(answerFor(r.offer)));
    const peerOffer = sdp('v=0\r\no=bob 7 8 IN IP4 192.0.2.30\r\ns=-\r\nm=audio 5000 RTP/AVP 8\r\na=sendrecv\r\n');
    const start = rig.clock.now();
    const ours = call.callerSession.sendReinvite(HOLD);
    const theirs = call.calleeSession.sendReinvite(peerOffer);
    await rig.run(10_000);
    const [a, b] = [await ours, await theirs];
    assert.equal(a.kind, 'accepted');
    assert.equal(b.kind, 'accepted');
    assert.equal(a.attempts, 2);
    assert.equal(b.attempts, 2);

    const phoneInvites = rig.requests(rig.phone, 'INVITE').slice(1).map((p) => p.sentAt - start);
    const peerInvites = rig.requests(rig.peer, 'INVITE').map((p) => p.sentAt - start);
    assert.deepEqual(peerInvites, [0, 1000], 'the peer (not the Call-ID owner) retried after 1000 ms');
    assert.deepEqual(phoneInvites, [0, 3050], 'the phone (owner) after 3050 ms');
    assert.equal(rig.responses(rig.phone, 491).length, 1);
    assert.equal(rig.responses(rig.peer, 491).length, 1);

    // The peer's change went first, then ours: both ends agree on the last one.
    assert.deepEqual([text(call.callerSession.current.local), text(call.callerSession.current.remote)], [text(HOLD), text(HELD)]);
    assert.deepEqual([text(call.calleeSession.current.local), text(call.calleeSession.current.remote)], [text(HELD), text(HOLD)]);
    rig.dispose();
  });

  it('a second INVITE while the first is unanswered gets 500 with Retry-After; a lower CSeq gets 500 too', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig, { peer: 0.5 });
    const pending: { accept(b: MessageBody): void }[] = [];
    call.calleeSession.onReinvite((r) => pending.push(r));
    const first = call.callerSession.sendReinvite(HOLD);
    await rig.run(500);
    assert.equal(pending.length, 1, 'the first re-INVITE waits for its answer');

    const dialog = call.caller.dialog;
    if (dialog === undefined) assert.fail('no dialog');
    const second = dialog.createRequest('INVITE', { body: RESUME });
    void rig.phone.core.sendRequest(second);
    const lower = dialog.createRequest('INVITE', { body: RESUME });
    lower.headers.set('CSeq', `${cseqOf(second).seq - 2} INVITE`);
    void rig.phone.core.sendRequest(lower);
    await rig.run(500);
    const fives = rig.responses(rig.peer, 500).map((p) => p.message);
    assert.equal(fives.length, 2);
    const [busy, outOfOrder] = fives;
    assert.equal(cseqOf(busy ?? second).seq, cseqOf(second).seq);
    assert.equal(busy?.headers.get('Retry-After'), '5', '§14.2: between 0 and 10 s (random 0.5 → 5)');
    assert.equal(cseqOf(outOfOrder ?? second).seq, cseqOf(lower).seq);
    assert.equal(outOfOrder?.reason, 'CSeq out of order', '§12.2.2: lower than the remote sequence number');
    assert.equal(pending.length, 1, 'neither reached the handler');

    pending[0]?.accept(HELD);
    await rig.run(1000);
    assert.equal((await first).kind, 'accepted');
    rig.dispose();
  });
});

describe('re-INVITE received by the phone', () => {
  it('2xx retransmitted until the ACK; the Contact of the re-INVITE becomes the remote target', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    call.callerSession.onReinvite((r) => r.accept(answerFor(r.offer)));
    const moved = sipUri({ user: 'bob', host: PEER.host, port: 5062 });
    call.calleeSession.dialog.setLocalTarget(moved);
    let dropped = 0;
    rig.net.filter = (p) => (p.message.kind === 'request' && p.message.method === 'ACK' && p.from.host === PEER.host && dropped++ === 0 ? 'drop' : 'deliver');
    const peerChange = call.calleeSession.sendReinvite(HOLD);
    await rig.run(3000);
    assert.equal((await peerChange).kind, 'accepted');
    const oks = rig.responses(rig.phone, 200);
    assert.deepEqual(
      oks.map((p) => p.sentAt - (oks[0]?.sentAt ?? 0)),
      [0, 500],
      'sent, then once more after T1 (the first ACK was lost), then no more',
    );
    const answer200 = oks[0]?.message;
    const contacts = answer200 === undefined ? '*' : getContacts(answer200);
    assert.ok(contacts !== '*' && formatUri(contacts[0]?.uri ?? moved) === 'sip:alice@192.0.2.10:5060', 'our Contact in the 2xx');
    assert.equal(text(call.callerSession.current.remote), text(HOLD));
    assert.equal(text(call.callerSession.current.local), text(HELD));
    assert.equal(formatUri(call.caller.dialog?.remoteTarget ?? moved), 'sip:bob@192.0.2.30:5062', 'target refresh (§12.2.2)');

    call.caller.hangup();
    await rig.run(100);
    const bye = rig.requests(rig.phone, 'BYE')[0];
    assert.equal(bye === undefined ? '' : formatUri(bye.message.uri), 'sip:bob@192.0.2.30:5062');
    assert.equal(bye?.to.port, 5062, 'the BYE follows the new target');
    rig.dispose();
  });

  it('no ACK for our 2xx within 64*T1: the call is ended with a BYE (§13.3.1.4)', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    call.callerSession.onReinvite((r) => r.accept(answerFor(r.offer)));
    rig.net.filter = (p) => (p.message.kind === 'request' && p.message.method === 'ACK' && p.from.host === PEER.host ? 'drop' : 'deliver');
    void call.calleeSession.sendReinvite(HOLD);
    await rig.run(31_000);
    assert.equal(call.caller.state, 'confirmed');
    await rig.run(2_000);
    assert.equal(call.caller.state, 'ended');
    assert.equal(rig.requests(rig.phone, 'BYE').length, 1);
    assert.equal(call.callee.state, 'ended');
    rig.dispose();
  });

  it('the peer’s BYE during a pending re-INVITE: the re-INVITE gets 487 (§15.1.2) and ours resolves as failed', async () => {
    const rig = uacRig();
    const call = await phoneCallsPeer(rig);
    call.callerSession.onReinvite(() => undefined); // never answers
    void call.calleeSession.sendReinvite(HOLD);
    await rig.run(500);
    call.callee.hangup();
    await rig.run(500);
    assert.equal(call.caller.state, 'ended');
    assert.deepEqual(
      rig.responses(rig.phone).map((p) => [cseqOf(p.message).method, p.message.status]),
      [
        ['INVITE', 100],
        ['BYE', 200],
        ['INVITE', 487],
      ],
    );
    rig.dispose();
  });
});
