/**
 * Which PCF8574 port bit drives which LCD pin. Backpacks differ; the
 * common one (the blue "LCM1602 IIC" board with an 8574T at 0x27, or an
 * 8574AT at 0x3F) wires P0=RS, P1=R/W, P2=E, P3=backlight transistor,
 * P4..P7=D4..D7, and leaves the HD44780's DB0..DB3 unconnected.
 */
export interface Pcf8574LcdPins {
  readonly rs: number;
  readonly rw: number;
  readonly e: number;
  readonly backlight: number;
  readonly d4: number;
  readonly d5: number;
  readonly d6: number;
  readonly d7: number;
  /** Some boards switch the backlight with a PNP transistor: port low = lit. */
  readonly backlightActiveLow?: boolean;
}

export const COMMON_BACKPACK_PINS: Pcf8574LcdPins = {
  rs: 0,
  rw: 1,
  e: 2,
  backlight: 3,
  d4: 4,
  d5: 5,
  d6: 6,
  d7: 7,
};

/** PCF8574 (A2..A0 → 0x20..0x27) and PCF8574A (0x38..0x3F) addresses. */
export function isPcf8574Address(address: number): boolean {
  return Number.isInteger(address) && ((address >= 0x20 && address <= 0x27) || (address >= 0x38 && address <= 0x3f));
}

/** Throws a RangeError if two LCD pins share a port bit or a bit is not 0..7. */
export function checkPins(pins: Pcf8574LcdPins): void {
  const bits = [pins.rs, pins.rw, pins.e, pins.backlight, pins.d4, pins.d5, pins.d6, pins.d7];
  if (bits.some((b) => !Number.isInteger(b) || b < 0 || b > 7)) {
    throw new RangeError(`PCF8574 LCD pin map ${JSON.stringify(pins)}: each pin must be port bit 0..7`);
  }
  if (new Set(bits).size !== bits.length) {
    throw new RangeError(`PCF8574 LCD pin map ${JSON.stringify(pins)}: two LCD pins share a port bit`);
  }
}

/** The port bits for a data nibble (bit 0 of `nibble` is D4). */
export function nibbleToPort(pins: Pcf8574LcdPins, nibble: number): number {
  return (
    ((nibble & 1) << pins.d4) | (((nibble >> 1) & 1) << pins.d5) | (((nibble >> 2) & 1) << pins.d6) | (((nibble >> 3) & 1) << pins.d7)
  );
}

/** The data nibble on the port (D4 is bit 0 of the result). */
export function portToNibble(pins: Pcf8574LcdPins, port: number): number {
  return (
    ((port >> pins.d4) & 1) | (((port >> pins.d5) & 1) << 1) | (((port >> pins.d6) & 1) << 2) | (((port >> pins.d7) & 1) << 3)
  );
}
