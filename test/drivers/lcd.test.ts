import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Delay } from '../../drivers/bus/clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';
import { BusError } from '../../drivers/bus/errors.js';
import { EmulatedHd44780Pcf8574 } from '../../drivers/emulated/hd44780-pcf8574.js';
import { EmulatedI2cBus } from '../../drivers/emulated/i2c-bus.js';
import { RecordingDelay } from '../../drivers/emulated/recording-delay.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { defineStandardGlyphs, GLYPH_LIST, glyphChar } from '../../drivers/lcd/glyphs.js';
import { checkHd44780Pcf8574Options, Hd44780Pcf8574 } from '../../drivers/lcd/hd44780-pcf8574.js';
import type { LcdGeometry } from '../../drivers/lcd/lcd-geometry.js';

const ADDRESS = 0x27;
const G16x2: LcdGeometry = { columns: 16, rows: 2 };
const G20x4: LcdGeometry = { columns: 20, rows: 4 };

/** A Delay that remembers each wait and how many bytes had crossed the bus before it. */
class PlacedDelay implements Delay {
  readonly waits: Array<{ us: number; afterBytes: number }> = [];
  constructor(private readonly bus: EmulatedI2cBus) {}
  delayUs(us: number): Promise<void> {
    this.waits.push({ us, afterBytes: this.bus.writtenBytes(ADDRESS).length });
    return Promise.resolve();
  }
  delayMs(ms: number): Promise<void> {
    return this.delayUs(ms * 1000);
  }
}

function rig(geometry: LcdGeometry = G16x2) {
  const bus = new EmulatedI2cBus();
  const lcd = new EmulatedHd44780Pcf8574({ geometry });
  bus.attach(lcd);
  const delay = new RecordingDelay();
  const driver = new Hd44780Pcf8574(bus, delay, { geometry });
  return { bus, lcd, delay, driver };
}

async function ready(geometry: LcdGeometry = G16x2) {
  const r = rig(geometry);
  await r.driver.init();
  r.bus.clearLog();
  return r;
}

/** The five port bytes of one 4-bit instruction (RS=0) with the backlight on: setup, E↑, E↓ (high nibble), E↑, E↓ (low). */
function instructionBytes(code: number): number[] {
  const hi = code & 0xf0;
  const lo = (code << 4) & 0xf0;
  return [hi | 0x08, hi | 0x0c, hi | 0x08, lo | 0x0c, lo | 0x08];
}

const blank = (n: number): string => ' '.repeat(n);

