/**
 * Message waiting (RFC 3842) end to end through a real Kamailio.
 *
 * Unsolicited: a voicemail server (SIPp, test/sipp/uac-mwi-notify.xml)
 * sends an out-of-dialog NOTIFY Event: message-summary to alice's address
 * of record; Kamailio routes it by its Request-URI to alice's registered
 * contact exactly as it routes an INVITE (kamailio.cfg: no To tag → AUTH,
 * which lets another domain reach our users → LOCATION → lookup("location")
 * → t_relay), so it is sent through the proxy, not to the phone directly.
 * The phone answers 200 (SIPp's expectation; the NOTIFY and the 200 are in
 * Kamailio's wire log), `state.voicemail` reads {waiting, 2 new, 8 old}, the
 * message LED flashes (messageWaiting), the idle LCD says "2 msg", and the
 * Message key dials voice_mail.number.1 (1004, a baresip that answers).
 * A second NOTIFY "Messages-Waiting: no" puts the LED out.
 *
 * Subscribed: with account.1.subscribe_mwi = 1 the phone, once registered,
 * sends SUBSCRIBE Event: message-summary with Expires =
 * account.1.subscribe_mwi_expires (checked in the wire log) through the
 * proxy, to the account's user at the proxy's address and port. The bench
 * Kamailio has no presence module: it routes the SUBSCRIBE like any
 * request, to the registered contact — the phone itself — and the answer
 * (the phone's own refusal, 405) comes back through the proxy. The phone must stay
 * registered, keep answering its console and still take unsolicited
 * NOTIFYs; what it does next (give up or retry later) is RFC 6665's
 * afterFailure() policy (firmware/sip/mwi/subscription-policy.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kamailio } from '../pbx/kamailio.js';
import { bodyText, wireMessages, wireRequests, wireResponses } from '../pbx/wire-log.js';
import { describeSipp, runSipp } from '../sipp/sipp.js';
import type { PhoneState, PhoneUnderTest } from '../helpers/phone-under-test.js';
import { answeringPeer, initialInvitesTo, registeredPhone, sippScenario, suitePbx, waitCalls, waitLcd, wireSummary } from './call-bench.js';
import { waitWire } from './transfer-wire.js';

interface Voicemail {
  readonly waiting: boolean;
  readonly newCount: number;
  readonly oldCount: number;
}

function voicemailOf(s: PhoneState): Voicemail | undefined {
  return (s as PhoneState & { voicemail?: Voicemail }).voicemail;
}

/** The voicemail server's NOTIFY, through the proxy, for `user`; resolves with SIPp's trace after asserting the 200. */
async function notifyMessageWaiting(pbx: Kamailio, user: string, waiting: 'yes' | 'no', voice: string): Promise<string> {
  const result = await runSipp({
    scenario: sippScenario('uac-mwi-notify'),
    target: { host: pbx.host, port: pbx.udpPort },
    service: user,
    keys: { domain: pbx.realm, waiting, voice },
    timeoutMs: 8000,
  });
  assert.ok(result.ok, `NOTIFY answered 200 by the phone\n${describeSipp(result)}\n${wireSummary(pbx)}`);
  return result.messages;
}

async function messageLed(phone: PhoneUnderTest): Promise<string> {
  const leds = await phone.console.command('leds');
  assert.equal(leds.status, 'OK');
  return leds.lines.find((l) => /\bmessage\b/.test(l)) ?? `no message LED in ${leds.lines.join(' | ')}`;
}

