// A call the phone places, end to end over the fake network (RFC 3261
// §13.2, §9.1, §15): the phone's UserAgentCore + OutgoingCall against a
// peer running the same stack as the callee (IncomingCall), or a bare
// TransactionLayer where the test needs a peer no real UA would be.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createResponse,
  formatUri,
  getContacts,
  getFrom,
  getNameAddrList,
  getTo,
  getTokens,
} from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { ServerTransaction } from '../../firmware/sip/transaction/index.js';
import {
  ANSWER,
  OFFER,
  PEER,
  PROXY,
  branchOf,
  cseqOf,
  peerAnswers,
  recordStates,
  text,
  uacRig,
} from './uac-harness.js';
import type { UacRig } from './uac-harness.js';

function only<T>(list: readonly T[], what: string): T {
  assert.equal(list.length, 1, `exactly one ${what}`);
  const item = list[0];
  if (item === undefined) assert.fail(`no ${what}`);
  return item;
}

function peerCall(rig: UacRig): NonNullable<UacRig['peer']['incoming'][number]> {
  const call = rig.peer.incoming[0];
  if (call === undefined) assert.fail('the peer was offered no call');
  return call;
}

describe('outgoing call: answered', () => {
  it('INVITE → 100 → 180 → 200 → ACK to the Contact; BYE from us → 200 → ended', async () => {
    const rig = uacRig();
    peerAnswers(rig, { ringAfterMs: 300, answerAfterMs: 2000 });
    const call = rig.place();
    const states = recordStates(call);
    const answers: (string | undefined)[] = [];
    call.onAnswer((a) => answers.push(text(a)));
    await rig.run(5000);

    assert.deepEqual(states, ['calling', 'proceeding', 'early', 'confirmed']);
    assert.deepEqual(
      rig.responses(rig.peer).map((p) => p.message.status),
      [100, 180, 200],
      'the peer answered the INVITE with 100 (its TU silent for 200 ms), 180, 200',
    );

    // The INVITE (§8.1.1, §13.2.1).
    const invite = only(rig.requests(rig.phone, 'INVITE'), 'INVITE').message;
    assert.equal(formatUri(invite.uri), 'sip:bob@example.com', 'Request-URI = the target');
    assert.equal(getTo(invite)?.tag, undefined);
    assert.equal(formatUri(getTo(invite)?.uri ?? invite.uri), 'sip:bob@example.com');
    const from = getFrom(invite);
    assert.equal(from === undefined ? '' : formatUri(from.uri), 'sip:alice@example.com', 'From = our AOR');
    assert.ok((from?.tag ?? '').length >= 8, 'From carries a tag (§8.1.1.3)');
    const contacts = getContacts(invite);
    assert.ok(contacts !== '*' && contacts.length === 1 && formatUri(contacts[0]?.uri ?? invite.uri) === 'sip:alice@192.0.2.10:5060');
    assert.ok(getTokens(invite, 'Allow').includes('INVITE') && getTokens(invite, 'Allow').includes('BYE'));
    assert.ok(invite.headers.has('Supported'));
    assert.equal(invite.headers.get('User-Agent'), 'deskphone/test');
    assert.equal(invite.headers.get('Content-Type'), 'application/sdp');
    assert.equal(text(invite.body), text(OFFER));

    // The ACK for the 2xx: in the dialog, to the peer's Contact, the INVITE's CSeq number (§13.2.2.4).
    const ok = only(rig.responses(rig.peer, 200), '200').message;
    const ackPacket = only(rig.requests(rig.phone, 'ACK'), 'ACK');
    const ack = ackPacket.message;
    assert.equal(formatUri(ack.uri), 'sip:bob@192.0.2.30:5060', 'Request-URI = the remote target (the 2xx Contact)');
    assert.deepEqual([ackPacket.to.host, ackPacket.to.port], [PEER.host, PEER.port]);
    assert.deepEqual(cseqOf(ack), { seq: cseqOf(invite).seq, method: 'ACK' });
    assert.equal(getTo(ack)?.tag, getTo(ok)?.tag);
    assert.equal(getFrom(ack)?.tag, from?.tag);
    assert.notEqual(branchOf(ack), branchOf(invite), 'the ACK for a 2xx is a transaction of its own');

    assert.equal(call.dialog?.state, 'confirmed');
    assert.equal(rig.phone.core.dialogs.size, 1, 'the confirmed dialog is in the core registry');
    assert.equal(call.dialog?.key, rig.phone.core.dialogs.dialogs()[0]?.key);
    assert.equal(peerCall(rig).state, 'confirmed', "the peer's 2xx retransmissions stopped at our ACK");
    assert.deepEqual(answers, [text(ANSWER)]);

    call.hangup();
    await rig.run(1000);
    const bye = only(rig.requests(rig.phone, 'BYE'), 'BYE').message;
    assert.equal(formatUri(bye.uri), 'sip:bob@192.0.2.30:5060');
    assert.deepEqual(cseqOf(bye), { seq: cseqOf(invite).seq + 1, method: 'BYE' });
    assert.equal(call.state, 'ended');
    assert.equal(peerCall(rig).state, 'ended');
    assert.equal(rig.responses(rig.peer, 200).length, 2, '200 to the INVITE, 200 to the BYE');
    assert.equal(rig.phone.core.dialogs.size, 0);
    rig.dispose();
  });

  it("the peer's BYE is answered 200 by the core and ends the call", async () => {
    const rig = uacRig();
    peerAnswers(rig, { answerAfterMs: 100 });
    const call = rig.place();
    await rig.run(1000);
    assert.equal(call.state, 'confirmed');
    const changes: string[] = [];
    call.onStateChange((c) => changes.push(`${c.from}→${c.to} (${c.reason})`));
    peerCall(rig).hangup();
    await rig.run(1000);
    assert.deepEqual(changes, ['confirmed→ended (BYE)']);
    const bye = only(rig.requests(rig.peer, 'BYE'), 'BYE').message;
    assert.equal(formatUri(bye.uri), 'sip:alice@192.0.2.10:5060', "the peer's BYE goes to our Contact");
    assert.equal(rig.responses(rig.phone, 200).length, 1, 'our 200 to the BYE');
    assert.equal(rig.phone.core.dialogs.size, 0);
    rig.dispose();
  });

  it('an answer in a 183 is early media; the 2xx answer confirms it', async () => {
    const rig = uacRig();
    rig.peer.core.onIncomingCall((c) => {
      rig.peer.incoming.push(c);
      c.provisional(183, { body: ANSWER });
      rig.clock.setTimer(3000, () => c.accept(ANSWER));
    });
    const call = rig.place();
    const states = recordStates(call);
    const early: (string | undefined)[] = [];
    call.onEarlyMedia((m) => early.push(text(m)));
    await rig.run(1000);
    assert.deepEqual(states, ['calling', 'early']);
    assert.deepEqual(early, [text(ANSWER)]);
    assert.equal(call.lastProvisional, 183);
    assert.equal(rig.phone.core.dialogs.size, 1, 'the early dialog is registered');
    await rig.run(3000);
    assert.equal(call.state, 'confirmed');
    assert.equal(text(call.answer), text(ANSWER));
    assert.equal(rig.phone.core.dialogs.size, 1, 'the early dialog became the confirmed one');
    rig.dispose();
  });
});

