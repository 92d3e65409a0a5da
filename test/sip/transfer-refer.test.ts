// REFER end to end between two whole user agents (RFC 3515, RFC 5589): the
// phone as transferor, the peer as transferee running the same code, after
// the reference flow 1 (T2xP appendix p. 205) — REFER (F9/F11), 202
// (F10/F12), NOTIFY 100 Trying and the final sipfrag (F13-F16), the
// transferor's BYE (F17) that must not stop the transferee's final NOTIFY.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTag, formatUri, getContacts, parseUri, sipUri } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import type { InDialogHandler } from '../../firmware/sip/ua/incoming-call.js';
import { SubscriptionUsage, firstHandler, receiveRefer, referRequestHandler, replacesForDialog, sendRefer } from '../../firmware/sip/ua/transfer/index.js';
import type { AcceptedRefer, PendingRefer, ReferEnd, ReferNotifierEnd, ReferProgress, ReferSubscription } from '../../firmware/sip/ua/transfer/index.js';
import type { ConnectedCall } from './transfer-harness.js';
import { connectedCall } from './transfer-harness.js';
import { ALICE_AOR, cseqOf, text } from './uac-harness.js';

const CAROL = sipUri({ user: 'carol', host: 'example.com' });

interface Transferee {
  readonly accepted: AcceptedRefer[];
  readonly ends: ReferNotifierEnd[];
}

/** The peer takes REFERs as the phone does (transfer enabled unless told otherwise). */
function peerTakesRefers(c: ConnectedCall, enabled = true): Transferee {
  const t: Transferee = { accepted: [], ends: [] };
  c.onPeer(
    referRequestHandler(
      c.peerCtx,
      () => ({ enabled }),
      (refer) => {
        t.accepted.push(refer);
        refer.notifier.onEnd((e) => t.ends.push(e));
      },
    ),
  );
  return t;
}

function only<T>(list: readonly T[], what: string): T {
  assert.equal(list.length, 1, `one ${what}`);
  const [first] = list;
  assert.ok(first !== undefined);
  return first;
}

/** The usual start: the peer takes REFERs, the phone sends one to Carol and hears its NOTIFYs; returns once the 202 is in. */
async function referToCarol(c: ConnectedCall): Promise<{ t: Transferee; sub: ReferSubscription; accepted: AcceptedRefer }> {
  const t = peerTakesRefers(c);
  const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
  c.onPhone(sub.handleRequest);
  await c.rig.run(100);
  return { t, sub, accepted: only(t.accepted, 'accepted REFER') };
}

function notifies(c: ConnectedCall): SipRequest[] {
  return c.rig.requests(c.rig.peer, 'NOTIFY').map((p) => p.message);
}

