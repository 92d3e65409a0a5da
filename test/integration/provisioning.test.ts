/**
 * Auto-provisioning of the running phone against a local HTTP server: the
 * common file is fetched at boot and its account registers to Kamailio; a
 * SIP NOTIFY with Event: check-sync from the server's address makes the phone
 * fetch again and apply the change at once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { startKamailio } from '../pbx/kamailio.js';
import { ProvisioningServer } from '../config/provisioning-server.js';
import { startPhoneUnderTest } from '../helpers/phone-under-test.js';

function commonFile(label: string, pbxPort: number): string {
  return [
    '#!version:1.0.0.1',
    'account.1.enable = 1',
    `account.1.label = ${label}`,
    'account.1.user_name = alice',
    'account.1.password = alice-secret',
    'account.1.sip_server.1.address = 127.0.0.1',
    `account.1.sip_server.1.port = ${pbxPort}`,
    '',
  ].join('\n');
}

function checkSync(phonePort: number, from: number): string {
  return [
    `NOTIFY sip:alice@127.0.0.1:${phonePort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${from};branch=z9hG4bK-checksync-${Date.now()}`,
    'Max-Forwards: 70',
    `From: <sip:pbx@127.0.0.1>;tag=cs1`,
    `To: <sip:alice@127.0.0.1>`,
    `Call-ID: checksync-${Date.now()}@127.0.0.1`,
    'CSeq: 1 NOTIFY',
    'Event: check-sync',
    'Subscription-State: terminated',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('auto-provisioning of the running phone', { timeout: 60_000 }, () => {
  it('provisions an account at boot, and applies a change when the PBX sends check-sync', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const server = new ProvisioningServer();
    const url = await server.start();
    t.after(() => server.close());
    server.files.set('/y000000000000.cfg', { body: commonFile('Provisioned', pbx.udpPort), etag: '"v1"' });

    const phone = await startPhoneUnderTest(
      ['#!version:1.0.0.1', 'sip.listen_port = 0', 'static.network.port.http = 0', 'static.wui.https_enable = 0', `static.auto_provision.server.url = ${url}`, ''].join('\n'),
    );
    t.after(() => phone.stop());
    await phone.waitFor('the provisioned account registers', (s) => s.accounts[0]?.registered === true);
    assert.equal((await phone.lcd())[1]?.trim(), 'Provisioned');
    assert.ok(server.requests.some((r) => r.path === '/y000000000000.cfg'));

    // The PBX changes the file and tells the phone (from the registrar's address).
    server.files.set('/y000000000000.cfg', { body: commonFile('Front desk', pbx.udpPort), etag: '"v2"' });
    const contact = (await pbx.contacts('alice'))[0] ?? '';
    const phonePort = Number(/@127\.0\.0\.1:(\d+)/.exec(contact)?.[1]);
    assert.ok(phonePort > 0, contact);
    const sock = dgram.createSocket('udp4');
    t.after(() => sock.close());
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const answer = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString('utf8'))));
    sock.send(checkSync(phonePort, sock.address().port), phonePort, '127.0.0.1');
    assert.match(await answer, /^SIP\/2\.0 200 /);
    const deadline = Date.now() + 10_000;
    while ((await phone.lcd())[1]?.trim() !== 'Front desk') {
      assert.ok(Date.now() < deadline, `the new label shows: ${(await phone.lcd()).join('|')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await phone.state()).accounts[0]?.registered, true, 'a label change does not drop the registration');
  });
});
