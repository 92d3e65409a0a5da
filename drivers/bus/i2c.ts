/**
 * An I2C bus as embedded-hal models it: one transaction method; every other
 * access is built on it. Drivers own the bus handle they are given and never
 * learn how (or whether) it is shared.
 */
export type I2cOperation =
  | { readonly kind: 'write'; readonly data: Uint8Array }
  | { readonly kind: 'read'; readonly length: number };

export interface I2cBus {
  /** A name for messages: "/dev/i2c-1" or "emulated i2c1". */
  readonly name: string;
  /**
   * Runs the operations as one transaction to the 7-bit `address` (repeated
   * start between operations where the bus supports it). Resolves with the
   * bytes of each read operation, in order. Rejects with a BusError: 'no-ack'
   * when no device answers the address.
   */
  transaction(address: number, operations: readonly I2cOperation[]): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

export async function i2cWrite(bus: I2cBus, address: number, data: Uint8Array | readonly number[]): Promise<void> {
  await bus.transaction(address, [{ kind: 'write', data: Uint8Array.from(data) }]);
}

export async function i2cRead(bus: I2cBus, address: number, length: number): Promise<Uint8Array> {
  const [bytes] = await bus.transaction(address, [{ kind: 'read', length }]);
  return bytes ?? new Uint8Array(0);
}

export async function i2cWriteRead(
  bus: I2cBus,
  address: number,
  data: Uint8Array | readonly number[],
  length: number,
): Promise<Uint8Array> {
  const [bytes] = await bus.transaction(address, [
    { kind: 'write', data: Uint8Array.from(data) },
    { kind: 'read', length },
  ]);
  return bytes ?? new Uint8Array(0);
}