describe('REFER: blind transfer, the phone transferring the peer to Carol', () => {
  it('REFER with Refer-To in angle brackets and Referred-By; 202; NOTIFY 100, 180, then 200 terminating the subscription', async () => {
    const c = await connectedCall({ proxy: true });
    const t = peerTakesRefers(c);
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR, displayName: 'Alice' } });
    c.onPhone(sub.handleRequest);
    const progress: ReferProgress[] = [];
    const ends: ReferEnd[] = [];
    sub.onProgress((p) => progress.push(p));
    sub.onEnd((e) => ends.push(e));
    await c.rig.run(100);

    const refer = only(c.rig.requests(c.rig.phone, 'REFER'), 'REFER').message;
    assert.equal(refer.headers.get('Refer-To'), '<sip:carol@example.com>');
    assert.equal(refer.headers.get('Referred-By'), 'Alice <sip:alice@example.com>');
    const contacts = getContacts(refer);
    assert.ok(contacts !== '*' && contacts.length === 1, 'RFC 3515 §2.4.1: a REFER carries a Contact');
    const outcome = await sub.outcome;
    assert.equal(outcome.kind === 'response' ? outcome.response.status : 0, 202);
    assert.equal(sub.state, 'active');

    const accepted = only(t.accepted, 'accepted REFER');
    assert.equal(formatUri(accepted.target), 'sip:carol@example.com');
    assert.equal(formatUri(accepted.referredBy?.uri ?? CAROL), 'sip:alice@example.com');
    assert.deepEqual(accepted.inviteHeaders, [['Referred-By', 'Alice <sip:alice@example.com>']], 'RFC 3892: copied into the INVITE to Carol');
    assert.equal(accepted.replaces, undefined);

    const [first] = notifies(c);
    assert.ok(first !== undefined, 'the first NOTIFY follows the 202 at once');
    assert.equal(first.headers.get('Event'), `refer;id=${cseqOf(refer).seq}`);
    assert.equal(first.headers.get('Subscription-State'), 'active;expires=60');
    assert.equal(first.headers.get('Content-Type'), 'message/sipfrag;version=2.0');
    assert.equal(text(first.body), 'SIP/2.0 100 Trying\r\n');
    assert.ok(getContacts(first) !== '*' && getContacts(first).length === 1, 'RFC 6665 §8.3.1: a NOTIFY carries a Contact');

    await c.rig.run(10_000);
    accepted.notifier.progress(180);
    await c.rig.run(100);
    accepted.notifier.finish(200);
    await c.rig.run(100);

    const all = notifies(c);
    assert.equal(all.length, 3);
    assert.deepEqual(all.map((n) => n.headers.get('Subscription-State')), ['active;expires=60', 'active;expires=50', 'terminated;reason=noresource']);
    assert.deepEqual(all.map((n) => text(n.body)), ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 180 Ringing\r\n', 'SIP/2.0 200 OK\r\n']);
    assert.deepEqual(c.rig.responses(c.rig.phone, 200).filter((r) => r.message.headers.get('CSeq')?.endsWith('NOTIFY')).length, 3, 'each NOTIFY answered 200');
    assert.deepEqual(progress.map((p) => [p.status, p.final, p.subscriptionState]), [
      [100, false, 'active'],
      [180, false, 'active'],
      [200, true, 'terminated'],
    ]);
    assert.deepEqual(ends, [{ cause: 'notified', status: 200, reason: 'OK' }]);
    assert.equal(sub.state, 'terminated');
    assert.deepEqual(t.ends, [{ cause: 'finished', status: 200 }]);
    assert.equal(accepted.notifier.state, 'terminated');
    c.rig.dispose();
  });

  it('F17: the transferor hangs up after the 202; the transferee still sends its final NOTIFY, and the transferor still hears it', async () => {
    const c = await connectedCall({ proxy: true });
    const { t, sub, accepted } = await referToCarol(c);

    c.phoneCall.hangup();
    await c.rig.run(100);
    assert.equal(c.peerCall.state, 'ended', 'the peer answered the BYE and ended the call');
    assert.equal(c.phoneDialog.state, 'terminated');
    assert.equal(c.rig.phone.core.dialogs.size, 1, 'the subscription keeps the dialog ID routable');

    accepted.notifier.finish(200);
    await c.rig.run(100);
    const last = notifies(c).at(-1);
    assert.ok(last !== undefined);
    assert.equal(last.headers.get('Subscription-State'), 'terminated;reason=noresource');
    const bye = only(c.rig.requests(c.rig.phone, 'BYE'), 'BYE').message;
    assert.ok(cseqOf(last).seq > cseqOf(notifies(c)[0] ?? last).seq, 'the NOTIFY after the BYE counts on in the peer’s CSeq space');
    assert.equal(bye.headers.get('Call-ID'), last.headers.get('Call-ID'));
    assert.deepEqual(sub.ended, { cause: 'notified', status: 200, reason: 'OK' });
    assert.deepEqual(t.ends, [{ cause: 'finished', status: 200 }]);
    assert.equal(c.rig.phone.core.dialogs.size, 0, 'and lets it go once the subscription is over');
    c.rig.dispose();
  });

  it('F17 with a transferor that forgot the dialog: the final NOTIFY gets 481, logged once, harmless', async () => {
    const c = await connectedCall();
    const { t, sub, accepted } = await referToCarol(c);
    sub.dispose();
    c.phoneCall.hangup();
    await c.rig.run(100);

    accepted.notifier.progress(180);
    accepted.notifier.finish(486);
    await c.rig.run(100);
    const last = notifies(c).at(-1);
    assert.equal(text(last?.body), 'SIP/2.0 180 Ringing\r\n', 'the 180 went out; the queued final never did');
    assert.deepEqual(c.rig.responses(c.rig.phone, 481).map((r) => r.message.headers.get('CSeq')?.split(' ')[1]), ['NOTIFY']);
    assert.deepEqual(t.ends, [{ cause: 'subscriber-gone', status: 481 }]);
    assert.equal(c.rig.peer.log.filter((l) => l.includes('NOTIFY')).length, 1);
    accepted.notifier.finish(200);
    await c.rig.run(100);
    assert.equal(notifies(c).length, 2, 'nothing more after the subscription ended');
    c.rig.dispose();
  });

  it('a transferor that no longer answers: the NOTIFY times out (408), logged once, the subscription ends', async () => {
    const c = await connectedCall();
    const { t, accepted } = await referToCarol(c);
    c.rig.net.filter = (p) => (p.message.kind === 'request' && p.message.method === 'NOTIFY' ? 'drop' : 'deliver');
    accepted.notifier.progress(180);
    accepted.notifier.finish(200);
    await c.rig.run(33_000);
    assert.deepEqual(t.ends, [{ cause: 'subscriber-gone', status: 408 }]);
    assert.equal(accepted.notifier.state, 'terminated');
    assert.equal(new Set(c.rig.requests(c.rig.peer, 'NOTIFY').map((p) => cseqOf(p.message).seq)).size, 2, 'the 100 and the 180; the final never left');
    assert.equal(c.rig.peer.log.filter((l) => l.includes('NOTIFY')).length, 1);
    c.rig.dispose();
  });
});