describe('outgoing call: rejected and unreachable', () => {
  it('486 → failed with its status; the INVITE transaction ACKs it (same branch)', async () => {
    const rig = uacRig();
    rig.peer.core.onIncomingCall((c) => {
      c.ring();
      c.reject(486);
    });
    const call = rig.place();
    const states = recordStates(call);
    await rig.run(2000);
    assert.deepEqual(states, ['calling', 'early', 'failed']);
    assert.equal(call.failure?.status, 486);
    assert.equal(call.failure?.reason, 'Busy Here');
    const invite = only(rig.requests(rig.phone, 'INVITE'), 'INVITE').message;
    const ack = only(rig.requests(rig.phone, 'ACK'), 'ACK').message;
    assert.equal(branchOf(ack), branchOf(invite), '§17.1.1.3: the ACK for a non-2xx has the INVITE branch');
    assert.deepEqual(cseqOf(ack), { seq: cseqOf(invite).seq, method: 'ACK' });
    assert.equal(rig.phone.core.dialogs.size, 0, 'the early dialog ended with the 486');
    rig.dispose();
  });

  it('no response at all → 408 when Timer B fires (64*T1)', async () => {
    const rig = uacRig();
    const call = rig.place({ server: () => ({ protocol: 'udp', host: '192.0.2.99', port: 5060 }) });
    await rig.run(31_000);
    assert.equal(call.state, 'calling');
    await rig.run(1_100);
    assert.equal(call.state, 'failed');
    assert.equal(call.failure?.status, 408);
    rig.dispose();
  });

  it('a transport error (connection refused) → 503', async () => {
    const rig = uacRig();
    const call = rig.place({ server: () => ({ protocol: 'tcp', host: '192.0.2.99', port: 5060 }) });
    await rig.run(100);
    assert.equal(call.state, 'failed');
    assert.equal(call.failure?.status, 503);
    rig.dispose();
  });

  it('a server that cannot be resolved → 503, nothing sent', async () => {
    const rig = uacRig();
    const call = rig.place({ server: () => Promise.resolve(undefined) });
    await rig.run(100);
    assert.equal(call.failure?.status, 503);
    assert.equal(rig.requests(rig.phone).length, 0);
    rig.dispose();
  });
});

