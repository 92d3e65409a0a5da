/**
 * An account's session timer (RFC 4028) changed by provisioning while the
 * phone runs, through a real Kamailio: the common file turns account 1's
 * timer on and the PBX sends check-sync (as test/integration/provisioning
 * does). The call up before the change keeps what it started with — its
 * hold re-INVITE asks for no timer — and the next call's INVITE asks for
 * Session-Expires: 600;refresher=uac, without a restart or a new
 * registration. Checked on the wire: the INVITEs Kamailio received
 * (test/pbx/wire-log.ts); bob is a baresip that answers by itself.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { commonFile, sendCheckSync } from './provisioning-bench.js';
import { ProvisioningServer } from '../config/provisioning-server.js';
import { startPhoneUnderTest, type PhoneUnderTest } from '../helpers/phone-under-test.js';
import { wireRequests } from '../pbx/wire-log.js';
import { answeringPeer, callsState, initialInvitesTo, reinvitesOf, waitCalls, wireSummary } from './call-bench.js';

async function accountLabel(phone: PhoneUnderTest): Promise<string | undefined> {
  return ((await phone.state()).accounts[0] as { label?: string } | undefined)?.label;
}

describe('a session timer turned on by provisioning applies to the next call', { timeout: 90_000 }, () => {
  it('the call up keeps none (hold re-INVITE without Session-Expires); the next INVITE asks for 600 s; no re-registration', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const server = new ProvisioningServer();
    const url = await server.start();
    t.after(() => server.close());
    server.files.set('/y000000000000.cfg', { body: commonFile(pbx.udpPort, 'Timer off', ['account.1.session_timer.enable = 0']), etag: '"v1"' });
    const phone = await startPhoneUnderTest(
      ['#!version:1.0.0.1', 'sip.listen_port = 0', 'static.network.port.http = 0', 'static.wui.https_enable = 0', `static.auto_provision.server.url = ${url}`, ''].join('\n'),
    );
    t.after(() => phone.stop());
    await phone.waitFor('alice registered', (s) => s.accounts[0]?.registered === true, 15_000);
    const bob = await answeringPeer(t, pbx, 'bob');

    // The first call, with the timer off.
    assert.equal((await phone.console.command('dial bob')).status, 'OK');
    await bob.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitCalls(phone, 'the first call is up', (c) => c.length === 1 && c[0]?.state === 'connected');
    const first = initialInvitesTo(pbx, 'bob')[0]?.message;
    assert.ok(first !== undefined, `the first INVITE went through the proxy:\n${wireSummary(pbx)}`);
    assert.equal(first.headers.get('Session-Expires'), undefined, 'timer off: no Session-Expires');
    const registers = wireRequests(pbx.log(), 'REGISTER').length;

    // The PBX turns the timer on and tells the phone (from the registrar's address).
    server.files.set('/y000000000000.cfg', {
      body: commonFile(pbx.udpPort, 'Timer on', ['account.1.session_timer.enable = 1', 'account.1.session_timer.expires = 600', 'account.1.session_timer.refresher = 0']),
      etag: '"v2"',
    });
    await sendCheckSync(pbx);
    const deadline = Date.now() + 10_000;
    while ((await accountLabel(phone)) !== 'Timer on') {
      assert.ok(Date.now() < deadline, `the new file is applied: ${JSON.stringify((await phone.state()).accounts)}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // The call up keeps what it started with: its hold re-INVITE asks for no timer.
    const callId = first.headers.get('Call-ID');
    assert.equal((await phone.console.command('hold')).status, 'OK');
    await waitCalls(phone, 'the first call is held', (c) => c[0]?.state === 'held');
    const hold = reinvitesOf(pbx, callId)[0]?.message;
    assert.ok(hold !== undefined, `the hold re-INVITE went through the proxy:\n${wireSummary(pbx)}`);
    assert.equal(hold.headers.get('Session-Expires'), undefined, 'the call started without a timer and keeps none');
    assert.equal((await phone.console.command('hangup')).status, 'OK');
    await phone.waitFor('the first call is over', (s) => callsState(s).calls.length === 0, 10_000);

    // The next call follows the new setting.
    assert.equal((await phone.console.command('dial bob')).status, 'OK');
    await waitCalls(phone, 'the second call is up', (c) => c.length === 1 && c[0]?.state === 'connected');
    const second = initialInvitesTo(pbx, 'bob').find((w) => w.message.headers.get('Call-ID') !== callId)?.message;
    assert.ok(second !== undefined, `the second INVITE went through the proxy:\n${wireSummary(pbx)}`);
    assert.equal(second.headers.get('Session-Expires'), '600;refresher=uac', 'RFC 4028 §7.1: the interval and refresher of the account');
    assert.equal(second.headers.get('Min-SE'), '90');
    assert.equal(wireRequests(pbx.log(), 'REGISTER').length, registers, 'a timer change re-registers nothing');
    assert.equal((await phone.console.command('hangup')).status, 'OK');
    await phone.waitFor('idle again', (s) => callsState(s).calls.length === 0, 10_000);
  });
});
