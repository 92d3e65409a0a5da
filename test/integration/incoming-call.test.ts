import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { runSipp, describeSipp } from '../sipp/sipp.js';
import { startBaresip } from '../peers/baresip.js';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';

describe('incoming calls through a real Kamailio', () => {
  it('a SIPp caller reaches the phone by name: 180 Ringing, then 487 after CANCEL; the LCD shows the caller meanwhile', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'alice', password: 'alice-secret', server: '127.0.0.1', port: pbx.udpPort }]));
    t.after(() => phone.stop());
    await phone.waitFor('alice registered', (s) => s.accounts[0]?.registered === true);

    const caller = runSipp({
      scenario: 'uac-cancel',
      target: { host: pbx.host, port: pbx.udpPort },
      service: 'alice',
      auth: { user: 'bob', password: 'bob-secret' },
      keys: { user: 'bob', domain: pbx.realm },
      pauseMs: 1500,
      timeoutMs: 15_000,
    });
    const ringing = await phone.waitFor('the phone rings', (s) => s.screen === 'ringing');
    assert.match(ringing.call?.from ?? '', /^sip:bob@deskphone\.test/);
    const lcd = await phone.lcd();
    // The title, and the account the call came in on.
    assert.match(lcd[0] ?? '', /^Incoming call +alice$/);
    assert.equal(lcd[1]?.trim(), 'bob');
    assert.match((await phone.console.command('leds')).lines.join('\n'), /line ringing/);

    const result = await caller;
    assert.ok(result.ok, describeSipp(result));
    assert.match(result.messages, /SIP\/2\.0 180 Ringing/);
    assert.match(result.messages, /SIP\/2\.0 487 Request Terminated/);
    await phone.waitFor('back to idle after CANCEL', (s) => s.screen === 'idle' && s.call === null);
    assert.match((await phone.console.command('leds')).lines.join('\n'), /line off/);
  });

  it('a baresip phone calls it by name; the phone shows who calls and rejects with 486 from the keypad', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'carol', password: 'carol-secret', server: '127.0.0.1', port: pbx.udpPort }]));
    t.after(() => phone.stop());
    await phone.waitFor('carol registered', (s) => s.accounts[0]?.registered === true);
    const peer = await startBaresip({ user: '1004', password: 'pw-1004', pbx });
    t.after(() => peer.stop());

    await peer.dial(`sip:carol@${pbx.realm}`);
    const ringing = await phone.waitFor('the phone rings', (s) => s.screen === 'ringing');
    assert.match(ringing.call?.from ?? '', /^sip:1004@/);
    assert.equal((await phone.lcd())[1]?.trim(), '1004');
    await peer.waitForEvent('CALL_RINGING', 5000);

    assert.equal((await phone.console.command('key cancel')).status, 'OK');
    const closed = await peer.waitForEvent('CALL_CLOSED', 5000);
    assert.match(String(closed.param ?? ''), /486|Busy/i, JSON.stringify(closed));
    await phone.waitFor('idle again', (s) => s.screen === 'idle');
  });
});
