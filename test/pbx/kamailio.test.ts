// The PBX bench itself, with the real processes: Kamailio (test/pbx/
// kamailio.cfg), SIPp (test/sipp/*.xml) and baresip (test/peers/). These
// tests prove the bench behaves like the registrar/proxy the phone will be
// tested against: digest auth (RFC 3261 section 22), registration (section
// 10), routing by user name through lookup("location"), record-routing and
// loose routing (sections 16.6, 16.12) and CANCEL (section 9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { freePort, LOOPBACK } from '../helpers/ports.js';
import { probeSip, startKamailio } from './kamailio.js';
import type { Kamailio } from './kamailio.js';
import { describeSipp, runSipp, startSipp } from '../sipp/sipp.js';
import type { SippResult } from '../sipp/sipp.js';
import { startBaresip } from '../peers/baresip.js';
import { decodeWav, dominantFrequency, rms } from '../peers/wav.js';

function password(pbx: Kamailio, user: string): string {
  const value = pbx.users.get(user);
  assert.ok(value !== undefined, `no account ${user}`);
  return value;
}

/** Registers `user` with SIPp's register.xml; the Contact points at contactPort. */
function registerWithSipp(
  pbx: Kamailio,
  user: string,
  options: { password?: string; authUser?: string; contactPort?: number; transport?: 'udp' | 'tcp' } = {},
): Promise<SippResult> {
  const transport = options.transport ?? 'udp';
  return runSipp({
    scenario: 'register',
    target: { host: pbx.host, port: transport === 'tcp' ? pbx.tcpPort : pbx.udpPort },
    transport,
    auth: { user: options.authUser ?? user, password: options.password ?? password(pbx, user) },
    keys: { user, domain: pbx.realm, expires: 300, contact_port: options.contactPort ?? 9 },
    timeoutMs: 8000,
  });
}

/** A SIPp UAS for `user`: listening first, then registered at the PBX. */
async function sippCallee(pbx: Kamailio, user: string, scenario: 'uas-answer' | 'uas-ring') {
  const uas = await startSipp({ scenario, timeoutMs: 12_000 });
  const registration = await registerWithSipp(pbx, user, { contactPort: uas.port });
  if (!registration.ok) await uas.stop();
  assert.ok(registration.ok, describeSipp(registration));
  return uas;
}

function callWithSipp(
  pbx: Kamailio,
  caller: string,
  callee: string,
  scenario: 'uac-call' | 'uac-cancel' = 'uac-call',
): Promise<SippResult> {
  return runSipp({
    scenario,
    target: { host: pbx.host, port: pbx.udpPort },
    service: callee,
    auth: { user: caller, password: password(pbx, caller) },
    keys: { user: caller, domain: pbx.realm },
    pauseMs: 300,
    timeoutMs: 10_000,
  });
}

