// The transfer target's side of Replaces (RFC 3891 §3), on real dialogs made
// by the UAC rig's two user agents: which dialog an incoming Replaces names
// (tags seen from the sender's side), and the verdicts 481 / 486 / 603.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog, DialogRegistry } from '../../firmware/sip/dialog/index.js';
import { NameAddr, createRequest, createResponse, getFrom, sipUri } from '../../firmware/sip/message/index.js';
import type { Replaces, SipRequest } from '../../firmware/sip/message/index.js';
import { SubscriptionUsage, TerminatedDialogs, replacesForDialog, replacesOf, replacesVerdict } from '../../firmware/sip/ua/transfer/index.js';
import { connectedCall } from './transfer-harness.js';
import { ALICE_AOR, BOB_AOR, OFFER, PHONE, peerAnswers, uacRig } from './uac-harness.js';

function invite(headers: [string, string][], method = 'INVITE'): SipRequest {
  return createRequest({
    method,
    uri: sipUri({ user: 'carol', host: '192.0.2.10' }),
    from: new NameAddr({ uri: BOB_AOR }).withTag('b1'),
    to: new NameAddr({ uri: ALICE_AOR }),
    callId: 'new@192.0.2.30',
    cseq: 1,
    headers,
  });
}

describe('replacesOf (RFC 3891 §3, §6.1)', () => {
  it('none, one, or a 400 for two, for one outside an INVITE, or for a malformed one', () => {
    assert.deepEqual(replacesOf(invite([])), { kind: 'none' });
    assert.deepEqual(replacesOf(invite([['Replaces', 'c@h;to-tag=t;from-tag=f']])), {
      kind: 'ok',
      replaces: { callId: 'c@h', toTag: 't', fromTag: 'f', earlyOnly: false },
    });
    const two = invite([
      ['Replaces', 'c@h;to-tag=t;from-tag=f'],
      ['Replaces', 'd@h;to-tag=t;from-tag=f'],
    ]);
    assert.deepEqual(replacesOf(two), { kind: 'bad', status: 400, reason: 'More than one Replaces' });
    assert.equal(replacesOf(invite([['Replaces', 'c@h;to-tag=t;from-tag=f']], 'OPTIONS')).kind, 'bad');
    assert.equal(replacesOf(invite([['Replaces', 'c@h;to-tag=t']])).kind, 'bad');
  });
});

