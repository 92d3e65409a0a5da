import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSimHardware } from '../../boards/sim/sim-hardware.js';
import { findBoard } from '../../boards/index.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';
import { BusError } from '../../drivers/bus/errors.js';
import type { AudioCodec } from '../../drivers/codec/audio-codec.js';
import { Phone } from '../../firmware/phone/phone.js';

describe('phone start-up', () => {
  it('keeps running without codec control when the codec does not answer, and says why', async (t) => {
    const board = findBoard('sim');
    assert.ok(board);
    const clock = new SystemClock();
    const hw = await createSimHardware(board.description, clock, clockDelay(clock));
    const deadCodec: AudioCodec = {
      name: 'WM8960 @0x1a on /dev/i2c-1',
      init: () => Promise.reject(new BusError('other', '/dev/i2c-1 @0x1a', 'EBUSY: the kernel wm8960 driver owns the address')),
      setSampleRate: () => Promise.resolve(),
      setOutput: () => Promise.resolve(),
      setInputSource: () => Promise.resolve(),
      setHeadphoneVolume: (dB) => Promise.resolve(dB),
      setSpeakerVolume: (dB) => Promise.resolve(dB),
      setMicBoost: (dB) => Promise.resolve(dB),
      mute: () => Promise.resolve(),
      powerDown: () => Promise.resolve(),
    };
    const phone = new Phone({ ...hw, codec: deadCodec, human: hw.human, screenLines: () => hw.screenLines() });
    t.after(async () => {
      await phone.dispose();
      await hw.dispose();
    });
    await phone.start();
    const status = phone.status();
    assert.equal(status.problems.length, 1);
    assert.match(status.problems[0] ?? '', /^WM8960 @0x1a on \/dev\/i2c-1: .*EBUSY.*; running without codec control$/);
    await hw.human.setHook(true);
    await hw.human.pressKey('5');
    await phone.settled();
    assert.equal(hw.screenLines()[1]?.trim(), '5', 'the phone still works');
  });
});

describe('status screen', () => {
  it('shows the firmware version and address under Menu → Status, and goes back on Cancel', async (t) => {
    const board = findBoard('sim');
    assert.ok(board);
    const clock = new SystemClock();
    const hw = await createSimHardware(board.description, clock, clockDelay(clock));
    const phone = new Phone(hw, { address: () => '192.0.2.7' });
    t.after(async () => {
      await phone.dispose();
      await hw.dispose();
    });
    await phone.start();
    await hw.human.pressKey('soft4');
    await phone.settled();
    assert.equal(phone.status().screen, 'menu');
    // Status is the eighth item: up from the first wraps to the last (Accounts), once more to Status.
    await hw.human.pressKey('up');
    await hw.human.pressKey('up');
    await hw.human.pressKey('ok');
    await phone.settled();
    const { FIRMWARE_VERSION } = await import('../../firmware/version.js');
    assert.deepEqual(hw.screenLines().map((l) => l.trimEnd()), [`FW ${FIRMWARE_VERSION}`, 'IP 192.0.2.7', '', '               Back']);
    await hw.human.pressKey('cancel');
    await phone.settled();
    assert.equal(phone.status().screen, 'menu');
    await hw.human.pressKey('cancel');
    await phone.settled();
    assert.equal(phone.status().screen, 'idle');
  });
});
