/**
 * A second caller while the phone is in a call, through a real Kamailio:
 * call waiting (the new caller gets 180 and rings on the second line;
 * answering holds the first call with a sendonly re-INVITE, RFC 3264 §8.4;
 * swap moves the hold from one line to the other; hangup ends the call in
 * focus), and with call_waiting.enable = 0 the second caller is refused 486
 * Busy Here, or redirected 302 to forward.busy.target.
 * The first call goes to a baresip that answers by itself; the second caller
 * is SIPp (test/sipp/uac-call-waiting.xml, uac-refused.xml), which checks
 * the offers it gets; the rest is checked in the messages Kamailio received
 * (test/pbx/wire-log.ts).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Kamailio } from '../pbx/kamailio.js';
import { describeSipp, type SippResult } from '../sipp/sipp.js';
import { bodyText, wireMessages, wireResponses } from '../pbx/wire-log.js';
import {
  answeringPeer,
  callAnsweringPeer,
  initialInvitesTo,
  receivedStatuses,
  registeredPhone,
  reinvitesOf,
  sippCaller,
  suitePbx,
  waitCalls,
  waitLcd,
  wireSummary,
} from './call-bench.js';

/** The Call-ID of the SIPp caller's INVITE to `user` (its From is at elsewhere.invalid). */
function callerCallId(pbx: Kamailio, user: string): string | undefined {
  return initialInvitesTo(pbx, user)
    .find((w) => (w.message.headers.get('From') ?? '').includes('@elsewhere.invalid'))
    ?.message.headers.get('Call-ID');
}

/** Where in the wire log the first message matching `ok` is (-1: nowhere). */
function wireIndex(pbx: Kamailio, ok: (text: string, callId: string | undefined) => boolean): number {
  return wireMessages(pbx.log()).findIndex((w) => ok(w.text, w.message.headers.get('Call-ID')));
}

/**
 * The phone (`user`, with `extra` .cfg lines) is in a call with a baresip
 * (`peerUser`) when a SIPp caller (uac-refused.xml) calls it: the caller is
 * turned away and the call in progress goes on; hung up at the end.
 */
async function secondCallerRefused(t: TestContext, pbx: Kamailio, user: string, peerUser: string, extra: readonly string[]): Promise<{ result: SippResult; callId: string | undefined }> {
  const phone = await registeredPhone(t, pbx, user, extra);
  const peer = await answeringPeer(t, pbx, peerUser);
  await callAnsweringPeer(phone, pbx, peerUser, peer);
  const caller = await sippCaller(pbx, user, 'uac-refused');
  t.after(() => caller.stop());
  const result = await caller.done;
  assert.ok(result.ok, describeSipp(result));
  const calls = await waitCalls(phone, 'the first call alone', (c) => c.length === 1);
  assert.equal(calls[0]?.state, 'connected', 'the call in progress goes on');
  assert.equal((await phone.console.command('hangup')).status, 'OK');
  await peer.waitForEvent('CALL_CLOSED', 5000);
  return { result, callId: callerCallId(pbx, user) };
}

/** The phone's final response of `status` to the call `callId`, as it passed the proxy. */
function phoneResponse(pbx: Kamailio, callId: string | undefined, status: number): ReturnType<typeof wireResponses>[number] | undefined {
  return wireResponses(pbx.log(), 'INVITE').find((w) => w.message.kind === 'response' && w.message.status === status && w.message.headers.get('Call-ID') === callId);
}

