import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Phone } from '../../firmware/phone/phone.js';
import type { SimHardware } from '../../boards/sim/sim-hardware.js';
import type { CallsConfig } from '../../firmware/config/view.js';
import { answerTo, createSimPhone, FakeMedia, FakeRefer, FakeSip, flush, startSimPhone } from './phone-fakes.js';

async function start(
  t: { after: (fn: () => Promise<void>) => void },
  calls: Partial<CallsConfig> = {},
): Promise<{ hw: SimHardware; phone: Phone; media: FakeMedia; sip: FakeSip }> {
  const media = new FakeMedia();
  const sip = new FakeSip();
  return { ...(await startSimPhone(t, { sip, media, calls })), media, sip };
}

describe('calls on the phone', () => {
  it('plays dial tone with the handset up until the first digit, and stops it on hook', async (t) => {
    const { hw, phone, media } = await start(t);
    await hw.human.setHook(true);
    await phone.settled();
    assert.deepEqual(media.log, ['tone dial']);
    await hw.human.pressKey('4');
    await phone.settled();
    assert.deepEqual(media.log, ['tone dial', 'tone off']);
    await hw.human.setHook(false);
    await phone.settled();
    assert.deepEqual(media.log, ['tone dial', 'tone off'], 'nothing more to stop');
  });

  it('rings, answers when the handset is lifted with a real SDP answer, and hangs up with BYE when it is put down', async (t) => {
    const { hw, phone, media, sip } = await start(t);
    const call = sip.ring('Bob', '1002');
    await phone.settled();
    assert.deepEqual(media.log, ['ring on']);
    await hw.human.setHook(true);
    await flush(phone);
    assert.equal(phone.status().screen, 'connected');
    assert.match(call.answered ?? '', /^m=audio 20000 RTP\/AVP 0 101/m, 'the answer carries the stream port and PCMU');
    assert.equal(media.opened[0]?.remote?.port, 40000);
    assert.deepEqual(media.log, ['ring on', 'ring off']);
    const lines = hw.screenLines();
    assert.match(lines[0] ?? '', /^Bob +00:0\d$/);
    assert.equal(lines[1]?.trim(), '1002');
    assert.equal(lines[2]?.trim(), 'PCMU');
    assert.equal(phone.status().call?.media?.packetsReceived, 9);
    assert.equal(hw.leds.get('line')?.showing, 'on');
    await hw.human.setHook(false);
    await flush(phone);
    assert.equal(call.leg?.hungUp, 1);
    assert.deepEqual(media.closed, ['call-1']);
    assert.equal(phone.status().screen, 'idle');
  });

  it('dials typed digits after the inter-digit time, plays ringback on 180, connects on 200', async (t) => {
    const { hw, phone, media, sip } = await start(t, { interDigitS: 1 });
    await hw.human.setHook(true);
    for (const k of ['2', '0', '0', '1'] as const) await hw.human.pressKey(k);
    await phone.settled();
    assert.equal(sip.placed.length, 0);
    await new Promise((r) => setTimeout(r, 1100));
    await flush(phone);
    const out = sip.placed[0];
    assert.ok(out, 'an INVITE went out');
    assert.equal(out.request.target, 'sip:2001@pbx.test');
    assert.match(out.request.offerSdp, /^m=audio 20000 RTP\/AVP/m);
    assert.equal(phone.status().calls[0]?.state, 'calling');
    out.tell({ kind: 'ringing', status: 180 });
    await flush(phone);
    assert.equal(phone.status().calls[0]?.state, 'ringing');
    assert.ok(media.log.includes('tone ringback'));
    out.answer();
    await flush(phone);
    assert.equal(phone.status().calls[0]?.state, 'connected');
    assert.deepEqual(media.direction('call-1'), { send: true, recv: true });
    assert.equal(media.log.at(-1), 'tone off');
  });

  it('hold sends a sendonly re-offer and stops sending; a failed hold leaves the call talking and says so', async (t) => {
    const { phone, media, sip } = await start(t);
    await phone.dial('bob');
    const leg = sip.placed[0]?.answer();
    assert.ok(leg);
    await flush(phone);
    leg.reinviteResult = () => ({ ok: false, status: 488, reason: 'Not Acceptable Here', endDialog: false });
    await assert.rejects(phone.hold(), /hold failed: 488/);
    assert.equal(phone.status().calls[0]?.state, 'connected');
    assert.equal(phone.status().calls[0]?.localDirection, 'sendrecv');
    assert.match(phone.status().calls[0]?.notice ?? '', /Hold failed: 488/);
    leg.reinviteResult = (offer) => ({ ok: true, answerSdp: answerTo(offer) });
    await phone.hold();
    assert.match(leg.reinvites.at(-1) ?? '', /a=sendonly/);
    assert.equal(phone.status().calls[0]?.state, 'held');
    assert.deepEqual(media.direction('call-1'), { send: false, recv: false });
    await phone.resume();
    assert.match(leg.reinvites.at(-1) ?? '', /a=sendrecv/);
    assert.deepEqual(media.direction('call-1'), { send: true, recv: true });
  });

  it('as transferee: 202, NOTIFY Trying, a new call with Referred-By, 200 reported and the old call ended', async (t) => {
    const { phone, sip } = await start(t);
    await phone.dial('bob');
    const leg = sip.placed[0]?.answer();
    assert.ok(leg?.handlers);
    await flush(phone);
    const refer = new FakeRefer('sip:carol@pbx.test', '<sip:bob@pbx.test>');
    leg.handlers.refer(refer);
    await flush(phone);
    const toCarol = sip.placed[1];
    assert.ok(toCarol, 'the transferee calls the Refer-To target');
    assert.equal(toCarol.request.target, 'sip:carol@pbx.test');
    assert.equal(toCarol.request.referredBy, '<sip:bob@pbx.test>');
    toCarol.tell({ kind: 'ringing', status: 180 });
    toCarol.answer();
    await flush(phone);
    assert.deepEqual(refer.progress, ['100 Trying', '180 Ringing', '200 OK']);
    assert.equal(leg.hungUp, 1, 'the transferred call is ended');
    assert.deepEqual(
      phone.status().calls.filter((c) => c.state !== 'ended').map((c) => c.remote),
      ['sip:carol@pbx.test'],
    );
  });

  it('as transfer target: an INVITE with Replaces naming our call takes its place; an unknown dialog gets 481', async (t) => {
    const { phone, sip } = await start(t);
    await phone.dial('alice');
    const legA = sip.placed[0]?.answer({ localTag: 'c-tag', remoteTag: 'a-tag' });
    assert.ok(legA);
    await flush(phone);
    // The SIP side names the replaced dialog from our side (firmware/sip/phone-transfer.ts matched it).
    const wrong = sip.ring('Bob', 'bob', { replaces: { callId: 'out-1', localTag: 'c-tag', remoteTag: 'nope' } });
    assert.deepEqual(wrong.rejectedWith, [481]);
    const bob = sip.ring('Bob', 'bob', { replaces: { callId: 'out-1', localTag: 'c-tag', remoteTag: 'a-tag' } });
    await flush(phone);
    assert.ok(bob.answered, 'answered without the user');
    assert.equal(legA.hungUp, 1, 'the replaced call gets a BYE');
    assert.deepEqual(
      phone.status().calls.filter((c) => c.state !== 'ended').map((c) => c.remote),
      ['sip:bob@deskphone.test'],
    );
  });

  it('attended transfer: hold B, call C, transfer → REFER to B with Replaces naming the C call; both end on 200', async (t) => {
    const { phone, sip } = await start(t);
    await phone.dial('bob');
    const legB = sip.placed[0]?.answer();
    assert.ok(legB);
    await flush(phone);
    await phone.dial('carol');
    assert.match(legB.reinvites.at(-1) ?? '', /a=sendonly/, 'B is held before C is called');
    const legC = sip.placed[1]?.answer({ localTag: 'a2', remoteTag: 'c2' });
    assert.ok(legC);
    await flush(phone);
    await phone.transfer();
    assert.deepEqual(legB.refers, [{ target: 'sip:carol@pbx.test', replaces: { callId: 'out-2', localTag: 'a2', remoteTag: 'c2' } }]);
    legB.referProgress?.(200, 'OK');
    await flush(phone);
    assert.equal(legB.hungUp, 1);
  });

  it('ends its calls when it stops: BYE for a connected call, 480 for one ringing in', async () => {
    const media = new FakeMedia();
    const sip = new FakeSip();
    const { hw, phone } = await createSimPhone({ sip, media });
    await phone.start();
    await phone.dial('bob');
    const leg = sip.placed[0]?.answer();
    await flush(phone);
    const ringing = sip.ring('Carol', '1003');
    await phone.dispose();
    await hw.dispose();
    assert.equal(leg?.hungUp, 1);
    assert.deepEqual(ringing.rejectedWith, [480]);
  });

  it('sends DTMF as RFC 4733 events by default', async (t) => {
    const { phone, media, sip } = await start(t);
    await phone.dial('bob');
    sip.placed[0]?.answer();
    await flush(phone);
    await phone.dtmf('12#');
    assert.deepEqual(media.dtmf, ['call-1 12# rfc4733']);
  });
});
