/**
 * The tiny back end a key-matrix scanner needs, split as Zephyr splits its
 * input_kbd_matrix driver (drivers/input/input_kbd_matrix.c): the generic
 * scanner does debouncing, ghost-key rejection and timing; a back end only
 * drives columns and reads rows. The GPIO back end is one; an I2C port
 * expander or an emulator can be another.
 */

/** Which columns to drive active: one by index, all (idle detect mode), or none. */
export type ColumnSelection = number | 'all' | 'none';

export interface MatrixBackend {
  readonly rowCount: number;
  readonly columnCount: number;
  /**
   * Drives the selected column(s) active and leaves every other column not
   * driven. Zephyr: drive_column(dev, col), with
   * INPUT_KBD_MATRIX_COLUMN_DRIVE_ALL / _NONE for 'all' / 'none'.
   */
  selectColumn(column: ColumnSelection): void;
  /** Bit r set when row r is active (connected to an active column through pressed keys). */
  readRows(): number;
  /**
   * Calls `listener` when a row becomes active — the idle interrupt, used with
   * all columns selected so any key press wakes the scanner (Zephyr's
   * set_detect_mode). Returns an unsubscribe function.
   */
  onRowActivity(listener: () => void): () => void;
}