describe('outgoing call: hangup before the answer (CANCEL, §9.1)', () => {
  it('during ringing: CANCEL with the INVITE branch after the 180 → 487 → cancelled', async () => {
    const rig = uacRig();
    peerAnswers(rig);
    const call = rig.place();
    const states = recordStates(call);
    await rig.run(1000);
    assert.equal(call.state, 'early');
    call.hangup();
    await rig.run(1000);
    const invite = only(rig.requests(rig.phone, 'INVITE'), 'INVITE').message;
    const cancel = only(rig.requests(rig.phone, 'CANCEL'), 'CANCEL');
    assert.equal(branchOf(cancel.message), branchOf(invite), 'same branch as the INVITE (§9.1)');
    assert.deepEqual(cseqOf(cancel.message), { seq: cseqOf(invite).seq, method: 'CANCEL' });
    const ringing = only(rig.responses(rig.peer, 180), '180');
    assert.ok(cancel.seq > ringing.seq, 'the CANCEL follows the 180');
    assert.deepEqual(states, ['calling', 'early', 'cancelling', 'cancelled']);
    assert.equal(call.failure?.status, 487);
    assert.equal(peerCall(rig).state, 'cancelled');
    assert.equal(rig.requests(rig.phone, 'ACK').length, 1, 'the 487 is ACKed by the transaction');
    assert.equal(rig.phone.core.dialogs.size, 0);
    rig.dispose();
  });

  it('before any provisional: the CANCEL waits for the 100 Trying', async () => {
    const rig = uacRig();
    rig.peer.core.onIncomingCall((c) => rig.peer.incoming.push(c)); // silent: the transaction sends 100 after 200 ms
    const call = rig.place();
    await rig.run(0);
    assert.equal(rig.requests(rig.phone, 'INVITE').length, 1);
    call.hangup();
    assert.equal(call.state, 'cancelling');
    await rig.run(150);
    assert.equal(rig.requests(rig.phone, 'CANCEL').length, 0, 'no CANCEL before a provisional (§9.1 MUST NOT)');
    await rig.run(1000);
    const trying = only(rig.responses(rig.peer, 100), '100');
    const cancel = only(rig.requests(rig.phone, 'CANCEL'), 'CANCEL');
    assert.equal(trying.sentAt, 200);
    assert.equal(cancel.sentAt, trying.sentAt, 'sent as soon as the 100 arrived');
    assert.equal(call.state, 'cancelled');
    assert.equal(peerCall(rig).state, 'cancelled');
    rig.dispose();
  });

  it('before the INVITE even left: nothing is sent', async () => {
    const rig = uacRig();
    const call = rig.place();
    call.hangup();
    await rig.run(1000);
    assert.equal(call.state, 'cancelled');
    assert.equal(rig.requests(rig.phone).length, 0);
    rig.dispose();
  });

  it('a 200 racing the CANCEL is ACKed, then the call is ended with a BYE', async () => {
    const rig = uacRig();
    peerAnswers(rig);
    const call = rig.place();
    const states = recordStates(call);
    await rig.run(1000);
    call.hangup(); // CANCEL on its way …
    peerCall(rig).accept(ANSWER); // … while the peer answers.
    await rig.run(2000);
    assert.deepEqual(states, ['calling', 'early', 'cancelling', 'ended']);
    const sent = rig.requests(rig.phone).map((p) => p.message.method);
    assert.deepEqual(sent, ['INVITE', 'CANCEL', 'ACK', 'BYE']);
    const ack = only(rig.requests(rig.phone, 'ACK'), 'ACK').message;
    const bye = only(rig.requests(rig.phone, 'BYE'), 'BYE').message;
    assert.equal(formatUri(ack.uri), 'sip:bob@192.0.2.30:5060');
    assert.equal(getTo(bye)?.tag, getTo(ack)?.tag);
    assert.equal(peerCall(rig).state, 'ended', 'the peer saw ACK then BYE');
    assert.equal(rig.phone.core.dialogs.size, 0);
    rig.dispose();
  });
});