describe('HD44780 on PCF8574: initialisation (datasheet Figure 24, 4-bit interface)', () => {
  it('sends exactly the Figure 24 sequence, each nibble clocked by E, backlight bit in every byte', async () => {
    const { bus, driver } = rig();
    await driver.init();
    // Port bits: P0=RS P1=RW P2=E P3=backlight P4..P7=D4..D7.
    assert.deepEqual(bus.writtenBytes(ADDRESS), [
      0xfb, //                  E low, RS/RW/data left high as the PCF8574 powers up
      0x38, 0x3c, 0x38, //      0011  function set (8-bit)
      0x38, 0x3c, 0x38, //      0011  function set (8-bit)
      0x38, 0x3c, 0x38, //      0011  function set (8-bit)
      0x28, 0x2c, 0x28, //      0010  function set: 4-bit interface
      0x28, 0x2c, 0x28, 0x8c, 0x88, // 0010 1000  function set: DL=0, N=1 (2 lines), F=0 (5x8)
      0x08, 0x0c, 0x08, 0x8c, 0x88, // 0000 1000  display off
      0x08, 0x0c, 0x08, 0x1c, 0x18, // 0000 0001  display clear
      0x08, 0x0c, 0x08, 0x6c, 0x68, // 0000 0110  entry mode: I/D=1, S=0
      0x08, 0x0c, 0x08, 0xcc, 0xc8, // 0000 1100  display on, cursor off, blink off
    ]);
    assert.equal(driver.state, 'ready');
  });

  it('selects 1-line mode (N=0) for a 1-row module', async () => {
    const bus = new EmulatedI2cBus();
    bus.attach(new EmulatedHd44780Pcf8574({ geometry: { columns: 16, rows: 1 } }));
    await new Hd44780Pcf8574(bus, new RecordingDelay(), { geometry: { columns: 16, rows: 1 } }).init();
    assert.deepEqual(bus.writtenBytes(ADDRESS).slice(13, 18), instructionBytes(0x20));
  });

  it('waits >40 ms before the first nibble, >4.1 ms after it, >100 µs after the second, ≥1.52 ms after clear', async () => {
    const bus = new EmulatedI2cBus();
    bus.attach(new EmulatedHd44780Pcf8574());
    const delay = new PlacedDelay(bus);
    await new Hd44780Pcf8574(bus, delay).init();
    // One wait after each transfer, at these byte counts (see the list above).
    assert.deepEqual(
      delay.waits.map((w) => w.afterBytes),
      [1, 4, 7, 10, 13, 18, 23, 28, 33, 38],
    );
    const [power, first, second, third, fourBit, fnSet, off, clear, entry, on] = delay.waits.map((w) => w.us);
    assert.ok((power ?? 0) > 40_000, `power-on wait ${power} µs`);
    assert.ok((first ?? 0) > 4_100, `wait after first 0011: ${first} µs`);
    assert.ok((second ?? 0) > 100, `wait after second 0011: ${second} µs`);
    assert.ok((clear ?? 0) >= 1_520, `wait after clear: ${clear} µs`);
    for (const [name, us] of Object.entries({ third, fourBit, fnSet, off, entry, on })) {
      assert.ok((us ?? 0) >= 37, `${name}: ${us} µs is shorter than the 37 µs execution time`);
    }
  });

  it('leaves a cleared 4-bit 2-line display, on, cursor hidden, with no timing faults on a clocked model', async () => {
    const clock = new VirtualClock();
    const bus = new EmulatedI2cBus();
    const lcd = new EmulatedHd44780Pcf8574({ geometry: G20x4, clock });
    bus.attach(lcd);
    const driver = new Hd44780Pcf8574(bus, clockDelay(clock), { geometry: G20x4 });
    const done = Promise.all([driver.init(), driver.write('ok'), driver.write('!')]);
    await clock.advanceAsync(100);
    await done;
    assert.deepEqual(lcd.violations, []);
    assert.equal(lcd.interfaceBits, 4);
    assert.equal(lcd.twoLineMode, true);
    assert.equal(lcd.displayOn, true);
    assert.deepEqual(lcd.lines(), ['ok!' + blank(17), blank(20), blank(20), blank(20)]);
    assert.deepEqual(lcd.cursor(), { col: 3, row: 0, visible: false, blink: false });
  });

  it('is caught by the clocked model when the waits are skipped', async () => {
    const clock = new VirtualClock();
    const bus = new EmulatedI2cBus();
    const lcd = new EmulatedHd44780Pcf8574({ clock });
    bus.attach(lcd);
    // RecordingDelay returns at once, so no virtual time passes: the chip is still in power-on reset.
    await new Hd44780Pcf8574(bus, new RecordingDelay()).init();
    assert.ok(lcd.violations.length > 0);
    assert.match(lcd.violations[0] ?? '', /power-on reset; ignored/);
    assert.equal(lcd.displayOn, false);
  });

  it('surfaces a NAK (no device at the address) as BusError no-ack, and recovers by init() once it answers', async () => {
    const bus = new EmulatedI2cBus();
    const driver = new Hd44780Pcf8574(bus, new RecordingDelay());
    await assert.rejects(driver.init(), (e: unknown) => e instanceof BusError && e.kind === 'no-ack');
    assert.equal(driver.state, 'failed');
    await assert.rejects(driver.write('x'), /not ready \(failed\)/);
    const lcd = new EmulatedHd44780Pcf8574();
    bus.attach(lcd);
    await driver.init();
    await driver.write('back');
    assert.equal(lcd.lines()[0], 'back' + blank(12));
  });

  it('refuses commands before init()', async () => {
    const { driver } = rig();
    await assert.rejects(driver.write('x'), /not ready \(uninitialised\)/);
    await assert.rejects(driver.clear(), /call init\(\)/);
  });
});

