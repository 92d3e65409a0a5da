/**
 * RFC 3261 §18.1.1 through a real Kamailio: the phone's account says UDP,
 * and its INVITE with digest credentials (the phone answers the realm its
 * REGISTER was challenged for at once, without waiting for a 407) and the
 * default codec list is larger than 1300 bytes, so "the request MUST be sent
 * using an RFC 2914 congestion controlled transport protocol, such as TCP"
 * and "the value in the top Via MUST be changed". Checked in Kamailio's wire
 * log (test/pbx/wire-log.ts, which records the transport each request came
 * over): the REGISTERs, under the limit, came over UDP; the INVITE over TCP,
 * its Via saying TCP with the phone's port. The call is answered by a
 * baresip peer and hung up from the phone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getTopVia } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { wireRequests } from '../pbx/wire-log.js';
import { answeringPeer, callAnsweringPeer, initialInvitesTo, registeredPhone, suitePbx, waitCalls, wireSummary } from './call-bench.js';

function hasCredentials(request: SipRequest): boolean {
  return request.headers.has('Authorization') || request.headers.has('Proxy-Authorization');
}

describe('a large INVITE goes to Kamailio over TCP (§18.1.1)', { timeout: 90_000 }, () => {
  const bench = suitePbx();

  it('the INVITE with credentials (over 1300 bytes) reaches Kamailio over TCP with a TCP Via; the call is answered and hung up', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'alice');
    const bob = await answeringPeer(t, pbx, 'bob');
    const callId = await callAnsweringPeer(phone, pbx, 'bob', bob);

    const invites = initialInvitesTo(pbx, 'bob').filter((w) => w.message.headers.get('Call-ID') === callId);
    const sizes = invites.map((w) => `${w.protocol} ${Buffer.byteLength(w.text)} bytes${hasCredentials(w.message) ? ' with credentials' : ''}`).join(', ');
    t.diagnostic(`INVITEs of the call: ${sizes}`);
    const withCredentials = invites.filter((w) => hasCredentials(w.message));
    assert.equal(withCredentials.length, 1, `one INVITE with credentials, not retransmitted (Timer A is for UDP only): ${sizes}\n${wireSummary(pbx)}`);
    const invite = withCredentials[0];
    assert.ok(Buffer.byteLength(invite.text) > 1300, `the INVITE with credentials is over the limit: ${sizes}`);
    assert.equal(invite.protocol, 'tcp', `the INVITE with credentials came over TCP: ${sizes}`);
    // One a challenge made the phone send without credentials would be small enough for UDP.
    for (const w of invites.filter((x) => !hasCredentials(x.message))) {
      assert.ok(Buffer.byteLength(w.text) <= 1300 && w.protocol === 'udp', sizes);
    }

    // The account's transport is UDP, and what fits goes there: the REGISTERs came over UDP.
    const registers = wireRequests(pbx.log(), 'REGISTER').filter((w) => w.message.headers.get('From')?.includes('sip:alice@') === true);
    assert.ok(registers.length > 0 && registers.every((w) => w.protocol === 'udp'), wireSummary(pbx));
    const registerVia = getTopVia(registers[0].message);
    const via = getTopVia(invite.message);
    assert.equal(via?.transport, 'TCP', 'the top Via says TCP');
    assert.equal(via?.host, registerVia?.host);
    // The phone listens for TCP on its UDP port (§18.2.1): the TCP sent-by names that port; the
    // connection itself came from an ephemeral one.
    assert.equal(via?.port, registerVia?.port);
    assert.notEqual(invite.source, registers[0].source);

    const hangup = await phone.console.command('hangup');
    assert.equal(hangup.status, 'OK');
    await bob.waitForEvent('CALL_CLOSED', 10_000);
    await waitCalls(phone, 'the call is over', (c) => c.length === 0 || c.every((call) => call.state === 'ended'));
    const byes = wireRequests(pbx.log(), 'BYE').filter((w) => w.message.headers.get('Call-ID') === callId);
    assert.equal(byes.length, 1, `the phone's BYE went through the proxy:\n${wireSummary(pbx)}`);
  });
});
