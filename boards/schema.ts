/**
 * What a board file may say. Boards are data, like Zephyr's board and
 * devicetree files: buses, pins (each with a comment naming the header pin)
 * and parts. No logic lives in a board file; boards/validate.ts checks one
 * against what each driver needs before anything is opened.
 */
import type { KeyName } from '../drivers/keypad/key-names.js';

/** A GPIO line: BCM number on the SoC's main GPIO chip, and where it is on the header. */
export interface GpioPin {
  readonly gpio: number;
  /** "header pin 11" — for error messages and the bench. */
  readonly header: string;
  readonly activeLow?: boolean;
}

export interface I2cBusDescription {
  readonly id: string;
  /** Linux: /dev/i2c-<number>. */
  readonly number: number;
}

export interface PcmDescription {
  /** ALSA device name, e.g. "hw:wm8960soundcard" or "plughw:CARD=wm8960soundcard". */
  readonly alsaDevice: string;
  readonly periodMs: number;
  readonly bufferMs: number;
}

export type LedName = 'message' | 'line' | 'mute' | 'speaker' | 'headset' | 'hold';

export type PartDescription =
  | {
      readonly id: string;
      readonly driver: 'keypad-matrix';
      readonly rows: readonly GpioPin[];
      readonly columns: readonly GpioPin[];
      /** keymap[row][column]; null where no switch is fitted. */
      readonly keymap: readonly (readonly (KeyName | null)[])[];
      readonly debounceMs?: number;
      readonly pollMs?: number;
    }
  | {
      readonly id: string;
      readonly driver: 'hd44780-pcf8574';
      readonly bus: string;
      readonly address: number;
      readonly columns: 16 | 20;
      readonly rows: 2 | 4;
    }
  | { readonly id: string; readonly driver: 'wm8960'; readonly bus: string; readonly address: number; readonly mclkHz: number }
  | { readonly id: string; readonly driver: 'hook-switch'; readonly pin: GpioPin; readonly debounceMs?: number }
  | { readonly id: string; readonly driver: 'leds'; readonly leds: Readonly<Partial<Record<LedName, GpioPin>>> }
  | { readonly id: string; readonly driver: 'hid-handset'; readonly optional: true }
  | { readonly id: string; readonly driver: 'pcm'; readonly sampleRate: number; readonly channels: number };

export type DriverName = PartDescription['driver'];

export interface BoardDescription {
  readonly name: string;
  readonly description: string;
  /** Where the bus implementations come from: the Linux kernel, or bus-level emulators. */
  readonly platform: 'linux' | 'emulated';
  readonly i2c: readonly I2cBusDescription[];
  readonly pcm?: PcmDescription;
  /** A UART for the console, when the board has one wired. */
  readonly serialConsole?: { readonly path: string; readonly baud: number };
  readonly parts: readonly PartDescription[];
}
