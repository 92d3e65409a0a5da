import type { DisplayGeometry } from '../screens.js';

/**
 * The display sizes layouts are written for: the two HD44780 modules sold
 * with PCF8574 backpacks. Any other size renders with the nearest layout,
 * at its own width (rows are templates, not fixed columns).
 */
export type LayoutGeometry = '20x4' | '16x2';

export const LAYOUT_GEOMETRIES: Readonly<Record<LayoutGeometry, DisplayGeometry>> = {
  '20x4': { columns: 20, rows: 4 },
  '16x2': { columns: 16, rows: 2 },
};

/**
 * The layout for a display: the one with the fewest rows to gain or lose
 * (a lost row loses content, a column only clips or pads), then the fewest
 * columns; on a tie, the one that fits within the display.
 */
export function nearestLayoutGeometry(g: DisplayGeometry): LayoutGeometry {
  if (!Number.isInteger(g.columns) || !Number.isInteger(g.rows) || g.columns < 1 || g.rows < 1) {
    throw new RangeError(`display geometry ${g.columns}x${g.rows} is not a positive whole size`);
  }
  const distance = (l: DisplayGeometry): readonly number[] => [
    Math.abs(l.rows - g.rows),
    Math.abs(l.columns - g.columns),
    l.rows <= g.rows && l.columns <= g.columns ? 0 : 1,
  ];
  const names = Object.keys(LAYOUT_GEOMETRIES) as LayoutGeometry[];
  return names.reduce((best, name) => {
    const a = distance(LAYOUT_GEOMETRIES[name]);
    const b = distance(LAYOUT_GEOMETRIES[best]);
    const i = a.findIndex((v, k) => v !== b[k]);
    return i >= 0 && (a[i] ?? 0) < (b[i] ?? 0) ? name : best;
  });
}
