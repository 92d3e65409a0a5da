/**
 * The simulated board's buses: an emulated GPIO chip and I2C bus with the
 * device models this board's parts expect (an HD44780 behind a PCF8574, a
 * WM8960 register file) attached at the board's addresses.
 */
import type { BusProvider } from '../bus-provider.js';
import type { BoardDescription, GpioPin, I2cBusDescription } from '../schema.js';
import type { Clock, Delay } from '../../drivers/bus/clock.js';
import { EmulatedGpioChip, type EmulatedInput, type EmulatedOutput } from '../../drivers/emulated/gpio.js';
import { EmulatedI2cBus } from '../../drivers/emulated/i2c-bus.js';
import { EmulatedHd44780Pcf8574 } from '../../drivers/emulated/hd44780-pcf8574.js';
import { EmulatedWm8960 } from '../../drivers/emulated/wm8960.js';
import { partOf } from '../assemble.js';

export class EmulatedBuses implements BusProvider {
  readonly chip: EmulatedGpioChip;
  readonly i2cBuses = new Map<string, EmulatedI2cBus>();
  readonly lcd?: EmulatedHd44780Pcf8574;
  readonly codec?: EmulatedWm8960;

  constructor(
    board: BoardDescription,
    readonly clock: Clock,
    readonly delay: Delay,
  ) {
    this.chip = new EmulatedGpioChip(clock, `${board.name} gpiochip`);
    for (const b of board.i2c) this.i2cBuses.set(b.id, new EmulatedI2cBus(`emulated ${b.id}`));
    const lcdPart = partOf(board, 'hd44780-pcf8574');
    if (lcdPart) {
      this.lcd = new EmulatedHd44780Pcf8574({
        address: lcdPart.address,
        geometry: { columns: lcdPart.columns, rows: lcdPart.rows },
      });
      this.i2cBuses.get(lcdPart.bus)?.attach(this.lcd);
    }
    const codecPart = partOf(board, 'wm8960');
    if (codecPart) {
      this.codec = new EmulatedWm8960(codecPart.address);
      this.i2cBuses.get(codecPart.bus)?.attach(this.codec);
    }
  }

  input(pin: GpioPin, purpose: string): Promise<EmulatedInput> {
    // Every input on this board has a pull-up: idle high.
    return Promise.resolve(this.chip.input(pin.gpio, purpose, 1));
  }

  output(pin: GpioPin, purpose: string): Promise<EmulatedOutput> {
    return Promise.resolve(this.chip.output(pin.gpio, purpose, 'floated'));
  }

  i2c(bus: I2cBusDescription): Promise<EmulatedI2cBus> {
    const found = this.i2cBuses.get(bus.id);
    if (!found) return Promise.reject(new Error(`no emulated I2C bus "${bus.id}"`));
    return Promise.resolve(found);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
