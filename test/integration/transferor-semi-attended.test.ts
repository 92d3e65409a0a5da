/**
 * Flow 2 (call-flows.md) with the phone as A, the TRANSFEROR of a
 * SEMI-ATTENDED transfer (RFC 5589 §7.3: transfer while the consultation
 * call still rings), through a real Kamailio: the phone (alice) calls bob, a
 * SIPp UAS (test/sipp/uas-refer-no-replaces.xml), holds him (`hold`), dials
 * carol, a SIPp UAS that rings and never answers (test/sipp/uas-ring.xml),
 * and types `transfer` while carol rings.
 *
 * Checked from SIPp's expectations: carol gets a CANCEL (answered 200 / 487
 * / ACK); bob gets the hold offer a=sendonly, then a REFER whose Refer-To is
 * <sip:carol@…> without any URI header (no Replaces: there is no dialog to
 * replace) with a Referred-By naming alice, and after the NOTIFY a BYE.
 * Checked on the wire: the CANCEL in carol's dialog, the REFER's
 * Refer-To names exactly the URI the phone had dialed, `dial carol` did not
 * hold bob a second time, and the phone ends with no call.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { getNameAddr } from '../../firmware/sip/message/index.js';
import { wireRequests } from '../pbx/wire-log.js';
import { describeSipp } from '../sipp/sipp.js';
import { startRegisteredUas } from '../sipp/registered-uas.js';
import { initialInvitesTo, registeredPhone, reinvitesOf, sippScenario, waitCalls, wireSummary } from './call-bench.js';
import { failWithTraces } from './transfer-wire.js';

describe('the phone as A: semi-attended transfer while the consultation call rings (flow 2) through a real Kamailio', { timeout: 60_000 }, () => {
  it('CANCEL to carol, then REFER to bob naming carol without Replaces; the call to bob ends', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const bob = await startRegisteredUas(pbx, 'bob', { scenario: sippScenario('uas-refer-no-replaces'), timeoutMs: 45_000, recvTimeoutMs: 30_000 });
    t.after(() => bob.stop());
    const carol = await startRegisteredUas(pbx, 'carol', { scenario: 'uas-ring', timeoutMs: 45_000, recvTimeoutMs: 30_000 });
    t.after(() => carol.stop());
    const phone = await registeredPhone(t, pbx, 'alice');
    const fail = failWithTraces(pbx, [bob, carol]);

    assert.equal((await phone.console.command('dial bob')).status, 'OK');
    await waitCalls(phone, 'bob connected', (c) => c.length === 1 && c[0]?.state === 'connected').catch(fail);
    const bobCallId = initialInvitesTo(pbx, 'bob')[0]?.message.headers.get('Call-ID');
    assert.equal((await phone.console.command('hold')).status, 'OK');
    await waitCalls(phone, 'bob held', (c) => c[0]?.state === 'held').catch(fail);

    assert.equal((await phone.console.command('dial carol')).status, 'OK');
    const ringing = await waitCalls(phone, 'carol ringing', (c) => c.length === 2 && c.some((x) => x.state === 'ringing')).catch(fail);
    const dialed = ringing.find((x) => x.state === 'ringing')?.remote;
    assert.match(dialed ?? '', /^sip:carol@/);
    assert.equal(reinvitesOf(pbx, bobCallId).length, 1, 'bob was held once: dialing carol did not re-offer hold');
    const carolCallId = initialInvitesTo(pbx, 'carol')[0]?.message.headers.get('Call-ID');
    assert.ok(carolCallId !== undefined && carolCallId !== bobCallId, 'the consultation call has its own Call-ID');

    const transfer = await phone.console.command('transfer');
    assert.equal(transfer.status, 'OK', `transfer: ${transfer.status}\n${phone.stderr()}`);
    const [bobResult, carolResult] = await Promise.all([bob.done, carol.done]);
    assert.ok(carolResult.ok, `carol (SIPp): CANCEL, 487, ACK\n${describeSipp(carolResult)}\n${wireSummary(pbx)}`);
    assert.ok(bobResult.ok, `bob (SIPp): REFER without Replaces, NOTIFY answered, BYE\n${describeSipp(bobResult)}\n${wireSummary(pbx)}`);

    // (The CANCEL and the REFER leave together; Kamailio's two workers may log them in either order.)
    assert.ok(wireRequests(pbx.log(), 'CANCEL').some((w) => w.message.headers.get('Call-ID') === carolCallId), `the phone cancelled the call to carol\n${wireSummary(pbx)}`);
    const refer = wireRequests(pbx.log(), 'REFER')[0];
    assert.ok(refer);
    assert.equal(refer.message.headers.get('Call-ID'), bobCallId, 'the REFER is in the phone-bob dialog');
    const referTo = getNameAddr(refer.message, 'Refer-To')?.uri;
    assert.ok(referTo?.kind === 'sip', `a SIP Refer-To: ${refer.message.headers.get('Refer-To') ?? ''}`);
    assert.deepEqual(referTo.headers, [], 'no Replaces (nor any other URI header) in the Refer-To');
    assert.equal(`sip:${referTo.user ?? ''}@${referTo.host}:${referTo.port ?? ''}`, dialed, 'Refer-To names the target the phone had dialed');
    assert.doesNotMatch(refer.text, /Replaces/i, 'no Replaces anywhere in the REFER');

    await waitCalls(phone, 'no call left', (c) => c.every((x) => x.state === 'ended'));
  });
});
