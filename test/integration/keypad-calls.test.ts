/**
 * A call made with the keys and the hook switch only, no console call
 * commands, through a real Kamailio to a baresip that answers by itself:
 * lift the handset, type 1004 and # (features.key_as_send: # dials at
 * once), the softkey under "Hold" holds (flow 2 F9: re-INVITE a=sendonly),
 * the same softkey, now "Resm", resumes (a=sendrecv), hanging up sends BYE.
 * Then the inter-digit timer: digits without # are dialed
 * phone_setting.inter_digit_time seconds after the last one (1 s here,
 * 4 s by default). Checked in the messages Kamailio received
 * (test/pbx/wire-log.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kamailio } from '../pbx/kamailio.js';
import type { Baresip } from '../peers/baresip.js';
import { bodyText, wireRequests } from '../pbx/wire-log.js';
import type { PhoneUnderTest } from '../helpers/phone-under-test.js';
import { answeringPeer, callsState, initialInvitesTo, registeredPhone, reinvitesOf, suitePbx, waitCalls, waitLcd, wireSummary } from './call-bench.js';

const INTER_DIGIT_S = 1;

async function ok(phone: PhoneUnderTest, command: string): Promise<void> {
  const answer = await phone.console.command(command);
  assert.equal(answer.status, 'OK', `${command}: ${answer.status}`);
}

/** Handset up: the dialing screen, dial tone's state. */
async function liftHandset(phone: PhoneUnderTest): Promise<void> {
  await ok(phone, 'hook off');
  const s = callsState(await phone.waitFor('the dialing screen', (x) => x.screen === 'dialing'));
  assert.equal(s.hook, 'off');
}

/** The INVITE to `user` reached the proxy and `peer` answered; the call's Call-ID. */
async function connectedTo(phone: PhoneUnderTest, pbx: Kamailio, user: string, peer: Baresip): Promise<string> {
  await peer.waitForEvent('CALL_ESTABLISHED', 10_000).catch((e: unknown) => {
    throw new Error(`${String(e)}\nwire:\n${wireSummary(pbx)}\nphone:\n${phone.stderr()}`);
  });
  const up = await waitCalls(phone, 'connected', (c) => c[0]?.state === 'connected');
  assert.equal(up[0]?.remote, `sip:${user}@127.0.0.1:${pbx.udpPort}`);
  const callId = initialInvitesTo(pbx, user)[0]?.message.headers.get('Call-ID');
  assert.ok(callId !== undefined, `the INVITE to ${user} through the proxy:\n${wireSummary(pbx)}`);
  return callId;
}

/** Handset down: BYE through the proxy, the peer's call closes, no call left. */
async function hangUpHandset(phone: PhoneUnderTest, pbx: Kamailio, callId: string, peer: Baresip): Promise<void> {
  await ok(phone, 'hook on');
  await peer.waitForEvent('CALL_CLOSED', 5000);
  assert.ok(wireRequests(pbx.log(), 'BYE').some((w) => w.message.headers.get('Call-ID') === callId), `BYE through the proxy:\n${wireSummary(pbx)}`);
  await phone.waitFor('no call left', (s) => callsState(s).calls.every((c) => c.state === 'ended'));
}

describe('calls from the keypad and the hook switch through a real Kamailio', { timeout: 120_000 }, () => {
  const bench = suitePbx();

  it('hook off, 1004#: 1004 answers; soft1 (Hold) holds with a=sendonly, soft1 (Resm) resumes with a=sendrecv; hook on sends BYE', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'alice', [`phone_setting.inter_digit_time = ${INTER_DIGIT_S}`]);
    const peer = await answeringPeer(t, pbx, '1004');
    await liftHandset(phone);
    await ok(phone, 'keys 1004#');
    const callId = await connectedTo(phone, pbx, '1004', peer);
    assert.match(await waitLcd(phone, /1004/), /1004/);

    await ok(phone, 'key soft1');
    const held = await waitCalls(phone, 'held', (c) => c[0]?.state === 'held');
    assert.equal(held[0]?.localDirection, 'sendonly');
    assert.ok(reinvitesOf(pbx, callId).some((w) => /a=sendonly/.test(bodyText(w.message))), `Hold: a re-INVITE with a=sendonly:\n${wireSummary(pbx)}`);

    await ok(phone, 'key soft1');
    await waitCalls(phone, 'resumed', (c) => c[0]?.state === 'connected' && c[0].localDirection === 'sendrecv');
    const reinvites = reinvitesOf(pbx, callId).map((w) => bodyText(w.message));
    assert.equal(reinvites.length, 2, 'one re-INVITE to hold, one to resume');
    assert.match(reinvites[1] ?? '', /a=sendrecv/, 'Resume: the second re-INVITE offers a=sendrecv');

    await hangUpHandset(phone, pbx, callId, peer);
  });

  it(`digits without #: the INVITE leaves phone_setting.inter_digit_time (${INTER_DIGIT_S} s) after the last digit`, async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'bob', [`phone_setting.inter_digit_time = ${INTER_DIGIT_S}`]);
    const peer = await answeringPeer(t, pbx, '1005');
    await liftHandset(phone);
    await ok(phone, 'keys 1005');
    const typedAt = Date.now();
    const typed = callsState(await phone.state());
    assert.equal(typed.screen, 'dialing');
    assert.equal(typed.digits, '1005');
    assert.equal(initialInvitesTo(pbx, '1005').length, 0, 'nothing dialed while the timer runs');

    const deadline = typedAt + 5000;
    while (initialInvitesTo(pbx, '1005').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const waitedMs = Date.now() - typedAt;
    assert.ok(initialInvitesTo(pbx, '1005').length > 0, `no INVITE to 1005 within 5 s:\n${wireSummary(pbx)}`);
    assert.ok(waitedMs >= INTER_DIGIT_S * 1000 - 300 && waitedMs <= INTER_DIGIT_S * 1000 + 2000, `the INVITE left ${waitedMs} ms after the last digit`);

    const callId = await connectedTo(phone, pbx, '1005', peer);
    await hangUpHandset(phone, pbx, callId, peer);
  });
});
