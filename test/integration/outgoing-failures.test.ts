/**
 * Calls that do not get through, through a real Kamailio: the phone dials a
 * name the proxy does not know (404 Not Found from Kamailio) and a callee
 * that is busy (486 Busy Here from a SIPp UAS, test/sipp/uas-busy.xml); the
 * LCD says "Not found" and "Busy" and the call ends. Then a caller that
 * gives up while the phone rings (CANCEL, RFC 3261 §9): the phone answers
 * 487 and counts a missed call. Checked on the wire: the messages Kamailio
 * received (test/pbx/wire-log.ts) and SIPp's own expectations.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kamailio } from '../pbx/kamailio.js';
import { describeSipp, runSipp } from '../sipp/sipp.js';
import { startRegisteredUas } from '../sipp/registered-uas.js';
import { wireRequests, wireResponses } from '../pbx/wire-log.js';
import type { PhoneUnderTest } from '../helpers/phone-under-test.js';
import { callsState, initialInvitesTo, phoneSipTrace, registeredPhone, sippScenario, suitePbx, waitCalls, waitLcd, wireSummary } from './call-bench.js';

/** The ACK of a non-2xx final response names the same Call-ID and CSeq number as the INVITE (RFC 3261 §17.1.1.3). */
function ackedInvite(pbx: Kamailio, callId: string | undefined): boolean {
  return wireRequests(pbx.log(), 'ACK').some((w) => w.message.headers.get('Call-ID') === callId);
}

/** Dials `target` from the console; the call shows, then ends with `lcdText` on the screen. */
async function dialAndFail(phone: PhoneUnderTest, target: string, lcdText: RegExp): Promise<void> {
  const dial = await phone.console.command(`dial ${target}`);
  assert.equal(dial.status, 'OK', `dial ${target}: ${dial.status}`);
  const lcd = await waitLcd(phone, lcdText, 8000);
  assert.match(lcd, lcdText);
  const ended = await waitCalls(phone, 'the call ended', (c) => c.length === 1 && c[0]?.state === 'ended');
  assert.equal(ended[0]?.direction, 'outgoing');
  await phone.waitFor('no call left', (s) => callsState(s).calls.length === 0 && s.screen === 'idle', 8000);
}

describe('calls that fail, and a caller who gives up, through a real Kamailio', { timeout: 120_000 }, () => {
  const bench = suitePbx();

  it('dialing a name Kamailio does not know: 404, the LCD says "Not found", the call ends', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'alice');
    const trace = await phoneSipTrace(phone);
    await dialAndFail(phone, 'zed', /Not found/);
    const invites = initialInvitesTo(pbx, 'zed');
    assert.ok(invites.length > 0, `the INVITE to zed reached the proxy:\n${wireSummary(pbx)}`);
    // Kamailio's own 404, and the ACK its transaction absorbs before the
    // script runs, are not in its log: the phone's capture has them.
    const captured = await trace.stop();
    const callId = invites[0]?.message.headers.get('Call-ID') ?? 'none';
    const ofCall = captured.filter((m) => m.includes(`Call-ID: ${callId}\r\n`)).map((m) => m.split('\r\n')[0] ?? '');
    const notFound = ofCall.indexOf('SIP/2.0 404 Not Found');
    assert.ok(notFound > 0, `the INVITE, then Kamailio's 404, in the phone's capture:\n${ofCall.join('\n')}`);
    assert.ok(ofCall.slice(notFound + 1).some((l) => l.startsWith('ACK sip:zed@')), `the phone ACKed the 404 (RFC 3261 §17.1.1.3):\n${ofCall.join('\n')}`);
    assert.equal(wireRequests(pbx.log(), 'CANCEL').length, 0, 'nothing to cancel: the call failed by itself');
  });

  it('dialing a callee that answers 486: the LCD says "Busy", the call ends', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'bob');
    const callee = await startRegisteredUas(pbx, 'dave', { scenario: sippScenario('uas-busy'), timeoutMs: 30_000, recvTimeoutMs: 30_000 });
    t.after(() => callee.stop());
    await dialAndFail(phone, 'dave', /Busy/);
    const result = await callee.done;
    assert.ok(result.ok, describeSipp(result));
    const callId = initialInvitesTo(pbx, 'dave')[0]?.message.headers.get('Call-ID');
    assert.ok(
      wireResponses(pbx.log(), 'INVITE').some((w) => w.message.kind === 'response' && w.message.status === 486 && w.message.headers.get('Call-ID') === callId),
      `the callee's 486 went back through the proxy:\n${wireSummary(pbx)}`,
    );
    assert.ok(ackedInvite(pbx, callId), 'the phone ACKed the 486');
  });

  it('a caller who cancels while the phone rings: 487 from the phone, one missed call', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, 'carol');
    assert.equal(callsState(await phone.state()).missedCalls, 0);
    const caller = runSipp({
      scenario: 'uac-cancel',
      target: { host: pbx.host, port: pbx.udpPort },
      service: 'carol',
      auth: { user: '1001', password: pbx.users.get('1001') ?? '' },
      keys: { user: '1001', domain: pbx.realm },
      pauseMs: 1000,
      timeoutMs: 15_000,
    });
    const ringing = await waitCalls(phone, 'the phone rings', (c) => c[0]?.state === 'ringing');
    assert.equal(ringing[0]?.direction, 'incoming');
    const result = await caller;
    assert.ok(result.ok, describeSipp(result));
    const cancel = wireRequests(pbx.log(), 'CANCEL').find((w) => w.message.uri.kind === 'sip' && w.message.uri.user === 'carol');
    assert.ok(cancel, `the CANCEL went through the proxy:\n${wireSummary(pbx)}`);
    const callId = cancel.message.headers.get('Call-ID');
    assert.ok(
      wireResponses(pbx.log(), 'INVITE').some((w) => w.message.kind === 'response' && w.message.status === 487 && w.message.headers.get('Call-ID') === callId),
      'the phone answered the cancelled INVITE 487',
    );
    const missed = callsState(await phone.waitFor('one missed call', (s) => callsState(s).missedCalls === 1));
    assert.equal(missed.calls.filter((c) => c.state !== 'ended').length, 0);
  });
});
