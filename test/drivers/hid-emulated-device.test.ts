import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../drivers/bus/errors.js';
import { EmulatedHidDevice } from '../../drivers/emulated/hid-device.js';

describe('EmulatedHidDevice', () => {
  it('returns a copy of its descriptor', async () => {
    const device = new EmulatedHidDevice({ descriptor: [0x05, 0x0b, 0xc0] });
    const first = await device.getReportDescriptor();
    first[0] = 0xff;
    assert.deepEqual([...(await device.getReportDescriptor())], [0x05, 0x0b, 0xc0]);
  });

  it('replays input reports in order to every listener until it unsubscribes', () => {
    const device = new EmulatedHidDevice({ descriptor: [] });
    const a: number[][] = [];
    const b: number[][] = [];
    const stopA = device.onInputReport((r) => a.push([...r]));
    device.onInputReport((r) => b.push([...r]));
    device.replay([[1, 2], [3]]);
    stopA();
    device.sendInputReport([4]);
    assert.deepEqual(a, [[1, 2], [3]]);
    assert.deepEqual(b, [[1, 2], [3], [4]]);
  });

  it('records output reports as sent, copied', async () => {
    const device = new EmulatedHidDevice({ descriptor: [] });
    const report = Uint8Array.from([2, 1, 0]);
    await device.sendOutputReport(report);
    report[1] = 0;
    assert.deepEqual(
      device.outputReports.map((r) => [...r]),
      [[2, 1, 0]],
    );
  });

  it('answers feature reads from given and sent feature reports, sized as asked', async () => {
    const device = new EmulatedHidDevice({ descriptor: [], featureReports: new Map([[5, [5, 9, 8, 7]]]) });
    assert.deepEqual([...(await device.getFeatureReport(5, 3))], [5, 9, 8]);
    await device.sendFeatureReport(Uint8Array.from([6, 1]));
    assert.deepEqual([...(await device.getFeatureReport(6, 3))], [6, 1, 0]);
    assert.deepEqual(
      device.sentFeatureReports.map((r) => [...r]),
      [[6, 1]],
    );
    await assert.rejects(device.getFeatureReport(7, 2), BusError);
  });

  it('rejects every call after close and delivers nothing', async () => {
    const device = new EmulatedHidDevice({ descriptor: [1] });
    const seen: number[][] = [];
    device.onInputReport((r) => seen.push([...r]));
    await device.close();
    device.sendInputReport([1]);
    assert.deepEqual(seen, []);
    await assert.rejects(device.sendOutputReport(Uint8Array.from([0])), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'bus');
      return true;
    });
    await assert.rejects(device.getReportDescriptor(), BusError);
  });
});
