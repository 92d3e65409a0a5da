/**
 * Flow 1 (call-flows.md) with the phone as B, the TRANSFEROR of a blind
 * transfer, through a real Kamailio: the phone dials bob, a SIPp UAS
 * (test/sipp/uas-referred.xml) playing A, the transferee; `transfer carol`
 * from the console. SIPp's expectations check the hold re-INVITE
 * (a=sendonly), the REFER (Refer-To a name-addr in angle brackets naming
 * carol, Referred-By naming alice — RFC 3515 §2.1, RFC 3892), and the
 * phone's BYE; bob answers 202 and sends NOTIFY 100 Trying, then NOTIFY
 * 200 OK (terminated). The PBX's wire log checks the order on the wire
 * (hold answered before the REFER left, BYE after the REFER's 202) and how
 * the phone answered the NOTIFYs; the phone's `state` ends with no call.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { bodyText, wireMessages, wireResponses, type WireMessage } from '../pbx/wire-log.js';
import { describeSipp } from '../sipp/sipp.js';
import { startRegisteredUas } from '../sipp/registered-uas.js';
import { initialInvitesTo, registeredPhone, sippScenario, waitCalls, wireSummary } from './call-bench.js';

function firstLine(w: WireMessage): string {
  return w.text.split('\r\n')[0] ?? '';
}

describe('flow 1 with the phone as B, the blind transferor, through a real Kamailio', { timeout: 60_000 }, () => {
  it('transfer carol: hold (sendonly), REFER with <sip:carol@…> and Referred-By alice, 202, NOTIFYs answered, BYE; no call left', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const bob = await startRegisteredUas(pbx, 'bob', { scenario: sippScenario('uas-referred'), timeoutMs: 25_000 });
    t.after(() => bob.stop());
    const phone = await registeredPhone(t, pbx, 'alice');

    assert.equal((await phone.console.command('dial bob')).status, 'OK');
    await waitCalls(phone, 'connected to bob', (c) => c[0]?.state === 'connected');
    const transfer = await phone.console.command('transfer carol');
    assert.equal(transfer.status, 'OK', `transfer: ${transfer.status} ${transfer.lines.join(' ')}`);

    const result = await bob.done;
    assert.ok(result.ok, `bob's scenario: ${describeSipp(result)}\nwire:\n${wireSummary(pbx)}\nphone:\n${phone.stderr()}`);
    await waitCalls(phone, 'no call left', (c) => c.every((call) => call.state === 'ended'));

    const log = pbx.log();
    const callId = initialInvitesTo(pbx, 'bob')[0]?.message.headers.get('Call-ID');
    assert.ok(callId !== undefined, `the INVITE to bob:\n${wireSummary(pbx)}`);
    const inDialog = wireMessages(log).filter((w) => w.message.headers.get('Call-ID') === callId);
    const at = (ok: (w: WireMessage) => boolean, what: string): number => {
      const i = inDialog.findIndex(ok);
      assert.ok(i >= 0, `${what} in bob's dialog:\n${inDialog.map(firstLine).join('\n')}`);
      return i;
    };
    const isRequest = (w: WireMessage, method: string): boolean => w.message.kind === 'request' && w.message.method === method;
    const isAnswer = (w: WireMessage, status: number, method: string): boolean =>
      w.message.kind === 'response' && w.message.status === status && (w.message.headers.get('CSeq') ?? '').endsWith(method);

    // The hold (flow 2 F9-F12) completes before the REFER leaves.
    const hold = at((w) => isRequest(w, 'INVITE') && /a=sendonly/.test(bodyText(w.message)), 'the hold re-INVITE');
    const holdOk = at((w) => isAnswer(w, 200, 'INVITE') && /a=recvonly/.test(bodyText(w.message)) && inDialog.indexOf(w) > hold, "bob's recvonly answer");
    const refer = at((w) => isRequest(w, 'REFER'), 'the REFER');
    assert.ok(holdOk < refer, 'the REFER waits for the hold to be answered');

    // The REFER itself (RFC 3515 §2.1: Refer-To; RFC 3892: Referred-By, our address of record).
    const referMessage = inDialog[refer]?.message;
    assert.ok(referMessage?.kind === 'request');
    assert.match(referMessage.headers.get('Refer-To') ?? '', new RegExp(`^<sip:carol@127\\.0\\.0\\.1:${pbx.udpPort}>$`));
    assert.match(referMessage.headers.get('Referred-By') ?? '', /^<sip:alice@127\.0\.0\.1>/);

    // 202, then the phone leaves (F17) — only after its REFER was accepted.
    const accepted = at((w) => isAnswer(w, 202, 'REFER'), "bob's 202");
    const bye = at((w) => isRequest(w, 'BYE'), "the phone's BYE");
    assert.ok(accepted < bye, 'BYE after the 202');

    // The phone answers bob's NOTIFYs: the first one 200 (the subscription it created lives).
    const notifyAnswers = wireResponses(log, 'NOTIFY').filter((w) => w.message.headers.get('Call-ID') === callId);
    assert.equal(notifyAnswers[0]?.message.kind === 'response' ? notifyAnswers[0].message.status : 0, 200, 'NOTIFY 100 Trying answered 200');
    assert.equal(notifyAnswers.length, 2, 'both NOTIFYs answered');
  });
});
