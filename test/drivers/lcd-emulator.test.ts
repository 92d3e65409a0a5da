import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedHd44780Pcf8574 } from '../../drivers/emulated/hd44780-pcf8574.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { GLYPHS } from '../../drivers/lcd/glyphs.js';

// Common backpack wiring: P0=RS P1=RW P2=E P3=backlight P4..P7=D4..D7.
const RS = 0x01;
const RW = 0x02;
const E = 0x04;
const BL = 0x08;

/** One E pulse carrying `nibble`: set up with E low, raise E, lower E. */
function pulse(nibble: number, flags = 0): number[] {
  const base = ((nibble & 0x0f) << 4) | BL | flags;
  return [base, base | E, base];
}

/** A whole byte in 4-bit mode: high nibble, then low nibble. */
function pair(byte: number, flags = 0): number[] {
  return [...pulse(byte >> 4, flags), ...pulse(byte, flags)];
}

function send(lcd: EmulatedHd44780Pcf8574, bytes: number[]): void {
  lcd.write(Uint8Array.from(bytes));
}

/** Figure 24 in raw bytes, then display on: a 4-bit 2-line display ready for data. */
function initialised(geometry = { columns: 16, rows: 2 }): EmulatedHd44780Pcf8574 {
  const lcd = new EmulatedHd44780Pcf8574({ geometry });
  send(lcd, [0xfb, ...pulse(3), ...pulse(3), ...pulse(3), ...pulse(2)]);
  send(lcd, [...pair(0x28), ...pair(0x08), ...pair(0x01), ...pair(0x06), ...pair(0x0c)]);
  return lcd;
}

function text(lcd: EmulatedHd44780Pcf8574, s: string): void {
  for (const ch of s) send(lcd, pair(ch.charCodeAt(0), RS));
}

const blank = (n: number): string => ' '.repeat(n);

describe('Emulated HD44780 + PCF8574: power-on and interface width', () => {
  it('starts as the internal reset leaves it: 8-bit, 1-line, display off, backlight on (port all high)', () => {
    const lcd = new EmulatedHd44780Pcf8574();
    assert.equal(lcd.interfaceBits, 8);
    assert.equal(lcd.twoLineMode, false);
    assert.equal(lcd.displayOn, false);
    assert.equal(lcd.backlight, true);
    assert.deepEqual(lcd.lines(), [blank(16), blank(16)]);
  });

  it('treats each E pulse as a whole 8-bit instruction before 4-bit mode, DB3..DB0 pulled high', () => {
    const lcd = new EmulatedHd44780Pcf8574();
    // The port powers up all high, so lowering E ends a data read (RS=1,
    // R/W=1), which moves the address counter on like a write would.
    send(lcd, [0xfb]);
    assert.equal(lcd.addressCounter, 0x01);
    // A data nibble 0x4 before any init: the chip sees 0x4F ('O') and writes it at DDRAM 1.
    send(lcd, pulse(0x4, RS));
    // Instruction nibble 0x0 is 0x0F: display on, cursor on, blink on.
    send(lcd, pulse(0x0));
    assert.equal(lcd.ddramAt(0x01), 0x4f);
    assert.equal(lcd.lines()[0], ' O' + blank(14));
    assert.deepEqual(lcd.cursor(), { col: 2, row: 0, visible: true, blink: true });
    // Nibble 0x2 is 0x2F: function set DL=0 (4-bit), N=1.
    send(lcd, pulse(0x2));
    assert.equal(lcd.interfaceBits, 4);
    assert.equal(lcd.twoLineMode, true);
    // Now pulses pair up: 'H' = 0x48 needs two.
    send(lcd, pulse(0x4, RS));
    assert.equal(lcd.ddramAt(0x02), 0x20, 'half a byte writes nothing');
    send(lcd, pulse(0x8, RS));
    assert.equal(lcd.lines()[0], ' OH' + blank(13));
  });

  it('shows only the first line in 1-line mode (the second line commons are not driven)', () => {
    const lcd = new EmulatedHd44780Pcf8574();
    send(lcd, [0xfb, ...pulse(0x0)]); // display on, still 1-line
    send(lcd, pulse(0xc)); // 0xCF: set DDRAM address 0x4F, the last cell of the 80-cell line
    send(lcd, pulse(0x4, RS)); // writes 0x4F there, AC wraps to 0x00
    assert.equal(lcd.ddramAt(0x4f), 0x4f);
    assert.equal(lcd.addressCounter, 0x00);
    assert.deepEqual(lcd.lines(), [blank(16), blank(16)]);
  });

  it('regains 8-bit mode from the middle of a 4-bit byte with three 0011 pulses (why Figure 24 sends them)', () => {
    const lcd = initialised();
    send(lcd, pulse(0x4, RS)); // half a character: the chip now waits for a low nibble
    send(lcd, [...pulse(3), ...pulse(3), ...pulse(3)]);
    assert.equal(lcd.interfaceBits, 8);
    send(lcd, pulse(2));
    send(lcd, pair(0x01));
    text(lcd, 'ok');
    assert.equal(lcd.lines()[0], 'ok' + blank(14));
  });
});