describe('PBX bench: Kamailio registrar + proxy', () => {
  let pbx: Kamailio;

  before(async () => {
    pbx = await startKamailio();
  });
  after(async () => {
    await pbx?.stop();
  });

  it('listens on the chosen loopback ports and answers OPTIONS', async () => {
    assert.equal(pbx.host, LOOPBACK);
    assert.equal(await probeSip({ host: pbx.host, port: pbx.udpPort }, 5, 200), 200);
    assert.match(await pbx.kamcmd('core.version'), /kamailio 5\./);
    assert.equal(pbx.pid() > 0, true);
  });

  it('accepts a REGISTER with the right password after a 401 challenge', async () => {
    const result = await registerWithSipp(pbx, 'alice', { contactPort: 40001 });
    assert.ok(result.ok, describeSipp(result));
    assert.equal(result.stats['SuccessfulCall'], 1);
    assert.match(result.messages, /SIP\/2\.0 401 Unauthorized[\s\S]*WWW-Authenticate: Digest realm="deskphone\.test"/);
    assert.deepEqual(await pbx.contacts('alice'), ['sip:alice@127.0.0.1:40001;transport=UDP']);
  });

  it('refuses a REGISTER with a wrong password (challenged again, never 200)', async () => {
    const result = await registerWithSipp(pbx, 'bob', { password: 'not-bobs-password' });
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.unexpectedStatuses, [401]);
    assert.deepEqual(await pbx.contacts('bob'), []);
  });

  it("refuses alice's credentials for bob's address-of-record", async () => {
    const result = await registerWithSipp(pbx, 'bob', { authUser: 'alice', password: password(pbx, 'alice') });
    assert.equal(result.ok, false);
    assert.deepEqual(result.unexpectedStatuses, [401]);
  });

  it('registers over TCP too', async () => {
    const result = await registerWithSipp(pbx, '1006', { transport: 'tcp', contactPort: 40006 });
    assert.ok(result.ok, describeSipp(result));
    assert.deepEqual(await pbx.contacts('1006'), ['sip:1006@127.0.0.1:40006;transport=TCP']);
  });

  it('routes a call by user name to the registered callee, staying on the path', async () => {
    const uas = await sippCallee(pbx, 'bob', 'uas-answer');
    try {
      // uac-call.xml needs the 407 challenge, a 2xx, and the ACK/BYE to be
      // loose-routed back through the proxy; uas-answer.xml needs a
      // Record-Route in the INVITE.
      const caller = await callWithSipp(pbx, 'alice', 'bob');
      const callee = await uas.done;
      assert.ok(caller.ok, describeSipp(caller));
      assert.ok(callee.ok, describeSipp(callee));
      assert.match(caller.messages, /SIP\/2\.0 407 Proxy Authentication Required/);
      const recordRoute = `<sip:${LOOPBACK}:${pbx.udpPort};lr`;
      assert.ok(callee.messages.includes(`Record-Route: ${recordRoute}`), callee.messages);
      assert.match(caller.messages, new RegExp(`BYE sip:[^\\r\\n]*:${uas.port}[^\\r\\n]* SIP/2\\.0[\\s\\S]*?Route: ${recordRoute}`));
      assert.match(callee.messages, /BYE sip:/);
    } finally {
      await uas.stop();
    }
  });

  it('cancels a ringing call: 200 for the CANCEL, 487 for the INVITE', async () => {
    const uas = await sippCallee(pbx, 'carol', 'uas-ring');
    try {
      const caller = await callWithSipp(pbx, 'alice', 'carol', 'uac-cancel');
      const callee = await uas.done;
      assert.ok(caller.ok, describeSipp(caller));
      assert.ok(callee.ok, describeSipp(callee));
      assert.match(callee.messages, /CANCEL sip:carol@/);
      assert.match(caller.messages, /SIP\/2\.0 487 Request Terminated/);
    } finally {
      await uas.stop();
    }
  });

  it('answers 404 for a name it does not know and 480 for a user not registered', async () => {
    const [unknown, absent] = await Promise.all([
      callWithSipp(pbx, 'alice', 'zed'),
      callWithSipp(pbx, 'carol', 'dave'),
    ]);
    assert.deepEqual(unknown.unexpectedStatuses, [404], describeSipp(unknown));
    assert.deepEqual(absent.unexpectedStatuses, [480], describeSipp(absent));
  });

  it('registers a baresip phone that a SIPp caller reaches by name', async (t) => {
    const phone = await startBaresip({ user: '1001', password: password(pbx, '1001'), pbx });
    t.after(() => phone.stop());
    assert.equal(await phone.registered(), true);
    const contacts = await pbx.contacts('1001');
    assert.equal(contacts.length, 1);
    assert.match(contacts[0] ?? '', /^sip:1001-[^@]+@127\.0\.0\.1:\d+/);

    const caller = await callWithSipp(pbx, 'alice', '1001');
    assert.ok(caller.ok, describeSipp(caller));
    const established = await phone.waitForEvent('CALL_ESTABLISHED');
    assert.equal(established['direction'], 'incoming');
    await phone.waitForEvent('CALL_CLOSED');
  });

  it('connects two baresip phones through the proxy; each hears the other', async (t) => {
    const caller = await startBaresip({ user: '1002', password: password(pbx, '1002'), pbx, source: { toneHz: 1000 } });
    t.after(() => caller.stop());
    const callee = await startBaresip({ user: '1003', password: password(pbx, '1003'), pbx, source: { toneHz: 440 } });
    t.after(() => callee.stop());

    await caller.dial(`sip:1003@${pbx.realm}`);
    await Promise.all([caller.waitForEvent('CALL_ESTABLISHED'), callee.waitForEvent('CALL_ESTABLISHED')]);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let ~1.5 s of audio flow
    await caller.hangup();
    await Promise.all([caller.waitForEvent('CALL_CLOSED'), callee.waitForEvent('CALL_CLOSED')]);

    const heardByCallee = decodeWav(readFileSync(callee.recordings().heard[0] ?? assert.fail('no recording')));
    const heardByCaller = decodeWav(readFileSync(caller.recordings().heard[0] ?? assert.fail('no recording')));
    assert.equal(heardByCallee.sampleRate, 8000); // PCMU
    assert.ok(rms(heardByCallee) > 0.1, `callee heard rms ${rms(heardByCallee)}`);
    assert.ok(Math.abs(dominantFrequency(heardByCallee) - 1000) < 60, `callee heard ${dominantFrequency(heardByCallee)} Hz`);
    assert.ok(Math.abs(dominantFrequency(heardByCaller) - 440) < 40, `caller heard ${dominantFrequency(heardByCaller)} Hz`);
  });
});

describe('PBX bench: Kamailio lifecycle', () => {
  it('forgets registrations on restart and keeps its ports; re-registering works', async (t) => {
    const pbx = await startKamailio({ realm: 'restart.test' });
    t.after(() => pbx.stop());
    const first = await registerWithSipp(pbx, 'dave', { contactPort: 40004 });
    assert.ok(first.ok, describeSipp(first));
    assert.equal((await pbx.contacts('dave')).length, 1);
    const pidBefore = pbx.pid();
    const ports = [pbx.udpPort, pbx.tcpPort];

    await pbx.restart();

    assert.notEqual(pbx.pid(), pidBefore);
    assert.deepEqual([pbx.udpPort, pbx.tcpPort], ports);
    assert.deepEqual(await pbx.contacts('dave'), []);
    const again = await registerWithSipp(pbx, 'dave', { contactPort: 40004 });
    assert.ok(again.ok, describeSipp(again));
    assert.match(again.messages, /WWW-Authenticate: Digest realm="restart\.test"/);
    assert.equal((await pbx.contacts('dave')).length, 1);
  });

  it("fails with Kamailio's own log when its port is taken", async (t) => {
    const port = await freePort('udp+tcp');
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(port, LOOPBACK, resolve));
    t.after(() => squatter.close());
    await assert.rejects(startKamailio({ udpPort: port, tcpPort: port }), (err: Error) => {
      assert.match(err.message, /kamailio exited/);
      assert.match(err.message, /--- kamailio log/);
      assert.match(err.message, /Address already in use|bind/i);
      return true;
    });
  });
});
