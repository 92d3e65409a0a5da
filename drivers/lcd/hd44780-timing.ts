/**
 * HD44780U waits, as policy in one place.
 *
 * Table 6 gives execution times "when fcp or fOSC is 270 kHz" and says they
 * scale with the clock (37 µs × 270/250 = 40 µs at 250 kHz). The internal
 * oscillator with the module's usual Rf = 91 kΩ may run as slow as 190 kHz
 * (Electrical Characteristics, fOSC min), and the driver cannot read the
 * busy flag (see hd44780-pcf8574.ts), so it waits the slowest-clock time.
 */
export const DATASHEET_OSC_KHZ = 270;
export const SLOWEST_OSC_KHZ = 190;

/** Table 6: every instruction except clear/home, and each data write. */
export const INSTRUCTION_US_AT_270KHZ = 37;
/** Table 6 gives 1.52 ms for return home; clear display is at least as long. */
export const CLEAR_HOME_US_AT_270KHZ = 1520;

/** A Table 6 time scaled to the slowest oscillator the datasheet allows. */
export function slowestClockUs(usAt270kHz: number): number {
  return Math.ceil((usAt270kHz * DATASHEET_OSC_KHZ) / SLOWEST_OSC_KHZ);
}

/** Figure 24: "Wait for more than 40 ms after VCC rises to 2.7 V". */
export const POWER_ON_WAIT_MS = 50;
/** Figure 24: "Wait for more than 4.1 ms" after the first 0011 nibble. */
export const AFTER_FIRST_FUNCTION_SET_US = 5000;
/** Figure 24: "Wait for more than 100 µs" after the second 0011 nibble. */
export const AFTER_SECOND_FUNCTION_SET_US = 150;
