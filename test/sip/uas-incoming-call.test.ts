// An incoming call end to end over the fake network: the caller is a bare
// TransactionLayer sending real INVITE/ACK/CANCEL/BYE; the phone is the
// TransactionLayer + UserAgentCore + IncomingCall under test (RFC 3261 §13.3,
// §9.2, §15, §12.2.1.1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../firmware/sip/dialog/index.js';
import { createCancel } from '../../firmware/sip/transaction/index.js';
import {
  formatUri,
  getCSeq,
  getContacts,
  getFrom,
  getNameAddrList,
  getTokens,
} from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import type { IncomingCallStateChange } from '../../firmware/sip/ua/incoming-call.js';
import {
  CALLER,
  PHONE,
  SDP_ANSWER,
  SDP_OFFER,
  callerInvite,
  isRequestOf,
  isResponse,
  sendInvite,
  seqOf,
  toTagOf,
  uasRig,
} from './uas-harness.js';
import type { UasRig } from './uas-harness.js';

const dec = new TextDecoder();
const answer = { contentType: 'application/sdp', bytes: SDP_ANSWER };

function firstCall(rig: UasRig): NonNullable<UasRig['calls'][number]> {
  const call = rig.calls[0];
  if (call === undefined) assert.fail('no incoming call was offered');
  return call;
}

function responseAt(list: readonly SipResponse[], i: number): SipResponse {
  const r = list[i];
  if (r === undefined) assert.fail(`no response #${i}`);
  return r;
}

describe('incoming call: offer and ringing', () => {
  it('rings at once: 180 with a To tag, no 100 Trying (the TU answered within 200 ms, §17.2.1)', () => {
    const rig = uasRig();
    const inv = sendInvite(rig);
    rig.clock.advance(1000);
    assert.deepEqual(rig.statusesFromPhone(rig.caller), [180]);
    const ringing = responseAt(inv.provisionals, 0);
    const tag = toTagOf(ringing);
    assert.ok(tag !== undefined && tag.length >= 8, 'the 180 carries our To tag');
    // §12.1.1: the dialog-creating response carries our Contact.
    const contacts = getContacts(ringing);
    assert.ok(contacts !== '*' && contacts[0] !== undefined);
    assert.equal(formatUri(contacts[0].uri), `sip:phone@${PHONE.host}:${PHONE.port}`);

    const call = firstCall(rig);
    assert.equal(call.state, 'ringing');
    assert.equal(call.localTag, tag);
    assert.equal(call.dialog?.state, 'early');
    assert.equal(call.caller.displayName, 'Alice');
    assert.equal(formatUri(call.caller.uri), 'sip:alice@example.com');
    assert.equal(call.caller.asserted, undefined);
    assert.equal(formatUri(call.callee), 'sip:phone@example.com');
    assert.equal(call.offer?.contentType, 'application/sdp');
    assert.equal(dec.decode(call.offer?.bytes), dec.decode(SDP_OFFER));
    rig.dispose();
  });

  it('without a ring() within 200 ms the transaction layer sends 100 Trying', () => {
    const rig = uasRig({ ring: false });
    sendInvite(rig);
    rig.clock.advance(199);
    assert.deepEqual(rig.statusesFromPhone(), []);
    rig.clock.advance(1);
    assert.deepEqual(rig.statusesFromPhone(), [100]);
    firstCall(rig).ring();
    rig.clock.advance(0);
    assert.deepEqual(rig.statusesFromPhone(), [100, 180]);
    rig.dispose();
  });

  it('reads the caller from P-Asserted-Identity too (RFC 3325)', () => {
    const rig = uasRig();
    sendInvite(rig, callerInvite({ headers: [['P-Asserted-Identity', '"Alice Example" <sip:+15551234@example.com;user=phone>']] }));
    rig.clock.advance(0);
    const call = firstCall(rig);
    assert.equal(call.caller.asserted?.displayName, 'Alice Example');
    assert.equal(call.caller.asserted === undefined ? '' : formatUri(call.caller.asserted.uri), 'sip:+15551234@example.com;user=phone');
    rig.dispose();
  });

  it('a retransmitted INVITE gets the 180 again and offers no second call', () => {
    const rig = uasRig();
    // Lose the 180 once: the caller retransmits at T1 and the phone's transaction re-sends the 180.
    let lost = 0;
    rig.net.filter = (p) => (isResponse(180)(p) && lost++ === 0 ? 'drop' : 'deliver');
    const inv = sendInvite(rig);
    rig.clock.advance(600);
    assert.equal(rig.net.packets.filter(isRequestOf('INVITE')).length, 2);
    assert.deepEqual(rig.statusesFromPhone(), [180, 180]);
    assert.equal(inv.provisionals.length, 1);
    assert.equal(rig.calls.length, 1);
    rig.dispose();
  });
});

