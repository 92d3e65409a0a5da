/**
 * DTMF in a call through a real Kamailio: the phone dials a baresip that
 * answers by itself (bob, then carol: a fresh peer per test) and sends
 * `dtmf 1#` from its console.
 * - account.1.dtmf.type = 1 (the default): RFC 4733 telephone-events in the
 *   RTP stream; the baresip decodes them and reports each digit
 *   (CALL_DTMF_START); no INFO crosses the proxy.
 * - account.1.dtmf.type = 2: one SIP INFO per digit in the call's dialog,
 *   application/dtmf-relay with "Signal=<digit>" (the de-facto format
 *   desk phones and PBXs use), read from the PBX's wire log; the peer
 *   answers each 200 and reports the digits too.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Baresip } from '../peers/baresip.js';
import type { PhoneUnderTest } from '../helpers/phone-under-test.js';
import { bodyText, wireRequests, wireResponses } from '../pbx/wire-log.js';
import { answeringPeer, callAnsweringPeer, registeredPhone, suitePbx } from './call-bench.js';

/** The digits the peer reported (CALL_DTMF_START, one a digit), in order. */
function digitsHeard(peer: Baresip): string {
  return peer
    .events()
    .filter((e) => e.type === 'CALL_DTMF_START')
    .map((e) => e.param ?? '?')
    .join('');
}

async function waitDigits(peer: Baresip, expected: string, phone: PhoneUnderTest): Promise<void> {
  const deadline = Date.now() + 8000;
  while (digitsHeard(peer).length < expected.length) {
    if (Date.now() > deadline) {
      throw new Error(`the peer heard "${digitsHeard(peer)}", not "${expected}"; events ${JSON.stringify(peer.events().map((e) => e.type))}\n${phone.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('DTMF from the phone to a baresip through a real Kamailio', { timeout: 60_000 }, () => {
  const pbx = suitePbx();

  /** A phone (alice, with `cfg`) in a call with `user`, a baresip that answers by itself; the call's Call-ID. */
  async function inCall(t: TestContext, user: string, cfg: readonly string[]): Promise<{ phone: PhoneUnderTest; peer: Baresip; callId: string }> {
    const peer = await answeringPeer(t, pbx(), user);
    const phone = await registeredPhone(t, pbx(), 'alice', cfg);
    const callId = await callAnsweringPeer(phone, pbx(), user, peer);
    return { phone, peer, callId };
  }

  it('dtmf.type = 1 (RFC 4733): the peer decodes 1 and # from the RTP stream; no INFO is sent', async (t) => {
    const { phone, peer, callId } = await inCall(t, 'bob', []);
    assert.equal((await phone.console.command('dtmf 1#')).status, 'OK');
    await waitDigits(peer, '1#', phone);
    assert.equal(digitsHeard(peer), '1#');
    assert.equal(wireRequests(pbx().log(), 'INFO').filter((w) => w.message.headers.get('Call-ID') === callId).length, 0, 'RFC 4733 only: no INFO');
  });

  it('dtmf.type = 2 (SIP INFO): one INFO per digit, application/dtmf-relay, Signal=1 then Signal=#, each answered 200', async (t) => {
    const { phone, peer, callId } = await inCall(t, 'carol', ['account.1.dtmf.type = 2']);
    assert.equal((await phone.console.command('dtmf 1#')).status, 'OK');
    await waitDigits(peer, '1#', phone);
    assert.equal(digitsHeard(peer), '1#');

    const infos = wireRequests(pbx().log(), 'INFO').filter((w) => w.message.headers.get('Call-ID') === callId);
    assert.equal(infos.length, 2, `two INFOs in the call's dialog: ${infos.map((w) => w.text).join('\n---\n')}`);
    const [one, pound] = infos.map((w) => w.message);
    for (const info of [one, pound]) assert.match(info?.headers.get('Content-Type') ?? '', /^application\/dtmf-relay\b/);
    assert.match(bodyText(one ?? assert.fail('no INFO')), /^Signal=1\r?\nDuration=\d+/);
    assert.match(bodyText(pound ?? assert.fail('no INFO')), /^Signal=#\r?\nDuration=\d+/);
    const answers = wireResponses(pbx().log(), 'INFO').filter((w) => w.message.headers.get('Call-ID') === callId);
    assert.deepEqual(answers.map((w) => (w.message.kind === 'response' ? w.message.status : 0)), [200, 200]);
  });
});