describe('outgoing call: 2xx retransmissions and forks (§13.2.2.4)', () => {
  it('a retransmitted 2xx is ACKed again (our first ACK was lost)', async () => {
    const rig = uacRig();
    peerAnswers(rig, { answerAfterMs: 100 });
    let dropped = 0;
    rig.net.filter = (p) => (p.message.kind === 'request' && p.message.method === 'ACK' && dropped++ === 0 ? 'drop' : 'deliver');
    const call = rig.place();
    await rig.run(3000);
    assert.equal(call.state, 'confirmed');
    const oks = rig.responses(rig.peer, 200);
    assert.equal(oks.length, 2, 'the peer retransmitted its 200 once, T1 later');
    assert.equal((oks[1]?.sentAt ?? 0) - (oks[0]?.sentAt ?? 0), 500);
    const acks = rig.requests(rig.phone, 'ACK');
    assert.equal(acks.length, 2);
    const [first, again] = acks;
    assert.ok(first !== undefined && again !== undefined);
    assert.equal(branchOf(again.message), branchOf(first.message), 'the same ACK again');
    assert.deepEqual(again.bytes, first.bytes);
    assert.equal(again.sentAt, oks[1]?.sentAt, 'sent as the retransmitted 2xx arrived');
    assert.equal(peerCall(rig).state, 'confirmed');
    rig.dispose();
  });

  it('a 2xx from a second fork is ACKed and ended with a BYE; the first dialog stays', async () => {
    const rig = uacRig();
    // A raw peer: two 200s with different To tags, as a forking proxy would pass them on.
    const rawEnd = rig.net.endpoint('192.0.2.40', 5060);
    const raw = new TransactionLayer(rawEnd, rig.clock);
    const byes: SipRequest[] = [];
    raw.onRequest((tx: ServerTransaction) => {
      const req = tx.request;
      if (req.method === 'BYE') {
        byes.push(req);
        tx.respond(createResponse(req, 200));
        return;
      }
      for (const tag of ['fork-a', 'fork-b']) {
        tx.respond(
          createResponse(req, 200, undefined, {
            toTag: tag,
            headers: [['Contact', `<sip:${tag}@192.0.2.40:5060>`]],
            body: ANSWER,
          }),
        );
      }
    });
    const call = rig.place({ server: () => ({ protocol: 'udp', host: '192.0.2.40', port: 5060 }) });
    await rig.run(1000);
    assert.equal(call.state, 'confirmed');
    const acks = rig.requests(rig.phone, 'ACK').map((p) => [getTo(p.message)?.tag, formatUri(p.message.uri)]);
    assert.deepEqual(acks, [
      ['fork-a', 'sip:fork-a@192.0.2.40:5060'],
      ['fork-b', 'sip:fork-b@192.0.2.40:5060'],
    ]);
    const bye = only(byes, 'BYE');
    assert.equal(getTo(bye)?.tag, 'fork-b');
    assert.equal(formatUri(bye.uri), 'sip:fork-b@192.0.2.40:5060');
    assert.equal(call.dialog?.id.remoteTag, 'fork-a');
    assert.equal(call.dialog?.state, 'confirmed');
    raw.dispose();
    void rawEnd.close();
    rig.dispose();
  });
});

