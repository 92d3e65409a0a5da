import { access } from 'node:fs/promises';
import { BusError, type BusErrorKind } from '../bus/errors.js';
import type { I2cBus, I2cOperation } from '../bus/i2c.js';
import { errnoCode, loadOptionalPackage, moduleExport, nodeImport, unexpectedShape, type ModuleImporter } from './optional-package.js';

/**
 * I2cBus on /dev/i2c-N through i2c-bus 5's promise API.
 *
 * i2c-bus's i2cWrite/i2cRead are plain write(2)/read(2) on the device after
 * the I2C_SLAVE ioctl, so each operation is its own bus message with a STOP
 * after it: there is no repeated START between the operations of one
 * transaction (that needs the I2C_RDWR ioctl, which i2c-bus does not expose).
 * The parts on this board — PCF8574 and WM8960 — are written with single
 * messages, so this does not matter to them. Transactions are serialised here,
 * so two drivers sharing the bus never interleave their operations.
 */

/** The part of i2c-bus's PromisifiedBus this module uses. */
interface PromisifiedI2cBus {
  i2cWrite(address: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number; buffer: Buffer }>;
  i2cRead(address: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  close(): Promise<void>;
}

type OpenPromisified = (busNumber: number) => Promise<PromisifiedI2cBus>;

export interface LinuxI2cOptions {
  readonly importer?: ModuleImporter;
}

async function loadI2cBus(importer: ModuleImporter): Promise<OpenPromisified> {
  const mod = await loadOptionalPackage('i2c-bus', 'I2C through /dev/i2c-N', importer);
  const open = moduleExport(mod, 'openPromisified');
  if (typeof open !== 'function') throw unexpectedShape('i2c-bus', 'openPromisified()');
  return open as OpenPromisified;
}


const NOT_FOUND_HINT =
  'enable the I2C controller with `dtparam=i2c_arm=on` in /boot/firmware/config.txt (or raspi-config → Interface ' +
  'Options → I2C) and reboot; `ls /dev/i2c-*` lists the buses that exist';

/**
 * The error kind for an errno from the i2c-dev driver. The Broadcom and
 * DesignWare controllers report a NAK on the address as EREMOTEIO, some others
 * as ENXIO (Documentation/i2c/fault-codes.rst: "ENXIO … no device responded").
 */
export function i2cErrorKind(code: string | undefined): BusErrorKind {
  switch (code) {
    case 'EREMOTEIO':
    case 'ENXIO':
      return 'no-ack';
    case 'ENOENT':
      return 'not-found';
    case 'EIO':
    case 'ETIMEDOUT':
    case 'EAGAIN':
      return 'bus';
    default:
      return 'other';
  }
}

function hex(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}

class LinuxI2cBus implements I2cBus {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly name: string,
    private readonly bus: PromisifiedI2cBus,
  ) {}

  transaction(address: number, operations: readonly I2cOperation[]): Promise<Uint8Array[]> {
    const run = this.queue.then(() => this.run(address, operations));
    // The queue continues whatever this transaction's outcome.
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.bus.close();
  }

  private async run(address: number, operations: readonly I2cOperation[]): Promise<Uint8Array[]> {
    const where = `${this.name} @${hex(address)}`;
    if (this.closed) throw new BusError('bus', where, 'bus is closed');
    const reads: Uint8Array[] = [];
    for (const op of operations) {
      try {
        if (op.kind === 'write') {
          const buffer = Buffer.from(op.data);
          const { bytesWritten } = await this.bus.i2cWrite(address, buffer.length, buffer);
          if (bytesWritten !== buffer.length) {
            throw new BusError('bus', where, `short write: ${bytesWritten} of ${buffer.length} bytes`);
          }
        } else {
          const buffer = Buffer.alloc(op.length);
          const { bytesRead } = await this.bus.i2cRead(address, op.length, buffer);
          if (bytesRead !== op.length) {
            throw new BusError('bus', where, `short read: ${bytesRead} of ${op.length} bytes`);
          }
          reads.push(Uint8Array.from(buffer));
        }
      } catch (e) {
        throw this.mapError(where, op, e);
      }
    }
    return reads;
  }

  private mapError(where: string, op: I2cOperation, e: unknown): BusError {
    if (e instanceof BusError) return e;
    const code = errnoCode(e);
    const kind = i2cErrorKind(code);
    const what = op.kind === 'write' ? `write of ${op.data.length} bytes` : `read of ${op.length} bytes`;
    const message =
      kind === 'no-ack'
        ? `no device acknowledged the address (${code}) during a ${what}`
        : kind === 'not-found'
          ? `${this.name} not present: ${NOT_FOUND_HINT}`
          : `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
    return new BusError(kind, where, message, { cause: e });
  }
}

/**
 * Opens /dev/i2c-`busNumber` (bus 1 is the header's SDA1/SCL1, pins 3 and 5).
 * i2c-bus opens the device lazily on first use, so its presence is checked here
 * to fail at start with a clear message instead of at the first write.
 */
export async function openLinuxI2cBus(busNumber: number, options: LinuxI2cOptions = {}): Promise<I2cBus> {
  const device = `/dev/i2c-${busNumber}`;
  try {
    await access(device);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') throw new BusError('not-found', device, `not present: ${NOT_FOUND_HINT}`, { cause: e });
    if (code === 'EACCES') {
      throw new BusError('other', device, 'permission denied: add the user to the "i2c" group', { cause: e });
    }
    throw new BusError('other', device, `cannot access: ${code ?? String(e)}`, { cause: e });
  }
  const open = await loadI2cBus(options.importer ?? nodeImport);
  let bus: PromisifiedI2cBus;
  try {
    bus = await open(busNumber);
  } catch (e) {
    throw new BusError(i2cErrorKind(errnoCode(e)), device, `cannot open: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  return new LinuxI2cBus(device, bus);
}

/** For tests: the adapter over an already-open i2c-bus PromisifiedBus (or a fake of one). */
export function wrapPromisifiedI2cBus(name: string, bus: PromisifiedI2cBus): I2cBus {
  return new LinuxI2cBus(name, bus);
}

export type { PromisifiedI2cBus };
