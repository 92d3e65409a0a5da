/**
 * Flow 1 (call-flows.md) with the phone as A, the TRANSFEREE, through a real
 * Kamailio: the phone dials bob, a SIPp UAS (test/sipp/uas-transfers-caller.xml)
 * that answers, REFERs the phone to carol and hangs up; carol is a baresip
 * that answers by itself. SIPp's expectations check F13-F17 (NOTIFY with the
 * refer event package and a 100 Trying sipfrag, the hold re-INVITE, BYE
 * answered); the PBX's wire log checks F12's 202, the phone's INVITE to
 * carol (Referred-By, RFC 3892 §3) and its final NOTIFY (RFC 3515 §2.4.5).
 * Then the REFERs the phone must refuse (test/sipp/uas-refer-refused.xml,
 * RFC 3515 §2.4.2): 400 without Refer-To, 403 with features.accept_refer = 0.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio, type Kamailio } from '../pbx/kamailio.js';
import type { PhoneUnderTest } from '../helpers/phone-under-test.js';
import { bodyText, wireRequests, wireResponses } from '../pbx/wire-log.js';
import { describeSipp, type SippResult } from '../sipp/sipp.js';
import { startRegisteredUas } from '../sipp/registered-uas.js';
import { answeringPeer, initialInvitesTo, phoneSipTrace, registeredPhone, sippScenario, waitCalls, wireSummary, type CallEntry } from './call-bench.js';

/** The calls that have not ended. */
function live(calls: readonly CallEntry[]): CallEntry[] {
  return calls.filter((c) => c.state !== 'ended');
}

/**
 * "CSeq METHOD" of each request the phone sent in dialog `callId` (its own
 * capture, in the order they left; retransmissions and ACK/CANCEL, which
 * reuse the INVITE's number, left out).
 */
function sentInDialog(captured: readonly string[], callId: string): string[] {
  const seen = new Set<string>();
  for (const text of captured) {
    // A request's first line ends with the version (§7.1); the method is read from CSeq (§8.1.1.5).
    const request = /^[^\r\n]* SIP\/2\.0\r\n/.test(text);
    const cseq = /^CSeq:\s*(\d+ ([A-Z]+))\s*$/im.exec(text);
    const ours = /^From:[^\r\n]*<sip:alice@/im.test(text);
    if (!request || cseq?.[1] === undefined || cseq[2] === 'ACK' || cseq[2] === 'CANCEL' || !ours) continue;
    if (/^Call-ID:\s*(\S+)/im.exec(text)?.[1] === callId) seen.add(cseq[1]);
  }
  return [...seen];
}

/**
 * RFC 3261 §12.2.1.1: each request of ours in a dialog has a CSeq one
 * higher than the one before; §12.2.2: a UAS "MUST reject" a lower one
 * "with a 500 (Server Internal Error)". So the numbers must go up in the
 * order the requests leave.
 */
function assertCSeqsRise(call: BobCall): void {
  const sent = sentInDialog(call.captured, call.callId);
  const numbers = sent.map((c) => Number.parseInt(c, 10));
  assert.ok(
    numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? 0)),
    `the phone's requests in bob's dialog left in this order: ${sent.join(', ')} — a lower CSeq after a higher one is refused 500 by a strict UAS`,
  );
}

interface BobCall {
  readonly pbx: Kamailio;
  readonly phone: PhoneUnderTest;
  /** How bob's scenario went (asserted to have followed it). */
  readonly bob: SippResult;
  /** The Call-ID of the phone's call to bob. */
  readonly callId: string;
  /** The phone's capture of its SIP traffic during the call (console `trace on`). */
  readonly captured: readonly string[];
}

/**
 * A Kamailio, bob = SIPp running `scenario`, the phone registered as alice
 * (with `cfg` lines added) dialing bob; resolves once bob's scenario ended.
 * `before` runs once the PBX is up (to start carol).
 */
async function phoneCallsSippBob(
  t: TestContext,
  scenario: string,
  keys: Record<string, string>,
  cfg: readonly string[] = [],
  before: (pbx: Kamailio) => Promise<void> = () => Promise.resolve(),
): Promise<BobCall> {
  const pbx = await startKamailio();
  t.after(() => pbx.stop());
  await before(pbx);
  const uas = await startRegisteredUas(pbx, 'bob', { scenario: sippScenario(scenario), keys: { domain: pbx.realm, ...keys }, timeoutMs: 25_000 });
  t.after(() => uas.stop());
  const phone = await registeredPhone(t, pbx, 'alice', cfg);

  const trace = await phoneSipTrace(phone);
  assert.equal((await phone.console.command('dial bob')).status, 'OK');
  const bob = await uas.done;
  const captured = await trace.stop();
  assert.ok(bob.ok, `bob's scenario ${scenario}: ${describeSipp(bob)}\nwire:\n${wireSummary(pbx)}\nphone:\n${phone.stderr()}`);
  const callId = initialInvitesTo(pbx, 'bob')[0]?.message.headers.get('Call-ID');
  assert.ok(callId !== undefined, `the phone's INVITE to bob is in the wire log:\n${wireSummary(pbx)}`);
  return { pbx, phone, bob, callId, captured };
}

