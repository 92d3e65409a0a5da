/**
 * Flow 2 (call-flows.md) with the phone as C, the TRANSFER TARGET, through a
 * real Kamailio: the phone (carol) has dialed bob, a baresip that answers
 * by itself; the test reads that dialog's Call-ID and tags off the wire and
 * a SIPp UAC (alice, the transferee) sends INVITEs with Replaces.
 *
 * RFC 3891 §3: the Replaces' to-tag is compared with the target's local tag
 * (the phone's From tag, since it dialed) and the from-tag with its remote
 * tag (bob's To tag). Checked from SIPp's expectations
 * (test/sipp/uac-replaces-unknown.xml): 481 for a Call-ID the phone does
 * not have, and 481 for the right Call-ID with the tags the wrong way round;
 * the phone's call to bob goes on. Then (test/sipp/uac-replaces.xml) the
 * right Replaces: 200 with an answer and no 180, without any console
 * command (auto-answer is off), and on the wire the phone's BYE to bob in
 * the replaced dialog; bob's baresip reports the call closed; when alice
 * hangs up the phone has no call left.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, type Kamailio } from '../pbx/kamailio.js';
import { getFrom, getTo } from '../../firmware/sip/message/index.js';
import { wireRequests } from '../pbx/wire-log.js';
import { describeSipp, runSipp, startSipp, type SippOptions } from '../sipp/sipp.js';
import { answeringPeer, initialInvitesTo, receivedStatuses, registeredPhone, sippScenario, waitCalls, wireSummary } from './call-bench.js';
import { dialogOf, failWithTraces } from './transfer-wire.js';

function aliceWithReplaces(pbx: Kamailio, scenario: 'uac-replaces' | 'uac-replaces-unknown', replaces: string): SippOptions {
  return {
    scenario: sippScenario(scenario),
    target: { host: pbx.host, port: pbx.udpPort },
    service: 'carol',
    auth: { user: 'alice', password: 'alice-secret' },
    keys: { user: 'alice', domain: pbx.realm, replaces },
    pauseMs: 2000,
    timeoutMs: 20_000,
  };
}

describe('the phone as C: the target of an INVITE with Replaces (flow 2) through a real Kamailio', { timeout: 60_000 }, () => {
  it('481 for a dialog it does not have; the named call is replaced without user action and its peer gets a BYE', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const bob = await answeringPeer(t, pbx, 'bob');
    const phone = await registeredPhone(t, pbx, 'carol');

    assert.equal((await phone.console.command('dial bob')).status, 'OK');
    await bob.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitCalls(phone, 'connected to bob', (c) => c.length === 1 && c[0]?.state === 'connected');
    const invite = initialInvitesTo(pbx, 'bob').at(-1);
    assert.ok(invite, `the phone's INVITE to bob\n${wireSummary(pbx)}`);
    const dialog = dialogOf(pbx.log(), invite.message);
    assert.ok(dialog, 'bob answered with a To tag');

    // §3: no such dialog → 481; nor when the tags name it from the wrong side.
    for (const wrong of [
      `no-such-call@127.0.0.1;to-tag=${dialog.callerTag};from-tag=${dialog.calleeTag}`,
      `${dialog.callId};to-tag=${dialog.calleeTag};from-tag=${dialog.callerTag}`,
    ]) {
      const refused = await runSipp(aliceWithReplaces(pbx, 'uac-replaces-unknown', wrong));
      assert.ok(refused.ok, `Replaces: ${wrong} → 481\n${describeSipp(refused)}\n${wireSummary(pbx)}`);
    }
    const still = await waitCalls(phone, 'still one call, to bob', (c) => c.length === 1 && c[0]?.state === 'connected');
    assert.match(still[0]?.remote ?? '', /^sip:bob@/);

    // The right Replaces: answered at once, bob's call ends.
    const alice = await startSipp(aliceWithReplaces(pbx, 'uac-replaces', `${dialog.callId};to-tag=${dialog.callerTag};from-tag=${dialog.calleeTag}`));
    t.after(() => alice.stop());
    const fail = failWithTraces(pbx, [alice]);
    await bob.waitForEvent('CALL_CLOSED', 10_000).catch(fail);
    const replaced = await waitCalls(phone, 'one call, from alice', (c) => c.filter((x) => x.state !== 'ended').length === 1 && c.some((x) => x.state === 'connected' && /alice/.test(x.remote))).catch(fail);
    assert.equal(replaced.find((x) => x.state === 'connected')?.direction, 'incoming');
    const bye = wireRequests(pbx.log(), 'BYE').find((w) => w.message.headers.get('Call-ID') === dialog.callId);
    assert.ok(bye, `a BYE in the replaced dialog\n${wireSummary(pbx)}`);
    assert.equal(getFrom(bye.message)?.tag, dialog.callerTag, 'the phone sent the BYE (§3: the replaced dialog ends)');
    assert.equal(getTo(bye.message)?.tag, dialog.calleeTag);

    const result = await alice.done;
    assert.ok(result.ok, `alice (SIPp): 200 with an answer, ACK, BYE\n${describeSipp(result)}\n${wireSummary(pbx)}`);
    assert.ok(!receivedStatuses(result.messages).includes(180), `no ringing for a replacing INVITE: ${receivedStatuses(result.messages).join(' ')}`);
    await waitCalls(phone, 'no call left', (c) => c.every((x) => x.state === 'ended'));
  });
});
