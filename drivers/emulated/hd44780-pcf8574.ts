import type { Clock } from '../bus/clock.js';
import { CLEAR_HOME_US_AT_270KHZ, INSTRUCTION_US_AT_270KHZ } from '../lcd/hd44780-timing.js';
import type { LcdGeometry } from '../lcd/lcd-geometry.js';
import { checkGeometry } from '../lcd/lcd-geometry.js';
import type { Pcf8574LcdPins } from '../lcd/pcf8574-lcd-pins.js';
import { checkPins, COMMON_BACKPACK_PINS, nibbleToPort, portToNibble } from '../lcd/pcf8574-lcd-pins.js';
import type { EmulatedI2cDevice } from './i2c-bus.js';
import { renderCell } from './hd44780-screen.js';

export interface EmulatedHd44780Options {
  readonly address?: number;
  readonly geometry?: LcdGeometry;
  readonly pins?: Pcf8574LcdPins;
  /**
   * With a clock the model keeps the busy flag: an instruction that
   * arrives before the previous one's Table 6 execution time (at the
   * datasheet's 270 kHz) has passed, or within 40 ms of power-on, is
   * ignored and recorded in `violations`, as a real chip would drop it.
   */
  readonly clock?: Clock;
}

export interface EmulatedCursor {
  /** Where the address counter sits on the glass; -1, -1 when it is off screen or in CGRAM. */
  readonly col: number;
  readonly row: number;
  /** The underline cursor shows (C=1, display on, position on screen). */
  readonly visible: boolean;
  /** The blinking block shows (B=1, display on, position on screen). */
  readonly blink: boolean;
}

/** Figure 24: the host must wait more than 40 ms after power-on before the first instruction. */
const POWER_ON_BUSY_MS = 40;

/**
 * An HD44780U with A00 ROM behind a PCF8574, modelled at the level of the
 * expander's output pins: every byte the master writes becomes the port
 * state, and a falling edge on E clocks one transfer, exactly as the chip
 * sees it (datasheet Figure 25 bus timing: RS, R/W sampled while E is high,
 * D4..D7 latched as E falls).
 *
 * State after power-on is what the internal reset circuit leaves
 * (datasheet "Reset Function"): DDRAM cleared to 20H, 8-bit interface,
 * 1-line, display/cursor/blink off, increment, no shift. CGRAM is
 * undefined on a real chip; here it starts at zero. The PCF8574's port
 * powers up all high.
 *
 * In 8-bit mode each E pulse is a whole instruction whose DB3..DB0 read as
 * 1: the backpack leaves them unconnected and the HD44780U has pull-up MOS
 * on DB0..DB7. A function set with DL=0 switches to 4-bit mode, in which
 * pulses pair up, high nibble first.
 */
export class EmulatedHd44780Pcf8574 implements EmulatedI2cDevice {
  readonly address: number;
  readonly columns: number;
  readonly rows: number;
  /** Timing and protocol faults a real chip would not tolerate, oldest first. */
  readonly violations: string[] = [];
  private readonly pins: Pcf8574LcdPins;
  private readonly clock: Clock | undefined;
  /** The PCF8574 output latch. */
  private port = 0xff;
  // HD44780U registers.
  private eightBit = true;
  private twoLine = false;
  private firstNibble: number | undefined;
  private readonly ddram = new Uint8Array(80).fill(0x20);
  private readonly cgram = new Uint8Array(64);
  private ac = 0;
  private acInCgram = false;
  private increment = true;
  private shiftOnWrite = false;
  private on = false;
  private cursorOn = false;
  private blinkOn = false;
  /** Display shift: how many cells the window has moved left. */
  private displayStart = 0;
  private busyUntil = 0;
  private busyWhat = 'power-on reset';

  constructor(options: EmulatedHd44780Options = {}) {
    const geometry = options.geometry ?? { columns: 16, rows: 2 };
    checkGeometry(geometry);
    this.pins = options.pins ?? COMMON_BACKPACK_PINS;
    checkPins(this.pins);
    this.address = options.address ?? 0x27;
    this.columns = geometry.columns;
    this.rows = geometry.rows;
    this.clock = options.clock;
    if (this.clock) this.busyUntil = this.clock.now() + POWER_ON_BUSY_MS;
  }

  // ——— I2C side ———

  write(data: Uint8Array): void {
    for (const byte of data) this.setPort(byte);
  }

  /**
   * The PCF8574 reads its pins. Quasi-bidirectional outputs: a pin latched
   * low reads low; a pin latched high reads whatever drives it, which for
   * D4..D7 is the LCD while R/W and E are high.
   */
  read(length: number): Uint8Array {
    let pins = this.port;
    if (this.bitSet(this.pins.rw) && this.bitSet(this.pins.e)) {
      const byte = this.readValue(this.bitSet(this.pins.rs));
      const nibble = this.eightBit || this.firstNibble === undefined ? byte >> 4 : byte & 0x0f;
      pins &= ~this.dataMask() | nibbleToPort(this.pins, nibble);
    }
    return new Uint8Array(length).fill(pins);
  }

