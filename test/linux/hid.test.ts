import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusError } from '../../drivers/bus/errors.js';
import {
  openLinuxHidDevice,
  selectHidDevice,
  type NodeHidDeviceEntry,
  type NodeHidModule,
} from '../../drivers/linux/hid.js';

const scratch = await mkdtemp(join(tmpdir(), 'deskphone-hid-'));
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

// A Jabra Link 380 enumerates one entry per top-level collection (vendor 0x0b0e, product 0x24c8).
const JABRA_CONSUMER: NodeHidDeviceEntry = {
  vendorId: 0x0b0e,
  productId: 0x24c8,
  product: 'Jabra Link 380',
  path: '/dev/hidraw2',
  usagePage: 0x0c,
};
const JABRA_TELEPHONY: NodeHidDeviceEntry = { ...JABRA_CONSUMER, path: '/dev/hidraw3', usagePage: 0x0b };
const KEYBOARD: NodeHidDeviceEntry = { vendorId: 0x046d, productId: 0xc31c, product: 'Keyboard', path: '/dev/hidraw0', usagePage: 0x01 };

/** A stand-in for node-hid's HIDAsync: an EventEmitter that records writes. */
class FakeHidAsync extends EventEmitter {
  readonly written: number[][] = [];
  readonly features: number[][] = [];
  closed = false;
  write(values: Buffer): Promise<number> {
    this.written.push([...values]);
    return Promise.resolve(values.length);
  }
  sendFeatureReport(data: Buffer): Promise<number> {
    this.features.push([...data]);
    return Promise.resolve(data.length);
  }
  getFeatureReport(reportId: number, length: number): Promise<Buffer> {
    return Promise.resolve(Buffer.from([reportId, ...new Array<number>(length - 1).fill(7)]));
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function fakeNodeHid(devices: NodeHidDeviceEntry[], device = new FakeHidAsync()): NodeHidModule & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    devicesAsync: () => Promise.resolve(devices),
    openPath: (path) => {
      opened.push(path);
      return Promise.resolve(device);
    },
  };
}

describe('openLinuxHidDevice on this machine (real node-hid)', () => {
  it('loads node-hid, lists the devices and fails for one that cannot exist, saying what it looked for', async () => {
    // Vendor ID 0xFFFF is never assigned, so this holds on a desk with a headset plugged in too.
    await assert.rejects(openLinuxHidDevice({ vendorId: 0xffff, productId: 0xfffe }), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /looked for a HID device with vendor 0xffff product 0xfffe; found none/);
      return true;
    });
  });
});

describe('selectHidDevice', () => {
  const all = [KEYBOARD, JABRA_CONSUMER, JABRA_TELEPHONY];

  it('picks the first Telephony collection by default usage page', () => {
    assert.equal(selectHidDevice(all, { usagePage: 0x0b }), JABRA_TELEPHONY);
  });

  it('picks the telephony collection of a device chosen by ids', () => {
    assert.equal(selectHidDevice(all, { vendorId: 0x0b0e, productId: 0x24c8 }), JABRA_TELEPHONY);
    assert.equal(selectHidDevice([JABRA_CONSUMER], { vendorId: 0x0b0e, productId: 0x24c8 }), JABRA_CONSUMER);
  });

  it('picks by path, and finds nothing for an absent one', () => {
    assert.equal(selectHidDevice(all, { path: '/dev/hidraw0' }), KEYBOARD);
    assert.equal(selectHidDevice(all, { path: '/dev/hidraw9' }), undefined);
  });
});

