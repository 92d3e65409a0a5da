/**
 * What the phone UI draws on: a character display of fixed rows and
 * columns. The HD44780-on-PCF8574 driver implements it; so could a terminal
 * front panel or a different controller. Every method is async because on
 * real hardware each one is a few I2C transactions and datasheet waits.
 */

/** A 5x8 character cell: 8 rows, top first, each a 5-bit number (bit 4 is the leftmost dot). */
export type GlyphBitmap = readonly [number, number, number, number, number, number, number, number];

/** The number of user-definable glyph slots (HD44780U CGRAM holds eight 5x8 patterns). */
export const GLYPH_SLOTS = 8;

export interface CursorStyle {
  /** The underline cursor at the write position. */
  readonly visible: boolean;
  /** The blinking block at the write position. */
  readonly blink: boolean;
}

export interface TextDisplay {
  readonly columns: number;
  readonly rows: number;
  /** Brings the display from any state (including just powered) to cleared, on, cursor hidden. */
  init(): Promise<void>;
  /** Blanks every cell and moves the write position to column 0, row 0. */
  clear(): Promise<void>;
  /** Moves the write position; columns and rows count from 0. */
  setCursor(col: number, row: number): Promise<void>;
  /**
   * Writes at the write position and moves it right. U+0000..U+0007 show the
   * glyph in that slot (see defineGlyph); other characters are mapped to the
   * display's character set, '?' when it has no such character. Text past the
   * end of the row is dropped, never wrapped onto another row.
   */
  write(text: string): Promise<void>;
  setCursorStyle(style: CursorStyle): Promise<void>;
  /** Turns the characters off (blank) or on without losing them. */
  setDisplayOn(on: boolean): Promise<void>;
  setBacklight(on: boolean): Promise<void>;
  /** Loads a 5x8 pattern into `slot` (0..7); write(String.fromCharCode(slot)) shows it. */
  defineGlyph(slot: number, bitmap: GlyphBitmap): Promise<void>;
}