  // ——— what a person sees ———

  /** Each row as text, honouring display shift, 1-/2-line mode and display off. */
  lines(): string[] {
    const out: string[] = [];
    for (let row = 0; row < this.rows; row++) {
      let text = '';
      for (let col = 0; col < this.columns; col++) {
        const index = this.on ? this.cellIndex(col, row) : undefined;
        text += index === undefined ? ' ' : renderCell(this.ddram[index] ?? 0x20, this.cgram);
      }
      out.push(text);
    }
    return out;
  }

  cursor(): EmulatedCursor {
    const index = this.acInCgram ? undefined : this.ddramIndex(this.ac);
    for (let row = 0; index !== undefined && row < this.rows; row++) {
      for (let col = 0; col < this.columns; col++) {
        if (this.cellIndex(col, row) === index) {
          return { col, row, visible: this.on && this.cursorOn, blink: this.on && this.blinkOn };
        }
      }
    }
    return { col: -1, row: -1, visible: false, blink: false };
  }

  get backlight(): boolean {
    return this.bitSet(this.pins.backlight) !== (this.pins.backlightActiveLow ?? false);
  }

  get displayOn(): boolean {
    return this.on;
  }

  /** The 8 pattern rows of CGRAM character `slot` (low 5 bits, as displayed). */
  glyphBitmap(slot: number): number[] {
    if (!Number.isInteger(slot) || slot < 0 || slot > 7) throw new RangeError(`glyph slot ${slot} is not 0..7`);
    return [...this.cgram.subarray(slot * 8, slot * 8 + 8)].map((r) => r & 0x1f);
  }

  /** 4 or 8: the interface width the chip is in now. */
  get interfaceBits(): 4 | 8 {
    return this.eightBit ? 8 : 4;
  }

  get twoLineMode(): boolean {
    return this.twoLine;
  }

  get addressCounter(): number {
    return this.ac;
  }

  /** The raw character code at a DDRAM address, undefined for an address with no RAM cell. */
  ddramAt(address: number): number | undefined {
    const index = this.ddramIndex(address);
    return index === undefined ? undefined : this.ddram[index];
  }

  // ——— pins ———

  private setPort(next: number): void {
    const prev = this.port;
    this.port = next;
    const e = 1 << this.pins.e;
    const control = (1 << this.pins.rs) | (1 << this.pins.rw);
    const changed = prev ^ next;
    const eBefore = (prev & e) !== 0;
    const eAfter = (next & e) !== 0;
    if (!eBefore && eAfter) {
      if (changed & control) this.violation('RS or R/W changed in the byte that raised E (tAS ≥ 40 ns)');
    } else if (eBefore && eAfter) {
      if (changed & control) this.violation('RS or R/W changed while E was high');
    } else if (eBefore && !eAfter) {
      if (changed & (control | this.dataMask())) {
        this.violation('RS, R/W or D4..D7 changed in the byte that lowered E (tAH, tH ≥ 10 ns)');
      }
      // What was on the pins while E was high is what the chip takes.
      const rs = (prev & (1 << this.pins.rs)) !== 0;
      const rw = (prev & (1 << this.pins.rw)) !== 0;
      this.enableCycle(rs, rw, portToNibble(this.pins, prev));
    }
  }

  private enableCycle(rs: boolean, rw: boolean, nibble: number): void {
    if (this.eightBit) {
      this.execute(rs, rw, (nibble << 4) | 0x0f);
    } else if (this.firstNibble === undefined) {
      this.firstNibble = nibble;
    } else {
      const byte = (this.firstNibble << 4) | nibble;
      this.firstNibble = undefined;
      this.execute(rs, rw, byte);
    }
  }

  // ——— the controller (HD44780U Table 6) ———

  private execute(rs: boolean, rw: boolean, byte: number): void {
    if (rw) {
      // A read. Reading the busy flag is allowed at any time; a data read
      // moves the address counter like a write.
      if (rs && !this.isBusy()) this.moveAc(this.increment ? 1 : -1);
      return;
    }
    const what = rs ? `data 0x${hex(byte)}` : `instruction 0x${hex(byte)}`;
    if (this.isBusy()) {
      const now = this.clock?.now() ?? 0;
      this.violation(`${what} ${((this.busyUntil - now) * 1000).toFixed(0)} µs before the end of ${this.busyWhat}; ignored`);
      return;
    }
    if (rs) {
      this.writeData(byte);
      this.busyFor(INSTRUCTION_US_AT_270KHZ, what);
    } else {
      this.instruction(byte);
    }
  }

