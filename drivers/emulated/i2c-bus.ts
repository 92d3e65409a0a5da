import { BusError } from '../bus/errors.js';
import type { I2cBus, I2cOperation } from '../bus/i2c.js';

/** A device model that sits on an EmulatedI2cBus at one 7-bit address. */
export interface EmulatedI2cDevice {
  readonly address: number;
  /** Bytes the master wrote. Throw BusError('no-ack') to NAK (e.g. a reserved register). */
  write(data: Uint8Array): void;
  /** Bytes the master reads. */
  read(length: number): Uint8Array;
}

/** One operation as it crossed the bus, for expectation lists in tests. */
export type I2cLogEntry =
  | { readonly address: number; readonly kind: 'write'; readonly data: readonly number[] }
  | { readonly address: number; readonly kind: 'read'; readonly data: readonly number[] };

/**
 * An I2C bus with device models attached by address. A transaction to an
 * address nobody holds fails with 'no-ack', as a real bus does.
 */
export class EmulatedI2cBus implements I2cBus {
  readonly name: string;
  private readonly devices = new Map<number, EmulatedI2cDevice>();
  /** Every operation in order; tests compare it with an expected list. */
  readonly log: I2cLogEntry[] = [];
  private closed = false;

  constructor(name = 'emulated i2c') {
    this.name = name;
  }

  attach(device: EmulatedI2cDevice): void {
    if (this.devices.has(device.address)) {
      throw new Error(`${this.name}: address 0x${device.address.toString(16)} is taken`);
    }
    this.devices.set(device.address, device);
  }

  transaction(address: number, operations: readonly I2cOperation[]): Promise<Uint8Array[]> {
    const where = `${this.name} @0x${address.toString(16).padStart(2, '0')}`;
    if (this.closed) return Promise.reject(new BusError('bus', where, 'bus is closed'));
    const device = this.devices.get(address);
    if (!device) return Promise.reject(new BusError('no-ack', where, 'no device acknowledged the address'));
    const reads: Uint8Array[] = [];
    try {
      for (const op of operations) {
        if (op.kind === 'write') {
          this.log.push({ address, kind: 'write', data: [...op.data] });
          device.write(op.data);
        } else {
          const data = device.read(op.length);
          this.log.push({ address, kind: 'read', data: [...data] });
          reads.push(data);
        }
      }
    } catch (e) {
      return Promise.reject(e instanceof BusError ? e : new BusError('other', where, String(e), { cause: e }));
    }
    return Promise.resolve(reads);
  }

  /** The bytes written to `address`, flattened, in order (what a logic analyser would list). */
  writtenBytes(address: number): number[] {
    return this.log.filter((e) => e.address === address && e.kind === 'write').flatMap((e) => [...e.data]);
  }

  clearLog(): void {
    this.log.length = 0;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
