/**
 * Incoming calls the phone does not ring for, or stops ringing for, through
 * a real Kamailio: do not disturb (486 Busy Here, or
 * features.dnd_refuse_code), forward always (302 Moved Temporarily whose
 * Contact is forward.always.target, RFC 3261 §21.3.3) and forward on no
 * answer (180 Ringing first, 302 after forward.no_answer.timeout seconds).
 * The caller is SIPp (test/sipp/uac-refused.xml: it accepts only a 3xx naming
 * carol, a 480 or a 486); the exact status and its timing come from SIPp's
 * message trace, and the phone's responses from the messages Kamailio
 * received (test/pbx/wire-log.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kamailio } from '../pbx/kamailio.js';
import { describeSipp } from '../sipp/sipp.js';
import { wireResponses, type WireMessage } from '../pbx/wire-log.js';
import type { PhoneUnderTest } from '../helpers/phone-under-test.js';
import { callsState, receivedStatuses, registeredPhone, sippCaller, suitePbx, sippTrace, waitCalls, wireSummary } from './call-bench.js';

/** The phone's (`user`'s) final response to the caller, as it passed the proxy. */
function finalFromPhone(pbx: Kamailio, user: string, status: number): WireMessage {
  const found = wireResponses(pbx.log(), 'INVITE').find(
    (w) => w.message.kind === 'response' && w.message.status === status && (w.message.headers.get('To') ?? '').includes(`sip:${user}@`),
  );
  assert.ok(found, `${user}'s ${status} through the proxy:\n${wireSummary(pbx)}`);
  return found;
}

/** Nothing rings and the refused call counts as missed. */
async function assertMissedNotRinging(phone: PhoneUnderTest): Promise<void> {
  const state = callsState(await phone.waitFor('the call logged as missed', (s) => callsState(s).missedCalls === 1));
  assert.equal(state.calls.filter((c) => c.state !== 'ended').length, 0, JSON.stringify(state.calls));
  assert.equal(state.screen, 'idle');
}

/** Phones that turn every caller away at once: the .cfg lines, and the final status the caller gets. */
const AT_ONCE: ReadonlyArray<{ readonly what: string; readonly user: string; readonly cfg: readonly string[]; readonly status: number; readonly dnd: boolean }> = [
  { what: 'do not disturb: the caller gets 486 Busy Here', user: 'alice', cfg: ['features.dnd.enable = 1'], status: 486, dnd: true },
  {
    what: 'do not disturb with features.dnd_refuse_code = 480: the caller gets 480',
    user: 'bob',
    cfg: ['features.dnd.enable = 1', 'features.dnd_refuse_code = 480'],
    status: 480,
    dnd: true,
  },
  {
    what: 'forward always to carol: the caller gets 302 whose Contact names carol',
    user: 'dave',
    cfg: ['forward.always.enable = 1', 'forward.always.target = carol'],
    status: 302,
    dnd: false,
  },
];

describe('incoming calls refused or forwarded through a real Kamailio', { timeout: 120_000 }, () => {
  const bench = suitePbx();

  for (const refusal of AT_ONCE) {
    it(refusal.what, async (t) => {
      const pbx = bench();
      const phone = await registeredPhone(t, pbx, refusal.user, refusal.cfg);
      assert.equal(callsState(await phone.state()).dnd, refusal.dnd);
      const caller = await sippCaller(pbx, refusal.user, 'uac-refused');
      const result = await caller.done;
      assert.ok(result.ok, describeSipp(result));
      assert.equal(receivedStatuses(result.messages).at(-1), refusal.status, result.messages);
      const final = finalFromPhone(pbx, refusal.user, refusal.status);
      // At once: the final response is the phone's only answer, with no 180 before it.
      const provisional = wireResponses(pbx.log(), 'INVITE').filter(
        (w) => w.message.kind === 'response' && w.message.status > 100 && w.message.status < 200 && (w.message.headers.get('To') ?? '').includes(`sip:${refusal.user}@`),
      );
      assert.deepEqual(provisional.map((w) => w.message.kind === 'response' && w.message.status), [], 'no ringing before the refusal');
      if (refusal.status === 302) {
        // A bare name is sip:<name>@<the account's server> (e2e brief; CallManager.resolveTarget).
        assert.equal(final.message.headers.get('Contact'), `<sip:carol@127.0.0.1:${pbx.udpPort}>`);
      }
      await assertMissedNotRinging(phone);
    });
  }

  it('forward on no answer after 2 s: 180 Ringing, the phone rings, then 302 naming carol about 2 s later', async (t) => {
    const pbx = bench();
    const phone = await registeredPhone(t, pbx, '1001', ['forward.no_answer.enable = 1', 'forward.no_answer.target = carol', 'forward.no_answer.timeout = 2']);
    const caller = await sippCaller(pbx, '1001', 'uac-refused');
    t.after(() => caller.stop());
    const ringing = await waitCalls(phone, 'the phone rings', (c) => c[0]?.state === 'ringing');
    assert.equal(ringing[0]?.direction, 'incoming');
    const result = await caller.done;
    assert.ok(result.ok, describeSipp(result));
    const trace = sippTrace(result.messages).filter((m) => !m.sent);
    const ring = trace.find((m) => /^SIP\/2\.0 18[01] /.test(m.firstLine));
    const moved = trace.find((m) => /^SIP\/2\.0 302 /.test(m.firstLine));
    assert.ok(ring && moved, `180/181 then 302 in:\n${trace.map((m) => m.firstLine).join('\n')}`);
    const afterMs = moved.atMs - ring.atMs;
    assert.ok(afterMs >= 1800 && afterMs <= 3500, `302 ${afterMs} ms after the ${ring.firstLine.slice(8)} (forward.no_answer.timeout = 2)`);
    assert.equal(finalFromPhone(pbx, '1001', 302).message.headers.get('Contact'), `<sip:carol@127.0.0.1:${pbx.udpPort}>`);
    await assertMissedNotRinging(phone);
  });
});
