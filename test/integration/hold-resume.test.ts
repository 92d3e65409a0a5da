/**
 * Flow 2, F1-F14 and the resume that mirrors it (call-flows.md), with the
 * phone as A: it dials bob (a baresip that answers by itself) through
 * Kamailio from its console, holds, resumes, hangs up. Checked on the wire
 * (every message Kamailio received, test/pbx/wire-log.ts): the hold
 * re-INVITE's a=sendonly and o= version, bob's a=recvonly; and from the
 * phone's stream figures: no RTP sent while holding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKamailio } from '../pbx/kamailio.js';
import { startBaresip } from '../peers/baresip.js';
import { accountsCfg, startPhoneUnderTest, type PhoneUnderTest } from '../helpers/phone-under-test.js';
import { bodyText, wireMessages, wireRequests, wireResponses } from '../pbx/wire-log.js';
import { getContacts } from '../../firmware/sip/message/index.js';

interface CallEntry {
  readonly id: string;
  readonly state: string;
  readonly remote: string;
  readonly localDirection: string;
  readonly codec: string | null;
}

async function calls(phone: PhoneUnderTest): Promise<CallEntry[]> {
  return ((await phone.state()) as unknown as { calls: CallEntry[] }).calls;
}

async function waitCall(phone: PhoneUnderTest, what: string, ok: (c: CallEntry[]) => boolean, timeoutMs = 10_000): Promise<CallEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await calls(phone);
    if (ok(now)) return now;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; calls ${JSON.stringify(now)}\n${phone.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function originVersion(sdp: string): number {
  const m = /^o=\S+ \S+ (\d+) /m.exec(sdp);
  assert.ok(m, `an o= line in ${sdp}`);
  return Number(m[1]);
}

async function packetsSent(phone: PhoneUnderTest): Promise<number> {
  const s = await phone.state();
  return s.call?.media?.packetsSent ?? -1;
}

describe('the phone places a call, holds and resumes it (flow 2 as A) through a real Kamailio', { timeout: 90_000 }, () => {
  it('dial bob → connected; hold: re-INVITE a=sendonly, o= version +1, answered recvonly, no RTP; resume: sendrecv, RTP again', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const phone = await startPhoneUnderTest(accountsCfg([{ user: 'alice', password: 'alice-secret', server: '127.0.0.1', port: pbx.udpPort }]), {
      extraArgs: ['--audio-in', 'tone:440'],
    });
    t.after(() => phone.stop());
    await phone.waitFor('alice registered', (s) => s.accounts[0]?.registered === true);
    const bob = await startBaresip({ user: 'bob', password: 'bob-secret', pbx, codecs: ['PCMU'], source: { toneHz: 1000, seconds: 30 } });
    t.after(() => bob.stop());

    const dial = await phone.console.command('dial bob');
    assert.equal(dial.status, 'OK', `dial: ${dial.status}\n${phone.stderr()}`);
    await bob.waitForEvent('CALL_ESTABLISHED', 10_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\nphone: ${phone.stderr()}\nwire: ${wireMessages(pbx.log()).map((w) => w.source + ' ' + (w.text.split('\r\n')[0] ?? '')).join('\n')}\n${pbx.log().split('\n').filter((l) => !l.includes('WIRE') && /auth|ERROR|WARN/.test(l)).join('\n')}`);
    });
    const up = await waitCall(phone, 'connected', (c) => c[0]?.state === 'connected');
    assert.equal(up[0]?.remote, `sip:bob@127.0.0.1:${pbx.udpPort}`);
    assert.equal(up[0]?.codec, 'PCMU');
    assert.match((await phone.lcd()).join('\n'), /bob[\s\S]*PCMU/);

    const invites = wireRequests(pbx.log(), 'INVITE');
    const first = invites.find((w) => w.message.uri.kind === 'sip' && w.message.uri.user === 'bob' && w.message.headers.get('To')?.includes('tag=') !== true);
    assert.ok(first, 'the INVITE to bob went through the proxy');
    // Its Contact names the calling account's user, as that account's REGISTER does (PBXs match in-dialog requests to it).
    const contacts = getContacts(first.message);
    const contactUri = contacts === '*' ? undefined : contacts[0]?.uri;
    assert.equal(contactUri?.kind === 'sip' ? contactUri.user : undefined, 'alice', `the INVITE's Contact: ${first.message.headers.get('Contact') ?? 'none'}`);
    const initialVersion = originVersion(bodyText(first.message));
    const callId = first.message.headers.get('Call-ID');

    // Audio flows before the hold.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await packetsSent(phone);
    assert.ok(before > 20, `RTP sent while talking: ${before}`);

    assert.equal((await phone.console.command('hold')).status, 'OK');
    const held = await waitCall(phone, 'held', (c) => c[0]?.state === 'held');
    assert.equal(held[0]?.localDirection, 'sendonly');
    assert.match((await phone.lcd()).join('\n'), /Held/);
    const reinvites = wireRequests(pbx.log(), 'INVITE').filter((w) => w.message.headers.get('Call-ID') === callId && /tag=/.test(w.message.headers.get('To') ?? ''));
    const holdInvite = reinvites.find((w) => /a=sendonly/.test(bodyText(w.message)));
    assert.ok(holdInvite, `F9: a re-INVITE with a=sendonly in ${reinvites.map((w) => w.text).join('\n---\n')}`);
    assert.equal(originVersion(bodyText(holdInvite.message)), initialVersion + 1, 'F9: o= version incremented');
    const holdCSeq = holdInvite.message.headers.get('CSeq');
    const holdOk = wireResponses(pbx.log(), 'INVITE').find((w) => w.message.headers.get('CSeq') === holdCSeq && w.message.kind === 'response' && w.message.status === 200);
    assert.ok(holdOk, 'F11: bob answered the hold');
    assert.match(bodyText(holdOk.message), /a=recvonly|a=inactive/, 'F11: bob answers recvonly');

    // F13: no RTP from the holder. The engine's counter must stand still
    // (its figures come once a second: let one report pass first).
    await new Promise((r) => setTimeout(r, 1200));
    const atHold = await packetsSent(phone);
    await new Promise((r) => setTimeout(r, 1500));
    const afterHold = await packetsSent(phone);
    assert.ok(afterHold - atHold <= 1, `no RTP while holding: ${atHold} → ${afterHold}`);

    assert.equal((await phone.console.command('resume')).status, 'OK');
    await waitCall(phone, 'connected again', (c) => c[0]?.state === 'connected' && c[0].localDirection === 'sendrecv');
    const resumeInvite = wireRequests(pbx.log(), 'INVITE').find(
      (w) => w.message.headers.get('Call-ID') === callId && /a=sendrecv/.test(bodyText(w.message)) && originVersion(bodyText(w.message)) === initialVersion + 2,
    );
    assert.ok(resumeInvite, 'resume: a re-INVITE with a=sendrecv and the next o= version');
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok((await packetsSent(phone)) - afterHold > 20, 'RTP flows again after resume');

    assert.equal((await phone.console.command('hangup')).status, 'OK');
    await bob.waitForEvent('CALL_CLOSED', 5000);
    assert.ok(wireRequests(pbx.log(), 'BYE').some((w) => w.message.headers.get('Call-ID') === callId), 'the BYE went through the proxy');
  });
});