describe('REFER: what the transferee refuses', () => {
  it('403 when transfer is disabled; the subscription ends rejected', async () => {
    const c = await connectedCall();
    const t = peerTakesRefers(c, false);
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
    const ends: ReferEnd[] = [];
    sub.onEnd((e) => ends.push(e));
    await c.rig.run(100);
    const outcome = await sub.outcome;
    assert.equal(outcome.kind === 'response' ? outcome.response.status : 0, 403);
    assert.deepEqual(ends, [{ cause: 'rejected', status: 403, reason: 'Transfer disabled' }]);
    assert.equal(t.accepted.length, 0);
    assert.equal(notifies(c).length, 0);
    c.rig.dispose();
  });

  it('400 for a REFER without Refer-To (sent by hand in the dialog)', async () => {
    const c = await connectedCall();
    peerTakesRefers(c);
    const statuses: number[] = [];
    const bare = c.phoneDialog.createRequest('REFER');
    c.rig.phone.layer.sendRequest(bare, { protocol: 'udp', host: '192.0.2.30', port: 5060 }, { onFinal: (r) => statuses.push(r.status) });
    await c.rig.run(100);
    assert.deepEqual(statuses, [400]);
    assert.equal(only(c.rig.responses(c.rig.peer, 400), '400').message.reason, 'Missing Refer-To');
    c.rig.dispose();
  });

  it('a REFER nobody handles gets the core’s 501; one naming no dialog gets 481', async () => {
    const c = await connectedCall();
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
    await c.rig.run(100);
    const outcome = await sub.outcome;
    assert.equal(outcome.kind === 'response' ? outcome.response.status : 0, 501);
    assert.equal(sub.ended?.cause, 'rejected');

    const stray = c.phoneDialog.createRequest('REFER', { headers: [['Refer-To', '<sip:carol@example.com>']] });
    stray.headers.set('To', `<sip:bob@example.com>;tag=${createTag()}`);
    const statuses: number[] = [];
    c.rig.phone.layer.sendRequest(stray, { protocol: 'udp', host: '192.0.2.30', port: 5060 }, { onFinal: (r) => statuses.push(r.status) });
    await c.rig.run(100);
    assert.deepEqual(statuses, [481]);
    c.rig.dispose();
  });
});

