import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedI2cBus } from '../../drivers/emulated/i2c-bus.js';
import { EmulatedWm8960 } from '../../drivers/emulated/wm8960.js';
import { i2cRead, i2cWrite } from '../../drivers/bus/i2c.js';
import { isBusError } from '../../drivers/bus/errors.js';

function rig(): { bus: EmulatedI2cBus; chip: EmulatedWm8960 } {
  const bus = new EmulatedI2cBus('i2c1');
  const chip = new EmulatedWm8960();
  bus.attach(chip);
  return { bus, chip };
}

const noAck = (e: unknown): boolean => isBusError(e) && e.kind === 'no-ack';

describe('EmulatedWm8960', () => {
  it('starts from the datasheet reset values', () => {
    const { chip } = rig();
    assert.equal(chip.register(0), 0x097);
    assert.equal(chip.register(7), 0x00a);
    assert.equal(chip.register(8), 0x1c0);
    assert.equal(chip.register(49), 0x037);
    assert.equal(chip.register(55), 0x0e9);
  });

  it('decodes the 2-byte write, including data bit 8 in the first byte', async () => {
    const { bus, chip } = rig();
    await i2cWrite(bus, 0x1a, [0x35, 0xe1]); // R26 ← 1_1110_0001
    assert.equal(chip.register(26), 0x1e1);
    await i2cWrite(bus, 0x1a, [0x08, 0x05]); // R4 ← 0_0000_0101
    assert.equal(chip.register(4), 0x005);
    assert.deepEqual(chip.history, [
      { reg: 26, value: 0x1e1 },
      { reg: 4, value: 0x005 },
    ]);
  });

  it('returns every register to its reset value on an R15 write', async () => {
    const { bus, chip } = rig();
    await i2cWrite(bus, 0x1a, [0x35, 0xe1]);
    await i2cWrite(bus, 0x1a, [0x00, 0x17]);
    await i2cWrite(bus, 0x1a, [0x1e, 0x00]);
    assert.equal(chip.register(26), 0x000);
    assert.equal(chip.register(0), 0x097);
    assert.equal(chip.resetCount, 1);
  });

  it('NAKs reserved and nonexistent registers and stores nothing', async () => {
    const { bus, chip } = rig();
    for (const reg of [12, 13, 14, 30, 31, 35, 36, 50, 56, 100]) {
      await assert.rejects(i2cWrite(bus, 0x1a, [reg << 1, 0x01]), noAck, `R${reg}`);
    }
    assert.equal(chip.history.length, 0);
    assert.throws(() => chip.register(13), /no register R13/);
  });

  it('rejects a write that is not exactly two bytes', async () => {
    const { bus, chip } = rig();
    await assert.rejects(i2cWrite(bus, 0x1a, [0x08]), /exactly 2 bytes/);
    await assert.rejects(i2cWrite(bus, 0x1a, [0x08, 0x05, 0x00]), /exactly 2 bytes.*got 3/);
    assert.equal(chip.register(4), 0x000);
  });

  it('refuses reads: the control interface is write-only', async () => {
    const { bus } = rig();
    await assert.rejects(i2cRead(bus, 0x1a, 2), noAck);
  });
});