describe('HD44780 on PCF8574: text', () => {
  it('writes "Hello" and the emulated screen shows it at the top left', async () => {
    const { bus, lcd, driver } = await ready();
    await driver.write('Hello');
    assert.deepEqual(lcd.lines(), ['Hello' + blank(11), blank(16)]);
    // Data writes: RS (P0) set in all five bytes; 'H' = 0x48.
    assert.deepEqual(bus.writtenBytes(ADDRESS).slice(0, 5), [0x49, 0x4d, 0x49, 0x8d, 0x89]);
    assert.deepEqual(lcd.violations, []);
  });

  it('puts text on all four rows of a 20x4 at DDRAM rows 0x00, 0x40, 0x14, 0x54', async () => {
    const { bus, lcd, driver } = await ready(G20x4);
    const rowStarts = [0x00, 0x40, 0x14, 0x54];
    for (let row = 0; row < 4; row++) {
      bus.clearLog();
      await driver.setCursor(row + 1, row);
      assert.deepEqual(bus.writtenBytes(ADDRESS), instructionBytes(0x80 | ((rowStarts[row] ?? 0) + row + 1)));
      await driver.write(`Row ${row}`);
    }
    assert.deepEqual(lcd.lines(), [
      ' Row 0' + blank(14),
      '  Row 1' + blank(13),
      '   Row 2' + blank(12),
      '    Row 3' + blank(11),
    ]);
  });

  it('puts text on both rows of a 16x2, right-aligned text ending in the last column', async () => {
    const { lcd, driver } = await ready();
    await driver.write('Alice');
    await driver.setCursor(16 - 'Bob'.length, 1);
    await driver.write('Bob');
    assert.deepEqual(lcd.lines(), ['Alice' + blank(11), blank(13) + 'Bob']);
  });

  it('clips text at the row end instead of running into another row', async () => {
    const { lcd, driver } = await ready(G20x4);
    await driver.write('ABCDEFGHIJKLMNOPQRSTUVWXYZ'); // 26 characters, 20 columns
    await driver.write('more'); // still past the end: dropped too
    assert.deepEqual(lcd.lines(), ['ABCDEFGHIJKLMNOPQRST', blank(20), blank(20), blank(20)]);
    assert.equal(lcd.ddramAt(0x14), 0x20, 'row 2 (DDRAM 0x14) untouched');

    const small = await ready(G16x2);
    await small.driver.setCursor(12, 1);
    await small.driver.write('0123456789');
    assert.deepEqual(small.lcd.lines(), [blank(16), blank(12) + '0123']);
    assert.equal(small.lcd.ddramAt(0x50), 0x20, 'off-screen DDRAM past the row untouched');
  });

  it('maps characters to the A00 ROM: ° is 0xDF, ¥ is 0x5C, é falls back to e, the rest to ?', async () => {
    const { lcd, driver } = await ready();
    await driver.write('21°C ¥→é\\~☃');
    assert.equal(lcd.ddramAt(0x02), 0xdf);
    assert.equal(lcd.ddramAt(0x05), 0x5c);
    assert.equal(lcd.lines()[0], '21°C ¥→e???' + blank(5));
  });

  it('clear() blanks the screen and homes the write position', async () => {
    const { lcd, driver } = await ready();
    await driver.setCursor(4, 1);
    await driver.write('busy');
    await driver.clear();
    await driver.write('idle');
    assert.deepEqual(lcd.lines(), ['idle' + blank(12), blank(16)]);
  });

  it('runs overlapping calls one after another, so nibbles of two commands never interleave', async () => {
    const { lcd, driver } = await ready();
    await Promise.all([driver.write('abc'), driver.setCursor(2, 1), driver.write('xyz'), driver.write('!')]);
    assert.deepEqual(lcd.lines(), ['abc' + blank(13), '  xyz!' + blank(10)]);
    assert.deepEqual(lcd.violations, []);
  });

  it('rejects a position off the screen', async () => {
    const { driver } = await ready();
    await assert.rejects(driver.setCursor(16, 0), RangeError);
    await assert.rejects(driver.setCursor(0, 2), RangeError);
    await assert.rejects(driver.setCursor(-1, 0), RangeError);
  });
});

