/**
 * The wiring table in README.md, rendered from a board
 * file: every part's signals with their BCM GPIO and 40-pin header pin, the
 * buses the board uses (I2C1, the UART) and what the HAT takes (I2S).
 *
 * The header pins in the board file are comments a person wrote; each is
 * checked against the Raspberry Pi's 40-pin header map (Raspberry Pi
 * documentation, "GPIO and the 40-pin header") so a wrong comment fails here
 * instead of on the bench.
 */
import type { BoardDescription, GpioPin } from '../../boards/schema.js';

/** BCM GPIO → physical pin on the 40-pin header (the same on every Pi with that header). */
export const HEADER_PIN_OF_GPIO: ReadonlyMap<number, number> = new Map([
  [0, 27], [1, 28], [2, 3], [3, 5], [4, 7], [5, 29], [6, 31], [7, 26], [8, 24], [9, 21],
  [10, 19], [11, 23], [12, 32], [13, 33], [14, 8], [15, 10], [16, 36], [17, 11], [18, 12], [19, 35],
  [20, 38], [21, 40], [22, 15], [23, 16], [24, 18], [25, 22], [26, 37], [27, 13],
]);

/** Header pins of the Pi's own buses, by Linux device. */
const I2C_BUS_PINS: ReadonlyMap<number, readonly { signal: string; gpio: number }[]> = new Map([
  [1, [{ signal: 'SDA', gpio: 2 }, { signal: 'SCL', gpio: 3 }]],
]);
const UART_PINS: readonly { signal: string; gpio: number }[] = [
  { signal: 'TXD (to the adapter\'s RXD)', gpio: 14 },
  { signal: 'RXD (from the adapter\'s TXD)', gpio: 15 },
];
/** The I2S link a codec HAT takes (PCM_CLK, PCM_FS, PCM_DIN, PCM_DOUT). */
const I2S_PINS: readonly { signal: string; gpio: number }[] = [
  { signal: 'I2S BCLK', gpio: 18 },
  { signal: 'I2S LRCLK', gpio: 19 },
  { signal: 'I2S DIN', gpio: 20 },
  { signal: 'I2S DOUT', gpio: 21 },
];

export interface WiringRow {
  readonly part: string;
  readonly signal: string;
  readonly gpio: number;
  readonly headerPin: number;
}

export class WiringError extends Error {
  override readonly name = 'WiringError';
}

function headerPinOf(gpio: number): number {
  const pin = HEADER_PIN_OF_GPIO.get(gpio);
  if (pin === undefined) throw new WiringError(`GPIO${gpio} is not on the 40-pin header`);
  return pin;
}

/** The header pin a board pin is on, checked against what its comment says. */
function checkedHeaderPin(pin: GpioPin, user: string): number {
  const actual = headerPinOf(pin.gpio);
  const said = /header pin (\d+)/.exec(pin.header)?.[1];
  if (said === undefined) throw new WiringError(`${user}: "${pin.header}" does not name a header pin ("header pin N")`);
  if (Number(said) !== actual) throw new WiringError(`${user}: GPIO${pin.gpio} is on header pin ${actual}, but the board file says "${pin.header}"`);
  return actual;
}

const hex = (address: number): string => `0x${address.toString(16).padStart(2, '0')}`;

export function wiringRows(board: BoardDescription): WiringRow[] {
  const rows: WiringRow[] = [];
  const gpioRow = (part: string, signal: string, pin: GpioPin): void => {
    rows.push({ part, signal, gpio: pin.gpio, headerPin: checkedHeaderPin(pin, `${part} ${signal}`) });
  };
  const busRow = (part: string, signal: string, gpio: number): void => {
    rows.push({ part, signal, gpio, headerPin: headerPinOf(gpio) });
  };
  const i2cRows = (part: string, what: string, busId: string, address: number): void => {
    const number = board.i2c.find((b) => b.id === busId)?.number;
    const pins = number === undefined ? undefined : I2C_BUS_PINS.get(number);
    if (number === undefined || pins === undefined) throw new WiringError(`${part}: no header pins known for I2C bus "${busId}"`);
    for (const p of pins) busRow(part, `I2C${number} ${p.signal} (${what} @ ${hex(address)})`, p.gpio);
  };
  // The same rule as the config.txt gpio= lines (boot-config.ts): active-low inputs are pulled up.
  const pullNote = (pin: GpioPin): string => (pin.activeLow === true ? ', pull-up' : ', pull-down');

  for (const part of board.parts) {
    switch (part.driver) {
      case 'keypad-matrix':
        part.rows.forEach((pin, i) => gpioRow(part.id, `row ${i} (input${pullNote(pin)})`, pin));
        part.columns.forEach((pin, i) => gpioRow(part.id, `column ${i} (output)`, pin));
        break;
      case 'hd44780-pcf8574':
        i2cRows(part.id, `PCF8574 backpack, ${part.columns}x${part.rows}`, part.bus, part.address);
        break;
      case 'wm8960':
        i2cRows(part.id, 'WM8960 on the HAT', part.bus, part.address);
        for (const p of I2S_PINS) busRow(part.id, `${p.signal} (on the HAT)`, p.gpio);
        break;
      case 'hook-switch':
        gpioRow(part.id, `switch (input${pullNote(part.pin)}${part.pin.activeLow === true ? ', closes to GND' : ''})`, part.pin);
        break;
      case 'leds':
        for (const [name, pin] of Object.entries(part.leds)) if (pin) gpioRow(part.id, `${name} LED (output)`, pin);
        break;
      case 'hid-handset':
      case 'pcm':
        break;
    }
  }
  if (board.serialConsole) {
    for (const p of UART_PINS) busRow('console', `UART ${p.signal}, ${board.serialConsole.baud} baud`, p.gpio);
  }
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The wiring table as Markdown. */
export function wiringTableMarkdown(board: BoardDescription): string {
  const lines = ['| Part | Signal | BCM GPIO | Header pin |', '|---|---|---:|---:|'];
  for (const r of wiringRows(board)) lines.push(`| ${cell(r.part)} | ${cell(r.signal)} | ${r.gpio} | ${r.headerPin} |`);
  return lines.join('\n');
}

/** The key matrix as Markdown: which key sits at each row and column crossing. */
export function keymapMarkdown(board: BoardDescription): string {
  const keypad = board.parts.find((p) => p.driver === 'keypad-matrix');
  if (keypad?.driver !== 'keypad-matrix') return '';
  const header = ['', ...keypad.columns.map((pin, i) => `col ${i} (GPIO${pin.gpio})`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  keypad.rows.forEach((pin, r) => {
    const keys = keypad.columns.map((_c, c) => keypad.keymap[r]?.[c] ?? '—');
    lines.push(`| row ${r} (GPIO${pin.gpio}) | ${keys.join(' | ')} |`);
  });
  return lines.join('\n');
}

/** Both tables, as they stand between the markers in README.md. */
export function wiringSection(board: BoardDescription): string {
  const keymap = keymapMarkdown(board);
  return [wiringTableMarkdown(board), ...(keymap ? ['', 'Keys at each crossing of the matrix:', '', keymap] : [])].join('\n');
}