  private instruction(b: number): void {
    const what = `instruction 0x${hex(b)}`;
    if (b & 0x80) {
      // Set DDRAM address.
      this.ac = b & 0x7f;
      this.acInCgram = false;
    } else if (b & 0x40) {
      // Set CGRAM address.
      this.ac = b & 0x3f;
      this.acInCgram = true;
    } else if (b & 0x20) {
      // Function set: DL, N, F. (F only matters in 1-line mode; 5x10 fonts are not modelled.)
      this.eightBit = (b & 0x10) !== 0;
      this.twoLine = (b & 0x08) !== 0;
      this.firstNibble = undefined;
    } else if (b & 0x10) {
      // Cursor or display shift: S/C, R/L.
      const right = (b & 0x04) !== 0;
      if (b & 0x08) this.displayStart += right ? -1 : 1;
      else this.moveAc(right ? 1 : -1);
    } else if (b & 0x08) {
      // Display on/off control: D, C, B.
      this.on = (b & 0x04) !== 0;
      this.cursorOn = (b & 0x02) !== 0;
      this.blinkOn = (b & 0x01) !== 0;
    } else if (b & 0x04) {
      // Entry mode set: I/D, S.
      this.increment = (b & 0x02) !== 0;
      this.shiftOnWrite = (b & 0x01) !== 0;
    } else if (b & 0x02) {
      // Return home: AC to 0, display shift undone, DDRAM unchanged.
      this.ac = 0;
      this.acInCgram = false;
      this.displayStart = 0;
      this.busyFor(CLEAR_HOME_US_AT_270KHZ, what);
      return;
    } else if (b & 0x01) {
      // Clear display: DDRAM to 20H, AC to 0, shift undone, I/D set to 1 (S unchanged).
      this.ddram.fill(0x20);
      this.ac = 0;
      this.acInCgram = false;
      this.displayStart = 0;
      this.increment = true;
      this.busyFor(CLEAR_HOME_US_AT_270KHZ, what);
      return;
    } else {
      return; // 0x00 is no instruction
    }
    this.busyFor(INSTRUCTION_US_AT_270KHZ, what);
  }

  private writeData(byte: number): void {
    if (this.acInCgram) {
      this.cgram[this.ac & 0x3f] = byte;
      this.moveAc(this.increment ? 1 : -1);
      return;
    }
    const index = this.ddramIndex(this.ac);
    if (index !== undefined) this.ddram[index] = byte;
    this.moveAc(this.increment ? 1 : -1);
    // Entry mode S=1: the display shifts with each DDRAM write, left when incrementing.
    if (this.shiftOnWrite) this.displayStart += this.increment ? 1 : -1;
  }

  /**
   * The address counter steps through CGRAM's 64 bytes, or through DDRAM:
   * one 80-cell line (00H..4FH) in 1-line mode; in 2-line mode 27H runs on
   * to 40H and 67H back to 00H (datasheet Figure 5). An address outside
   * those ranges (possible via set DDRAM address) has no cell: writes there
   * are lost and the counter simply counts.
   */
  private moveAc(step: 1 | -1): void {
    if (this.acInCgram) {
      this.ac = (this.ac + step) & 0x3f;
      return;
    }
    const a = this.ac;
    if (!this.twoLine) {
      this.ac = a <= 0x4f ? (a + step + 80) % 80 : (a + step) & 0x7f;
    } else if (step > 0) {
      this.ac = a === 0x27 ? 0x40 : a === 0x67 ? 0x00 : (a + 1) & 0x7f;
    } else {
      this.ac = a === 0x40 ? 0x27 : a === 0x00 ? 0x67 : (a - 1) & 0x7f;
    }
  }

  /** The RAM cell of a DDRAM address (lines 1 and 2 of 2-line mode are cells 0..39 and 40..79). */
  private ddramIndex(address: number): number | undefined {
    if (!this.twoLine) return address <= 0x4f ? address : undefined;
    const position = address & 0x3f;
    if (position >= 40 || address > 0x7f) return undefined;
    return (address & 0x40 ? 40 : 0) + position;
  }

  /**
   * The RAM cell shown at (col, row). Rows 0 and 1 are lines 1 and 2; rows
   * 2 and 3 of a 4-row module continue them. In 1-line mode the second
   * line's commons are not driven, so odd rows are blank.
   */
  private cellIndex(col: number, row: number): number | undefined {
    const along = Math.floor(row / 2) * this.columns + col + this.displayStart;
    if (this.twoLine) return (row % 2) * 40 + mod(along, 40);
    return row % 2 === 1 ? undefined : mod(along, 80);
  }

  private readValue(rs: boolean): number {
    if (!rs) return (this.isBusy() ? 0x80 : 0) | (this.ac & 0x7f);
    if (this.acInCgram) return this.cgram[this.ac & 0x3f] ?? 0;
    const index = this.ddramIndex(this.ac);
    return index === undefined ? 0x20 : (this.ddram[index] ?? 0x20);
  }

  private isBusy(): boolean {
    return this.clock !== undefined && this.clock.now() < this.busyUntil;
  }

  private busyFor(us: number, what: string): void {
    if (!this.clock) return;
    this.busyUntil = this.clock.now() + us / 1000;
    this.busyWhat = what;
  }

  private bitSet(bit: number): boolean {
    return (this.port & (1 << bit)) !== 0;
  }

  private dataMask(): number {
    return nibbleToPort(this.pins, 0x0f);
  }

  private violation(message: string): void {
    this.violations.push(message);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
