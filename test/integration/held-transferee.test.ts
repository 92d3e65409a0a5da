/**
 * Flow 2 (call-flows.md) with the phone as B: the HELD PARTY, then the
 * TRANSFEREE of an attended transfer, through a real Kamailio. alice is a
 * SIPp UAC (test/sipp/uac-hold-refer.xml) that calls the phone (bob,
 * account.1.auto_answer = 1) and re-offers, a step every GAP_MS:
 * a=sendonly, a=inactive, the old-style c=0.0.0.0, a re-INVITE without
 * SDP (answered in her ACK with a=sendonly), a=sendrecv, a=sendonly again;
 * then a REFER with Refer-To <sip:carol@realm?Replaces=abc%3Bto-tag%3Dx%3Bfrom-tag%3Dy>.
 * carol is a SIPp UAS (test/sipp/uas-replaces-target.xml).
 *
 * Checked from SIPp's expectations: the phone's answers (recvonly, inactive,
 * recvonly-or-inactive, sendrecv, recvonly), the sendrecv offer in the 200
 * to the SDP-less re-INVITE (RFC 6337 §5.3), the 202 and NOTIFYs (100
 * Trying, then 200 OK terminated), the phone's own hold of alice before it
 * calls carol, its BYE to alice; carol gets an INVITE with `Replaces:
 * abc;to-tag=x;from-tag=y` and a Referred-By naming alice. Checked from the
 * phone and the wire: `remote-held` while held and no RTP sent
 * (media.packetsSent stands still), RTP again after the resume, and the
 * offer in the 200 without any hold direction.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, type Kamailio } from '../pbx/kamailio.js';
import type { PhoneUnderTest } from '../helpers/phone-under-test.js';
import { bodyText, wireRequests } from '../pbx/wire-log.js';
import { describeSipp, startSipp } from '../sipp/sipp.js';
import { startRegisteredUas } from '../sipp/registered-uas.js';
import { initialInvitesTo, registeredPhone, reinvitesOf, sippScenario, waitCalls } from './call-bench.js';
import { failWithTraces, finalResponseTo, waitWire } from './transfer-wire.js';
import type { SipResponse } from '../../firmware/sip/message/index.js';

/** Time between alice's re-offers (-d): long enough to watch the phone's RTP in between. */
const GAP_MS = 4500;

async function packetsSent(phone: PhoneUnderTest): Promise<number> {
  return (await phone.state()).call?.media?.packetsSent ?? -1;
}

/** RTP the phone sent over `ms`, after one statistics report (they come once a second) has settled. */
async function sentDuring(phone: PhoneUnderTest, ms: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 1200));
  const before = await packetsSent(phone);
  await new Promise((r) => setTimeout(r, ms));
  return (await packetsSent(phone)) - before;
}

/** The phone's 200 to alice's re-INVITE: the one whose SDP has o= version `version`, or the one without SDP. */
function answerTo(pbx: Kamailio, callId: string, version: number | 'no-sdp'): Promise<SipResponse> {
  return waitWire(pbx, `the 200 to alice's re-INVITE ${version}`, (log) => {
    const reinvite = reinvitesOf(pbx, callId).find((w) => {
      const sdp = bodyText(w.message);
      return version === 'no-sdp' ? sdp === '' : new RegExp(`^o=- 53655765 ${version} `, 'm').test(sdp);
    });
    return reinvite ? finalResponseTo(log, reinvite.message) : undefined;
  });
}

