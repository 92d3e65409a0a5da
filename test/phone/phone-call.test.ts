import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSimHardware, type SimHardware } from '../../boards/sim/sim-hardware.js';
import { findBoard } from '../../boards/index.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';
import { Phone } from '../../firmware/phone/phone.js';
import type { AnswerOutcome, PhoneMedia, ProgressTone } from '../../firmware/phone/phone-media.js';
import type { IncomingCallEnd, IncomingCallView, PhoneSip } from '../../firmware/phone/phone-sip.js';

/** Records what the phone asks of the audio side. */
class FakeMedia implements PhoneMedia {
  readonly log: string[] = [];
  stopped = 0;
  answer(offerSdp: string, callId: string): Promise<AnswerOutcome> {
    this.log.push(`answer ${callId} ${offerSdp.length > 0 ? 'with offer' : 'empty'}`);
    return Promise.resolve({
      ok: true,
      sdp: 'v=0 (answer)',
      codec: 'G722',
      wideband: true,
      secure: false,
      stats: () => ({ codec: 'G722', packetsSent: 10, packetsReceived: 9, jitterMs: 1.5, lossFraction: 0, rttMs: null, bufferDelayMs: 40, targetDelayMs: 40, concealedMs: 0 }),
      stop: () => {
        this.stopped++;
        return Promise.resolve();
      },
    });
  }
  tone(tone: ProgressTone | undefined): void {
    this.log.push(`tone ${tone ?? 'off'}`);
  }
  ring(on: boolean): void {
    this.log.push(`ring ${on ? 'on' : 'off'}`);
  }
}

class OneCall implements PhoneSip {
  private listener: ((call: IncomingCallView) => void) | undefined;
  accounts(): [] {
    return [];
  }
  onAccountsChanged(): () => void {
    return () => undefined;
  }
  onIncomingCall(l: (call: IncomingCallView) => void): () => void {
    this.listener = l;
    return () => undefined;
  }
  ring(): IncomingCallView & { accepted?: string; byes: number; end(how: IncomingCallEnd): void } {
    let endListener: ((how: IncomingCallEnd) => void) | undefined;
    const call = {
      callerName: 'Bob',
      callerNumber: '1002',
      callerUri: 'sip:1002@pbx',
      callId: 'c1',
      accountIndex: 1,
      intercom: false,
      offerSdp: 'v=0 (offer)',
      accepted: undefined as string | undefined,
      byes: 0,
      reject: () => endListener?.('rejected'),
      accept(sdp: string) {
        call.accepted = sdp;
      },
      hangup() {
        call.byes++;
        endListener?.('ended');
      },
      onEnd: (l: (how: IncomingCallEnd) => void) => {
        endListener = l;
      },
      end: (how: IncomingCallEnd) => endListener?.(how),
    };
    this.listener?.(call);
    return call;
  }
}

async function start(t: { after: (fn: () => Promise<void>) => void }): Promise<{ hw: SimHardware; phone: Phone; media: FakeMedia; sip: OneCall }> {
  const board = findBoard('sim');
  assert.ok(board);
  const clock = new SystemClock();
  const hw = await createSimHardware(board.description, clock, clockDelay(clock));
  const media = new FakeMedia();
  const sip = new OneCall();
  const phone = new Phone(hw, { sip, media });
  t.after(async () => {
    await phone.dispose();
    await hw.dispose();
  });
  await phone.start();
  return { hw, phone, media, sip };
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

  it('rings, answers when the handset is lifted, shows the call, and hangs up with BYE when it is put down', async (t) => {
    const { hw, phone, media, sip } = await start(t);
    const call = sip.ring();
    await phone.settled();
    assert.deepEqual(media.log, ['ring on']);
    await hw.human.setHook(true);
    for (let i = 0; i < 50 && phone.status().screen !== 'connected'; i++) await new Promise((r) => setTimeout(r, 10));
    await phone.settled();
    assert.equal(phone.status().screen, 'connected');
    assert.equal(call.accepted, 'v=0 (answer)');
    assert.deepEqual(media.log, ['ring on', 'ring off', 'answer c1 with offer']);
    const lines = hw.screenLines();
    assert.match(lines[0] ?? '', /^Bob +00:0\d$/);
    assert.equal(lines[1]?.trim(), '1002');
    assert.equal(lines[2]?.trim(), 'G722 HD');
    assert.equal(phone.status().call?.media?.packetsReceived, 9);
    assert.equal(hw.leds.get('line')?.showing, 'on');
    await hw.human.setHook(false);
    await phone.settled();
    assert.equal(call.byes, 1);
    assert.equal(media.stopped, 1);
    assert.equal(phone.status().screen, 'idle');
  });

  it("the far end hanging up stops the call's audio and returns the phone to idle", async (t) => {
    const { phone, media, sip } = await start(t);
    const call = sip.ring();
    await phone.answer();
    call.end('ended');
    await phone.settled();
    assert.equal(media.stopped, 1);
    assert.equal(phone.status().screen, 'idle');
    assert.equal(phone.status().call, null);
  });
});
