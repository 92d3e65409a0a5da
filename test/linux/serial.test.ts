import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPortMock } from 'serialport';
import { BusError } from '../../drivers/bus/errors.js';
import { openLinuxSerialLink, serialOpenError, type SerialPortConstructor } from '../../drivers/linux/serial.js';

// serialport's own mock binding: the real SerialPort stream over a fake tty.
const MockPort = SerialPortMock as unknown as SerialPortConstructor;
after(() => {
  SerialPortMock.binding.reset();
});

describe('openLinuxSerialLink', () => {
  it('fails for /dev/ttyDOESNOTEXIST with not-found naming the device', async () => {
    await assert.rejects(openLinuxSerialLink('/dev/ttyDOESNOTEXIST', 115200), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.equal(e.device, '/dev/ttyDOESNOTEXIST');
      assert.match(e.message, /serial device not present/);
      assert.match(e.message, /enable_uart=1/);
      return true;
    });
  });

  it('writes and receives through the serialport stream (echoing mock tty)', async () => {
    SerialPortMock.binding.createPort('/dev/ttyECHO', { echo: true, record: true });
    const link = await openLinuxSerialLink('/dev/ttyECHO', 115200, { SerialPort: MockPort });
    const received: number[] = [];
    const gotAll = new Promise<void>((resolve) => {
      link.onData((d) => {
        received.push(...d);
        if (received.length >= 6) resolve();
      });
    });
    await link.write(Uint8Array.from(Buffer.from('state\n')));
    await gotAll;
    assert.equal(Buffer.from(received).toString(), 'state\n');
    await link.close();
    await assert.rejects(link.write(Uint8Array.from([1])), /link is closed/);
  });

  it('stops delivering to a listener that unsubscribed', async () => {
    SerialPortMock.binding.createPort('/dev/ttyECHO2', { echo: true });
    const link = await openLinuxSerialLink('/dev/ttyECHO2', 9600, { SerialPort: MockPort });
    const early: number[] = [];
    const late: number[] = [];
    const stop = link.onData((d) => early.push(...d));
    stop();
    const got = new Promise<void>((resolve) => {
      link.onData((d) => {
        late.push(...d);
        resolve();
      });
    });
    await link.write(Uint8Array.from([0x4f, 0x4b]));
    await got;
    assert.deepEqual(early, []);
    assert.deepEqual(late, [0x4f, 0x4b]);
    await link.close();
  });
});

describe('serialOpenError', () => {
  it('reads the strerror text serialport puts in its message', () => {
    assert.equal(serialOpenError('/dev/ttyS0', new Error('Error: Permission denied, cannot open /dev/ttyS0')).kind, 'other');
    assert.match(serialOpenError('/dev/ttyS0', new Error('Error: Permission denied')).message, /"dialout" group/);
    assert.equal(serialOpenError('/dev/ttyS0', new Error('Error Resource temporarily unavailable Cannot lock port')).kind, 'bus');
    assert.equal(serialOpenError('/dev/ttyS0', new Error('Error: No such file or directory')).kind, 'not-found');
  });
});
