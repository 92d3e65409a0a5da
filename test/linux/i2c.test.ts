import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../drivers/bus/errors.js';
import { i2cRead, i2cWrite, i2cWriteRead } from '../../drivers/bus/i2c.js';
import {
  i2cErrorKind,
  openLinuxI2cBus,
  wrapPromisifiedI2cBus,
  type PromisifiedI2cBus,
} from '../../drivers/linux/i2c.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: i2c-dev`), { code });
}

/** A stand-in for i2c-bus's PromisifiedBus: a device at 0x27 that echoes, nobody elsewhere. */
function fakeBus(log: string[], failWith?: NodeJS.ErrnoException): PromisifiedI2cBus {
  let last = Buffer.alloc(0);
  return {
    i2cWrite: async (address, length, buffer) => {
      log.push(`write ${address.toString(16)} ${[...buffer.subarray(0, length)].join(',')}`);
      await Promise.resolve();
      if (failWith) throw failWith;
      if (address !== 0x27) throw errno('EREMOTEIO');
      last = Buffer.from(buffer.subarray(0, length));
      return { bytesWritten: length, buffer };
    },
    i2cRead: async (address, length, buffer) => {
      log.push(`read ${address.toString(16)} ${length}`);
      await Promise.resolve();
      if (address !== 0x27) throw errno('ENXIO');
      last.copy(buffer, 0, 0, length);
      return { bytesRead: Math.min(length, last.length), buffer };
    },
    close: () => {
      log.push('close');
      return Promise.resolve();
    },
  };
}

describe('openLinuxI2cBus', () => {
  it('fails for /dev/i2c-99 naming the device and the dtparam to enable', async () => {
    await assert.rejects(openLinuxI2cBus(99), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.equal(e.device, '/dev/i2c-99');
      assert.match(e.message, /dtparam=i2c_arm=on/);
      return true;
    });
  });
});

describe('the i2c-bus adapter', () => {
  it('maps write and read operations onto i2cWrite/i2cRead at the address, in order', async () => {
    const log: string[] = [];
    const bus = wrapPromisifiedI2cBus('/dev/i2c-1', fakeBus(log));
    await i2cWrite(bus, 0x27, [0x08, 0x0c]);
    assert.deepEqual([...(await i2cRead(bus, 0x27, 2))], [0x08, 0x0c]);
    assert.deepEqual([...(await i2cWriteRead(bus, 0x27, [0x42], 1))], [0x42]);
    assert.deepEqual(log, ['write 27 8,12', 'read 27 2', 'write 27 66', 'read 27 1']);
  });

  it('reports EREMOTEIO and ENXIO as no-ack, naming bus and address', async () => {
    const bus = wrapPromisifiedI2cBus('/dev/i2c-1', fakeBus([]));
    await assert.rejects(i2cWrite(bus, 0x3f, [0]), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'no-ack');
      assert.equal(e.device, '/dev/i2c-1 @0x3f');
      assert.match(e.message, /EREMOTEIO/);
      return true;
    });
    await assert.rejects(i2cRead(bus, 0x3f, 1), (e: unknown) => e instanceof BusError && e.kind === 'no-ack');
  });

  it('reports a short read as a bus error', async () => {
    const bus = wrapPromisifiedI2cBus('/dev/i2c-1', fakeBus([]));
    await i2cWrite(bus, 0x27, [1]);
    await assert.rejects(i2cRead(bus, 0x27, 4), (e: unknown) => e instanceof BusError && e.kind === 'bus');
  });

  it('runs transactions one after another even when started together', async () => {
    const log: string[] = [];
    const bus = wrapPromisifiedI2cBus('/dev/i2c-1', fakeBus(log));
    await Promise.all([
      bus.transaction(0x27, [{ kind: 'write', data: Uint8Array.from([1]) }, { kind: 'read', length: 1 }]),
      bus.transaction(0x27, [{ kind: 'write', data: Uint8Array.from([2]) }, { kind: 'read', length: 1 }]),
    ]);
    assert.deepEqual(log, ['write 27 1', 'read 27 1', 'write 27 2', 'read 27 1']);
  });

  it('keeps going after a failed transaction, and refuses work once closed', async () => {
    const log: string[] = [];
    const bus = wrapPromisifiedI2cBus('/dev/i2c-1', fakeBus(log, errno('EIO')));
    await assert.rejects(i2cWrite(bus, 0x27, [1]), (e: unknown) => e instanceof BusError && e.kind === 'bus');
    await bus.close();
    assert.equal(log.at(-1), 'close');
    await assert.rejects(i2cWrite(bus, 0x27, [1]), /bus is closed/);
  });

  it('classifies i2c-dev errnos (Documentation/i2c/fault-codes.rst)', () => {
    assert.deepEqual(
      ['EREMOTEIO', 'ENXIO', 'ENOENT', 'EIO', 'ETIMEDOUT', 'EINVAL'].map(i2cErrorKind),
      ['no-ack', 'no-ack', 'not-found', 'bus', 'bus', 'other'],
    );
  });
});
