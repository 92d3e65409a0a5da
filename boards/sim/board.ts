/**
 * The simulated board: the Raspberry Pi board's parts, pins and addresses on
 * bus-level emulators (GPIO lines, an I2C bus with a PCF8574+HD44780 and a
 * WM8960 register file, PCM from/to WAV files). The same drivers run; only
 * the buses differ — never a second implementation of the phone.
 */
import type { BoardDescription } from '../schema.js';
import { board as rpi } from '../rpi-wm8960/board.js';

export const board: BoardDescription = {
  ...rpi,
  name: 'sim',
  description: 'Simulated board: the rpi-wm8960 parts on emulated buses',
  platform: 'emulated',
  serialConsole: undefined,
  // A USB handset is something you plug in; the simulated desk has none.
  parts: rpi.parts.filter((p) => p.driver !== 'hid-handset'),
};
