/**
 * A WM8960 register file on an EmulatedI2cBus: what the driver's writes
 * leave in the part. It decodes the 2-byte write format ("Control
 * Interface": B[15:9] address, B[8:0] data), holds the datasheet reset
 * values, applies an R15 reset, and is strict where the real part would
 * silently misbehave: a reserved or undefined register is NAKed, and so is
 * any write that is not exactly two bytes, or a read (the part is write-only).
 */
import { BusError } from '../bus/errors.js';
import {
  decodeWm8960Write,
  isWm8960Register,
  R,
  WM8960_I2C_ADDRESS,
  WM8960_RESET_VALUES,
} from '../codec/wm8960-registers.js';
import type { EmulatedI2cDevice } from './i2c-bus.js';

/** One accepted register write, in order. */
export interface Wm8960WriteRecord {
  readonly reg: number;
  readonly value: number;
}

export class EmulatedWm8960 implements EmulatedI2cDevice {
  readonly address: number;
  private readonly registers = new Map<number, number>(WM8960_RESET_VALUES);
  private readonly writes: Wm8960WriteRecord[] = [];
  private resets = 0;

  constructor(address = WM8960_I2C_ADDRESS) {
    this.address = address;
  }

  write(data: Uint8Array): void {
    if (data.length !== 2) {
      throw new BusError(
        'no-ack',
        this.where(),
        `a WM8960 write is exactly 2 bytes (7-bit register address + 9-bit data); got ${data.length}`,
      );
    }
    const { address, value } = decodeWm8960Write(data);
    if (!isWm8960Register(address)) {
      throw new BusError('no-ack', this.where(), `R${address} is reserved or does not exist on the WM8960`);
    }
    this.writes.push({ reg: address, value });
    if (address === R.RESET) {
      this.resets++;
      for (const [reg, reset] of WM8960_RESET_VALUES) this.registers.set(reg, reset);
      return;
    }
    this.registers.set(address, value);
  }

  read(_length: number): Uint8Array {
    throw new BusError('no-ack', this.where(), 'the WM8960 control interface is write-only');
  }

  /** The 9-bit value register `n` holds now (R15 reads as 0: it stores nothing). */
  register(n: number): number {
    const value = this.registers.get(n);
    if (value === undefined) throw new RangeError(`WM8960 has no register R${n}`);
    return n === R.RESET ? 0 : value;
  }

  /** Every accepted write since construction (or clearHistory), in order. */
  get history(): readonly Wm8960WriteRecord[] {
    return this.writes;
  }

  /** How many R15 resets the part has seen. */
  get resetCount(): number {
    return this.resets;
  }

  clearHistory(): void {
    this.writes.length = 0;
  }

  private where(): string {
    return `WM8960 @0x${this.address.toString(16)}`;
  }
}