describe('the node-hid adapter', () => {
  it('without a telephony device: not-found naming the Telephony page and what is visible', async () => {
    await assert.rejects(openLinuxHidDevice(undefined, { nodeHid: fakeNodeHid([KEYBOARD, JABRA_CONSUMER]) }), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /looked for a HID device with usage page 0x000b \(Telephony\); found none/);
      assert.match(e.message, /"Jabra Link 380" usage page 0x000c at \/dev\/hidraw2/);
      return true;
    });
    await assert.rejects(openLinuxHidDevice(undefined, { nodeHid: fakeNodeHid([]) }), /no HID devices are visible/);
  });

  it('lists the visible devices when the one asked for is absent', async () => {
    await assert.rejects(
      openLinuxHidDevice({ vendorId: 0x047f, productId: 0xc053 }, { nodeHid: fakeNodeHid([KEYBOARD]) }),
      /vendor 0x047f product 0xc053; found none — visible: 0x046d:0xc31c "Keyboard" usage page 0x0001 at \/dev\/hidraw0/,
    );
  });

  it('opens the telephony collection and passes reports both ways', async () => {
    const raw = new FakeHidAsync();
    const hid = fakeNodeHid([KEYBOARD, JABRA_CONSUMER, JABRA_TELEPHONY], raw);
    const device = await openLinuxHidDevice(undefined, { nodeHid: hid });
    assert.deepEqual(hid.opened, ['/dev/hidraw3']);
    assert.deepEqual(device.info, { vendorId: 0x0b0e, productId: 0x24c8, product: 'Jabra Link 380', path: '/dev/hidraw3' });

    const reports: number[][] = [];
    const stop = device.onInputReport((r) => reports.push([...r]));
    assert.equal(raw.listenerCount('data'), 1, 'listening starts node-hid’s reader');
    raw.emit('data', Buffer.from([0x02, 0x01, 0x00]));
    stop();
    assert.equal(raw.listenerCount('data'), 0, 'the last unsubscribe stops it');
    raw.emit('data', Buffer.from([0x02, 0x00, 0x00]));
    assert.deepEqual(reports, [[0x02, 0x01, 0x00]]);

    await device.sendOutputReport(Uint8Array.from([0x02, 0x01, 0x00]));
    await device.sendFeatureReport(Uint8Array.from([0x05, 0x01]));
    assert.deepEqual(raw.written, [[0x02, 0x01, 0x00]]);
    assert.deepEqual(raw.features, [[0x05, 0x01]]);
    assert.deepEqual([...(await device.getFeatureReport(5, 3))], [5, 7, 7]);

    await device.close();
    assert.equal(raw.closed, true);
    await assert.rejects(device.sendOutputReport(Uint8Array.from([0])), /device is closed/);
  });

  it('reads the report descriptor from hidraw’s sysfs attribute (node-hid 3 has no call for it)', async () => {
    const sysfs = join(scratch, 'sys');
    const dir = join(sysfs, 'class', 'hidraw', 'hidraw3', 'device');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report_descriptor'), Buffer.from([0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0xc0]));
    const device = await openLinuxHidDevice(undefined, { nodeHid: fakeNodeHid([JABRA_TELEPHONY]), sysfsRoot: sysfs });
    assert.deepEqual([...(await device.getReportDescriptor())], [0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0xc0]);
    await device.close();
  });

  it('uses getReportDescriptor when node-hid offers it', async () => {
    const raw = Object.assign(new FakeHidAsync(), {
      getReportDescriptor: () => Promise.resolve(Buffer.from([0x05, 0x08])),
    });
    const device = await openLinuxHidDevice(undefined, {
      nodeHid: fakeNodeHid([JABRA_TELEPHONY], raw),
      sysfsRoot: join(scratch, 'absent'),
    });
    assert.deepEqual([...(await device.getReportDescriptor())], [0x05, 0x08]);
    await device.close();
  });

  it('says where it looked when the descriptor cannot be read', async () => {
    const device = await openLinuxHidDevice(undefined, {
      nodeHid: fakeNodeHid([JABRA_TELEPHONY]),
      sysfsRoot: join(scratch, 'absent'),
    });
    await assert.rejects(device.getReportDescriptor(), /absent\/class\/hidraw\/hidraw3\/device\/report_descriptor/);
    await device.close();
  });
});
