import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusError } from '../../drivers/bus/errors.js';
import type { EdgeEvent } from '../../drivers/bus/gpio.js';
import { exportFailureHint, openSysfsDigitalIn, openSysfsDigitalOut } from '../../drivers/linux/gpio.js';
import {
  chooseHeaderChip,
  readGpioChips,
  resolveSysfsGpio,
  sysfsGpioNumber,
  type GpioChipInfo,
} from '../../drivers/linux/sysfs-gpio-number.js';

const scratch = await mkdtemp(join(tmpdir(), 'deskphone-gpio-'));
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let treeCount = 0;
/** A fake /sys/class/gpio with the given chips (as the kernel lays them out: gpiochip<base>/{base,label,ngpio}). */
async function fakeSysfs(chips: readonly { base: number; label: string; ngpio: number }[]): Promise<string> {
  const root = join(scratch, `tree${treeCount++}`);
  await mkdir(root);
  await writeFile(join(root, 'export'), '');
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`);
    await mkdir(dir);
    await writeFile(join(dir, 'base'), `${chip.base}\n`);
    await writeFile(join(dir, 'label'), `${chip.label}\n`);
    await writeFile(join(dir, 'ngpio'), `${chip.ngpio}\n`);
  }
  return root;
}

// What `ls /sys/class/gpio` shows on a Pi 4: before Linux 6.6 and on Raspberry Pi OS's 6.6+ kernels.
const PI4_OLD_KERNEL = [
  { base: 0, label: 'pinctrl-bcm2711', ngpio: 58 },
  { base: 504, label: 'raspberrypi-exp-gpio', ngpio: 8 },
];
const PI4_NEW_KERNEL = [
  { base: 512, label: 'pinctrl-bcm2711', ngpio: 58 },
  { base: 570, label: 'raspberrypi-exp-gpio', ngpio: 8 },
];

const HOOK = { bcm: 17, header: 'header pin 11' };

describe('sysfs GPIO numbering (chip base + BCM offset)', () => {
  it('is the BCM number when the chip base is 0', async () => {
    assert.equal(await resolveSysfsGpio(HOOK, await fakeSysfs(PI4_OLD_KERNEL)), 17);
  });

  it('is 512 + BCM on 6.6+ kernels whose chips start at 512', async () => {
    assert.equal(await resolveSysfsGpio(HOOK, await fakeSysfs(PI4_NEW_KERNEL)), 529);
  });

  it('uses the RP1 controller on a Pi 5, not the SoC’s own GPIO chips', async () => {
    const root = await fakeSysfs([
      { base: 512, label: 'gpio-brcmstb@107d508500', ngpio: 32 },
      { base: 544, label: 'gpio-brcmstb@107d508520', ngpio: 4 },
      { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
    ]);
    assert.equal(await resolveSysfsGpio(HOOK, root), 588);
  });

  it('reads base, label and line count of every chip', async () => {
    const chips = await readGpioChips(await fakeSysfs(PI4_NEW_KERNEL));
    assert.deepEqual(chips, [
      { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
      { name: 'gpiochip570', label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
    ]);
  });

  it('prefers the chip labels in order and refuses a line past the chip', () => {
    const chips: GpioChipInfo[] = [
      { name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0, ngpio: 54 },
      { name: 'gpiochip600', label: 'pinctrl-rp1', base: 600, ngpio: 54 },
    ];
    assert.equal(chooseHeaderChip(chips)?.base, 600);
    assert.equal(chooseHeaderChip([{ name: 'gpiochip3', label: 'other', base: 3, ngpio: 1 }]), undefined);
    assert.throws(() => sysfsGpioNumber({ name: 'gpiochip0', label: 'x', base: 0, ngpio: 54 }, 54), RangeError);
  });

  it('fails naming the pin and CONFIG_GPIO_SYSFS when the sysfs directory is missing', async () => {
    await assert.rejects(resolveSysfsGpio(HOOK, join(scratch, 'no-such-dir')), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /GPIO17 \(header pin 11\)/);
      assert.match(e.message, /not present: kernel built without CONFIG_GPIO_SYSFS/);
      return true;
    });
  });

  it('fails listing the chips it saw when none is a header controller', async () => {
    const root = await fakeSysfs([{ base: 512, label: 'gpio-mockup-A', ngpio: 8 }]);
    await assert.rejects(resolveSysfsGpio(HOOK, root), /gpiochip512 "gpio-mockup-A"/);
  });
});

/** A stand-in for onoff's Gpio class that records what the adapter asks of it. */
function fakeOnoff(options: { failExport?: NodeJS.ErrnoException } = {}) {
  const lines: FakeLine[] = [];
  class FakeLine {
    value = 0;
    direction: string;
    watchers: ((err: Error | null | undefined, value: number) => void)[] = [];
    unexported = false;
    constructor(
      readonly number: number,
      direction: string,
      readonly edge: string | undefined,
    ) {
      if (options.failExport) throw options.failExport;
      this.direction = direction;
      if (direction === 'high') this.value = 1;
      lines.push(this);
    }
    readSync(): number {
      return this.value;
    }
    writeSync(value: number): void {
      this.value = value;
    }
    watch(callback: (err: Error | null | undefined, value: number) => void): void {
      this.watchers.push(callback);
    }
    unwatchAll(): void {
      this.watchers = [];
    }
    setDirection(direction: string): void {
      this.direction = direction;
      if (direction === 'high') this.value = 1;
      if (direction === 'low') this.value = 0;
    }
    unexport(): void {
      this.unexported = true;
    }
    /** The kernel saw an edge: onoff reads the value and calls back. */
    edgeTo(value: number): void {
      this.value = value;
      for (const w of [...this.watchers]) w(null, value);
    }
  }
  return { lines, importer: () => Promise.resolve({ Gpio: FakeLine }) };
}

describe('openSysfsDigitalIn / openSysfsDigitalOut over onoff', () => {
  it('exports the computed sysfs number, not the BCM number', async () => {
    const onoff = fakeOnoff();
    const pin = await openSysfsDigitalIn(HOOK, { sysfsRoot: await fakeSysfs(PI4_NEW_KERNEL), importer: onoff.importer });
    assert.equal(onoff.lines[0]?.number, 529);
    assert.equal(onoff.lines[0]?.direction, 'in');
    assert.equal(onoff.lines[0]?.edge, 'both');
    assert.equal(pin.name, 'GPIO17 (header pin 11)');
    pin.close();
    assert.equal(onoff.lines[0]?.unexported, true);
  });

  it('delivers edges to the listeners whose kind matches, stamped at the callback', async () => {
    const onoff = fakeOnoff();
    let now = 1000;
    const pin = await openSysfsDigitalIn(HOOK, {
      sysfsRoot: await fakeSysfs(PI4_NEW_KERNEL),
      importer: onoff.importer,
      now: () => now,
    });
    const rising: EdgeEvent[] = [];
    const both: EdgeEvent[] = [];
    const stopRising = pin.watch('rising', (e) => rising.push(e));
    pin.watch('both', (e) => both.push(e));
    const line = onoff.lines[0];
    assert.ok(line);
    line.edgeTo(1);
    now = 1012.5;
    line.edgeTo(0);
    stopRising();
    now = 1030;
    line.edgeTo(1);
    assert.deepEqual(rising, [{ level: 1, timestampMs: 1000 }]);
    assert.deepEqual(both, [
      { level: 1, timestampMs: 1000 },
      { level: 0, timestampMs: 1012.5 },
      { level: 1, timestampMs: 1030 },
    ]);
    assert.equal(pin.read(), 1);
    pin.close();
    assert.equal(line.watchers.length, 0, 'close stops watching');
  });

  it('drives an output, floats it to an input, and drives it again at the new level', async () => {
    const onoff = fakeOnoff();
    const col = await openSysfsDigitalOut({ bcm: 5, header: 'header pin 29' }, 1, {
      sysfsRoot: await fakeSysfs(PI4_OLD_KERNEL),
      importer: onoff.importer,
    });
    const line = onoff.lines[0];
    assert.ok(line);
    assert.equal(line.number, 5);
    assert.equal(line.direction, 'high', 'exported already driving the initial level');
    col.write(0);
    assert.equal(line.value, 0);
    col.float();
    assert.equal(line.direction, 'in');
    col.write(1);
    assert.equal(line.direction, 'high', 'direction and level set in one write');
    assert.equal(col.read(), 1);
    col.close();
    assert.equal(line.unexported, true);
  });

  it('turns a failed export into not-found naming the pin, the number and the cause', async () => {
    const busy = Object.assign(new Error('EBUSY: resource busy or locked, write'), { code: 'EBUSY' });
    const onoff = fakeOnoff({ failExport: busy });
    await assert.rejects(
      openSysfsDigitalIn(HOOK, { sysfsRoot: await fakeSysfs(PI4_NEW_KERNEL), importer: onoff.importer }),
      (e: unknown) => {
        assert.ok(e instanceof BusError);
        assert.equal(e.kind, 'not-found');
        assert.match(e.message, /^GPIO17 \(header pin 11\): cannot export sysfs GPIO 529: .*already claimed.*\(EBUSY\)$/);
        return true;
      },
    );
    assert.match(exportFailureHint('EACCES', '/sys/class/gpio'), /"gpio" group/);
  });

  it('with the real onoff on this machine and a fake tree: export fails with the clear message', async () => {
    // The fake tree resolves the line, then onoff writes the real
    // /sys/class/gpio/export: absent here (ENOENT); on a Pi, base 60000 is no
    // line (EINVAL). Either way the user reads which pin and why.
    const root = await fakeSysfs([{ base: 60000, label: 'pinctrl-bcm2711', ngpio: 58 }]);
    await assert.rejects(openSysfsDigitalIn(HOOK, { sysfsRoot: root }), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /GPIO17 \(header pin 11\): cannot export sysfs GPIO 60017/);
      return true;
    });
  });

  it('on a machine without sysfs GPIO: fails before loading onoff, naming what is missing', async () => {
    let imported = false;
    const importer = (): Promise<unknown> => {
      imported = true;
      return Promise.resolve({});
    };
    await assert.rejects(
      openSysfsDigitalOut({ bcm: 27, header: 'header pin 13' }, 0, { sysfsRoot: join(scratch, 'absent'), importer }),
      /GPIO27 \(header pin 13\): .*absent not present: kernel built without CONFIG_GPIO_SYSFS/,
    );
    assert.equal(imported, false);
  });
});
