/**
 * A board's buses on a real Linux machine: sysfs GPIO through onoff, I2C
 * through i2c-bus, UARTs through serialport (all in drivers/linux, the only
 * code that touches those packages).
 */
import type { BusProvider } from './bus-provider.js';
import type { GpioPin, I2cBusDescription } from './schema.js';
import type { Clock, Delay } from '../drivers/bus/clock.js';
import type { DigitalIn, DigitalOut } from '../drivers/bus/gpio.js';
import type { I2cBus } from '../drivers/bus/i2c.js';
import type { SerialLink } from '../drivers/bus/serial.js';
import { openSysfsDigitalIn, openSysfsDigitalOut } from '../drivers/linux/gpio.js';
import { openLinuxI2cBus } from '../drivers/linux/i2c.js';
import { openLinuxSerialLink } from '../drivers/linux/serial.js';

export class LinuxBuses implements BusProvider {
  constructor(
    readonly clock: Clock,
    readonly delay: Delay,
  ) {}

  input(pin: GpioPin, _purpose: string): Promise<DigitalIn> {
    return openSysfsDigitalIn({ bcm: pin.gpio, header: pin.header });
  }

  output(pin: GpioPin, _purpose: string): Promise<DigitalOut> {
    // Start inactive: an LED dark, a matrix column not selected.
    return openSysfsDigitalOut({ bcm: pin.gpio, header: pin.header }, pin.activeLow ? 1 : 0);
  }

  i2c(bus: I2cBusDescription): Promise<I2cBus> {
    return openLinuxI2cBus(bus.number);
  }

  openSerial(path: string, baud: number): Promise<SerialLink> {
    return openLinuxSerialLink(path, baud);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
