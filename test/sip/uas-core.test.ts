// The UserAgentCore's dispatch over the fake network (RFC 3261 §8.2, §11,
// §12.2.2, §13.2.2.4, §9.2, §15.1.2) and the phone's source policy
// (sip.trust_ctrl, features.direct_ip_call_enable).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../firmware/sip/dialog/index.js';
import {
  NameAddr,
  createRequest,
  createResponse,
  createTag,
  formatUri,
  getTokens,
  getTopVia,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { createCancel } from '../../firmware/sip/transaction/index.js';
import {
  CALLER,
  PHONE,
  SDP_ANSWER,
  callerInvite,
  callerRequest,
  isRequestOf,
  sendInvite,
  seqOf,
  toTagOf,
  uasRig,
} from './uas-harness.js';
import type { CallerCall, UasRig } from './uas-harness.js';

const answer = { contentType: 'application/sdp', bytes: SDP_ANSWER };

/** Sends a non-INVITE from the caller's transaction layer; returns the finals it receives. */
function ask(rig: UasRig, request: SipRequest): SipResponse[] {
  const finals: SipResponse[] = [];
  rig.callerLayer.sendRequest(request, rig.phone.target(), { onFinal: (r) => finals.push(r) });
  rig.clock.advance(0);
  return finals;
}

function single(list: readonly SipResponse[]): SipResponse {
  assert.equal(list.length, 1, `one response expected, got [${list.map((r) => r.status).join(', ')}]`);
  const r = list[0];
  if (r === undefined) throw new Error('unreachable');
  return r;
}

/** A confirmed call: INVITE (CSeq 101) → 180 → accept → 200 → ACK. */
function confirmedCall(rig: UasRig, invite = callerInvite()): { inv: CallerCall; dialog: Dialog } {
  const inv = sendInvite(rig, invite, { autoAck: true });
  rig.clock.advance(0);
  rig.calls[0]?.accept(answer);
  rig.clock.advance(0);
  assert.equal(rig.calls[0]?.state, 'confirmed');
  if (inv.dialog === undefined) assert.fail('the caller has no dialog');
  return { inv, dialog: inv.dialog };
}

describe('UAS core: OPTIONS and method checks', () => {
  it('OPTIONS → 200 with Allow, Accept, Accept-Encoding, Accept-Language, Supported and a To tag (§11.2)', () => {
    const rig = uasRig({ capabilities: { supported: ['replaces'] } });
    const r = single(ask(rig, callerRequest('OPTIONS')));
    assert.equal(r.status, 200);
    assert.deepEqual(getTokens(r, 'Allow'), ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE', 'NOTIFY', 'REFER', 'PRACK']);
    assert.deepEqual(getTokens(r, 'Supported'), ['replaces']);
    assert.ok(r.headers.get('Accept')?.includes('application/sdp'));
    assert.equal(r.headers.get('Accept-Encoding'), 'identity');
    assert.equal(r.headers.get('Accept-Language'), 'en');
    assert.ok(toTagOf(r) !== undefined);
    rig.dispose();
  });

  it('a known method the phone does not serve → 405 with Allow; an unknown one → 501', () => {
    const rig = uasRig();
    const publish = single(ask(rig, callerRequest('PUBLISH')));
    assert.equal(publish.status, 405);
    assert.ok(getTokens(publish, 'Allow').includes('INVITE'));
    assert.equal(single(ask(rig, callerRequest('FROBNICATE'))).status, 501);
    rig.dispose();
  });

  it('out-of-dialog methods without a handler: BYE/INFO/NOTIFY → 481, REFER → 501; a registered handler answers instead', () => {
    const rig = uasRig();
    assert.equal(single(ask(rig, callerRequest('BYE'))).status, 481);
    assert.equal(single(ask(rig, callerRequest('INFO'))).status, 481);
    assert.equal(single(ask(rig, callerRequest('NOTIFY'))).status, 481);
    assert.equal(single(ask(rig, callerRequest('REFER'))).status, 501);
    const seen: string[] = [];
    rig.core.onRequest('NOTIFY', (req) => {
      seen.push(req.method);
      req.respond(200);
    });
    assert.equal(single(ask(rig, callerRequest('NOTIFY'))).status, 200);
    assert.deepEqual(seen, ['NOTIFY']);
    rig.dispose();
  });

  it('an INVITE with nobody to take calls → 480', () => {
    const rig = uasRig({ noCallHandler: true });
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    assert.equal(inv.finals[0]?.status, 480);
    rig.dispose();
  });

  it('a CANCEL matching no transaction → 481 (§9.2)', () => {
    const rig = uasRig();
    const invite = callerInvite();
    const bogus = createCancel({ ...invite, headers: invite.headers.clone().prepend('Via', `SIP/2.0/UDP ${CALLER.host}:5060;branch=z9hG4bKnothing`) });
    assert.equal(single(ask(rig, bogus)).status, 481);
    rig.dispose();
  });

  it('merged requests (§8.2.2.2): the same From tag, Call-ID and CSeq by another path → 482', () => {
    const rig = uasRig();
    const invite = callerInvite();
    const first = sendInvite(rig, invite);
    rig.clock.advance(0);
    assert.equal(first.provisionals[0]?.status, 180);
    // The same request forked by a proxy and arriving again with a different branch.
    const second = sendInvite(rig, invite);
    rig.clock.advance(0);
    assert.equal(second.finals[0]?.status, 482);
    assert.equal(rig.calls.length, 1);
    rig.dispose();
  });
});

describe('UAS core: in-dialog requests (§12.2.2)', () => {
  it('a BYE with a To tag naming no dialog → 481; such an ACK is dropped without a word', () => {
    const rig = uasRig();
    assert.equal(single(ask(rig, callerRequest('BYE', { toTag: 'no-such-dialog' }))).status, 481);
    const before = rig.fromPhone().length;
    const ack = callerRequest('ACK', { toTag: 'no-such-dialog' });
    rig.callerLayer.sendAck(ack, rig.phone.target());
    rig.clock.advance(1000);
    assert.equal(rig.fromPhone().length, before);
    rig.dispose();
  });

  it('a request with a CSeq lower than the remote CSeq → 500, and it changes nothing', () => {
    const rig = uasRig();
    const { dialog } = confirmedCall(rig);
    const phoneDialog = rig.calls[0]?.dialog;
    assert.equal(phoneDialog?.remoteSeq, 101);
    const stale = dialog.createRequest('INFO');
    stale.headers.set('CSeq', '50 INFO');
    const r = single(ask(rig, stale));
    assert.equal(r.status, 500);
    assert.equal(phoneDialog.remoteSeq, 101);
    // The caller's next INFO is 103 (102 went into the stale one): in order — "It is possible for the
    // CSeq sequence number to be higher than the remote sequence number by more than one". Nobody
    // handles INFO → 501; the remote CSeq moves on.
    assert.equal(single(ask(rig, dialog.createRequest('INFO'))).status, 501);
    assert.equal(phoneDialog.remoteSeq, 103);
    rig.dispose();
  });

  it('a re-INVITE nobody handles → 488, and the remote target stays (a rejected request changes no state)', () => {
    const rig = uasRig();
    const { dialog } = confirmedCall(rig);
    const phoneDialog = rig.calls[0]?.dialog;
    const reinvite = dialog.createRequest('INVITE', { body: { contentType: 'application/sdp', bytes: SDP_ANSWER } });
    reinvite.headers.set('Contact', `<sip:alice@${CALLER.host}:5999>`);
    const finals: SipResponse[] = [];
    rig.callerLayer.sendRequest(reinvite, rig.phone.target(), { onFinal: (r) => finals.push(r) });
    rig.clock.advance(0);
    assert.equal(finals[0]?.status, 488);
    assert.equal(phoneDialog === undefined ? '' : formatUri(phoneDialog.remoteTarget), `sip:alice@${CALLER.host}:${CALLER.port}`);
    rig.dispose();
  });

  it('a re-INVITE the call accepts refreshes the remote target when the 2xx goes out (§12.2.2)', () => {
    const rig = uasRig();
    const { dialog } = confirmedCall(rig);
    const call = rig.calls[0];
    const phoneDialog = call?.dialog;
    const handled: string[] = [];
    call?.setInDialogHandler((req) => {
      handled.push(req.method);
      req.respond(200, { contact: sipUri({ user: 'phone', host: PHONE.host, port: PHONE.port }), body: answer });
      return true;
    });
    const reinvite = dialog.createRequest('INVITE', { body: answer });
    reinvite.headers.set('Contact', `<sip:alice@${CALLER.host}:5999>`);
    const finals: SipResponse[] = [];
    rig.callerLayer.sendRequest(reinvite, rig.phone.target(), { onFinal: (r) => finals.push(r) });
    rig.clock.advance(0);
    assert.deepEqual(handled, ['INVITE']);
    assert.equal(finals[0]?.status, 200);
    assert.equal(phoneDialog === undefined ? '' : formatUri(phoneDialog.remoteTarget), `sip:alice@${CALLER.host}:5999`);
    // The caller's side: the 2xx to its target refresh updates its remote target too (§12.2.1.2).
    const ok = finals[0];
    if (ok !== undefined) dialog.refreshFromResponse(ok);
    assert.equal(formatUri(dialog.remoteTarget), `sip:phone@${PHONE.host}:${PHONE.port}`);
    rig.dispose();
  });

  it('a CANCEL of a re-INVITE still pending: 200 to the CANCEL, 487 to the re-INVITE; the call goes on', () => {
    const rig = uasRig();
    const { dialog } = confirmedCall(rig);
    // The owner takes the re-INVITE and has not answered it yet.
    rig.calls[0]?.setInDialogHandler(() => true);
    const finals: SipResponse[] = [];
    const sent = rig.callerLayer.sendRequest(dialog.createRequest('INVITE', { body: answer }), rig.phone.target(), {
      onProvisional: (r) => finals.push(r),
      onFinal: (r) => finals.push(r),
    });
    rig.clock.advance(300);
    assert.deepEqual(finals.map((r) => r.status), [100], '§9.1: a CANCEL only after a provisional');
    const cancelFinals: SipResponse[] = [];
    rig.callerLayer.sendRequest(createCancel(sent.request), rig.phone.target(), { onFinal: (r) => cancelFinals.push(r) });
    rig.clock.advance(0);
    assert.equal(single(cancelFinals).status, 200);
    assert.deepEqual(finals.map((r) => r.status), [100, 487]);
    assert.equal(rig.calls[0]?.state, 'confirmed');
    rig.dispose();
  });

  it('OPTIONS inside a dialog is answered with the capabilities', () => {
    const rig = uasRig();
    const { dialog } = confirmedCall(rig);
    const r = single(ask(rig, dialog.createRequest('OPTIONS')));
    assert.equal(r.status, 200);
    assert.ok(r.headers.has('Allow'));
    rig.dispose();
  });
});

describe('UAS core: source policy', () => {
  it('trust_ctrl on: a request from an untrusted source gets no response at all — not even 100 Trying to an INVITE', () => {
    const rig = uasRig({ trustCtrl: true });
    const options = callerRequest('OPTIONS');
    options.headers.prepend('Via', `SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK${createTag()}`);
    void rig.stranger.send(options, rig.phone.target());
    const invite = callerInvite();
    invite.headers.prepend('Via', `SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK${createTag()}`);
    // Sent three times, as a UDP client retransmits it.
    for (let i = 0; i < 3; i++) void rig.stranger.send(invite, rig.phone.target());
    rig.clock.advance(1_000);
    assert.equal(rig.phoneLayer.counts.server, 2, 'the dropped requests absorb their retransmissions for a while');
    rig.clock.advance(39_000);
    assert.equal(rig.phoneLayer.counts.server, 0, 'and are forgotten after 64*T1: a flood cannot grow memory');
    assert.equal(rig.fromPhone().length, 0);
    assert.equal(rig.calls.length, 0);
    assert.equal(rig.log.filter((l) => l.includes('sip.trust_ctrl')).length, 2, 'each new request logged once');
    assert.match(rig.log[0] ?? '', /dropped OPTIONS from udp:203\.0\.113\.9:5060/);
    rig.dispose();
  });

  it('trust_ctrl on: our server is still served', () => {
    const rig = uasRig({ trustCtrl: true });
    const options = callerRequest('OPTIONS');
    options.headers.prepend('Via', `SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK${createTag()}`);
    void rig.server.send(options, rig.phone.target());
    rig.clock.advance(0);
    assert.deepEqual(rig.statusesFromPhone(rig.server), [200]);
    rig.dispose();
  });

  it('direct IP calls off: an INVITE not from our server → 403 "Direct IP calls disabled"; from the server it rings', () => {
    const rig = uasRig({ allowDirectIp: false });
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    const r = inv.finals[0];
    assert.equal(r?.status, 403);
    assert.equal(r?.reason, 'Direct IP calls disabled');
    assert.equal(rig.calls.length, 0);
    // Other requests from the same peer are still served.
    assert.equal(single(ask(rig, callerRequest('OPTIONS'))).status, 200);

    const viaServer = callerInvite();
    viaServer.headers.prepend('Via', `SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK${createTag()}`);
    void rig.server.send(viaServer, rig.phone.target());
    rig.clock.advance(0);
    assert.deepEqual(rig.statusesFromPhone(rig.server), [180]);
    assert.equal(rig.calls.length, 1);
    rig.dispose();
  });
});

describe('UAS core: stray responses', () => {
  it('a 2xx retransmitted after the INVITE transaction ended is ACKed again with the same ACK (§13.2.2.4)', () => {
    const rig = uasRig();
    // The phone calls the caller this time: the caller's layer answers 200 with a To tag and Contact.
    let okSent: SipResponse | undefined;
    rig.callerLayer.onRequest((tx, incoming) => {
      okSent = createResponse(incoming.message, 200, undefined, {
        toTag: 'callee-tag',
        headers: [['Contact', `<sip:alice@${CALLER.host}:${CALLER.port}>`]],
      });
      tx.respond(okSent);
    });
    const invite = createRequest({
      method: 'INVITE',
      uri: sipUri({ user: 'alice', host: CALLER.host }),
      from: new NameAddr({ uri: sipUri({ user: 'phone', host: 'example.com' }) }).withTag(createTag()),
      to: new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }) }),
      callId: `out-${createTag()}`,
      cseq: 7,
      contact: [new NameAddr({ uri: sipUri({ user: 'phone', host: PHONE.host, port: PHONE.port }) })],
    });
    const finals: SipResponse[] = [];
    const sent = rig.phoneLayer.sendRequest(invite, rig.caller.target(), { onFinal: (r) => finals.push(r) });
    rig.clock.advance(0);
    const ok = finals[0];
    if (ok === undefined) assert.fail('no 200');
    const dialog = Dialog.asUac(sent.request, ok, { transport: 'udp' });
    rig.core.addDialog(dialog, {});
    const ack = rig.phoneLayer.sendAck(dialog.createRequest('ACK', { cseq: 7 }), rig.caller.target()).ack;
    rig.core.rememberAck(dialog, 7, ack, rig.caller.target());
    rig.clock.advance(0);

    // Past Timer M (64*T1) the client transaction is gone; the peer's 2xx is now a stray response.
    rig.clock.advance(40_000);
    assert.equal(rig.phoneLayer.counts.client, 0);
    if (okSent === undefined) assert.fail('the callee never answered');
    void rig.caller.send(okSent, rig.phone.target());
    rig.clock.advance(0);
    const acks = rig.fromPhone(rig.caller).filter(isRequestOf('ACK'));
    assert.equal(acks.length, 2);
    assert.equal(getTopVia(acks[1]?.message ?? assert.fail())?.branch, getTopVia(ack)?.branch, 'the same ACK, same branch');
    assert.equal(seqOf(acks[1]?.message ?? assert.fail()), 7);

    // A 2xx for a dialog the phone does not know is dropped.
    const other = createResponse(sent.request, 200, undefined, { toTag: 'someone-else' });
    void rig.caller.send(other, rig.phone.target());
    rig.clock.advance(0);
    assert.equal(rig.fromPhone(rig.caller).filter(isRequestOf('ACK')).length, 2);
    rig.dispose();
  });
});