/** The status the phone answered bob's REFER with (the PBX saw the response go by). */
function referAnswer(call: BobCall): number | undefined {
  const answer = wireResponses(call.pbx.log(), 'REFER').find((w) => w.message.headers.get('Call-ID') === call.callId);
  return answer?.message.kind === 'response' ? answer.message.status : undefined;
}

describe('flow 1 with the phone as A, the transferee, through a real Kamailio', { timeout: 60_000 }, () => {
  it('bob REFERs the phone to carol: 202, NOTIFY 100 Trying … 200 OK; the phone calls carol with Referred-By and ends connected to her', async (t) => {
    let carolEstablished: Promise<unknown> = Promise.resolve();
    const call = await phoneCallsSippBob(t, 'uas-transfers-caller', {}, [], async (pbx) => {
      const carol = await answeringPeer(t, pbx, 'carol');
      carolEstablished = carol.waitForEvent('CALL_ESTABLISHED', 15_000);
    });
    const { pbx, phone, callId } = call;
    await carolEstablished;

    // F12: the phone accepted the REFER.
    assert.equal(referAnswer(call), 202);

    // The triggered INVITE, to the Refer-To target, with the REFER's Referred-By copied (RFC 3892 §3).
    const toCarol = initialInvitesTo(pbx, 'carol');
    assert.ok(toCarol.length > 0, `an INVITE to carol went through the proxy:\n${wireSummary(pbx)}`);
    for (const invite of toCarol) {
      assert.equal(invite.message.uri.kind === 'sip' ? invite.message.uri.host : '', 'deskphone.test', 'the Request-URI is the Refer-To URI');
      assert.notEqual(invite.message.headers.get('Call-ID'), callId, 'a new call, not a re-INVITE');
      assert.equal(invite.message.headers.get('Referred-By'), '<sip:bob@deskphone.test>');
    }

    // F13 … the final NOTIFY: progress as sipfrag, in bob's dialog, ending with carol's 200 (RFC 3515 §2.4.4-2.4.5).
    const notifies = wireRequests(pbx.log(), 'NOTIFY').filter((w) => w.message.headers.get('Call-ID') === callId);
    const first = notifies[0]?.message ?? assert.fail(`no NOTIFY in bob's dialog:\n${wireSummary(pbx)}`);
    assert.match(first.headers.get('Event') ?? '', /^refer\b/);
    assert.match(first.headers.get('Content-Type') ?? '', /^message\/sipfrag\b/);
    assert.match(first.headers.get('Subscription-State') ?? '', /^active\b/);
    assert.match(bodyText(first), /^SIP\/2\.0 100 Trying\r?\n/);
    const last = notifies.at(-1)?.message ?? assert.fail('no NOTIFY');
    assert.match(bodyText(last), /^SIP\/2\.0 200 OK\r?\n/, `the final NOTIFY reports carol's 200: ${bodyText(last)}`);
    assert.match(last.headers.get('Subscription-State') ?? '', /^terminated\b/);

    // The phone ends with one call: carol, connected.
    const after = await waitCalls(phone, 'one call, to carol, connected', (c) => live(c).length === 1 && live(c)[0]?.state === 'connected');
    assert.match(live(after)[0]?.remote ?? '', /^sip:carol@deskphone\.test\b/);

    // The NOTIFYs and the hold re-INVITE share bob's dialog: their CSeqs must rise in the order they leave.
    assertCSeqsRise(call);
  });

  /** bob sends a REFER the phone must refuse with `status`; no subscription, nobody called, the call ends with bob's BYE. */
  async function refused(t: TestContext, referToHeader: string, cfg: readonly string[], status: number): Promise<void> {
    const call = await phoneCallsSippBob(t, 'uas-refer-refused', { refer_to_header: referToHeader }, cfg);
    assert.equal(referAnswer(call), status);
    assert.equal(wireRequests(call.pbx.log(), 'NOTIFY').length, 0, 'no subscription, no NOTIFY');
    assert.equal(initialInvitesTo(call.pbx, 'carol').length, 0, 'nobody called');
    await waitCalls(call.phone, 'no call left after bob hung up', (c) => live(c).length === 0);
    assertCSeqsRise(call);
  }

  it('a REFER without Refer-To is answered 400 and changes nothing', (t) => refused(t, 'X-Not-Refer-To', [], 400));

  it('with features.accept_refer = 0 a REFER is answered 403 and nobody is called', (t) => refused(t, 'Refer-To', ['features.accept_refer = 0'], 403));
});
