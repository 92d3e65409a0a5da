/**
 * How a module's rows sit in HD44780 display data RAM.
 *
 * In 2-line mode (N=1) DDRAM is two 40-cell lines at 0x00..0x27 and
 * 0x40..0x67 (HD44780U datasheet, "Display Data RAM", Figure 5). A 4-row
 * module is electrically a 2-line display whose lines are folded: row 2
 * continues line 1 and row 3 continues line 2, so the row start addresses
 * of a 20x4 are 0x00, 0x40, 0x14, 0x54 and of a 16x2 are 0x00, 0x40.
 * A 1-row module uses 1-line mode (N=0): one 80-cell line from 0x00.
 */
export interface LcdGeometry {
  readonly columns: number;
  readonly rows: number;
}

/** Cells in one DDRAM line: 40 in 2-line mode, 80 in 1-line mode. */
export function cellsPerLine(geometry: LcdGeometry): number {
  return geometry.rows === 1 ? 80 : 40;
}

/** Whether function set must select 2-line mode (N=1). */
export function isTwoLineMode(geometry: LcdGeometry): boolean {
  return geometry.rows > 1;
}

/** Throws a RangeError naming the problem if no HD44780 module has this shape. */
export function checkGeometry(geometry: LcdGeometry): void {
  const { columns, rows } = geometry;
  if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 1) {
    throw new RangeError(`LCD geometry ${columns}x${rows}: columns and rows must be positive integers`);
  }
  if (rows !== 1 && rows !== 2 && rows !== 4) {
    throw new RangeError(`LCD geometry ${columns}x${rows}: an HD44780 drives 1, 2 or 4 rows`);
  }
  // Each row of a 4-row module is half a 40-cell line; rows of 1- and
  // 2-row modules are a whole line.
  const maxColumns = rows === 4 ? 20 : cellsPerLine(geometry);
  if (columns > maxColumns) {
    throw new RangeError(`LCD geometry ${columns}x${rows}: at most ${maxColumns} columns with ${rows} rows`);
  }
}

/** The DDRAM address of column 0 of `row`. */
export function ddramRowStart(geometry: LcdGeometry, row: number): number {
  if (geometry.rows === 1) return 0x00;
  return (row % 2) * 0x40 + Math.floor(row / 2) * geometry.columns;
}
