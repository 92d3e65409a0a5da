import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';

describe('registration against a real Kamailio', () => {
  it('registers with digest auth over UDP, shows the account, and unregisters on quit', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'alice', password: 'alice-secret', server: '127.0.0.1', port: pbx.udpPort, label: 'Alice' }]));
    t.after(() => phone.stop());
    const s = await phone.waitFor('alice registered', (st) => st.accounts[0]?.registered === true);
    assert.equal(s.accounts[0]?.uri, 'sip:alice@127.0.0.1');
    assert.match(s.accounts[0]?.server ?? '', new RegExp(`127\\.0\\.0\\.1:${pbx.udpPort}.*udp`, 'i'));
    const contacts = await pbx.contacts('alice');
    assert.equal(contacts.length, 1, `Kamailio's binding for alice: ${contacts.join(' ')}`);
    assert.match(contacts[0] ?? '', /sip:alice@127\.0\.0\.1:\d+/);
    assert.equal((await phone.lcd())[1]?.trim(), 'Alice');
    await phone.stop();
    assert.deepEqual(await pbx.contacts('alice'), [], 'the binding is removed when the phone quits (Expires: 0)');
  });

  it('registers over TCP', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'bob', password: 'bob-secret', server: '127.0.0.1', port: pbx.tcpPort, transportType: 1 }]));
    t.after(() => phone.stop());
    const s = await phone.waitFor('bob registered over TCP', (st) => st.accounts[0]?.registered === true);
    assert.match(s.accounts[0]?.server ?? '', /tcp/i);
    const contacts = await pbx.contacts('bob');
    assert.match(contacts[0] ?? '', /transport=tcp/i);
  });

  it('reports a wrong password as a failure and does not loop', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'carol', password: 'wrong', server: '127.0.0.1', port: pbx.udpPort }]));
    t.after(() => phone.stop());
    const s = await phone.waitFor('carol failed', (st) => st.accounts[0]?.state === 'failed');
    assert.equal(s.accounts[0]?.registered, false);
    assert.ok(s.accounts[0]?.lastFailure, 'a failure reason is shown');
    assert.equal((await phone.lcd())[1]?.trim(), 'No service');
    assert.deepEqual(await pbx.contacts('carol'), []);
  });

  it('takes the expiry the registrar grants, refreshes before it, and re-registers after Kamailio restarts', async (t) => {
    // The phone asks for 60 s; the registrar grants at most 6.
    const pbx = await startKamailio({ maxExpires: 6 });
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'dave', password: 'dave-secret', server: '127.0.0.1', port: pbx.udpPort, expires: 60 }]));
    t.after(() => phone.stop());
    const registered = await phone.waitFor('dave registered', (st) => st.accounts[0]?.registered === true);
    assert.ok((registered.accounts[0]?.expiresInS ?? 99) <= 6, `granted expiry used: ${JSON.stringify(registered.accounts[0])}`);
    await pbx.restart();
    assert.deepEqual(await pbx.contacts('dave'), [], 'a restarted Kamailio has forgotten the binding');
    // The refresh comes between 50 % and 90 % of the 6 s binding.
    const deadline = Date.now() + 8000;
    let contacts: string[] = [];
    while (Date.now() < deadline && contacts.length === 0) {
      await new Promise((r) => setTimeout(r, 250));
      contacts = await pbx.contacts('dave');
    }
    assert.equal(contacts.length, 1, 'the refresh re-created the binding');
    const s = await phone.state();
    assert.equal(s.accounts[0]?.registered, true);
  });
});
