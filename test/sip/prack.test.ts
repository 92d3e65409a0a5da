// Reliable provisional responses (RFC 3262): the phone as UAS sends its 1xx
// reliably and waits for PRACKs (§3), as UAC it PRACKs in order (§4), and
// the policy functions both use. Over the fake network on a VirtualClock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../firmware/sip/dialog/index.js';
import { createResponse, createTag, getTokens, sipUri } from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { ServerTransaction } from '../../firmware/sip/transaction/index.js';
import { getRSeq, initialRSeq, parseRAck, rseqVerdict, usesReliableProvisionals } from '../../firmware/sip/ua/prack-policy.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import { ANSWER, branchOf, cseqOf, peerAnswers, recordStates, uacRig } from './uac-harness.js';
import { PHONE, SDP_ANSWER, callerInvite, sendInvite, uasRig } from './uas-harness.js';
import type { CallerCall, UasRig } from './uas-harness.js';

const answer = { contentType: 'application/sdp', bytes: SDP_ANSWER };

function reliable180s(rig: UasRig): { message: SipResponse; sentAt: number }[] {
  return rig
    .fromPhone(rig.caller)
    .flatMap((p) => (p.message.kind === 'response' && p.message.status === 180 ? [{ message: p.message, sentAt: p.sentAt }] : []));
}

/** The caller PRACKs `response` in the early dialog it made (RFC 3262 §4, §7.2); resolves with the PRACK's final status. */
function callerPracks(rig: UasRig, call: CallerCall, response: SipResponse, rack?: string): { statuses: number[] } {
  const dialog = call.dialog ?? Dialog.asUac(call.sent.request, response, { transport: 'udp' });
  call.dialog = dialog;
  const statuses: number[] = [];
  const prack = dialog.createRequest('PRACK', { headers: [['RAck', rack ?? `${getRSeq(response)} ${cseqOf(response).seq} INVITE`]] });
  rig.callerLayer.sendRequest(prack, rig.phone.target(), { onFinal: (r) => statuses.push(r.status) });
  return { statuses };
}

describe('RFC 3262 policy', () => {
  it('reliability: a Require: 100rel always, a Supported: 100rel only when the phone prefers it', () => {
    const required = callerInvite({ headers: [['Require', '100rel']] });
    const supported = callerInvite({ headers: [['Supported', 'timer, 100rel']] });
    const neither = callerInvite();
    assert.equal(usesReliableProvisionals(required, false), true);
    assert.equal(usesReliableProvisionals(supported, false), false);
    assert.equal(usesReliableProvisionals(supported, true), true);
    assert.equal(usesReliableProvisionals(neither, true), false);
  });

  it('§4 ordering: the first is acknowledged, then only the next RSeq; repeats are duplicates, gaps out of order', () => {
    assert.equal(rseqVerdict(undefined, 9000), 'acknowledge');
    assert.equal(rseqVerdict(9000, 9001), 'acknowledge');
    assert.equal(rseqVerdict(9001, 9001), 'duplicate');
    assert.equal(rseqVerdict(9001, 8000), 'duplicate');
    assert.equal(rseqVerdict(9001, 9003), 'out-of-order');
  });

  it('§3 RSeq starts in 1 … 2**31-1 (with room to count up); §7.2 RAck has three parts', () => {
    assert.equal(initialRSeq(0), 1);
    const top = initialRSeq(0.999999999);
    assert.ok(top > 2 ** 30 && top + 1000 < 2 ** 31 - 1, `${top}`);
    assert.deepEqual(parseRAck('776656 1 INVITE'), { rseq: 776656, cseq: 1, method: 'INVITE' });
    assert.equal(parseRAck('776656 INVITE'), undefined);
    assert.equal(parseRAck('0 1 INVITE'), undefined, 'response-num 0 is out of range');
  });
});

