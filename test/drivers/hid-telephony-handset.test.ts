import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../drivers/bus/errors.js';
import { EmulatedHidDevice } from '../../drivers/emulated/hid-device.js';
import { TelephonyHandset, type HandsetEvent } from '../../drivers/hid/telephony-handset.js';
import { HEADSET_DESCRIPTOR } from '../fixtures/hid/headset-descriptor.js';

const HEADSET = HEADSET_DESCRIPTOR;

/**
 * The C-Media HS-100B headset chip's descriptor as Linux ships it
 * (drivers/hid/hid-cmedia.c, hs100b_rdesc_fixed): no Report IDs; Phone Mute
 * absolute at bit 3, Hook Switch relative at bit 4.
 */
const HS100B = [
  0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x09, 0xe9, 0x09, 0xea, 0x75, 0x01, 0x95, 0x02, 0x81,
  0x02, 0x09, 0xe2, 0x95, 0x01, 0x81, 0x06, 0x05, 0x0b, 0x09, 0x2f, 0x81, 0x02, 0x09, 0x20, 0x81, 0x06, 0x05, 0x0c,
  0x09, 0x00, 0x95, 0x03, 0x81, 0x02, 0x26, 0xff, 0x00, 0x09, 0x00, 0x75, 0x08, 0x95, 0x03, 0x81, 0x02, 0x09, 0x00,
  0x95, 0x04, 0x91, 0x02, 0xc0,
];

async function openHandset(descriptor: readonly number[]): Promise<{
  device: EmulatedHidDevice;
  handset: TelephonyHandset;
  events: HandsetEvent[];
}> {
  const device = new EmulatedHidDevice({ descriptor, info: { product: 'test headset', path: '/dev/hidraw7' } });
  const handset = await TelephonyHandset.open(device);
  const events: HandsetEvent[] = [];
  handset.on((e) => events.push(e));
  return { device, handset, events };
}

describe('TelephonyHandset input (HUT 1.12 §14, Telephony page 0x0B)', () => {
  it('reads the recorded "answer" report 02 01 00 as off-hook, and 02 00 00 as on-hook', async () => {
    // WICG/webhid#61: a Jabra Engage 50's Answer/End Call press arrives as
    // "report ID is 2, report data is [1, 0]", repeated ~2 s later.
    const { device, handset, events } = await openHandset(HEADSET);
    device.replay([
      [0x02, 0x01, 0x00],
      [0x02, 0x01, 0x00],
      [0x02, 0x00, 0x00],
    ]);
    assert.deepEqual(events, [
      { type: 'hook', offHook: true },
      { type: 'hook', offHook: false },
    ]);
    await handset.close();
  });

  it('treats each relative Phone Mute and Flash report as one press', async () => {
    const { device, handset, events } = await openHandset(HEADSET);
    device.replay([
      [0x02, 0x03, 0x00], // off-hook + mute
      [0x02, 0x03, 0x00], // mute again (relative: a second press)
      [0x02, 0x05, 0x00], // off-hook + flash
      [0x02, 0x01, 0x00], // nothing new
    ]);
    assert.deepEqual(events, [
      { type: 'hook', offHook: true },
      { type: 'mute-toggle' },
      { type: 'mute-toggle' },
      { type: 'flash' },
    ]);
    await handset.close();
  });

  it('reports phone keys from the array field as press and release', async () => {
    const { device, handset, events } = await openHandset(HEADSET);
    device.replay([
      [0x02, 0x00, 0x02], // index 2 → Phone Key 1
      [0x02, 0x00, 0x00], // released
      [0x02, 0x00, 0x0b], // index 11 → Star
      [0x02, 0x00, 0x0c], // Star released, Pound pressed (one-element array)
      [0x02, 0x00, 0x00],
    ]);
    assert.deepEqual(events, [
      { type: 'key', key: '1', pressed: true },
      { type: 'key', key: '1', pressed: false },
      { type: 'key', key: '*', pressed: true },
      { type: 'key', key: '*', pressed: false },
      { type: 'key', key: '#', pressed: true },
      { type: 'key', key: '#', pressed: false },
    ]);
    await handset.close();
  });

  it('ignores consumer reports and reports the descriptor does not declare', async () => {
    const { device, handset, events } = await openHandset(HEADSET);
    device.replay([
      [0x01, 0x03],
      [0x09, 0xff, 0xff],
    ]);
    assert.deepEqual(events, []);
    await handset.close();
  });

  it('on the HS-100B: relative Hook Switch is a toggle, absolute Phone Mute fires on 0 → 1', async () => {
    const { device, handset, events } = await openHandset(HS100B);
    device.replay([
      [0x10, 0x00, 0x00, 0x00], // bit 4: hook (relative)
      [0x00, 0x00, 0x00, 0x00],
      [0x08, 0x00, 0x00, 0x00], // bit 3: phone mute (absolute) pressed
      [0x08, 0x00, 0x00, 0x00], // still held: no second press
      [0x00, 0x00, 0x00, 0x00],
      [0x01, 0x00, 0x00, 0x00], // volume up: not telephony
    ]);
    assert.deepEqual(events, [{ type: 'hook-toggle' }, { type: 'mute-toggle' }]);
    assert.deepEqual(handset.supportedLeds, []);
    await handset.close();
  });
});

