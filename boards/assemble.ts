/**
 * Wires a board description to drivers over a set of buses. This is the one
 * place that knows both the board data and the driver classes; the phone sees
 * only the PhoneHardware it returns.
 */
import type { BusProvider } from './bus-provider.js';
import { lineName } from './bus-provider.js';
import type { BoardDescription, GpioPin, LedName, PartDescription } from './schema.js';
import type { DigitalIn, DigitalOut } from '../drivers/bus/gpio.js';
import type { I2cBus } from '../drivers/bus/i2c.js';
import { MatrixScanner, type KeyEvent } from '../drivers/keypad/matrix-scanner.js';
import { GpioMatrixBackend } from '../drivers/keypad/gpio-matrix-backend.js';
import { HookSwitch, type HookState } from '../drivers/hook/hook-switch.js';
import { Led } from '../drivers/led/led.js';
import { Hd44780Pcf8574 } from '../drivers/lcd/hd44780-pcf8574.js';
import { Wm8960 } from '../drivers/codec/wm8960.js';
import type { AudioCodec } from '../drivers/codec/audio-codec.js';
import { EventHub } from './event-hub.js';

type PartOf<D extends PartDescription['driver']> = Extract<PartDescription, { driver: D }>;

export function partOf<D extends PartDescription['driver']>(board: BoardDescription, driver: D): PartOf<D> | undefined {
  return board.parts.find((p): p is PartOf<D> => p.driver === driver);
}

/** The drivers of one board, started. */
export interface AssembledParts {
  readonly scanner: MatrixScanner;
  readonly hookSwitch: HookSwitch;
  readonly display: Hd44780Pcf8574;
  readonly leds: ReadonlyMap<LedName, Led>;
  readonly codec?: AudioCodec;
  /** Key events from the scanner, and from anything else that stands in for a finger. */
  readonly keys: EventHub<KeyEvent>;
  readonly hook: EventHub<HookState>;
  dispose(): Promise<void>;
}

export async function assembleParts(board: BoardDescription, buses: BusProvider): Promise<AssembledParts> {
  const opened: Array<{ close(): unknown }> = [];
  const i2cBuses = new Map<string, I2cBus>();
  const i2c = async (id: string): Promise<I2cBus> => {
    const existing = i2cBuses.get(id);
    if (existing) return existing;
    const description = board.i2c.find((b) => b.id === id);
    if (!description) throw new Error(`I2C bus "${id}" is not declared`); // validateBoard catches this first
    const bus = await buses.i2c(description);
    i2cBuses.set(id, bus);
    return bus;
  };
  const input = async (pin: Parameters<BusProvider['input']>[0], purpose: string): Promise<DigitalIn> => {
    const line = await buses.input(pin, lineName(pin, purpose));
    opened.push(line);
    return line;
  };
  const output = async (pin: Parameters<BusProvider['output']>[0], purpose: string): Promise<DigitalOut> => {
    const line = await buses.output(pin, lineName(pin, purpose));
    opened.push(line);
    return line;
  };

  const keypad = partOf(board, 'keypad-matrix');
  const hookPart = partOf(board, 'hook-switch');
  const lcd = partOf(board, 'hd44780-pcf8574');
  if (!keypad || !hookPart || !lcd) throw new Error(`board ${board.name} lacks a keypad, hook switch or LCD`);

  const rows: DigitalIn[] = [];
  for (const [i, pin] of keypad.rows.entries()) rows.push(await input(pin, `${keypad.id} row ${i}`));
  const columns: DigitalOut[] = [];
  for (const [i, pin] of keypad.columns.entries()) columns.push(await output(pin, `${keypad.id} column ${i}`));
  const scanner = new MatrixScanner(new GpioMatrixBackend(rows, columns), buses.clock, {
    keymap: keypad.keymap,
    debounceMs: keypad.debounceMs,
    pollMs: keypad.pollMs,
  });
  const keys = new EventHub<KeyEvent>();
  scanner.onKey((e) => keys.emit(e));

  const hookSwitch = new HookSwitch(await input(hookPart.pin, hookPart.id), buses.clock, {
    activeLow: hookPart.pin.activeLow ?? true,
    debounceMs: hookPart.debounceMs,
  });
  const hook = new EventHub<HookState>();
  hookSwitch.onChange((e) => hook.emit(e.state));

  const leds = new Map<LedName, Led>();
  const ledPart = partOf(board, 'leds');
  for (const [name, pin] of Object.entries(ledPart?.leds ?? {}) as Array<[LedName, GpioPin | undefined]>) {
    if (!pin) continue;
    leds.set(name, new Led(await output(pin, `${ledPart?.id ?? 'leds'} ${name}`), buses.clock, { activeLow: pin.activeLow ?? false }));
  }

  const display = new Hd44780Pcf8574(await i2c(lcd.bus), buses.delay, {
    address: lcd.address,
    geometry: { columns: lcd.columns, rows: lcd.rows },
  });

  const codecPart = partOf(board, 'wm8960');
  const pcmPart = partOf(board, 'pcm');
  const codec = codecPart
    ? new Wm8960(await i2c(codecPart.bus), buses.delay, {
        address: codecPart.address,
        mclkHz: codecPart.mclkHz,
        sampleRate: pcmPart?.sampleRate === 8000 || pcmPart?.sampleRate === 48000 ? pcmPart.sampleRate : 16000,
      })
    : undefined;

  return {
    scanner,
    hookSwitch,
    display,
    leds,
    codec,
    keys,
    hook,
    async dispose() {
      scanner.dispose();
      hookSwitch.dispose();
      for (const led of leds.values()) led.dispose();
      for (const line of opened) line.close();
      for (const bus of i2cBuses.values()) await bus.close();
    },
  };
}