describe('Emulated HD44780: instruction set (datasheet Table 6)', () => {
  it('writes rightwards then wraps line 1 (27H) to line 2 (40H) in 2-line mode', () => {
    const lcd = initialised();
    send(lcd, pair(0x80 | 0x27));
    text(lcd, 'AB');
    assert.equal(lcd.ddramAt(0x27), 0x41);
    assert.equal(lcd.ddramAt(0x40), 0x42);
    assert.equal(lcd.lines()[1], 'B' + blank(15));
  });

  it('maps 20x4 rows 2 and 3 onto the second half of lines 1 and 2', () => {
    const lcd = initialised({ columns: 20, rows: 4 });
    send(lcd, pair(0x80 | 0x13));
    text(lcd, 'xy'); // 0x13 is row 0 col 19; 0x14 is row 2 col 0
    send(lcd, pair(0x80 | 0x54));
    text(lcd, 'z');
    assert.deepEqual(lcd.lines(), [blank(19) + 'x', blank(20), 'y' + blank(19), 'z' + blank(19)]);
  });

  it('decrements with I/D=0 and shifts the display with S=1', () => {
    const lcd = initialised();
    send(lcd, [...pair(0x04), ...pair(0x80 | 0x05)]); // entry mode: decrement, no shift
    text(lcd, 'abc');
    assert.equal(lcd.lines()[0], '   cba' + blank(10));
    send(lcd, [...pair(0x01), ...pair(0x07)]); // clear (restores I/D=1), then increment + shift
    text(lcd, 'ab');
    // Each write shifted the display one cell left.
    assert.equal(lcd.lines()[0], blank(16));
    assert.equal(lcd.lines()[1], blank(16));
    send(lcd, pair(0x02)); // return home undoes the shift
    assert.equal(lcd.lines()[0], 'ab' + blank(14));
  });

  it('clear display sets I/D back to 1 and the address counter to 0', () => {
    const lcd = initialised();
    text(lcd, 'junk');
    send(lcd, [...pair(0x04), ...pair(0x01)]);
    text(lcd, 'ab');
    assert.equal(lcd.lines()[0], 'ab' + blank(14));
  });

  it('moves the cursor and shifts the display with cursor/display shift', () => {
    const lcd = initialised();
    text(lcd, 'abc');
    send(lcd, [...pair(0x10), ...pair(0x10)]); // cursor left twice
    assert.equal(lcd.cursor().col, 1);
    send(lcd, pair(0x14)); // cursor right
    assert.equal(lcd.cursor().col, 2);
    send(lcd, pair(0x1c)); // display right
    assert.equal(lcd.lines()[0], ' abc' + blank(12));
    assert.equal(lcd.cursor().col, 3, 'the cursor moves with the display');
    send(lcd, [...pair(0x18), ...pair(0x18)]); // display left twice
    assert.equal(lcd.lines()[0], 'bc' + blank(14));
    assert.deepEqual(lcd.cursor(), { col: 1, row: 0, visible: false, blink: false });
  });

  it('blanks with D=0 but keeps DDRAM, and reports cursor and blink only with the display on', () => {
    const lcd = initialised();
    text(lcd, 'hi');
    send(lcd, pair(0x0b)); // display off, cursor on, blink on
    assert.deepEqual(lcd.lines(), [blank(16), blank(16)]);
    assert.deepEqual(lcd.cursor(), { col: 2, row: 0, visible: false, blink: false });
    send(lcd, pair(0x0f));
    assert.deepEqual(lcd.lines()[0], 'hi' + blank(14));
    assert.deepEqual(lcd.cursor(), { col: 2, row: 0, visible: true, blink: true });
  });

  it('stores CGRAM patterns, shows codes 8..15 as aliases of 0..7, unknown patterns as ▯', () => {
    const lcd = initialised();
    send(lcd, pair(0x40 | (2 << 3)));
    for (const row of GLYPHS.message.bitmap) send(lcd, pair(row, RS));
    send(lcd, pair(0x40 | (5 << 3)));
    for (const row of [0x1f, 0, 0x1f, 0, 0x1f, 0, 0x1f, 0]) send(lcd, pair(row, RS));
    send(lcd, pair(0x80));
    for (const code of [0x02, 0x0a, 0x05, 0x0d]) send(lcd, pair(code, RS));
    assert.deepEqual(lcd.glyphBitmap(2), [...GLYPHS.message.bitmap]);
    assert.equal(lcd.lines()[0], '✉✉▯▯' + blank(12));
  });

  it('renders ROM codes as the A00 font draws them', () => {
    const lcd = initialised();
    for (const code of [0x5c, 0x7e, 0x7f, 0xb1, 0xdf, 0xe4, 0xf4, 0xff, 0x10, 0x90]) send(lcd, pair(code, RS));
    assert.equal(lcd.lines()[0], '¥→←ｱ°μΩ█  ' + blank(6));
  });
});