describe('TelephonyHandset LEDs (HUT 1.12 §11, LED page 0x08)', () => {
  it('lists the LEDs the descriptor declares', async () => {
    const { handset } = await openHandset(HEADSET);
    assert.deepEqual([...handset.supportedLeds].sort(), ['hold', 'microphone', 'mute', 'offHook', 'ring']);
    await handset.close();
  });

  it('sends 02 01 00 for Off-Hook, the bytes the Jabra README documents', async () => {
    const { device, handset } = await openHandset(HEADSET);
    await handset.setLeds({ offHook: true });
    assert.deepEqual(
      device.outputReports.map((r) => [...r]),
      [[0x02, 0x01, 0x00]],
    );
    await handset.close();
  });

  it('keeps earlier LEDs when setting others: Mute is bit 2, Ring bit 3, Hold bit 4, Microphone bit 5', async () => {
    const { device, handset } = await openHandset(HEADSET);
    await handset.setLeds({ offHook: true });
    await handset.setLeds({ mute: true });
    await handset.setLeds({ ring: true, hold: true });
    await handset.setLeds({ microphone: true, offHook: false });
    assert.deepEqual(
      device.outputReports.map((r) => [...r]),
      [
        [0x02, 0x01, 0x00],
        [0x02, 0x05, 0x00],
        [0x02, 0x1d, 0x00],
        [0x02, 0x3c, 0x00],
      ],
    );
    await handset.close();
  });

  it('sends nothing for a device without LED outputs', async () => {
    const { device, handset } = await openHandset(HS100B);
    await handset.setLeds({ offHook: true, ring: true });
    assert.equal(device.outputReports.length, 0);
    await handset.close();
  });
});

describe('TelephonyHandset.open', () => {
  it('refuses a device whose descriptor declares nothing telephony', async () => {
    // A plain 3-button mouse (HID 1.11 Appendix E.10).
    const mouse = new EmulatedHidDevice({
      descriptor: [
        0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00,
        0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0xc0, 0xc0,
      ],
      info: { product: 'mouse', path: '/dev/hidraw3' },
    });
    await assert.rejects(TelephonyHandset.open(mouse), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /\/dev\/hidraw3.*no Telephony/);
      return true;
    });
  });

  it('closes the device it owns and stops delivering events', async () => {
    const { device, handset, events } = await openHandset(HEADSET);
    await handset.close();
    assert.equal(device.isClosed, true);
    device.sendInputReport([0x02, 0x01, 0x00]);
    assert.deepEqual(events, []);
    await assert.rejects(handset.setLeds({ ring: true }), BusError);
  });
});
