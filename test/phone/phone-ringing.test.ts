import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CALLS_CONFIG, type Phone } from '../../firmware/phone/phone.js';
import type { SimHardware } from '../../boards/sim/sim-hardware.js';
import type { CallsConfig } from '../../firmware/config/view.js';
import { FakeSip, startSimPhone } from './phone-fakes.js';

async function startPhone(
  t: { after: (fn: () => Promise<void>) => void },
  calls: Partial<CallsConfig> = {},
): Promise<{ hw: SimHardware; phone: Phone; sip: FakeSip }> {
  const sip = new FakeSip();
  return { ...(await startSimPhone(t, { sip, calls })), sip };
}

describe('the phone with a SIP side', () => {
  it('shows the registered account on the idle screen instead of "No service"', async (t) => {
    const { hw, phone, sip } = await startPhone(t);
    assert.equal(hw.screenLines()[1]?.trim(), 'No account');
    sip.setRegistered('Alice 1001');
    await phone.settled();
    assert.equal(hw.screenLines()[1]?.trim(), 'Alice 1001');
    assert.equal(phone.status().accounts[0]?.registered, true);
  });

  it('rings: shows the caller, blinks the line LED, and rejects with 486 from the Cancel key', async (t) => {
    const { hw, phone, sip } = await startPhone(t);
    const call = sip.ring('Bob', '1002');
    await phone.settled();
    assert.deepEqual(hw.screenLines().map((l) => l.trimEnd()), ['Incoming call', 'Bob', '1002', 'Ans  Fwd  Hush Rej']);
    assert.equal(hw.leds.get('line')?.showing, 'ringing');
    assert.equal(phone.status().call?.state, 'ringing');
    assert.equal(phone.status().call?.from, 'sip:1002@deskphone.test');
    assert.equal(phone.status().calls[0]?.direction, 'incoming');
    await hw.human.pressKey('cancel');
    await phone.settled();
    assert.deepEqual(call.rejectedWith, [486]);
    assert.equal(phone.status().screen, 'idle');
    assert.equal(hw.leds.get('line')?.showing, 'off');
    assert.equal(phone.status().call, null);
  });

  it('goes back to idle when the caller gives up; with call waiting off a second caller hears busy', async (t) => {
    const { hw, phone, sip } = await startPhone(t, { callWaiting: false });
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

  it('do not disturb refuses with the configured code; forward always answers 302 to the target', async (t) => {
    const { sip } = await startPhone(t, { dnd: true, dndRefuseCode: 480 });
    assert.deepEqual(sip.ring('Bob', '1002').rejectedWith, [480]);
    const { sip: sip2 } = await startPhone(t, { forward: { ...DEFAULT_CALLS_CONFIG.forward, always: { enabled: true, target: '2000' } } });
    assert.deepEqual(sip2.ring('Bob', '1002').redirectedTo, ['sip:2000@pbx.test']);
  });
});