describe('HD44780 on PCF8574: cursor, display and backlight', () => {
  it('shows the cursor where text goes next, underline and blink as asked', async () => {
    const { lcd, driver } = await ready();
    assert.deepEqual(lcd.cursor(), { col: 0, row: 0, visible: false, blink: false });
    await driver.setCursorStyle({ visible: true, blink: false });
    await driver.setCursor(3, 1);
    assert.deepEqual(lcd.cursor(), { col: 3, row: 1, visible: true, blink: false });
    await driver.write('12');
    await driver.setCursorStyle({ visible: false, blink: true });
    assert.deepEqual(lcd.cursor(), { col: 5, row: 1, visible: false, blink: true });
  });

  it('turns the backlight off and on, and keeps it off in every later byte', async () => {
    const { bus, lcd, driver } = await ready();
    assert.equal(lcd.backlight, true);
    await driver.setBacklight(false);
    assert.equal(lcd.backlight, false);
    await driver.write('dark');
    assert.equal(lcd.backlight, false);
    assert.ok(bus.writtenBytes(ADDRESS).every((b) => (b & 0x08) === 0), 'no byte sets P3');
    assert.equal(lcd.lines()[0], 'dark' + blank(12));
    await driver.setBacklight(true);
    assert.equal(lcd.backlight, true);
  });

  it('remembers a backlight choice made before init() and sends it with the init bytes', async () => {
    const { bus, lcd, driver } = rig();
    await driver.setBacklight(false);
    assert.equal(bus.log.length, 0, 'nothing sent before init');
    await driver.init();
    assert.equal(bus.writtenBytes(ADDRESS)[0], 0xf3);
    assert.equal(lcd.backlight, false);
  });

  it('blanks the screen with the display off and restores it when turned back on', async () => {
    const { lcd, driver } = await ready();
    await driver.write('Call ended');
    await driver.setCursorStyle({ visible: true, blink: true });
    await driver.setDisplayOn(false);
    assert.equal(lcd.displayOn, false);
    assert.deepEqual(lcd.lines(), [blank(16), blank(16)]);
    assert.equal(lcd.cursor().visible, false);
    await driver.setDisplayOn(true);
    assert.deepEqual(lcd.lines(), ['Call ended' + blank(6), blank(16)]);
    assert.equal(lcd.cursor().visible, true);
  });
});

describe('HD44780 on PCF8574: custom glyphs', () => {
  it('loads every named glyph into its CGRAM slot and renders it as its fallback character', async () => {
    const { lcd, driver } = await ready();
    await defineStandardGlyphs(driver);
    for (const glyph of GLYPH_LIST) assert.deepEqual(lcd.glyphBitmap(glyph.slot), [...glyph.bitmap], glyph.name);
    await driver.write(`${glyphChar('handset')} Alice ${glyphChar('hold')}${glyphChar('hd')}`);
    await driver.setCursor(0, 1);
    await driver.write(GLYPH_LIST.map((g) => String.fromCharCode(g.slot)).join(''));
    assert.deepEqual(lcd.lines(), ['☎ Alice ‖ℍ' + blank(6), '☎‖×✉⊘ℍ↪♪' + blank(8)]);
    assert.deepEqual(lcd.violations, []);
  });

  it('keeps the write position across defineGlyph (the address counter is put back into DDRAM)', async () => {
    const { lcd, driver } = await ready();
    await driver.setCursor(6, 1);
    await driver.write('ab');
    await driver.defineGlyph(3, [1, 2, 4, 8, 16, 8, 4, 2]);
    await driver.write('c\u0003');
    assert.deepEqual(lcd.glyphBitmap(3), [1, 2, 4, 8, 16, 8, 4, 2]);
    assert.deepEqual(lcd.lines(), [blank(16), blank(6) + 'abc▯' + blank(6)]);
  });

  it('rejects a bad slot or bitmap', async () => {
    const { driver } = await ready();
    await assert.rejects(driver.defineGlyph(8, [0, 0, 0, 0, 0, 0, 0, 0]), RangeError);
    await assert.rejects(driver.defineGlyph(0, [0, 0, 0, 32, 0, 0, 0, 0]), RangeError);
  });
});

describe('HD44780 on PCF8574: configuration check', () => {
  it('names what is wrong with an address, geometry or pin map', () => {
    assert.throws(() => checkHd44780Pcf8574Options({ address: 0x50 }), /0x20\.\.0x27/);
    assert.throws(() => checkHd44780Pcf8574Options({ geometry: { columns: 40, rows: 4 } }), /at most 20 columns/);
    assert.throws(() => checkHd44780Pcf8574Options({ geometry: { columns: 16, rows: 3 } }), /1, 2 or 4 rows/);
    assert.throws(
      () => checkHd44780Pcf8574Options({ pins: { rs: 0, rw: 1, e: 2, backlight: 3, d4: 4, d5: 5, d6: 6, d7: 0 } }),
      /share a port bit/,
    );
    assert.doesNotThrow(() => checkHd44780Pcf8574Options({ address: 0x3f, geometry: G20x4 }));
  });
});
