/**
 * The provisioning side of the bench: the common file that gives the phone
 * alice's account on the bench Kamailio, and Yealink's check-sync — an
 * out-of-dialog NOTIFY Event: check-sync sent to the phone's registered
 * contact, from the registrar's address as a PBX sends it, which makes the
 * phone fetch its provisioning files again (firmware/config provisioning).
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import type { Kamailio } from '../pbx/kamailio.js';

/** A common provisioning file: account 1 is alice on the Kamailio at `pbxPort`, labelled `label`, plus `extra` lines. */
export function commonFile(pbxPort: number, label: string, extra: readonly string[] = []): string {
  return [
    '#!version:1.0.0.1',
    'account.1.enable = 1',
    `account.1.label = ${label}`,
    'account.1.user_name = alice',
    'account.1.password = alice-secret',
    'account.1.sip_server.1.address = 127.0.0.1',
    `account.1.sip_server.1.port = ${pbxPort}`,
    ...extra,
    '',
  ].join('\n');
}

function checkSyncNotify(user: string, phonePort: number, from: number): string {
  return [
    `NOTIFY sip:${user}@127.0.0.1:${phonePort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${from};branch=z9hG4bK-checksync-${Date.now()}`,
    'Max-Forwards: 70',
    'From: <sip:pbx@127.0.0.1>;tag=cs1',
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: checksync-${Date.now()}@127.0.0.1`,
    'CSeq: 1 NOTIFY',
    'Event: check-sync',
    'Subscription-State: terminated',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Sends check-sync to `user`'s registered contact and expects the phone's 200. */
export async function sendCheckSync(pbx: Kamailio, user = 'alice'): Promise<void> {
  const contact = (await pbx.contacts(user))[0] ?? '';
  const phonePort = Number(/@127\.0\.0\.1:(\d+)/.exec(contact)?.[1]);
  assert.ok(phonePort > 0, contact);
  const sock = dgram.createSocket('udp4');
  try {
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const answer = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString('utf8'))));
    sock.send(checkSyncNotify(user, phonePort, sock.address().port), phonePort, '127.0.0.1');
    assert.match(await answer, /^SIP\/2\.0 200 /);
  } finally {
    sock.close();
  }
}