describe('outgoing call through a Record-Routing proxy', () => {
  it('the route set from Record-Route is honoured by the ACK and the BYE', async () => {
    const rig = uacRig({ proxy: true });
    peerAnswers(rig, { answerAfterMs: 100 });
    const call = rig.place();
    await rig.run(1000);
    assert.equal(call.state, 'confirmed');
    const invite = only(rig.requests(rig.phone, 'INVITE'), 'INVITE');
    assert.deepEqual([invite.to.host, invite.to.port], [PROXY.host, PROXY.port], 'the INVITE went to our proxy');
    assert.deepEqual(
      call.dialog?.routeSet.map((u) => formatUri(u)),
      ['sip:192.0.2.1:5060;lr'],
    );
    const check = (method: string): void => {
      const p = only(rig.requests(rig.phone, method), method);
      assert.equal(formatUri(p.message.uri), 'sip:bob@192.0.2.30:5060', `${method}: Request-URI = the remote Contact (loose routing)`);
      assert.deepEqual(
        getNameAddrList(p.message, 'Route').map((na) => formatUri(na.uri)),
        ['sip:192.0.2.1:5060;lr'],
        `${method}: Route = the route set`,
      );
      assert.deepEqual([p.to.host, p.to.port], [PROXY.host, PROXY.port], `${method} sent to the first route`);
    };
    check('ACK');
    assert.equal(peerCall(rig).state, 'confirmed', 'the relayed ACK reached the peer');
    call.hangup();
    await rig.run(1000);
    check('BYE');
    assert.equal(peerCall(rig).state, 'ended');
    assert.equal(call.state, 'ended');
    rig.dispose();
  });
});

describe('outgoing call: in-dialog requests from the peer', () => {
  it('reach the call owner (INFO through setInDialogHandler); unhandled ones get the core default', async () => {
    const rig = uacRig();
    peerAnswers(rig, { answerAfterMs: 100 });
    const call = rig.place();
    await rig.run(1000);
    const seen: string[] = [];
    call.setInDialogHandler((request) => {
      if (request.method !== 'INFO') return false;
      seen.push(text(request.request.body) ?? '');
      request.respond(200);
      return true;
    });
    const peerDialog = peerCall(rig).dialog;
    if (peerDialog === undefined) assert.fail('no peer dialog');
    const sendFromPeer = (method: string, body?: string): void => {
      const dtmf = body === undefined ? {} : { body: { contentType: 'application/dtmf-relay', bytes: new TextEncoder().encode(body) } };
      void rig.peer.core.sendRequest(peerDialog.createRequest(method, dtmf));
    };
    sendFromPeer('INFO', 'Signal=5');
    sendFromPeer('UPDATE');
    await rig.run(1000);
    assert.deepEqual(seen, ['Signal=5']);
    assert.deepEqual(
      rig.responses(rig.phone).map((p) => [cseqOf(p.message).method, p.message.status]),
      [
        ['INFO', 200],
        ['UPDATE', 501],
      ],
    );
    rig.dispose();
  });
});