describe('Emulated PCF8574 pins and timing', () => {
  it('follows the backlight bit and treats bytes with E low as no transfer', () => {
    const lcd = initialised();
    send(lcd, [0x00, 0xf1, 0x00]); // E never rises
    assert.equal(lcd.backlight, false);
    assert.deepEqual(lcd.lines(), [blank(16), blank(16)]);
    send(lcd, [BL]);
    assert.equal(lcd.backlight, true);
  });

  it('honours an active-low backlight pin', () => {
    const lcd = new EmulatedHd44780Pcf8574({
      pins: { rs: 0, rw: 1, e: 2, backlight: 3, d4: 4, d5: 5, d6: 6, d7: 7, backlightActiveLow: true },
    });
    assert.equal(lcd.backlight, false, 'port powers up high: backlight off');
    send(lcd, [0xf3]);
    assert.equal(lcd.backlight, true);
  });

  it('drives D4..D7 on a read with R/W and E high: busy flag and address counter, high nibble first', () => {
    const lcd = initialised();
    send(lcd, pair(0x80 | 0x45));
    send(lcd, [0xf0 | BL | RW, 0xf0 | BL | RW | E]);
    assert.equal(lcd.read(1)[0], 0x40 | BL | RW | E, 'high nibble 0100 (BF=0, AC6..4 = 100)');
    send(lcd, [0xf0 | BL | RW, 0xf0 | BL | RW | E]);
    assert.equal(lcd.read(1)[0], 0x50 | BL | RW | E, 'low nibble 0101');
    send(lcd, [0xf0 | BL | RW]);
    // A pin the master holds low stays low whatever the LCD drives.
    assert.equal(lcd.read(1)[0], 0xf0 | BL | RW);
  });

  it('records RS changing in the byte that raises E (tAS) or lowers it (tAH)', () => {
    const lcd = initialised();
    send(lcd, [0x40 | BL, 0x40 | BL | RS | E, 0x40 | BL]);
    assert.deepEqual(lcd.violations, [
      'RS or R/W changed in the byte that raised E (tAS ≥ 40 ns)',
      'RS, R/W or D4..D7 changed in the byte that lowered E (tAH, tH ≥ 10 ns)',
    ]);
  });

  it('with a clock, ignores an instruction sent while busy and says so', () => {
    const clock = new VirtualClock();
    const lcd = new EmulatedHd44780Pcf8574({ clock });
    send(lcd, [0xfb, ...pulse(3)]);
    assert.match(lcd.violations[0] ?? '', /^instruction 0x3f \d+ µs before the end of power-on reset; ignored$/);
    clock.advance(41);
    send(lcd, [...pulse(3), ...pulse(2)]);
    assert.equal(lcd.violations.length, 2, 'the 0010 came 0 µs after the 0011');
    assert.equal(lcd.interfaceBits, 8);
    clock.advance(0.037);
    send(lcd, pulse(2));
    assert.equal(lcd.interfaceBits, 4);
    clock.advance(0.037);
    send(lcd, [...pair(0x01), ...pair(0x0c)]);
    assert.equal(lcd.displayOn, false, 'display on sent during the 1.52 ms clear');
    assert.match(lcd.violations.at(-1) ?? '', /^instruction 0x0c 1520 µs before the end of instruction 0x01; ignored$/);
  });
});
