/**
 * Checks a board description against what each driver needs, before any bus
 * is opened, so a wiring mistake is one readable message naming the board
 * file — not a stack trace from deep inside a driver.
 */
import type { BoardDescription, GpioPin } from './schema.js';

export class BoardError extends Error {
  readonly boardFile: string;
  readonly problems: readonly string[];

  constructor(boardFile: string, problems: readonly string[]) {
    super(`board ${boardFile}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BoardError';
    this.boardFile = boardFile;
    this.problems = problems;
  }
}

/** Parts a phone cannot work without: keys to dial, a display, a hook switch. */
const REQUIRED_DRIVERS = ['keypad-matrix', 'hd44780-pcf8574', 'hook-switch'] as const;

const KNOWN_DRIVERS: ReadonlySet<string> = new Set([
  'keypad-matrix',
  'hd44780-pcf8574',
  'wm8960',
  'hook-switch',
  'leds',
  'hid-handset',
  'pcm',
]);

/** BCM2835..BCM2712 expose GPIO0..53 on the main bank; the 40-pin header uses 2..27. */
const MAX_GPIO = 53;

/** Pins that buses on the header own (I2C1, I2S, UART0) and parts must not claim. */
const RESERVED_PINS: ReadonlyMap<number, string> = new Map([
  [2, 'I2C1 SDA'],
  [3, 'I2C1 SCL'],
  [14, 'UART TXD'],
  [15, 'UART RXD'],
  [18, 'I2S BCLK'],
  [19, 'I2S LRCLK'],
  [20, 'I2S DIN'],
  [21, 'I2S DOUT'],
]);

/** Returns the problems found; empty when the board is usable. */
export function boardProblems(board: BoardDescription, isKeyName: (name: string) => boolean): string[] {
  const problems: string[] = [];
  const pinOwner = new Map<number, string>();
  const partIds = new Set<string>();
  const i2cIds = new Set(board.i2c.map((b) => b.id));
  const i2cAddresses = new Map<string, string>();

  const claimPin = (pin: GpioPin, user: string): void => {
    if (!Number.isInteger(pin.gpio) || pin.gpio < 0 || pin.gpio > MAX_GPIO) {
      problems.push(`${user}: GPIO${pin.gpio} (${pin.header}) is not a GPIO number 0..${MAX_GPIO}`);
      return;
    }
    const reserved = RESERVED_PINS.get(pin.gpio);
    if (reserved) problems.push(`${user}: GPIO${pin.gpio} (${pin.header}) is reserved for ${reserved}`);
    const previous = pinOwner.get(pin.gpio);
    if (previous) problems.push(`GPIO${pin.gpio} (${pin.header}) is used twice: by ${previous} and by ${user}`);
    else pinOwner.set(pin.gpio, user);
  };

  const claimI2c = (part: { id: string; bus: string; address: number }): void => {
    if (!i2cIds.has(part.bus)) problems.push(`${part.id}: I2C bus "${part.bus}" is not declared in i2c[]`);
    // 7-bit addresses 0x00-0x07 and 0x78-0x7F are reserved by the I2C specification (§3.1.12).
    if (!Number.isInteger(part.address) || part.address < 0x08 || part.address > 0x77) {
      problems.push(`${part.id}: I2C address 0x${part.address.toString(16)} is outside 0x08..0x77`);
    }
    const key = `${part.bus}@${part.address}`;
    const other = i2cAddresses.get(key);
    if (other) problems.push(`${part.id}: I2C address 0x${part.address.toString(16)} on ${part.bus} is already used by ${other}`);
    else i2cAddresses.set(key, part.id);
  };

  for (const part of board.parts) {
    if (partIds.has(part.id)) problems.push(`part id "${part.id}" appears twice`);
    partIds.add(part.id);
    if (!KNOWN_DRIVERS.has(part.driver)) {
      problems.push(`${part.id}: unknown driver "${String(part.driver)}" (known: ${[...KNOWN_DRIVERS].join(', ')})`);
      continue;
    }
    switch (part.driver) {
      case 'keypad-matrix': {
        part.rows.forEach((p, i) => claimPin(p, `${part.id} row ${i}`));
        part.columns.forEach((p, i) => claimPin(p, `${part.id} column ${i}`));
        if (part.keymap.length !== part.rows.length) {
          problems.push(`${part.id}: keymap has ${part.keymap.length} rows but ${part.rows.length} row pins`);
        }
        const seen = new Set<string>();
        part.keymap.forEach((row, r) => {
          if (row.length !== part.columns.length) {
            problems.push(`${part.id}: keymap row ${r} has ${row.length} keys but there are ${part.columns.length} column pins`);
          }
          for (const key of row) {
            if (key === null) continue;
            if (!isKeyName(key)) problems.push(`${part.id}: keymap row ${r}: unknown key "${key}"`);
            if (seen.has(key)) problems.push(`${part.id}: key "${key}" appears twice in the keymap`);
            seen.add(key);
          }
        });
        break;
      }
      case 'hd44780-pcf8574':
        claimI2c(part);
        break;
      case 'wm8960':
        claimI2c(part);
        if (!board.pcm && board.platform === 'linux') problems.push(`${part.id}: a WM8960 needs pcm (the ALSA device) declared`);
        break;
      case 'hook-switch':
        claimPin(part.pin, part.id);
        break;
      case 'leds':
        for (const [name, pin] of Object.entries(part.leds)) if (pin) claimPin(pin, `${part.id} ${name}`);
        break;
      case 'hid-handset':
      case 'pcm':
        break;
    }
  }

  for (const driver of REQUIRED_DRIVERS) {
    if (!board.parts.some((p) => p.driver === driver)) problems.push(`missing part: a phone needs a "${driver}"`);
  }
  return problems;
}

export function validateBoard(board: BoardDescription, boardFile: string, isKeyName: (name: string) => boolean): void {
  const problems = boardProblems(board, isKeyName);
  if (problems.length > 0) throw new BoardError(boardFile, problems);
}