describe('call waiting through a real Kamailio', { timeout: 120_000 }, () => {
  const bench = suitePbx();

  it('a second caller gets 180 and rings; answer holds the first call (sendonly) before the 200; swap moves the hold both ways; hangup BYEs the call in focus', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'alice');
    const bob = await answeringPeer(t, pbx, 'bob');
    const bobCallId = await callAnsweringPeer(phone, pbx, 'bob', bob);

    const caller = await sippCaller(pbx, 'alice', 'uac-call-waiting', { caller: 'dave', timeoutMs: 40_000 });
    t.after(() => caller.stop());
    const ringing = await waitCalls(phone, 'the second call rings', (c) => c.length === 2 && c[1]?.state === 'ringing');
    assert.equal(ringing[0]?.state, 'connected', 'the first call stays up while the second rings');
    assert.equal(ringing[1]?.direction, 'incoming');
    assert.match(ringing[1]?.remote ?? '', /^sip:dave@elsewhere\.invalid/);
    assert.match(await waitLcd(phone, /dave/), /dave/, 'the LCD shows the waiting caller');
    const daveCallId = callerCallId(pbx, 'alice');
    assert.ok(daveCallId !== undefined, `the caller's INVITE went through the proxy:\n${wireSummary(pbx)}`);
    assert.ok(phoneResponse(pbx, daveCallId, 180), 'the phone answered the waiting call 180 Ringing');

    // Answer: flow 2's F9 on the first line, then the 200 on the second.
    assert.equal((await phone.console.command('answer')).status, 'OK');
    const answered = await waitCalls(phone, 'first held, second connected', (c) => c[0]?.state === 'held' && c[1]?.state === 'connected');
    assert.equal(answered[0]?.localDirection, 'sendonly');
    const holdBob = wireIndex(pbx, (text, id) => id === bobCallId && /^INVITE /.test(text) && /a=sendonly/.test(text));
    const okDave = wireIndex(pbx, (text, id) => id === daveCallId && /^SIP\/2\.0 200 /.test(text) && /CSeq: 1 INVITE/.test(text));
    assert.ok(holdBob >= 0, `a re-INVITE with a=sendonly to bob:\n${wireSummary(pbx)}`);
    assert.ok(okDave >= 0, `the phone's 200 to the waiting caller:\n${wireSummary(pbx)}`);
    assert.ok(holdBob < okDave, 'the first call is held before the second is answered');

    // Swap: dave goes on hold (SIPp checks a=sendonly), bob comes back (sendrecv).
    assert.equal((await phone.console.command('swap')).status, 'OK');
    await waitCalls(phone, 'bob back, dave held', (c) => c[0]?.state === 'connected' && c[1]?.state === 'held');
    assert.ok(reinvitesOf(pbx, daveCallId).some((w) => /a=sendonly/.test(bodyText(w.message))), 'swap: dave held with a=sendonly');
    assert.ok(reinvitesOf(pbx, bobCallId).some((w) => /a=sendrecv/.test(bodyText(w.message))), 'swap: bob resumed with a=sendrecv');

    // Swap back: bob held again, dave resumed (SIPp checks a=sendrecv).
    assert.equal((await phone.console.command('swap')).status, 'OK');
    await waitCalls(phone, 'bob held, dave back', (c) => c[0]?.state === 'held' && c[1]?.state === 'connected');
    assert.equal(reinvitesOf(pbx, bobCallId).filter((w) => /a=sendonly/.test(bodyText(w.message))).length, 2, 'bob held a second time');
    assert.ok(reinvitesOf(pbx, daveCallId).some((w) => /a=sendrecv/.test(bodyText(w.message))), 'swap back: dave resumed with a=sendrecv');

    // Hangup ends the call in focus (dave); bob stays held.
    assert.equal((await phone.console.command('hangup')).status, 'OK');
    const result = await caller.done;
    assert.ok(result.ok, describeSipp(result));
    assert.ok(wireIndex(pbx, (text, id) => id === daveCallId && /^BYE /.test(text)) >= 0, 'the BYE to dave went through the proxy');
    const left = await waitCalls(phone, 'one call left', (c) => c.filter((x) => x.state !== 'ended').length === 1);
    assert.equal(left.find((c) => c.state !== 'ended')?.remote, `sip:bob@127.0.0.1:${pbx.udpPort}`);
    assert.equal(wireIndex(pbx, (text, id) => id === bobCallId && /^BYE /.test(text)), -1, 'bob was not hung up');

    assert.equal((await phone.console.command('hangup')).status, 'OK');
    await bob.waitForEvent('CALL_CLOSED', 5000);
  });

  it('with call_waiting.enable = 0 a second caller is refused 486 Busy Here and the call in progress goes on', async (t) => {
    const pbx = bench();
    const { result, callId } = await secondCallerRefused(t, pbx, '1003', '1001', ['call_waiting.enable = 0']);
    assert.equal(receivedStatuses(result.messages).at(-1), 486, result.messages);
    assert.ok(phoneResponse(pbx, callId, 486), `the 486 came from the phone, through the proxy:\n${wireSummary(pbx)}`);
  });

  it('with call_waiting.enable = 0 and forward.busy to carol a second caller gets 302 naming carol', async (t) => {
    const pbx = bench();
    const { result, callId } = await secondCallerRefused(t, pbx, '1004', '1002', ['call_waiting.enable = 0', 'forward.busy.enable = 1', 'forward.busy.target = carol']);
    assert.equal(receivedStatuses(result.messages).at(-1), 302, result.messages);
    const redirect = phoneResponse(pbx, callId, 302);
    assert.ok(redirect, `the phone's 302 through the proxy:\n${wireSummary(pbx)}`);
    assert.equal(redirect.message.headers.get('Contact'), `<sip:carol@127.0.0.1:${pbx.udpPort}>`);
  });
});