describe('REFER: the transferee asks the user first (RFC 3515 §2.4.2)', () => {
  function pendingRefers(c: ConnectedCall): PendingRefer[] {
    const pending: PendingRefer[] = [];
    c.onPeer((request, dialog) => {
      if (request.method !== 'REFER') return false;
      const received = receiveRefer(c.peerCtx, request, dialog);
      if (received.kind === 'valid') pending.push(received.refer);
      return true;
    });
    return pending;
  }

  it('the REFER waits for the decision; accept() answers 202 and starts the NOTIFYs; report() maps statuses', async () => {
    const c = await connectedCall();
    const pending = pendingRefers(c);
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
    c.onPhone(sub.handleRequest);
    await c.rig.run(1_000);
    const refer = only(pending, 'pending REFER');
    assert.equal(c.rig.responses(c.rig.peer, 202).length, 0, 'no answer before the user decides');
    assert.equal(sub.state, 'pending');
    const sent = c.rig.requests(c.rig.phone, 'REFER');
    assert.ok(sent.length > 1, 'retransmitted over UDP meanwhile, and absorbed by the transaction (one pending REFER)');
    const [firstRefer] = sent;
    assert.ok(firstRefer !== undefined);
    assert.equal(refer.referSeq, cseqOf(firstRefer.message).seq);

    const notifier = refer.accept();
    assert.throws(() => refer.reject(), /answered already/);
    await c.rig.run(100);
    assert.equal(c.rig.responses(c.rig.peer, 202).length, 1);
    notifier.report(183, 'Session Progress');
    await c.rig.run(100);
    notifier.report(603);
    await c.rig.run(100);
    assert.deepEqual(notifies(c).map((n) => text(n.body)), ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 183 Session Progress\r\n', 'SIP/2.0 603 Decline\r\n']);
    assert.deepEqual(sub.ended, { cause: 'notified', status: 603, reason: 'Decline' });
    c.rig.dispose();
  });

  it('reject() declines with 403 by default, or the status given', async () => {
    const c = await connectedCall();
    const pending = pendingRefers(c);
    const first = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
    await c.rig.run(100);
    only(pending, 'pending REFER').reject();
    await c.rig.run(100);
    assert.deepEqual(first.ended, { cause: 'rejected', status: 403, reason: 'Forbidden' });
    const second = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
    await c.rig.run(100);
    pending[1]?.reject(486, 'Busy with another call');
    await c.rig.run(100);
    assert.deepEqual(second.ended, { cause: 'rejected', status: 486, reason: 'Busy with another call' });
    assert.throws(() => pending[1]?.reject(200), RangeError);
    c.rig.dispose();
  });
});

describe('REFER: the transferor’s subscription', () => {
  /** The peer answers REFER 202 and sends NOTIFYs only when told (a hand-written transferee). */
  function silentTransferee(c: ConnectedCall): InDialogHandler {
    const handler: InDialogHandler = (request) => {
      if (request.method !== 'REFER') return false;
      request.respond(202);
      return true;
    };
    c.onPeer(handler);
    return handler;
  }

  it('ends with a timeout when no final NOTIFY comes within 64*T1 of the REFER', async () => {
    const c = await connectedCall();
    silentTransferee(c);
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR } });
    const ends: ReferEnd[] = [];
    sub.onEnd((e) => ends.push(e));
    await c.rig.run(31_900);
    assert.equal(sub.state, 'active');
    await c.rig.run(200);
    assert.deepEqual(ends, [{ cause: 'timeout', status: undefined, reason: 'no final NOTIFY in time' }]);
    c.rig.dispose();
  });

  it('a NOTIFY’s expires extends the wait; NOTIFYs for another REFER id are not its own (481)', async () => {
    const c = await connectedCall();
    silentTransferee(c);
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, referredBy: { uri: ALICE_AOR }, timeoutMs: 5_000 });
    c.onPhone(sub.handleRequest);
    const ends: ReferEnd[] = [];
    sub.onEnd((e) => ends.push(e));
    await c.rig.run(100);
    const referSeq = cseqOf(only(c.rig.requests(c.rig.phone, 'REFER'), 'REFER').message).seq;
    const notify = (id: number, state: string, body: string): number[] => {
      const statuses: number[] = [];
      const request = c.peerDialog.createRequest('NOTIFY', {
        headers: [['Event', `refer;id=${id}`], ['Subscription-State', state]],
        body: { contentType: 'message/sipfrag', bytes: new TextEncoder().encode(body) },
      });
      c.rig.peer.layer.sendRequest(request, { protocol: 'udp', host: '192.0.2.10', port: 5060 }, { onFinal: (r) => statuses.push(r.status) });
      return statuses;
    };
    const other = notify(referSeq + 100, 'active;expires=60', 'SIP/2.0 100 Trying\r\n');
    const ours = notify(referSeq, 'active;expires=60', 'SIP/2.0 180 Ringing\r\n');
    await c.rig.run(100);
    assert.deepEqual([other, ours], [[481], [200]]);
    assert.deepEqual(sub.lastProgress, { status: 180, reason: 'Ringing' });
    await c.rig.run(30_000);
    assert.deepEqual(ends, [], 'the 5 s deadline was replaced by the 60 s the NOTIFY announced');
    await c.rig.run(30_000);
    assert.deepEqual(ends, [{ cause: 'timeout', status: 180, reason: 'no final NOTIFY in time' }]);
    c.rig.dispose();
  });

  it('attended transfer: Refer-To carries the consultation dialog as an escaped Replaces; the transferee gets it for its INVITE', async () => {
    const c = await connectedCall();
    const t = peerTakesRefers(c);
    // The dialog with Carol stands in here as the phone's own call to the peer: only its ID matters.
    const replaces = replacesForDialog(c.phoneDialog);
    const sub = sendRefer(c.phoneCtx, c.phoneDialog, { referTo: CAROL, replaces, referredBy: { uri: ALICE_AOR } });
    c.onPhone(sub.handleRequest);
    await c.rig.run(100);
    const refer = only(c.rig.requests(c.rig.phone, 'REFER'), 'REFER').message;
    const escaped = (s: string): string => s.replace(/@/g, '%40');
    assert.equal(
      refer.headers.get('Refer-To'),
      `<sip:carol@example.com?Replaces=${escaped(replaces.callId)}%3Bto-tag%3D${replaces.toTag}%3Bfrom-tag%3D${replaces.fromTag}>`,
    );
    const accepted = only(t.accepted, 'accepted REFER');
    assert.deepEqual(accepted.replaces, replaces);
    assert.deepEqual(accepted.inviteHeaders.find(([name]) => name === 'Replaces'), ['Replaces', `${replaces.callId};to-tag=${replaces.toTag};from-tag=${replaces.fromTag}`]);
    assert.equal(formatUri(accepted.target), 'sip:carol@example.com', 'the target without the header');
    c.rig.dispose();
  });

  it('one NOTIFY outstanding at a time: states reported meanwhile collapse into the newest', async () => {
    const c = await connectedCall();
    const { sub, accepted } = await referToCarol(c);
    const { notifier } = accepted;
    const progress: number[] = [sub.lastProgress?.status ?? 0];
    sub.onProgress((p) => progress.push(p.status));
    notifier.progress(180);
    notifier.progress(183);
    notifier.finish(486);
    notifier.progress(180);
    await c.rig.run(100);
    const sent = c.rig.requests(c.rig.peer, 'NOTIFY');
    assert.deepEqual(sent.map((p) => text(p.message.body)), ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 180 Ringing\r\n', 'SIP/2.0 486 Busy Here\r\n']);
    const answers = c.rig.responses(c.rig.phone, 200).filter((r) => r.message.headers.get('CSeq')?.endsWith('NOTIFY') === true);
    assert.ok((sent[2]?.seq ?? 0) > (answers[1]?.seq ?? Infinity), 'the final NOTIFY left after the 180 one was answered');
    assert.deepEqual(progress, [100, 180, 486]);
    assert.deepEqual(sub.ended, { cause: 'notified', status: 486, reason: 'Busy Here' });
    c.rig.dispose();
  });

  it('the subscription outlives the call’s dialog, and ends “dialog-ended” when that cannot be', async () => {
    const c = await connectedCall();
    const lost: string[] = [];
    const refused = new SubscriptionUsage(c.phoneDialog, {
      adopt: () => {
        throw new Error('a dialog with this ID exists');
      },
      onLost: (reason) => lost.push(reason),
    });
    const kept = new SubscriptionUsage(c.phoneDialog, { adopt: (d) => c.rig.phone.core.addDialog(d, {}), onLost: (reason) => lost.push(`kept: ${reason}`) });
    assert.equal(kept.dialog, c.phoneDialog);
    c.phoneCall.hangup();
    await c.rig.run(100);
    assert.deepEqual(lost, ['cannot keep the dialog for the subscription: a dialog with this ID exists']);
    assert.equal(refused.outlivesCall, true);
    assert.notEqual(kept.dialog, c.phoneDialog);
    assert.equal(kept.dialog.state, 'confirmed');
    assert.deepEqual(kept.dialog.id, c.phoneDialog.id);
    kept.dialog.terminate();
    assert.deepEqual(lost.slice(1), ['kept: the peer ended the dialog']);
    assert.equal(c.rig.phone.core.dialogs.size, 0);
    // A Refer-To that cannot be written (Replaces on a tel: URI) throws before anything is sent.
    const d = await connectedCall();
    assert.throws(() => sendRefer(d.phoneCtx, d.phoneDialog, { referTo: parseUri('tel:+15550100'), replaces: replacesForDialog(d.phoneDialog), referredBy: { uri: ALICE_AOR } }), RangeError);
    await d.rig.run(100);
    assert.equal(d.rig.requests(d.rig.phone, 'REFER').length, 0);
    c.rig.dispose();
    d.rig.dispose();
  });

  it('the transferee’s subscription expires: NOTIFY terminated;reason=timeout with the last status', async () => {
    const c = await connectedCall();
    const { t, sub, accepted } = await referToCarol(c);
    c.onPhone(firstHandler(() => false, sub.handleRequest));
    accepted.notifier.progress(180);
    await c.rig.run(60_000);
    const last = notifies(c).at(-1);
    assert.equal(last?.headers.get('Subscription-State'), 'terminated;reason=timeout');
    assert.equal(text(last?.body), 'SIP/2.0 180 Ringing\r\n');
    assert.deepEqual(t.ends, [{ cause: 'expired', status: 200 }]);
    assert.deepEqual(sub.ended, { cause: 'notified', status: 180, reason: 'Ringing' });
    c.rig.dispose();
  });
});