describe('message waiting (RFC 3842) through a real Kamailio', { timeout: 60_000 }, () => {
  const pbx = suitePbx();

  it('unsolicited NOTIFY: 200, voicemail 2 new / 8 old, LED flashing, "2 msg" on the idle LCD; Message key calls 1004; "no" puts the LED out', async (t) => {
    const voicemail = await answeringPeer(t, pbx(), '1004');
    const phone = await registeredPhone(t, pbx(), 'alice', ['voice_mail.number.1 = 1004']);
    assert.match(await messageLed(phone), /^message off$/, 'no message waiting at start');

    await notifyMessageWaiting(pbx(), 'alice', 'yes', '2/8 (0/2)');
    // The wire: the NOTIFY was relayed by the proxy (it went in from SIPp and came back answered by the phone).
    const notify = wireRequests(pbx().log(), 'NOTIFY').find((w) => w.message.headers.get('Event') === 'message-summary');
    assert.ok(notify, `the NOTIFY went through the proxy\n${wireSummary(pbx())}`);
    assert.match(bodyText(notify.message), /^Messages-Waiting: yes\r\nVoice-Message: 2\/8 \(0\/2\)/);
    const answered = wireResponses(pbx().log(), 'NOTIFY').find((w) => w.message.headers.get('Call-ID') === notify.message.headers.get('Call-ID'));
    assert.ok(answered?.message.kind === 'response' && answered.message.status === 200, `the phone's 200 came back through the proxy\n${wireSummary(pbx())}`);

    const s = await phone.waitFor('voicemail counts in state', (x) => voicemailOf(x)?.waiting === true);
    assert.deepEqual(voicemailOf(s), { waiting: true, newCount: 2, oldCount: 8 });
    assert.match(await messageLed(phone), /^message messageWaiting$/, 'the message LED flashes');
    const lcd = await waitLcd(phone, /\b2 msg\b/);
    assert.match(lcd, /\b2 msg\b/, 'the idle screen counts the new messages');

    // The Message key calls voicemail.
    const key = await phone.console.command('key message');
    assert.equal(key.status, 'OK', `key message: ${key.status}`);
    await voicemail.waitForEvent('CALL_ESTABLISHED', 10_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${wireSummary(pbx())}\n${phone.stderr()}`);
    });
    const call = await waitCalls(phone, 'connected to voicemail', (c) => c.length === 1 && c[0]?.state === 'connected');
    assert.match(call[0]?.remote ?? '', /^sip:1004@/);
    const invite = initialInvitesTo(pbx(), '1004')[0];
    assert.ok(invite, `the INVITE to 1004 went through the proxy\n${wireSummary(pbx())}`);
    assert.match(invite.message.headers.get('From') ?? '', /<sip:alice@/);
    assert.equal((await phone.console.command('hangup')).status, 'OK');
    await voicemail.waitForEvent('CALL_CLOSED', 5000);
    await phone.waitFor('idle again', (x) => x.screen === 'idle');

    await notifyMessageWaiting(pbx(), 'alice', 'no', '0/10 (0/2)');
    const cleared = await phone.waitFor('no message waiting', (x) => voicemailOf(x)?.waiting === false);
    assert.deepEqual(voicemailOf(cleared), { waiting: false, newCount: 0, oldCount: 10 });
    assert.match(await messageLed(phone), /^message off$/, 'the message LED goes out');
    assert.doesNotMatch((await phone.lcd()).join('\n'), /\bmsg\b/, 'no count on the idle screen');
  });

  it('subscribe_mwi = 1: SUBSCRIBE Event: message-summary with its Expires through the proxy; refused, the phone runs on', async (t) => {
    const phone = await registeredPhone(t, pbx(), 'bob', ['account.1.subscribe_mwi = 1', 'account.1.subscribe_mwi_expires = 300']);
    const subscribes = (): ReturnType<typeof wireRequests> =>
      wireRequests(pbx().log(), 'SUBSCRIBE').filter((w) => w.message.uri.kind === 'sip' && w.message.uri.user === 'bob');
    const first = await waitWire(pbx(), 'a SUBSCRIBE for bob', () => subscribes()[0], 10_000);
    assert.equal(first.message.headers.get('Event'), 'message-summary');
    assert.equal(first.message.headers.get('Expires'), '300', 'Expires: account.1.subscribe_mwi_expires');
    assert.match(first.message.headers.get('Accept') ?? '', /application\/simple-message-summary/);
    assert.match(first.message.headers.get('From') ?? '', /<sip:bob@/);

    // Sent once registered (an authenticated REGISTER is in the wire log before it), to sip:bob@<proxy>:<port>
    // as calls are dialled, so the proxy takes it as its own user's (without the port it answered 403).
    const all = wireMessages(pbx().log());
    const subscribeAt = all.findIndex((w) => w.message.kind === 'request' && w.message.method === 'SUBSCRIBE');
    const registeredAt = all.findIndex((w) => w.message.kind === 'request' && w.message.method === 'REGISTER' && w.message.headers.get('Authorization') !== undefined);
    assert.ok(registeredAt >= 0 && registeredAt < subscribeAt, `SUBSCRIBE after the authenticated REGISTER:\n${wireSummary(pbx())}`);
    assert.equal(first.message.uri.kind === 'sip' ? first.message.uri.port : undefined, pbx().udpPort);
    // No 2xx, so no subscription dialog; 405 is final for RFC 6665 (afterFailure: never), so no retry.
    await new Promise((r) => setTimeout(r, 4000));
    const callId = first.message.headers.get('Call-ID');
    assert.equal(subscribes().length, 1, `one SUBSCRIBE, no retry storm after the refusal:\n${wireSummary(pbx())}`);
    // Routed to bob's registered contact, the phone itself, which is no notifier: its refusal came back through the proxy.
    const answers = wireResponses(pbx().log(), 'SUBSCRIBE').filter((w) => w.message.headers.get('Call-ID') === callId);
    assert.deepEqual(
      answers.map((w) => w.message.status),
      [405],
      'the phone refused its own SUBSCRIBE, and Kamailio relayed it: a Request-URI the proxy knows as its own',
    );
    assert.equal(wireRequests(pbx().log(), 'NOTIFY').filter((w) => w.message.headers.get('Call-ID') === callId).length, 0, 'no subscription, so no NOTIFY in it');

    // The phone runs on: registered, its console answers, and unsolicited message waiting still works.
    const s = await phone.state();
    assert.equal(s.accounts[0]?.registered, true);
    assert.equal(s.screen, 'idle');
    await notifyMessageWaiting(pbx(), 'bob', 'yes', '1/0');
    const lit = await phone.waitFor('voicemail after the refused subscription', (x) => voicemailOf(x)?.waiting === true);
    assert.deepEqual(voicemailOf(lit), { waiting: true, newCount: 1, oldCount: 0 });
  });
});
