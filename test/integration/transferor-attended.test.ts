/**
 * Flow 2 (call-flows.md) with the phone as A, the TRANSFEROR of an attended
 * transfer, through a real Kamailio: the phone (alice) calls bob, a SIPp UAS
 * (test/sipp/uas-refer-replaces.xml); `dial carol` puts bob on hold (F9-F14)
 * and places the consultation call (F15-F16) to carol, a baresip that
 * answers by itself; `transfer` with no target sends bob a REFER whose
 * Refer-To carries Replaces naming the phone-carol dialog.
 *
 * Checked from SIPp's expectations (ereg): the hold offer is a=sendonly, the
 * Refer-To is <sip:carol@…?Replaces=<call-id>%3Bto-tag%3D…%3Bfrom-tag%3D…>
 * and a Referred-By names alice; bob's NOTIFY is answered 200 and the phone
 * sends bob a BYE. Checked on the wire (Kamailio's log): o= version +1 in
 * the hold re-INVITE, a new Call-ID for carol, the Replaces' Call-ID and
 * tags equal those of the phone-carol dialog (RFC 3891 §3: to-tag = carol's
 * tag, from-tag = the phone's), and both of the phone's calls end: since bob
 * only pretends to transfer, nobody replaces the call to carol, and the
 * phone itself sends carol a BYE a few seconds after the NOTIFY's 200.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { getFrom, getNameAddr, getTo, parseReplaces } from '../../firmware/sip/message/index.js';
import { bodyText, wireRequests, wireResponses } from '../pbx/wire-log.js';
import { describeSipp } from '../sipp/sipp.js';
import { startRegisteredUas } from '../sipp/registered-uas.js';
import { answeringPeer, initialInvitesTo, registeredPhone, reinvitesOf, sippScenario, waitCalls, wireSummary } from './call-bench.js';
import { dialogOf, failWithTraces, originVersion } from './transfer-wire.js';

describe('the phone as A: hold, consultation call, attended transfer (flow 2) through a real Kamailio', { timeout: 60_000 }, () => {
  it('REFER to bob with Replaces naming the phone-carol dialog; both calls end', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const bob = await startRegisteredUas(pbx, 'bob', { scenario: sippScenario('uas-refer-replaces'), timeoutMs: 45_000, recvTimeoutMs: 30_000 });
    t.after(() => bob.stop());
    const carol = await answeringPeer(t, pbx, 'carol');
    const phone = await registeredPhone(t, pbx, 'alice');

    // F1-F8: the call to bob.
    assert.equal((await phone.console.command('dial bob')).status, 'OK');
    await waitCalls(phone, 'bob connected', (c) => c.length === 1 && c[0]?.state === 'connected').catch(failWithTraces(pbx, [bob]));
    const toBob = initialInvitesTo(pbx, 'bob')[0];
    assert.ok(toBob, `the INVITE to bob went through the proxy\n${wireSummary(pbx)}`);
    const bobCallId = toBob.message.headers.get('Call-ID');

    // F9-F16: dialing carol holds bob first, then calls carol on a new dialog.
    assert.equal((await phone.console.command('dial carol')).status, 'OK');
    await carol.waitForEvent('CALL_ESTABLISHED', 10_000).catch(failWithTraces(pbx, [bob]));
    const two = await waitCalls(phone, 'bob held, carol connected', (c) => c.length === 2 && c.some((x) => x.state === 'held') && c.some((x) => x.state === 'connected'));
    assert.match(two.find((x) => x.state === 'held')?.remote ?? '', /^sip:bob@/);
    assert.match(two.find((x) => x.state === 'connected')?.remote ?? '', /^sip:carol@/);

    const hold = reinvitesOf(pbx, bobCallId).find((w) => /a=sendonly/.test(bodyText(w.message)));
    assert.ok(hold, `F9: a re-INVITE to bob with a=sendonly\n${wireSummary(pbx)}`);
    assert.equal(originVersion(bodyText(hold.message)), originVersion(bodyText(toBob.message)) + 1, 'F9: o= version incremented');
    const toCarol = initialInvitesTo(pbx, 'carol').at(-1);
    assert.ok(toCarol, 'F15: an INVITE to carol');
    assert.notEqual(toCarol.message.headers.get('Call-ID'), bobCallId, 'F15: a new Call-ID for the consultation call');
    const carolDialog = dialogOf(pbx.log(), toCarol.message);
    assert.ok(carolDialog, 'carol answered the consultation call with a To tag');

    // The attended transfer.
    const transfer = await phone.console.command('transfer');
    assert.equal(transfer.status, 'OK', `transfer: ${transfer.status}\n${phone.stderr()}`);
    const bobResult = await bob.done;
    assert.ok(bobResult.ok, `bob (SIPp): REFER with Replaces and Referred-By, NOTIFY answered, BYE\n${describeSipp(bobResult)}\n${wireSummary(pbx)}`);

    const refer = wireRequests(pbx.log(), 'REFER').find((w) => w.message.headers.get('Call-ID') === bobCallId);
    assert.ok(refer, 'the REFER went to bob in the phone-bob dialog');
    const referTo = refer.message.headers.get('Refer-To') ?? '';
    assert.match(referTo, /^<sip:carol@[^?]+\?Replaces=[^>]*%3Bto-tag%3D[^>]*%3Bfrom-tag%3D[^>]*>$/, 'Refer-To: a name-addr, Replaces escaped (RFC 3891 §5)');
    const replacesValue = getNameAddr(refer.message, 'Refer-To')?.uri;
    const header = replacesValue?.kind === 'sip' ? replacesValue.headers.find((h) => h.name.toLowerCase() === 'replaces')?.value : undefined;
    assert.ok(header !== undefined, `a Replaces URI header in ${referTo}`);
    // RFC 3891 §3: carol compares to-tag with her local tag, from-tag with her remote tag (the phone's).
    assert.deepEqual(parseReplaces(header), { callId: carolDialog.callId, toTag: carolDialog.calleeTag, fromTag: carolDialog.callerTag, earlyOnly: false });
    assert.match(refer.message.headers.get('Referred-By') ?? '', /<sip:alice@/);
    assert.equal(getFrom(refer.message)?.tag, getFrom(toBob.message)?.tag, 'the REFER is sent by the phone, in its dialog with bob');

    // Both of the phone's calls end: bob got a BYE (SIPp above); carol gets one from the phone.
    await carol.waitForEvent('CALL_CLOSED', 12_000);
    const byeToCarol = wireRequests(pbx.log(), 'BYE').find((w) => w.message.headers.get('Call-ID') === carolDialog.callId);
    assert.ok(byeToCarol, 'a BYE ended the call to carol');
    assert.equal(getFrom(byeToCarol.message)?.tag, carolDialog.callerTag, 'the phone sent it (nobody replaced that call)');
    assert.equal(getTo(byeToCarol.message)?.tag, carolDialog.calleeTag);
    assert.ok(wireResponses(pbx.log(), 'BYE').some((w) => w.message.headers.get('Call-ID') === bobCallId), 'bob answered the BYE');
    await waitCalls(phone, 'no call left', (c) => c.every((x) => x.state === 'ended'));
  });
});