describe('incoming call: reject and CANCEL', () => {
  it('reject() sends 486 with the same To tag; the caller\'s ACK is absorbed by the transaction', () => {
    const rig = uasRig();
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    const call = firstCall(rig);
    const changes: IncomingCallStateChange[] = [];
    call.onStateChange((c) => changes.push(c));
    call.reject();
    rig.clock.advance(0);
    const final = responseAt(inv.finals, 0);
    assert.equal(final.status, 486);
    assert.equal(toTagOf(final), call.localTag);
    assert.equal(call.state, 'rejected');
    assert.deepEqual(changes, [{ from: 'ringing', to: 'rejected', reason: '486' }]);
    assert.equal(rig.core.dialogs.size, 0, 'the early dialog is gone');
    // The caller's transaction ACKed the 486; the phone's INVITE transaction absorbed it (Confirmed), so no 486 again.
    assert.equal(rig.net.packets.filter(isRequestOf('ACK')).length, 1);
    rig.clock.advance(10_000);
    assert.deepEqual(rig.statusesFromPhone(), [180, 486]);
    assert.equal(rig.phoneLayer.counts.server, 0, 'Timer I ended the transaction');
    rig.dispose();
  });

  it('reject(603, reason) uses the given status and reason phrase', () => {
    const rig = uasRig();
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    firstCall(rig).reject(603, 'Not Now');
    rig.clock.advance(0);
    assert.equal(responseAt(inv.finals, 0).status, 603);
    assert.equal(responseAt(inv.finals, 0).reason, 'Not Now');
    assert.throws(() => firstCall(rig).reject(486), /cannot reject in state rejected/);
    assert.throws(() => firstCall(rig).accept(answer), /cannot accept/);
    rig.dispose();
  });

  it('CANCEL: 200 to the CANCEL (with the INVITE\'s To tag) and 487 to the INVITE; the call is cancelled', () => {
    const rig = uasRig();
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    const call = firstCall(rig);
    const changes: IncomingCallStateChange[] = [];
    call.onStateChange((c) => changes.push(c));
    const cancelFinals: SipResponse[] = [];
    rig.callerLayer.sendRequest(createCancel(inv.sent.request), rig.phone.target(), { onFinal: (r) => cancelFinals.push(r) });
    rig.clock.advance(0);

    const cancelOk = responseAt(cancelFinals, 0);
    assert.equal(cancelOk.status, 200);
    assert.equal(getCSeq(cancelOk)?.method, 'CANCEL');
    assert.equal(toTagOf(cancelOk), call.localTag, '§9.2: the same To tag as the INVITE\'s responses');
    const final = responseAt(inv.finals, 0);
    assert.equal(final.status, 487);
    assert.equal(toTagOf(final), call.localTag);
    assert.equal(call.state, 'cancelled');
    assert.deepEqual(changes, [{ from: 'ringing', to: 'cancelled', reason: 'CANCEL' }]);
    assert.equal(rig.core.dialogs.size, 0);
    // Response order on the wire: 180, then 200 (CANCEL), then 487 (INVITE).
    assert.deepEqual(rig.statusesFromPhone(), [180, 200, 487]);
    rig.dispose();
  });

  it('a CANCEL after the 2xx gets 200 and changes nothing (§9.2)', () => {
    const rig = uasRig();
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    const call = firstCall(rig);
    call.accept(answer);
    rig.callerLayer.sendRequest(createCancel(inv.sent.request), rig.phone.target(), {});
    rig.clock.advance(0);
    assert.equal(call.state, 'accepted');
    assert.deepEqual(rig.statusesFromPhone().slice(0, 3), [180, 200, 200]);
    rig.dispose();
  });
});

