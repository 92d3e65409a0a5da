import type { Delay } from '../bus/clock.js';
import { isBusError } from '../bus/errors.js';
import type { I2cBus } from '../bus/i2c.js';
import { i2cWrite } from '../bus/i2c.js';
import { encodeA00 } from './a00-charset.js';
import {
  AFTER_FIRST_FUNCTION_SET_US,
  AFTER_SECOND_FUNCTION_SET_US,
  CLEAR_HOME_US_AT_270KHZ,
  INSTRUCTION_US_AT_270KHZ,
  POWER_ON_WAIT_MS,
  slowestClockUs,
} from './hd44780-timing.js';
import type { LcdGeometry } from './lcd-geometry.js';
import { checkGeometry, ddramRowStart, isTwoLineMode } from './lcd-geometry.js';
import type { Pcf8574LcdPins } from './pcf8574-lcd-pins.js';
import { checkPins, COMMON_BACKPACK_PINS, isPcf8574Address, nibbleToPort } from './pcf8574-lcd-pins.js';
import type { CursorStyle, GlyphBitmap, TextDisplay } from './text-display.js';
import { GLYPH_SLOTS } from './text-display.js';

/** HD44780U Table 6 instruction codes and their flag bits. */
const CLEAR_DISPLAY = 0x01;
const ENTRY_MODE_SET = 0x04;
const ENTRY_INCREMENT = 0x02; // I/D = 1
const DISPLAY_CONTROL = 0x08;
const DISPLAY_ON = 0x04; // D
const CURSOR_ON = 0x02; // C
const BLINK_ON = 0x01; // B
const FUNCTION_SET = 0x20;
const FUNCTION_8BIT = 0x10; // DL = 1
const FUNCTION_2LINE = 0x08; // N = 1
const SET_CGRAM_ADDRESS = 0x40;
const SET_DDRAM_ADDRESS = 0x80;

const DEFAULT_ADDRESS = 0x27;
const DEFAULT_GEOMETRY: LcdGeometry = { columns: 16, rows: 2 };

export interface Hd44780Pcf8574Options {
  /** 7-bit I2C address of the PCF8574: 0x27 on most backpacks (0x3F with a PCF8574A). */
  readonly address?: number;
  /** Default 16x2. */
  readonly geometry?: LcdGeometry;
  /** Default COMMON_BACKPACK_PINS. */
  readonly pins?: Pcf8574LcdPins;
}

/**
 * Throws an Error naming the problem if these options cannot describe an
 * HD44780 on a PCF8574 backpack; boards call it at start-up.
 */
export function checkHd44780Pcf8574Options(options: Hd44780Pcf8574Options): void {
  const address = options.address ?? DEFAULT_ADDRESS;
  if (!isPcf8574Address(address)) {
    throw new RangeError(
      `HD44780 backpack address 0x${address.toString(16)}: a PCF8574 answers at 0x20..0x27, a PCF8574A at 0x38..0x3F`,
    );
  }
  checkGeometry(options.geometry ?? DEFAULT_GEOMETRY);
  checkPins(options.pins ?? COMMON_BACKPACK_PINS);
}

/*
 * Driver states. Allowed transitions:
 *   uninitialised → initialising      init()
 *   initialising  → ready | failed    the init sequence finished / a bus error
 *   ready         → initialising      init() again (e.g. after the LCD was replugged)
 *   ready         → failed            a bus error mid-command (nibble pairing is now unknown)
 *   failed        → initialising      init() to recover
 */
export type Hd44780State = 'uninitialised' | 'initialising' | 'ready' | 'failed';

const ALLOWED: Readonly<Record<Hd44780State, readonly Hd44780State[]>> = {
  uninitialised: ['initialising'],
  initialising: ['ready', 'failed'],
  ready: ['initialising', 'failed'],
  failed: ['initialising'],
};

/**
 * An HD44780U character LCD behind a PCF8574 I2C port expander, driven in
 * the 4-bit interface: each instruction is two nibbles on D4..D7, each
 * latched by a pulse on E, high nibble first (datasheet "Interfacing to a
 * 4-bit MPU", Figure 9).
 *
 * R/W is held low: the driver never reads the busy flag and waits the
 * datasheet execution times instead. On these backpacks the LCD runs from
 * 5 V while the PCF8574 often runs from the 3.3 V host's pull-ups; a read
 * makes the LCD drive D4..D7 at 5 V into the expander's quasi-bidirectional
 * pins, the levels are marginal, and each busy-flag poll costs two I2C
 * round trips that take longer than the 37 µs wait they would save. So
 * writes only, and fixed waits.
 */
export class Hd44780Pcf8574 implements TextDisplay {
  readonly columns: number;
  readonly rows: number;
  readonly address: number;
  private readonly geometry: LcdGeometry;
  private readonly pins: Pcf8574LcdPins;
  private stateNow: Hd44780State = 'uninitialised';
  /** Serialises public calls: two interleaved commands would mix up nibble pairs on the wire. */
  private queue: Promise<void> = Promise.resolve();
  private backlightOn = true;
  private displayOn = true;
  private cursorStyle: CursorStyle = { visible: false, blink: false };
  /** The write position as the driver believes it; col may pass the row end (then writes are dropped). */
  private col = 0;
  private row = 0;

