import type { DigitalIn, DigitalOut } from '../bus/gpio.js';
import type { ColumnSelection, MatrixBackend } from './matrix-backend.js';

/**
 * A key matrix on plain GPIO lines, wired the usual way for a diode-less
 * keypad: rows are inputs with pull-ups (the board configures them), columns
 * are outputs.
 *
 * - A selected column is driven low (active); a row reads low (active) when a
 *   pressed key connects it to that column.
 * - An unselected column is floated, never driven high: two keys pressed in
 *   one row join their two columns, and a column driven high against one
 *   driven low would be a short between two outputs.
 */
export class GpioMatrixBackend implements MatrixBackend {
  readonly rowCount: number;
  readonly columnCount: number;
  /** Which columns this back end currently drives, so only lines that change are touched. */
  private readonly driven: boolean[];

  constructor(
    private readonly rows: readonly DigitalIn[],
    private readonly columns: readonly DigitalOut[],
  ) {
    if (rows.length === 0 || columns.length === 0) {
      throw new Error(`key matrix needs at least one row and one column (got ${rows.length} x ${columns.length})`);
    }
    // Rows become bits of a number (readRows); 31 keeps the arithmetic in small integers.
    if (rows.length > 31) throw new Error(`key matrix has ${rows.length} rows; at most 31 are supported`);
    this.rowCount = rows.length;
    this.columnCount = columns.length;
    // Start from a known state: nothing driven.
    for (const column of columns) column.float();
    this.driven = columns.map(() => false);
  }

  selectColumn(selection: ColumnSelection): void {
    if (typeof selection === 'number' && !(Number.isInteger(selection) && selection >= 0 && selection < this.columnCount)) {
      throw new RangeError(`column ${selection} is outside 0..${this.columnCount - 1}`);
    }
    const wanted = (c: number): boolean => selection === 'all' || selection === c;
    // Break before make: release the old column before driving the new one.
    this.columns.forEach((line, c) => {
      if (this.driven[c] && !wanted(c)) {
        line.float();
        this.driven[c] = false;
      }
    });
    this.columns.forEach((line, c) => {
      if (!this.driven[c] && wanted(c)) {
        line.write(0);
        this.driven[c] = true;
      }
    });
  }

  readRows(): number {
    let bits = 0;
    this.rows.forEach((line, r) => {
      if (line.read() === 0) bits |= 1 << r;
    });
    return bits;
  }

  onRowActivity(listener: () => void): () => void {
    // Active low: a key press pulls a row from its pull-up level down.
    const unwatch = this.rows.map((line) => line.watch('falling', () => listener()));
    return () => {
      for (const u of unwatch) u();
    };
  }
}