describe('incoming call: accept, ACK, 2xx retransmission', () => {
  it('accept(): 200 with Contact, Allow, Supported and the answer; the caller ACKs; confirmed', () => {
    const rig = uasRig();
    const inv = sendInvite(rig, undefined, { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    const changes: string[] = [];
    call.onStateChange((c) => changes.push(`${c.from}→${c.to}`));
    call.accept(answer);
    assert.equal(call.state, 'accepted');
    assert.equal(call.dialog?.state, 'confirmed', '§12.1: a dialog made by a 2xx is confirmed');
    rig.clock.advance(0);
    const ok = responseAt(inv.finals, 0);
    assert.equal(ok.status, 200);
    assert.equal(toTagOf(ok), call.localTag);
    assert.equal(dec.decode(ok.body), dec.decode(SDP_ANSWER));
    assert.equal(ok.headers.get('Content-Type'), 'application/sdp');
    const contacts = getContacts(ok);
    assert.ok(contacts !== '*' && contacts.length === 1);
    assert.ok(getTokens(ok, 'Allow').includes('INVITE'));
    assert.ok(ok.headers.has('Supported'));
    assert.equal(call.state, 'confirmed');
    assert.deepEqual(changes, ['ringing→accepted', 'accepted→confirmed']);
    // Confirmed: no more 2xx copies.
    rig.clock.advance(40_000);
    assert.equal(rig.fromPhone().filter(isResponse(200)).length, 1);
    rig.dispose();
  });

  it('the first ACK is lost: the 2xx comes again at T1, the caller re-ACKs, confirmed', () => {
    const rig = uasRig();
    let acksLost = 0;
    rig.net.filter = (p) => (isRequestOf('ACK')(p) && acksLost++ === 0 ? 'drop' : 'deliver');
    const inv = sendInvite(rig, undefined, { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    const t0 = rig.clock.now();
    call.accept(answer);
    rig.clock.advance(400);
    assert.equal(call.state, 'accepted', 'the ACK was lost');
    rig.clock.advance(100);
    assert.equal(call.state, 'confirmed');
    const copies = rig.fromPhone().filter(isResponse(200)).map((p) => p.sentAt - t0);
    assert.deepEqual(copies, [0, 500]);
    assert.equal(inv.finals.length, 2, 'the caller\'s transaction (Accepted) passed both 2xx up');
    assert.equal(inv.acks.length, 2);
    rig.clock.advance(40_000);
    assert.equal(rig.fromPhone().filter(isResponse(200)).length, 2);
    rig.dispose();
  });

  it('no ACK ever: 2xx at T1 doubling up to T2 (§13.3.1.4), then a BYE at 64*T1 and the call failed', () => {
    const rig = uasRig();
    rig.net.filter = (p) => (isRequestOf('ACK')(p) ? 'drop' : 'deliver');
    sendInvite(rig, undefined, { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    const changes: IncomingCallStateChange[] = [];
    call.onStateChange((c) => changes.push(c));
    const t0 = rig.clock.now();
    call.accept(answer);
    rig.clock.advance(31_999);
    const copies = rig.fromPhone().filter(isResponse(200)).map((p) => p.sentAt - t0);
    assert.deepEqual(copies, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.equal(call.state, 'accepted');
    rig.clock.advance(1);
    const byes = rig.fromPhone().filter(isRequestOf('BYE'));
    assert.equal(byes.length, 1);
    assert.equal(byes[0]?.sentAt, t0 + 32_000);
    assert.equal(call.state, 'failed');
    assert.deepEqual(changes.at(-1), { from: 'accepted', to: 'failed', reason: 'no ACK for the 2xx' });
    rig.dispose();
  });
});

describe('incoming call: BYE', () => {
  it('BYE from the caller after confirm: 200, the call ended, the dialog gone', () => {
    const rig = uasRig();
    const inv = sendInvite(rig, undefined, { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    call.accept(answer);
    rig.clock.advance(0);
    assert.equal(call.state, 'confirmed');
    const dialog = inv.dialog;
    if (dialog === undefined) assert.fail('the caller has no dialog');
    const byeFinals: SipResponse[] = [];
    rig.callerLayer.sendRequest(dialog.createRequest('BYE'), rig.phone.target(), { onFinal: (r) => byeFinals.push(r) });
    rig.clock.advance(0);
    assert.equal(responseAt(byeFinals, 0).status, 200);
    assert.equal(call.state, 'ended');
    assert.equal(rig.core.dialogs.size, 0);
    assert.equal(call.dialog?.state, 'terminated');
    rig.dispose();
  });

  it('BYE on the early dialog (§15.1.2): 200 to the BYE, 487 to the INVITE, the call ended', () => {
    const rig = uasRig();
    const inv = sendInvite(rig);
    rig.clock.advance(0);
    const call = firstCall(rig);
    // The caller's early dialog, from the 180 (§12.1.2).
    const early = Dialog.asUac(inv.sent.request, responseAt(inv.provisionals, 0), { transport: 'udp' });
    assert.equal(early.state, 'early');
    const byeFinals: SipResponse[] = [];
    rig.callerLayer.sendRequest(early.createRequest('BYE'), rig.phone.target(), { onFinal: (r) => byeFinals.push(r) });
    rig.clock.advance(0);
    assert.equal(responseAt(byeFinals, 0).status, 200);
    assert.equal(responseAt(inv.finals, 0).status, 487);
    assert.equal(call.state, 'ended');
    rig.dispose();
  });

  it('hangup() after confirm sends a BYE along the Record-Route set with the right Request-URI, To/From tags and CSeq', () => {
    const rig = uasRig();
    const invite = callerInvite({ recordRoute: [`<sip:${'192.0.2.1'};lr>`, '<sip:edge.example.net;lr;transport=udp>'] });
    const inv = sendInvite(rig, invite, { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    call.accept(answer);
    rig.clock.advance(0);
    assert.equal(call.state, 'confirmed');
    // The 180 and 200 copied the Record-Route (§12.1.1).
    assert.deepEqual(
      getNameAddrList(responseAt(inv.finals, 0), 'Record-Route').map((na) => formatUri(na.uri)),
      ['sip:192.0.2.1;lr', 'sip:edge.example.net;lr;transport=udp'],
    );
    call.hangup();
    assert.equal(call.state, 'ended');
    rig.clock.advance(0);

    // §12.2.1.1, loose routing: the Request-URI is the remote target (the caller's Contact) and the
    // Route is the route set in order (UAS: as in Record-Route); the request goes to the first route.
    const byes = rig.net.packets.filter(isRequestOf('BYE'));
    assert.equal(byes.length, 1);
    const packet = byes[0];
    if (packet === undefined || packet.message.kind !== 'request') assert.fail('no BYE');
    assert.deepEqual(packet.to, { protocol: 'udp', host: '192.0.2.1', port: 5060 });
    const bye: SipRequest = packet.message;
    assert.equal(formatUri(bye.uri), `sip:alice@${CALLER.host}:${CALLER.port}`);
    assert.deepEqual(
      getNameAddrList(bye, 'Route').map((na) => formatUri(na.uri)),
      ['sip:192.0.2.1;lr', 'sip:edge.example.net;lr;transport=udp'],
    );
    assert.equal(getFrom(bye)?.tag, call.localTag);
    assert.equal(toTagOf(bye), getFrom(invite)?.tag);
    assert.equal(bye.headers.get('Call-ID'), invite.headers.get('Call-ID'));
    const cseq = getCSeq(bye);
    assert.equal(cseq?.method, 'BYE');
    assert.equal(cseq?.seq, call.dialog?.localSeq, 'the first local CSeq of the UAS (§12.2.1.1)');
    assert.ok(cseq !== undefined && cseq.seq > 0 && cseq.seq < 2 ** 31);
    assert.equal(rig.core.dialogs.size, 0);
    rig.dispose();
  });

  it('hangup() with a strict router first: Request-URI = that router, the remote target last in Route', () => {
    const rig = uasRig();
    const inv = sendInvite(rig, callerInvite({ recordRoute: ['<sip:192.0.2.1;maddr=192.0.2.1>'] }), { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    call.accept(answer);
    rig.clock.advance(0);
    assert.equal(inv.acks.length, 1);
    call.hangup();
    rig.clock.advance(0);
    const packet = rig.net.packets.find(isRequestOf('BYE'));
    if (packet === undefined || packet.message.kind !== 'request') assert.fail('no BYE');
    assert.equal(formatUri(packet.message.uri), 'sip:192.0.2.1;maddr=192.0.2.1');
    assert.deepEqual(
      getNameAddrList(packet.message, 'Route').map((na) => formatUri(na.uri)),
      [`sip:alice@${CALLER.host}:${CALLER.port}`],
    );
    assert.equal(packet.to.host, '192.0.2.1');
    rig.dispose();
  });

  it('hangup() before the ACK waits for it (§15), then sends the BYE', () => {
    const rig = uasRig();
    let held: (() => void) | undefined;
    // Hold the ACK back until the test releases it.
    let holding = true;
    rig.net.filter = (p) => {
      if (holding && isRequestOf('ACK')(p)) {
        held = () => {
          holding = false;
          void rig.caller.send(p.message, rig.phone.target());
        };
        return 'drop';
      }
      return 'deliver';
    };
    sendInvite(rig, undefined, { autoAck: true });
    rig.clock.advance(0);
    const call = firstCall(rig);
    call.accept(answer);
    rig.clock.advance(100);
    call.hangup();
    rig.clock.advance(100);
    assert.equal(rig.net.packets.filter(isRequestOf('BYE')).length, 0, 'no BYE before the ACK');
    assert.equal(call.state, 'accepted');
    held?.();
    rig.clock.advance(0);
    assert.equal(rig.net.packets.filter(isRequestOf('BYE')).length, 1);
    assert.equal(call.state, 'ended');
    assert.equal(seqOf(rig.net.packets.filter(isRequestOf('ACK'))[0]?.message ?? assert.fail('no ACK')), 101);
    rig.dispose();
  });

  it('hangup() while ringing is refused: reject() is the way', () => {
    const rig = uasRig();
    sendInvite(rig);
    rig.clock.advance(0);
    assert.throws(() => firstCall(rig).hangup(), /use reject\(\)/);
    rig.dispose();
  });
});
