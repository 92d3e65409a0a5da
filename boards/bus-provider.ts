/**
 * Where a board's buses come from. The Linux provider opens real devices
 * (drivers/linux); the emulated provider hands out bus-level emulators. The
 * drivers on top are the same either way.
 */
import type { Clock, Delay } from '../drivers/bus/clock.js';
import type { DigitalIn, DigitalOut } from '../drivers/bus/gpio.js';
import type { I2cBus } from '../drivers/bus/i2c.js';
import type { SerialLink } from '../drivers/bus/serial.js';
import type { GpioPin, I2cBusDescription } from './schema.js';

export interface BusProvider {
  readonly clock: Clock;
  readonly delay: Delay;
  /** `purpose` names the line in messages: "keypad row 0". */
  input(pin: GpioPin, purpose: string): Promise<DigitalIn>;
  output(pin: GpioPin, purpose: string): Promise<DigitalOut>;
  i2c(bus: I2cBusDescription): Promise<I2cBus>;
  openSerial?(path: string, baud: number): Promise<SerialLink>;
  close(): Promise<void>;
}

/** "keypad row 0 on GPIO5 (header pin 29)" */
export function lineName(pin: GpioPin, purpose: string): string {
  return `${purpose} on GPIO${pin.gpio} (${pin.header})`;
}