describe('RFC 3262 §3: the phone sends its provisional responses reliably', () => {
  it('Require: 100rel is served (no 420): the 180 carries Require: 100rel and an RSeq', () => {
    const rig = uasRig();
    sendInvite(rig, callerInvite({ headers: [['Require', '100rel']] }));
    rig.clock.advance(0);
    assert.equal(rig.calls.length, 1, 'the call was offered, not refused with 420');
    const [first] = reliable180s(rig);
    assert.ok(first !== undefined);
    assert.ok(getTokens(first.message, 'Require').includes('100rel'));
    const rseq = getRSeq(first.message);
    assert.ok(rseq !== undefined && rseq >= 1 && rseq <= 2 ** 31 - 1);
    assert.equal(rig.calls[0]?.reliableProvisionals, true);
    rig.dispose();
  });

  it('retransmits at T1 doubling without the T2 cap, and answers the INVITE 500 after 64*T1 without a PRACK', () => {
    const rig = uasRig();
    const call = sendInvite(rig, callerInvite({ headers: [['Require', '100rel']] }));
    rig.clock.advance(0);
    rig.clock.advance(32_000);
    const times = reliable180s(rig).map((r) => r.sentAt);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    assert.deepEqual(gaps, [500, 1000, 2000, 4000, 8000, 16_000], '§3: "doubles for each retransmission", past T2 = 4 s');
    assert.equal(new Set(reliable180s(rig).map((r) => getRSeq(r.message))).size, 1, 'retransmissions are the same response');
    rig.clock.advance(0);
    assert.deepEqual(call.finals.map((r) => r.status), [500]);
    assert.equal(rig.calls[0]?.state, 'failed');
    rig.dispose();
  });

  it('a matching PRACK gets 200 and stops the retransmissions; one naming another RSeq gets 481', () => {
    const rig = uasRig();
    const call = sendInvite(rig, callerInvite({ headers: [['Require', '100rel']] }));
    rig.clock.advance(0);
    const [first] = reliable180s(rig);
    assert.ok(first !== undefined);
    const rseq = getRSeq(first.message) ?? 0;
    const wrong = callerPracks(rig, call, first.message, `${rseq + 5} 101 INVITE`);
    rig.clock.advance(0);
    assert.deepEqual(wrong.statuses, [481], '§3: no matching unacknowledged response → 481');
    const right = callerPracks(rig, call, first.message);
    rig.clock.advance(0);
    assert.deepEqual(right.statuses, [200]);
    const sentBefore = reliable180s(rig).length;
    rig.clock.advance(10_000);
    assert.equal(reliable180s(rig).length, sentBefore, 'no retransmission after the PRACK');
    assert.equal(rig.calls[0]?.state, 'ringing');
    rig.dispose();
  });

  it('the 2xx waits for the PRACK of the pending reliable 180, then goes out and the call is answered', () => {
    const rig = uasRig();
    const call = sendInvite(rig, callerInvite({ headers: [['Require', '100rel']] }), { autoAck: true });
    rig.clock.advance(0);
    rig.calls[0]?.accept(answer);
    rig.clock.advance(2_000);
    assert.equal(call.finals.length, 0, 'no 2xx before the PRACK (§3)');
    const [first] = reliable180s(rig);
    assert.ok(first !== undefined);
    const prack = callerPracks(rig, call, first.message);
    rig.clock.advance(0);
    rig.clock.advance(0);
    assert.deepEqual(prack.statuses, [200]);
    assert.deepEqual(call.finals.map((r) => r.status), [200]);
    rig.clock.advance(0);
    assert.equal(rig.calls[0]?.state, 'confirmed');
    const statuses = rig.statusesFromPhone(rig.caller);
    assert.ok(statuses.lastIndexOf(180) < statuses.indexOf(200), 'no 180 after the 2xx');
    rig.dispose();
  });

  it('a second provisional waits for the first one’s PRACK and carries the next RSeq', () => {
    const rig = uasRig();
    const call = sendInvite(rig, callerInvite({ headers: [['Require', '100rel']] }));
    rig.clock.advance(0);
    rig.calls[0]?.provisional(183, { body: answer });
    rig.clock.advance(1_000);
    const early = (): SipResponse[] => rig.fromPhone(rig.caller).flatMap((p) => (p.message.kind === 'response' && p.message.status === 183 ? [p.message] : []));
    assert.equal(early().length, 0, '§3: "MUST NOT send a second reliable provisional response until the first is acknowledged"');
    const [first] = reliable180s(rig);
    assert.ok(first !== undefined);
    callerPracks(rig, call, first.message);
    rig.clock.advance(0);
    const [second] = early();
    assert.ok(second !== undefined);
    assert.equal(getRSeq(second), (getRSeq(first.message) ?? 0) + 1, '"greater by exactly one"');
    rig.dispose();
  });

  it('Supported: 100rel alone: unreliable unless the core prefers reliable provisionals', () => {
    for (const prefer of [false, true]) {
      const rig = prefer ? preferringRig() : uasRig();
      sendInvite(rig, callerInvite({ headers: [['Supported', '100rel']] }));
      rig.clock.advance(0);
      const [first] = reliable180s(rig);
      assert.ok(first !== undefined);
      assert.equal(getRSeq(first.message) !== undefined, prefer, `prefer ${prefer}`);
      rig.dispose();
    }
  });

  it('a PRACK with no reliable provisional pending (none was sent) → 481', () => {
    const rig = uasRig();
    const call = sendInvite(rig);
    rig.clock.advance(0);
    const [ringing] = reliable180s(rig);
    assert.ok(ringing !== undefined);
    const prack = callerPracks(rig, call, ringing.message, '1 101 INVITE');
    rig.clock.advance(0);
    assert.deepEqual(prack.statuses, [481]);
    rig.dispose();
  });
});