describe('the phone as B: held every way, then transferred with Replaces (flow 2) through a real Kamailio', { timeout: 60_000 }, () => {
  it('answers each hold right and sends no RTP while held; resumes; INVITEs carol with Replaces and Referred-By', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const carol = await startRegisteredUas(pbx, 'carol', { scenario: sippScenario('uas-replaces-target'), timeoutMs: 58_000, recvTimeoutMs: 55_000 });
    t.after(() => carol.stop());
    const phone = await registeredPhone(t, pbx, 'bob', ['account.1.auto_answer = 1']);
    const alice = await startSipp({
      scenario: sippScenario('uac-hold-refer'),
      target: { host: pbx.host, port: pbx.udpPort },
      service: 'bob',
      auth: { user: 'alice', password: 'alice-secret' },
      keys: { user: 'alice', domain: pbx.realm },
      pauseMs: GAP_MS,
      timeoutMs: 58_000,
      recvTimeoutMs: 15_000,
    });
    t.after(() => alice.stop());
    const fail = failWithTraces(pbx, [alice, carol]);

    await waitCalls(phone, 'answered by itself', (c) => c.length === 1 && c[0]?.state === 'connected').catch(fail);
    const callId = (await waitWire(pbx, "alice's INVITE", () => initialInvitesTo(pbx, 'bob').at(-1))).message.headers.get('Call-ID') ?? '';
    assert.ok((await sentDuring(phone, 1000)) > 20, 'RTP flows while talking');

    // a=sendonly → recvonly (SIPp), remote-held, no RTP.
    assert.match(bodyText(await answerTo(pbx, callId, 2).catch(fail)), /a=recvonly/);
    await waitCalls(phone, 'remote-held (sendonly)', (c) => c[0]?.state === 'remote-held');
    assert.ok((await sentDuring(phone, 1500)) <= 1, 'no RTP while held with a=sendonly');

    // a=inactive → inactive, no RTP.
    assert.match(bodyText(await answerTo(pbx, callId, 3).catch(fail)), /a=inactive/);
    await waitCalls(phone, 'remote-held (inactive)', (c) => c[0]?.state === 'remote-held');
    assert.ok((await sentDuring(phone, 1500)) <= 1, 'no RTP while held with a=inactive');

    // c=0.0.0.0 → nothing sent; the answer's direction is checked at the end, so the steps after it still run.
    const oldStyleAnswer = bodyText(await answerTo(pbx, callId, 4).catch(fail));
    await waitCalls(phone, 'remote-held (c=0.0.0.0)', (c) => c[0]?.state === 'remote-held');
    assert.ok((await sentDuring(phone, 1500)) <= 1, 'no RTP while held with c=0.0.0.0');

    // No SDP: the phone offers sendrecv, whatever the hold (RFC 6337 §5.3); alice answers sendonly in the ACK.
    const offer = bodyText(await answerTo(pbx, callId, 'no-sdp').catch(fail));
    assert.match(offer, /^m=audio [1-9]\d* /m, 'the 200 carries an offer');
    assert.doesNotMatch(offer, /a=(sendonly|recvonly|inactive)|c=IN IP4 0\.0\.0\.0/, 'the offer does not copy the hold');
    await waitWire(pbx, 'the ACK with the answer', () =>
      wireRequests(pbx.log(), 'ACK').find((w) => w.message.headers.get('Call-ID') === callId && /^o=- 53655765 5 /m.test(bodyText(w.message))),
    ).catch(fail);
    await waitCalls(phone, 'still remote-held after the ACK answer', (c) => c[0]?.state === 'remote-held');
    assert.ok((await sentDuring(phone, 1500)) <= 1, 'no RTP after an ACK answering sendonly');

    // a=sendrecv → sendrecv, RTP again.
    assert.match(bodyText(await answerTo(pbx, callId, 6).catch(fail)), /a=sendrecv/);
    await waitCalls(phone, 'connected again', (c) => c[0]?.state === 'connected');
    assert.ok((await sentDuring(phone, 1500)) > 20, 'RTP resumes after a=sendrecv');

    // Held again, then the REFER: the phone calls carol with Replaces, then leaves alice.
    const [aliceResult, now] = await Promise.all([
      alice.done,
      waitCalls(phone, 'one call, to carol', (c) => c.some((x) => x.state === 'connected' && /^sip:carol@/.test(x.remote)), 30_000).catch(fail),
    ]);
    const notifies = wireRequests(pbx.log(), 'NOTIFY').filter((w) => w.message.headers.get('Call-ID') === callId);
    const notified = notifies.map((w) => `${w.message.headers.get('CSeq') ?? ''} ${w.message.headers.get('Subscription-State') ?? ''}: ${bodyText(w.message).trim()}`).join('\n');
    assert.ok(aliceResult.ok, `alice (SIPp): holds answered, 202, NOTIFYs, the phone's hold, BYE\n${describeSipp(aliceResult)}\nNOTIFYs:\n${notified}`);
    assert.equal(now.filter((x) => x.state !== 'ended').length, 1);
    const toCarol = initialInvitesTo(pbx, 'carol').at(-1);
    assert.ok(toCarol, 'the phone called carol');
    assert.equal(toCarol.message.headers.get('Replaces'), 'abc;to-tag=x;from-tag=y', 'RFC 3891 §6.1: the Refer-To header, unescaped');
    assert.match(toCarol.message.headers.get('Referred-By') ?? '', /<sip:alice@deskphone\.test>/);
    assert.match(bodyText(notifies[0]?.message ?? assert.fail('no NOTIFY')), /^SIP\/2\.0 100 Trying/);
    const final = notifies.at(-1)?.message ?? assert.fail('no NOTIFY');
    assert.match(bodyText(final), /^SIP\/2\.0 200 OK/, 'the final sipfrag: carol answered');
    assert.match(final.headers.get('Subscription-State') ?? '', /^terminated/);

    assert.equal((await phone.console.command('hangup')).status, 'OK');
    const carolResult = await carol.done;
    assert.ok(carolResult.ok, `carol (SIPp): INVITE with Replaces and Referred-By, BYE\n${describeSipp(carolResult)}`);

    // Checked last, together, so that each shows even when the other fails and neither hides the steps above.
    const deviations: string[] = [];
    // call-flows.md "held party": an old-style hold is answered like a=sendonly (RFC 3264 §8.4 note).
    if (!/a=(recvonly|inactive)/.test(oldStyleAnswer)) deviations.push(`the answer to a c=0.0.0.0 hold is not recvonly or inactive:\n${oldStyleAnswer}`);
    // RFC 3515 §2.4.4: one NOTIFY "100 Trying" right after the 202; the same state again says nothing new.
    const trying = notifies.filter((w) => /^SIP\/2\.0 100 /.test(bodyText(w.message))).length;
    if (trying !== 1) deviations.push(`${trying} NOTIFYs "100 Trying", not one:\n${notified}`);
    assert.deepEqual(deviations, []);
  });
});
