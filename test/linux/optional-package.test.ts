import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../drivers/bus/errors.js';
import { loadOptionalPackage, moduleExport } from '../../drivers/linux/optional-package.js';

describe('loadOptionalPackage', () => {
  it('names a missing package and how to install it', async () => {
    await assert.rejects(loadOptionalPackage('deskphone-no-such-package', 'GPIO through sysfs'), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.equal(e.device, 'npm package deskphone-no-such-package');
      assert.match(e.message, /not installed \(needed for GPIO through sysfs\)/);
      assert.match(e.message, /npm install deskphone-no-such-package/);
      assert.match(e.message, /simulated board runs without it/);
      return true;
    });
  });

  it('tells a package whose native addon did not load from one that is missing', async () => {
    const brokenAddon = (): Promise<unknown> =>
      Promise.reject(new Error('Could not locate the bindings file. Tried: build/Release/i2c.node'));
    await assert.rejects(loadOptionalPackage('i2c-bus', 'I2C', brokenAddon), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /installed but failed to load/);
      assert.match(e.message, /npm rebuild i2c-bus/);
      assert.match(e.message, /Could not locate the bindings file/);
      return true;
    });
  });

  it('loads an installed hardware package lazily (onoff is an optionalDependency here)', async () => {
    const onoff = await loadOptionalPackage('onoff', 'GPIO');
    assert.equal(typeof moduleExport(onoff, 'Gpio'), 'function');
  });

  it('finds exports on a CommonJS module’s default as well', () => {
    assert.equal(moduleExport({ default: { open: 1 } }, 'open'), 1);
    assert.equal(moduleExport({ open: 2, default: { open: 1 } }, 'open'), 2);
    assert.equal(moduleExport(undefined, 'open'), undefined);
  });
});