describe('replacesVerdict (RFC 3891 §3)', () => {
  it('a confirmed call of ours, named by the peer from its side of the dialog, is replaced', async () => {
    const c = await connectedCall();
    // Flow 2: A builds the Replaces from A's dialog with C; here the peer builds it from its dialog with the phone.
    const replaces = replacesForDialog(c.peerDialog);
    const verdict = replacesVerdict(c.rig.phone.core.dialogs, replaces);
    assert.equal(verdict.kind, 'replace');
    assert.ok(verdict.kind === 'replace');
    assert.equal(verdict.dialog, c.phoneDialog);
    assert.equal(verdict.owner, c.phoneCall, 'the owner is the call to end once the new one is up');
    assert.equal(verdict.early, false);
    c.rig.dispose();
  });

  it('the tags seen from our own side name nothing: 481', async () => {
    const c = await connectedCall();
    const mine = replacesForDialog(c.phoneDialog);
    assert.deepEqual(replacesVerdict(c.rig.phone.core.dialogs, mine), { kind: 'reject', status: 481, reason: 'No dialog to replace' });
    const unknown: Replaces = { ...replacesForDialog(c.peerDialog), callId: 'other@host' };
    assert.equal(replacesVerdict(c.rig.phone.core.dialogs, unknown).kind, 'reject');
    c.rig.dispose();
  });

  it('early-only on a confirmed call: 486', async () => {
    const c = await connectedCall();
    const replaces = replacesForDialog(c.peerDialog, { earlyOnly: true });
    assert.deepEqual(replacesVerdict(c.rig.phone.core.dialogs, replaces), { kind: 'reject', status: 486, reason: 'Call already answered' });
    c.rig.dispose();
  });

  it('an early dialog we placed is replaced (early: true); one ringing at us is not ours to give: 481', async () => {
    const rig = uacRig();
    peerAnswers(rig);
    const call = rig.place();
    await rig.run(100);
    assert.equal(call.state, 'early');
    const peerCall = rig.peer.incoming[0];
    const peerEarly = peerCall?.dialog;
    assert.ok(peerEarly !== undefined);
    const ours = replacesVerdict(rig.phone.core.dialogs, replacesForDialog(peerEarly));
    assert.deepEqual(ours.kind === 'replace' ? [ours.owner === call, ours.early] : ours, [true, true]);
    // The same dialog seen from the peer: there it rings (UAS), so the phone's Replaces gets 481.
    const theirs = replacesVerdict(rig.peer.core.dialogs, {
      callId: peerEarly.id.callId,
      toTag: peerEarly.id.localTag,
      fromTag: peerEarly.id.remoteTag ?? '',
      earlyOnly: false,
    });
    assert.deepEqual(theirs, { kind: 'reject', status: 481, reason: 'Early dialog not initiated here' });
    rig.dispose();
  });

  it('a call that has just ended: 603 while remembered, 481 after; a dialog kept only for a REFER subscription: 603', async () => {
    const c = await connectedCall();
    const ended = new TerminatedDialogs(c.rig.clock, 32_000);
    ended.watch(c.phoneDialog);
    const replaces = replacesForDialog(c.peerDialog);
    c.phoneCall.hangup();
    await c.rig.run(100);
    assert.deepEqual(replacesVerdict(c.rig.phone.core.dialogs, replaces, ended), { kind: 'reject', status: 603, reason: 'Replaced dialog has ended' });
    await c.rig.run(32_000);
    assert.deepEqual(replacesVerdict(c.rig.phone.core.dialogs, replaces, ended), { kind: 'reject', status: 481, reason: 'No dialog to replace' });
    ended.dispose();

    const d = await connectedCall();
    const usage = new SubscriptionUsage(d.phoneDialog, { adopt: (successor) => d.rig.phone.core.addDialog(successor, {}), onLost: () => undefined });
    d.phoneCall.hangup();
    await d.rig.run(100);
    assert.equal(usage.outlivesCall, true);
    assert.deepEqual(replacesVerdict(d.rig.phone.core.dialogs, replacesForDialog(d.peerDialog)), { kind: 'reject', status: 603, reason: 'Replaced dialog has ended' });
    usage.end();
    assert.equal(d.rig.phone.core.dialogs.size, 0);
    c.rig.dispose();
    d.rig.dispose();
  });

  it('a from-tag of "0" matches a peer that sent no From tag (RFC 2543, §6.1)', () => {
    const request = createRequest({
      method: 'INVITE',
      uri: sipUri({ user: 'alice', host: PHONE.host }),
      from: new NameAddr({ uri: BOB_AOR }),
      to: new NameAddr({ uri: ALICE_AOR }),
      callId: 'old2543@192.0.2.30',
      cseq: 1,
      contact: [new NameAddr({ uri: sipUri({ user: 'bob', host: '192.0.2.30' }) })],
      body: OFFER,
    });
    assert.equal(getFrom(request)?.tag, undefined);
    const dialog = Dialog.asUas(request, createResponse(request, 200, undefined, { toTag: 'mine' }));
    const registry = new DialogRegistry<string>();
    registry.add(dialog, 'the old call');
    const verdict = replacesVerdict(registry, { callId: 'old2543@192.0.2.30', toTag: 'mine', fromTag: '0', earlyOnly: false });
    assert.deepEqual(verdict.kind === 'replace' ? verdict.owner : verdict, 'the old call');
  });
});