/** The UAS harness with its core replaced by one that prefers reliable provisionals (the harness passes no such option). */
function preferringRig(): UasRig {
  const rig = uasRig({ noCallHandler: true });
  rig.core.dispose();
  const core = new UserAgentCore({
    layer: rig.phoneLayer,
    clock: rig.clock,
    contact: () => sipUri({ user: 'phone', host: PHONE.host, port: PHONE.port }),
    reliableProvisionals: true,
  });
  core.onIncomingCall((c) => {
    rig.calls.push(c);
    c.ring();
  });
  return {
    ...rig,
    core,
    dispose: () => {
      core.dispose();
      rig.dispose();
    },
  };
}

describe('RFC 3262 §4: the phone PRACKs reliable provisional responses', () => {
  it('a reliable 180 gets one PRACK with RAck naming its RSeq and the INVITE; Supported: 100rel is advertised', async () => {
    const rig = uacRig();
    peerAnswers(rig, { answerAfterMs: 3_000 });
    const call = rig.place({ headers: [['Require', '100rel']] });
    const states = recordStates(call);
    await rig.run(5_000);
    const [invite] = rig.requests(rig.phone, 'INVITE');
    assert.ok(invite !== undefined && getTokens(invite.message, 'Supported').includes('100rel'));
    const ringing = rig.responses(rig.peer, 180)[0]?.message;
    assert.ok(ringing !== undefined);
    const pracks = rig.requests(rig.phone, 'PRACK');
    assert.equal(pracks.length, 1);
    assert.deepEqual(parseRAck(pracks[0]?.message.headers.get('RAck')), { rseq: getRSeq(ringing), cseq: cseqOf(invite.message).seq, method: 'INVITE' });
    assert.equal(cseqOf(pracks[0]?.message ?? invite.message).seq, cseqOf(invite.message).seq + 1, 'next CSeq in the early dialog');
    assert.deepEqual(states, ['calling', 'early', 'confirmed']);
    assert.equal(rig.responses(rig.peer, 180).length, 1, 'the peer stopped retransmitting once PRACKed');
    call.hangup();
    await rig.run(1_000);
    rig.dispose();
  });

  it('a retransmitted reliable 1xx (its PRACK lost) is neither PRACKed again nor processed again', async () => {
    const rig = uacRig();
    peerAnswers(rig, { answerAfterMs: 6_000 });
    let dropped = false;
    rig.net.filter = (p) => {
      if (!dropped && p.message.kind === 'request' && p.message.method === 'PRACK') {
        dropped = true;
        return 'drop';
      }
      return 'deliver';
    };
    const call = rig.place({ headers: [['Require', '100rel']] });
    const states = recordStates(call);
    await rig.run(8_000);
    assert.ok(rig.responses(rig.peer, 180).length >= 2, 'the peer retransmitted its 180');
    const pracks = rig.requests(rig.phone, 'PRACK');
    assert.equal(new Set(pracks.map((p) => branchOf(p.message))).size, 1, 'one PRACK transaction (its own retransmissions only)');
    assert.deepEqual(states, ['calling', 'early', 'confirmed']);
    call.hangup();
    await rig.run(1_000);
    rig.dispose();
  });

  it('out of order: a reliable 1xx skipping an RSeq is not PRACKed nor processed; the missing one then is', async () => {
    const rig = uacRig();
    const far = rig.net.endpoint('192.0.2.40', 5060);
    const farLayer = new TransactionLayer(far, rig.clock);
    const toTag = createTag();
    let inviteTx: ServerTransaction | undefined;
    let invite: SipRequest | undefined;
    farLayer.onRequest((tx, incoming) => {
      if (incoming.message.method === 'INVITE') {
        inviteTx = tx;
        invite = incoming.message;
      } else tx.respond(createResponse(incoming.message, 200));
    });
    const reliable = (status: number, rseq: number, body?: boolean): SipResponse => {
      if (invite === undefined) throw new Error('no INVITE yet');
      return createResponse(invite, status, undefined, {
        toTag,
        headers: [['Contact', '<sip:far@192.0.2.40:5060>'], ['Require', '100rel'], ['RSeq', String(rseq)]],
        body: body === true ? ANSWER : undefined,
      });
    };
    const call = rig.place({ server: () => ({ protocol: 'udp', host: '192.0.2.40', port: 5060 }) });
    const media: string[] = [];
    call.onEarlyMedia(() => media.push('early media'));
    await rig.run(100);
    inviteTx?.respond(reliable(180, 41));
    await rig.run(100);
    inviteTx?.respond(reliable(183, 43, true));
    await rig.run(100);
    assert.deepEqual(rig.requests(rig.phone, 'PRACK').map((p) => parseRAck(p.message.headers.get('RAck'))?.rseq), [41]);
    assert.deepEqual(media, [], 'the out-of-order 183 was not processed');
    inviteTx?.respond(reliable(183, 42, true));
    await rig.run(100);
    assert.deepEqual(rig.requests(rig.phone, 'PRACK').map((p) => parseRAck(p.message.headers.get('RAck'))?.rseq), [41, 42]);
    assert.deepEqual(media, ['early media']);
    call.hangup();
    await rig.run(33_000);
    farLayer.dispose();
    void far.close();
    rig.dispose();
  });
});