  constructor(
    private readonly bus: I2cBus,
    private readonly delay: Delay,
    options: Hd44780Pcf8574Options = {},
  ) {
    checkHd44780Pcf8574Options(options);
    this.address = options.address ?? DEFAULT_ADDRESS;
    this.geometry = options.geometry ?? DEFAULT_GEOMETRY;
    this.pins = options.pins ?? COMMON_BACKPACK_PINS;
    this.columns = this.geometry.columns;
    this.rows = this.geometry.rows;
  }

  get state(): Hd44780State {
    return this.stateNow;
  }

  private transition(next: Hd44780State): void {
    if (!ALLOWED[this.stateNow].includes(next)) {
      throw new Error(`HD44780 @0x${this.address.toString(16)}: illegal transition ${this.stateNow} → ${next}`);
    }
    this.stateNow = next;
  }

  /**
   * Initialisation by instruction, HD44780U datasheet Figure 24 ("4-Bit
   * Interface"). It works whatever state the controller is in, even half
   * way through a 4-bit instruction, because three 0011 nibbles always end
   * in 8-bit mode.
   */
  init(): Promise<void> {
    return this.serialise(async () => {
      this.transition('initialising');
      try {
        // The PCF8574 powers up with every port high (PCF8574 datasheet,
        // "Power-on reset"), so E is high with R/W high. Lower E first with
        // RS, R/W and D4..D7 unchanged: that ends the (harmless) read cycle
        // without moving RS or R/W at the falling edge (tAH ≥ 10 ns).
        await this.send([(0xff & ~bit(this.pins.e) & ~bit(this.pins.backlight)) | this.backlightBit()]);
        await this.delay.delayMs(POWER_ON_WAIT_MS);
        await this.sendNibble((FUNCTION_SET | FUNCTION_8BIT) >> 4); // 0011: function set, 8-bit
        await this.delay.delayUs(AFTER_FIRST_FUNCTION_SET_US);
        await this.sendNibble((FUNCTION_SET | FUNCTION_8BIT) >> 4); // 0011: function set, 8-bit
        await this.delay.delayUs(AFTER_SECOND_FUNCTION_SET_US);
        await this.sendNibble((FUNCTION_SET | FUNCTION_8BIT) >> 4); // 0011: function set, 8-bit
        await this.delay.delayUs(slowestClockUs(INSTRUCTION_US_AT_270KHZ));
        // Still an 8-bit instruction (DB3..DB0 float high); it selects 4-bit.
        await this.sendNibble(FUNCTION_SET >> 4);
        await this.delay.delayUs(slowestClockUs(INSTRUCTION_US_AT_270KHZ));
        // From here every instruction is two nibbles.
        const lines = isTwoLineMode(this.geometry) ? FUNCTION_2LINE : 0;
        await this.instruction(FUNCTION_SET | lines); // DL=0, N, F=0 (5x8 dots)
        await this.instruction(DISPLAY_CONTROL); // display off
        await this.instruction(CLEAR_DISPLAY);
        await this.instruction(ENTRY_MODE_SET | ENTRY_INCREMENT); // I/D=1, S=0
        this.col = 0;
        this.row = 0;
        this.displayOn = true;
        this.cursorStyle = { visible: false, blink: false };
        await this.instruction(this.displayControl());
        this.transition('ready');
      } catch (e) {
        this.transition('failed');
        throw e;
      }
    });
  }

  clear(): Promise<void> {
    return this.command(async () => {
      await this.instruction(CLEAR_DISPLAY);
      this.col = 0;
      this.row = 0;
    });
  }

  setCursor(col: number, row: number): Promise<void> {
    return this.command(async () => {
      if (!Number.isInteger(row) || row < 0 || row >= this.rows) {
        throw new RangeError(`HD44780: row ${row} is not 0..${this.rows - 1}`);
      }
      if (!Number.isInteger(col) || col < 0 || col >= this.columns) {
        throw new RangeError(`HD44780: column ${col} is not 0..${this.columns - 1}`);
      }
      this.col = col;
      this.row = row;
      await this.instruction(SET_DDRAM_ADDRESS | this.ddramAddress());
    });
  }

  write(text: string): Promise<void> {
    return this.command(async () => {
      const codes = encodeA00(text);
      // Past the row end the address counter would run on into another
      // row's DDRAM (on a 20x4, 0x14 is row 2), so the rest is dropped.
      const room = Math.max(0, this.columns - this.col);
      for (const code of codes.slice(0, room)) await this.data(code);
      this.col += codes.length;
    });
  }

  setCursorStyle(style: CursorStyle): Promise<void> {
    return this.command(async () => {
      this.cursorStyle = { visible: style.visible, blink: style.blink };
      await this.instruction(this.displayControl());
    });
  }

  setDisplayOn(on: boolean): Promise<void> {
    return this.command(async () => {
      this.displayOn = on;
      await this.instruction(this.displayControl());
    });
  }

