import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedHidDevice } from '../../drivers/emulated/hid-device.js';
import { TelephonyHandset } from '../../drivers/hid/telephony-handset.js';
import { connectHandset } from '../../boards/handset-wiring.js';
import { HEADSET_DESCRIPTOR } from '../fixtures/hid/headset-descriptor.js';

describe('USB handset wiring', () => {
  it('turns the handset’s hook, keypad, mute and flash into phone key and hook events', async () => {
    const device = new EmulatedHidDevice({ descriptor: HEADSET_DESCRIPTOR });
    const handset = await TelephonyHandset.open(device);
    const seen: string[] = [];
    const stop = connectHandset(handset, {
      key: (key, kind) => seen.push(`${kind} ${key}`),
      hook: (offHook) => seen.push(`hook ${String(offHook)}`),
    });
    device.replay([
      [0x02, 0x01, 0x00], // lifted
      [0x02, 0x01, 0x02], // Phone Key 1 down (array index 2)
      [0x02, 0x01, 0x00], // released
      [0x02, 0x03, 0x00], // mute button (relative)
      [0x02, 0x05, 0x00], // flash (relative)
      [0x02, 0x00, 0x0c], // put down, Pound pressed
    ]);
    stop();
    device.sendInputReport([0x02, 0x01, 0x00]); // after stop: nothing
    assert.deepEqual(seen, [
      'hook true',
      'down 1',
      'up 1',
      'down mute',
      'up mute',
      'down hold',
      'up hold',
      'hook false',
      'down pound',
    ]);
    await handset.close();
  });
});
