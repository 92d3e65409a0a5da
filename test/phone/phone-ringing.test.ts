import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSimHardware, type SimHardware } from '../../boards/sim/sim-hardware.js';
import { findBoard } from '../../boards/index.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';
import { Phone } from '../../firmware/phone/phone.js';
import type { AccountStatus, IncomingCallEnd, IncomingCallView, PhoneSip } from '../../firmware/phone/phone-sip.js';

class FakeSip implements PhoneSip {
  accountList: AccountStatus[] = [];
  private readonly accountListeners = new Set<() => void>();
  private readonly callListeners = new Set<(call: IncomingCallView) => void>();
  accounts(): readonly AccountStatus[] {
    return this.accountList;
  }
  onAccountsChanged(l: () => void): () => void {
    this.accountListeners.add(l);
    return () => this.accountListeners.delete(l);
  }
  onIncomingCall(l: (call: IncomingCallView) => void): () => void {
    this.callListeners.add(l);
    return () => this.callListeners.delete(l);
  }
  setRegistered(label: string): void {
    this.accountList = [
      { index: 1, label, uri: 'sip:alice@deskphone.test', registered: true, state: 'registered', server: '127.0.0.1:5060;transport=udp', expiresInS: 3600, lastFailure: null },
    ];
    for (const l of this.accountListeners) l();
  }
  ring(name: string, number: string): FakeCall {
    const call = new FakeCall(name, number);
    for (const l of this.callListeners) l(call);
    return call;
  }
}

class FakeCall implements IncomingCallView {
  readonly rejectedWith: number[] = [];
  readonly callId = `fake-${Math.random()}`;
  readonly offerSdp = undefined;
  readonly accountIndex = 1;
  readonly intercom = false;
  answered: string | undefined;
  hungUp = false;
  private endListener: ((how: IncomingCallEnd) => void) | undefined;
  constructor(
    readonly callerName: string,
    readonly callerNumber: string,
  ) {}
  get callerUri(): string {
    return `sip:${this.callerNumber}@deskphone.test`;
  }
  reject(status = 486): void {
    this.rejectedWith.push(status);
    this.end('rejected');
  }
  accept(answerSdp: string): void {
    this.answered = answerSdp;
  }
  hangup(): void {
    this.hungUp = true;
    this.end('ended');
  }
  onEnd(listener: (how: IncomingCallEnd) => void): void {
    this.endListener = listener;
  }
  end(how: IncomingCallEnd): void {
    this.endListener?.(how);
  }
}

async function startPhone(t: { after: (fn: () => Promise<void>) => void }): Promise<{ hw: SimHardware; phone: Phone; sip: FakeSip }> {
  const board = findBoard('sim');
  assert.ok(board);
  const clock = new SystemClock();
  const hw = await createSimHardware(board.description, clock, clockDelay(clock));
  const sip = new FakeSip();
  const phone = new Phone(hw, { sip });
  t.after(async () => {
    await phone.dispose();
    await hw.dispose();
  });
  await phone.start();
  return { hw, phone, sip };
}

describe('the phone with a SIP side', () => {
  it('shows the registered account on the idle screen instead of "No service"', async (t) => {
    const { hw, phone, sip } = await startPhone(t);
    assert.equal(hw.screenLines()[2]?.trim(), 'No service');
    sip.setRegistered('Alice 1001');
    await phone.settled();
    assert.equal(hw.screenLines()[2]?.trim(), 'Alice 1001');
    assert.equal(phone.status().accounts[0]?.registered, true);
  });

  it('rings: shows the caller, blinks the line LED, and rejects with 486 from the Cancel key', async (t) => {
    const { hw, phone, sip } = await startPhone(t);
    const call = sip.ring('Bob', '1002');
    await phone.settled();
    assert.deepEqual(hw.screenLines().map((l) => l.trimEnd()), ['Incoming call', 'Bob', '1002', '               Rej']);
    assert.equal(hw.leds.get('line')?.showing, 'ringing');
    assert.deepEqual(phone.status().call, { state: 'ringing', from: 'sip:1002@deskphone.test', fromName: 'Bob' });
    await hw.human.pressKey('cancel');
    await phone.settled();
    assert.deepEqual(call.rejectedWith, [486]);
    assert.equal(phone.status().screen, 'idle');
    assert.equal(hw.leds.get('line')?.showing, 'off');
    assert.equal(phone.status().call, null);
  });

  it('goes back to idle when the caller gives up, and answers a second caller busy', async (t) => {
    const { hw, phone, sip } = await startPhone(t);
    const first = sip.ring('', '1003');
    await phone.settled();
    assert.equal(hw.screenLines()[1]?.trim(), '1003');
    const second = sip.ring('Carol', '1004');
    assert.deepEqual(second.rejectedWith, [486]);
    assert.equal(hw.screenLines()[1]?.trim(), '1003', 'the first call still shows');
    first.end('cancelled');
    await phone.settled();
    assert.equal(phone.status().screen, 'idle');
    assert.equal(first.rejectedWith.length, 0);
  });
});
