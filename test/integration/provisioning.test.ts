/**
 * Auto-provisioning of the running phone against a local HTTP server: the
 * common file is fetched at boot and its account registers to Kamailio; a
 * SIP NOTIFY with Event: check-sync from the server's address makes the phone
 * fetch again and apply the change at once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { commonFile, sendCheckSync } from './provisioning-bench.js';
import { ProvisioningServer } from '../config/provisioning-server.js';
import { startPhoneUnderTest } from '../helpers/phone-under-test.js';

describe('auto-provisioning of the running phone', { timeout: 60_000 }, () => {
  it('provisions an account at boot, and applies a change when the PBX sends check-sync', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const server = new ProvisioningServer();
    const url = await server.start();
    t.after(() => server.close());
    server.files.set('/y000000000000.cfg', { body: commonFile(pbx.udpPort, 'Provisioned'), etag: '"v1"' });

    const phone = await startPhoneUnderTest(
      ['#!version:1.0.0.1', 'sip.listen_port = 0', 'static.network.port.http = 0', 'static.wui.https_enable = 0', `static.auto_provision.server.url = ${url}`, ''].join('\n'),
    );
    t.after(() => phone.stop());
    await phone.waitFor('the provisioned account registers', (s) => s.accounts[0]?.registered === true);
    assert.equal((await phone.lcd())[1]?.trim(), 'Provisioned');
    assert.ok(server.requests.some((r) => r.path === '/y000000000000.cfg'));

    // The PBX changes the file and tells the phone (from the registrar's address).
    server.files.set('/y000000000000.cfg', { body: commonFile(pbx.udpPort, 'Front desk'), etag: '"v2"' });
    await sendCheckSync(pbx);
    const deadline = Date.now() + 10_000;
    while ((await phone.lcd())[1]?.trim() !== 'Front desk') {
      assert.ok(Date.now() < deadline, `the new label shows: ${(await phone.lcd()).join('|')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await phone.state()).accounts[0]?.registered, true, 'a label change does not drop the registration');
  });
});
