/**
 * Turns a screen view into display rows by its layout (layouts.ts): exactly
 * g.rows strings of exactly g.columns characters of LCD-drawable ASCII.
 * A row is clipped, never wrapped: an HD44780 would carry an over-long
 * write into another row (lcd-geometry.ts explains the DDRAM folding).
 */
import { fit, softkeyRow, type DisplayGeometry } from '../screens.js';
import { fieldValues, isListKind, listContent, SELECTED_MARK, type FieldValues, type ListContent, type ListKind } from './fields.js';
import { nearestLayoutGeometry } from './geometry.js';
import { LAYOUTS, MESSAGE_ROW, type Align, type ListRow, type SplitRow, type TextRow } from './layouts.js';
import { toLcdText } from './lcd-text.js';
import { listWindowTop } from './list-window.js';
import { softkeysFor } from './softkeys.js';
import { compiledTemplate, fillTemplate } from './template.js';
import type { LayoutKind, MessageView, ScreenView, ViewOf } from './views.js';

type LayoutView = Exclude<ScreenView, MessageView>;

/** `text` placed in `columns` cells: padded, or clipped at the end (or the start, to keep its end). */
export function alignText(text: string, columns: number, align: Align, clip: 'start' | 'end' = 'end'): string {
  const clipped = text.length <= columns ? text : clip === 'start' ? text.slice(-columns) : text.slice(0, columns);
  const room = columns - clipped.length;
  const before = align === 'left' ? 0 : align === 'right' ? room : Math.floor(room / 2);
  return fit(' '.repeat(before) + clipped, columns);
}

/**
 * Two texts on one row, `left` at the left edge and `right` at the right,
 * with at least one space between; the side named by `keep` is shown whole
 * (as far as the row allows) and the other is clipped to the room left, or
 * with `giveWay` 'drop' left out unless it fits whole.
 */
export function splitText(
  left: string,
  right: string,
  columns: number,
  keep: 'left' | 'right' = 'right',
  giveWay: 'clip' | 'drop' = 'clip',
): string {
  const kept = (keep === 'right' ? right : left).slice(0, columns);
  const other = keep === 'right' ? left : right;
  const room = Math.max(0, columns - kept.length - (kept && other ? 1 : 0));
  const yielded = giveWay === 'drop' && other.length > room ? '' : other.slice(0, room);
  const [l, r] = keep === 'right' ? [yielded, kept] : [kept, yielded];
  return l.padEnd(columns - r.length) + r;
}

function fill(template: string, fields: FieldValues): string {
  return fillTemplate(compiledTemplate(template), fields);
}

function renderSplit(row: SplitRow, fields: FieldValues, columns: number): string {
  return splitText(fill(row.left, fields).trimEnd(), fill(row.right, fields).trimStart(), columns, row.keep, row.giveWay);
}

function renderText(row: TextRow, fields: FieldValues, columns: number): string {
  const text = fill(row.text, fields);
  const align = row.align ?? 'left';
  // Trim the side the row is aligned against, so an empty field leaves no stray space there.
  const trimmed = align === 'left' ? text.trimEnd() : align === 'right' ? text.trimStart() : text.trim();
  return alignText(trimmed, columns, align, row.clip);
}

function isListView(view: LayoutView): view is ViewOf<ListKind> {
  return isListKind(view.kind);
}

function lcdFields(fields: FieldValues): FieldValues {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, toLcdText(v)]));
}

/** The list entry for the `slot`-th list row of the layout, marked when the cursor is on it. */
function renderListRow(row: ListRow, list: ListContent, top: number, slot: number, columns: number): string {
  if (list.items.length === 0) return slot === 0 ? alignText(row.empty, columns, 'centre') : fit('', columns);
  const index = top + slot;
  const item = list.items[index];
  if (!item) return fit('', columns);
  const mark = index === list.cursor ? SELECTED_MARK : ' ';
  return mark + renderSplit(row.list, lcdFields(item), columns - 1);
}

function renderLayout(view: LayoutView, g: DisplayGeometry): string[] {
  const rows = LAYOUTS[view.kind][nearestLayoutGeometry(g)];
  const fields = lcdFields(fieldValues<LayoutKind>(view.kind, view, g.columns));
  const list: ListContent = isListView(view) ? listContent<ListKind>(view.kind, view) : { items: [], cursor: 0 };
  const listRows = rows.filter((r) => 'list' in r).length;
  const top = listWindowTop(list.items.length, list.cursor, listRows);
  let slot = 0;
  const lines = rows.map((row) => {
    if ('softkeys' in row) return softkeyRow(softkeysFor(view).map((k) => k.label), g.columns);
    if ('list' in row) return renderListRow(row, list, top, slot++, g.columns);
    if ('text' in row) return renderText(row, fields, g.columns);
    return renderSplit(row, fields, g.columns);
  });
  // A display with more rows than the layout shows blank rows below it; one with fewer loses the last.
  return Array.from({ length: g.rows }, (_, i) => lines[i] ?? fit('', g.columns));
}

/** The rows of `view` on a display of geometry `g`. */
export function renderScreen(view: ScreenView, g: DisplayGeometry): string[] {
  if (view.kind !== 'message') return renderLayout(view, g);
  const lines = renderScreen(view.under, g);
  const row = Math.min(MESSAGE_ROW[nearestLayoutGeometry(g)], g.rows - 1);
  lines[row] = alignText(toLcdText(view.text).trim(), g.columns, 'centre');
  return lines;
}
