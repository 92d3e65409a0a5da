/**
 * Bus errors carry a kind, as embedded-hal's error kinds do, so a driver can
 * react to "nobody answered at that address" differently from "the bus broke".
 */
export type BusErrorKind = 'no-ack' | 'bus' | 'overrun' | 'not-found' | 'other';

export class BusError extends Error {
  readonly kind: BusErrorKind;
  /** What the error is about: a device path, a pin, an I2C address. */
  readonly device: string;

  constructor(kind: BusErrorKind, device: string, message: string, options?: { cause?: unknown }) {
    super(`${device}: ${message}`, options);
    this.name = 'BusError';
    this.kind = kind;
    this.device = device;
  }
}

export function isBusError(e: unknown): e is BusError {
  return e instanceof BusError;
}