  /**
   * The backlight is a port bit, not an HD44780 instruction: one byte with
   * E low changes it. Before init() it is only remembered (every init byte
   * carries it), since a byte now could make a stray E edge.
   */
  setBacklight(on: boolean): Promise<void> {
    return this.serialise(async () => {
      this.backlightOn = on;
      if (this.stateNow !== 'ready') return;
      await this.guard(() => this.send([this.port(false, 0, false)]));
    });
  }

  defineGlyph(slot: number, bitmap: GlyphBitmap): Promise<void> {
    return this.command(async () => {
      if (!Number.isInteger(slot) || slot < 0 || slot >= GLYPH_SLOTS) {
        throw new RangeError(`HD44780: glyph slot ${slot} is not 0..${GLYPH_SLOTS - 1}`);
      }
      if (bitmap.length !== 8 || bitmap.some((r) => !Number.isInteger(r) || r < 0 || r > 0x1f)) {
        throw new RangeError(`HD44780: a glyph is 8 rows of 5-bit numbers, got [${bitmap.join(', ')}]`);
      }
      // CGRAM holds 8 bytes per 5x8 character; its address is slot*8 + row.
      await this.instruction(SET_CGRAM_ADDRESS | (slot << 3));
      for (const rowBits of bitmap) await this.data(rowBits);
      // The address counter now points into CGRAM; put it back where text goes.
      await this.instruction(SET_DDRAM_ADDRESS | this.ddramAddress());
    });
  }

  /** The DDRAM address of the write position (at most one past the row end, as the chip would hold it). */
  private ddramAddress(): number {
    return ddramRowStart(this.geometry, this.row) + Math.min(this.col, this.columns);
  }

  private displayControl(): number {
    return (
      DISPLAY_CONTROL |
      (this.displayOn ? DISPLAY_ON : 0) |
      (this.cursorStyle.visible ? CURSOR_ON : 0) |
      (this.cursorStyle.blink ? BLINK_ON : 0)
    );
  }

  /** One 4-bit-mode instruction (RS=0) and its execution time. */
  private async instruction(code: number): Promise<void> {
    await this.send(this.pairBytes(false, code));
    // Table 6: clear display and return home take 1.52 ms, the rest 37 µs.
    const slow = code === CLEAR_DISPLAY || (code & 0xfe) === 0x02;
    await this.delay.delayUs(slowestClockUs(slow ? CLEAR_HOME_US_AT_270KHZ : INSTRUCTION_US_AT_270KHZ));
  }

  /** One data write (RS=1) to DDRAM or CGRAM and its execution time. */
  private async data(code: number): Promise<void> {
    await this.send(this.pairBytes(true, code));
    await this.delay.delayUs(slowestClockUs(INSTRUCTION_US_AT_270KHZ));
  }

  /** A single nibble, as the 8-bit-mode instructions of Figure 24 are sent. */
  private async sendNibble(nibble: number): Promise<void> {
    await this.send([this.port(false, nibble, false), this.port(false, nibble, true), this.port(false, nibble, false)]);
  }

  /**
   * A byte as two E pulses, high nibble first. The first byte sets RS with
   * E low, because RS must be stable 40 ns before E rises (tAS); the PCF8574
   * changes all its pins at once, so RS and E cannot move in the same byte.
   * Data only has to be stable before E falls (tDSW), so the low nibble can
   * go out with E's second rise. E high lasts a whole I2C byte (≈90 µs at
   * 100 kHz), far above PWEH ≥ 450 ns.
   */
  private pairBytes(rs: boolean, byte: number): number[] {
    const hi = (byte >> 4) & 0x0f;
    const lo = byte & 0x0f;
    return [this.port(rs, hi, false), this.port(rs, hi, true), this.port(rs, hi, false), this.port(rs, lo, true), this.port(rs, lo, false)];
  }

  /** A PCF8574 output byte; R/W is always low and the backlight bit always present. */
  private port(rs: boolean, nibble: number, e: boolean): number {
    let value = nibbleToPort(this.pins, nibble);
    if (rs) value |= bit(this.pins.rs);
    if (e) value |= bit(this.pins.e);
    return value | this.backlightBit();
  }

  private backlightBit(): number {
    return this.backlightOn !== (this.pins.backlightActiveLow ?? false) ? bit(this.pins.backlight) : 0;
  }

  private send(bytes: readonly number[]): Promise<void> {
    return i2cWrite(this.bus, this.address, bytes);
  }

  /** A public command: needs a ready display; a bus error leaves it failed (re-init to recover). */
  private command(job: () => Promise<void>): Promise<void> {
    return this.serialise(async () => {
      if (this.stateNow !== 'ready') {
        throw new Error(`HD44780 @0x${this.address.toString(16)}: not ready (${this.stateNow}); call init()`);
      }
      await this.guard(job);
    });
  }

  private async guard(job: () => Promise<void>): Promise<void> {
    try {
      await job();
    } catch (e) {
      if (isBusError(e) && this.stateNow === 'ready') this.transition('failed');
      throw e;
    }
  }

  private serialise(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function bit(n: number): number {
  return 1 << n;
}
