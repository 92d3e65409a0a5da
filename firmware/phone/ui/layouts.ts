/**
 * Every screen's rows, for each display geometry, as data. A row is one of:
 *   { text }           a template aligned left (default), centre or right;
 *                      clip 'start' keeps the end of a long text in view
 *                      (digits being typed), 'end' (default) its beginning
 *   { left, right }    two templates on one row with at least one space
 *                      between; `keep` says which side is whole when both do
 *                      not fit (default the right: timers, states, counts),
 *                      and `giveWay` whether the other side is clipped
 *                      (default) or left out (a clipped number misleads)
 *   { list, empty }    one row of a list: the entry's fields placed as a
 *                      left/right pair after the selection marker; the list
 *                      rows of a screen form its scrolling window; `empty` is
 *                      shown when the list has no entries
 *   { softkeys }       the softkey labels (softkeys.ts) in four slots
 * Templates name the fields of fields.ts (see template.ts for the syntax).
 * The whole table is checked when this module loads: a misspelt field, a
 * wrong row count or non-ASCII literal text stops the firmware at start
 * with the layout and row named, never later on a call.
 *
 * 16x2: no softkey row (see softkeys.ts); each screen keeps the two facts
 * that matter most, and the message LED stands in for the voicemail count.
 */
import { LAYOUT_GEOMETRIES, type LayoutGeometry } from './geometry.js';
import { FIELD_NAMES, ITEM_FIELD_NAMES } from './fields.js';
import { isLcdText } from './lcd-text.js';
import { parseTemplate, templateFields, templateTexts, TemplateError } from './template.js';
import type { LayoutKind } from './views.js';

export type Align = 'left' | 'centre' | 'right';

export interface TextRow {
  readonly text: string;
  readonly align?: Align;
  readonly clip?: 'start' | 'end';
}

export interface SplitRow {
  readonly left: string;
  readonly right: string;
  readonly keep?: 'left' | 'right';
  readonly giveWay?: 'clip' | 'drop';
}

export interface ListRow {
  readonly list: SplitRow;
  readonly empty: string;
}

export interface SoftkeyRow {
  readonly softkeys: true;
}

export type RowSpec = TextRow | SplitRow | ListRow | SoftkeyRow;

export type LayoutTable = Readonly<Record<LayoutKind, Readonly<Record<LayoutGeometry, readonly RowSpec[]>>>>;

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

const SOFTKEYS: SoftkeyRow = { softkeys: true };
const BLANK: TextRow = { text: '' };
const REMOTE: TextRow = { text: '{remote}' };
const REMOTE_NUMBER: TextRow = { text: '{remoteNumber}' };
const REMOTE_TIMER: SplitRow = { left: '{remote}', right: '{timer}' };
const CODEC: SplitRow = { left: '{codec}[ {hd}]', right: '[{muted}][ {secure}]' };
const HOLD_STATE: TextRow = { text: '{holdState}' };
const DIGITS: TextRow = { text: '{digits}', clip: 'start' };
const TARGET_ENTRY: TextRow = { text: '{target}', clip: 'start' };
const TRANSFERRING: TextRow = { text: 'Transferring to' };
const TARGET_PROGRESS: TextRow = { text: '{target}...' };
const LINE_1: SplitRow = { left: '{mark1}1 {remote1}', right: '{state1}' };
const LINE_2: SplitRow = { left: '{mark2}2 {remote2}', right: '{state2}' };
const CONSULT_HELD: SplitRow = { left: 'Xfer {remote}', right: 'Held' };
const CONSULT_TARGET: SplitRow = { left: 'to {target}', right: '{targetState}' };
const TITLE_POSITION: SplitRow = { left: '{title}', right: '{position}' };
const MENU_ITEM: ListRow = { list: { left: '{label}', right: '{value}' }, empty: '(empty)' };
const HISTORY_ITEM: ListRow = { list: { left: '{icon} {who}', right: '{when}' }, empty: 'No calls' };
const CONTACT_ITEM: ListRow = { list: { left: '{name}', right: '{number}', keep: 'left', giveWay: 'drop' }, empty: 'No contacts' };
const TONE_TITLE: SplitRow = { left: 'Ring tone', right: '{position}' };
const TONE_ITEM: ListRow = { list: { left: '{label}', right: '{current}' }, empty: '(none)' };
const DND_TITLE: TextRow = { text: 'Do not disturb' };
const DND_STATE: SplitRow = { left: 'Status:', right: '{state}' };
const FORWARD_TARGET: SplitRow = { left: '{targetMark}To', right: '{target}' };
const NETWORK_MODE: SplitRow = { left: 'FW {firmware}', right: '{mode}' };

export const LAYOUTS: LayoutTable = {
  idle: {
    '20x4': [{ left: '{time}', right: '{date}' }, { left: '{service}', right: '{icons}' }, { left: '[{missed} missed]', right: '[{voicemail} msg]' }, SOFTKEYS],
    // "3!" is three missed calls.
    '16x2': [{ left: '{time}', right: '{date}' }, { left: '{service}', right: '[{missed}!][ {icons}]' }],
  },
  dialing: {
    '20x4': [{ text: '{title}' }, DIGITS, { text: '{match}' }, SOFTKEYS],
    '16x2': [{ left: '{title}', right: '{match}', keep: 'left' }, DIGITS],
  },
  calling: {
    '20x4': [{ text: '{progress}' }, REMOTE, REMOTE_NUMBER, SOFTKEYS],
    '16x2': [REMOTE, { text: '{progress}' }],
  },
  ringing: {
    '20x4': [{ left: '{title}', right: '{line}', keep: 'left' }, REMOTE, REMOTE_NUMBER, SOFTKEYS],
    '16x2': [{ text: '{title}' }, REMOTE],
  },
  connected: {
    '20x4': [REMOTE_TIMER, REMOTE_NUMBER, CODEC, SOFTKEYS],
    '16x2': [REMOTE_TIMER, CODEC],
  },
  held: {
    '20x4': [REMOTE_TIMER, REMOTE_NUMBER, HOLD_STATE, SOFTKEYS],
    '16x2': [REMOTE_TIMER, HOLD_STATE],
  },
  'two-calls': {
    '20x4': [LINE_1, LINE_2, BLANK, SOFTKEYS],
    '16x2': [LINE_1, LINE_2],
  },
  'transfer-entry': {
    '20x4': [{ text: 'Transfer {remote}' }, { text: 'to:' }, TARGET_ENTRY, SOFTKEYS],
    '16x2': [{ text: 'Transfer to:' }, TARGET_ENTRY],
  },
  transferring: {
    '20x4': [REMOTE, TRANSFERRING, TARGET_PROGRESS, SOFTKEYS],
    '16x2': [TRANSFERRING, TARGET_PROGRESS],
  },
  consult: {
    '20x4': [CONSULT_HELD, CONSULT_TARGET, BLANK, SOFTKEYS],
    '16x2': [CONSULT_HELD, CONSULT_TARGET],
  },
  conference: {
    '20x4': [{ left: 'Conference', right: '{timer}' }, { text: '{party1}' }, { text: '{party2}' }, SOFTKEYS],
    '16x2': [{ left: 'Conf', right: '{timer}' }, { text: '{parties}' }],
  },
  menu: {
    '20x4': [TITLE_POSITION, MENU_ITEM, MENU_ITEM, SOFTKEYS],
    '16x2': [TITLE_POSITION, MENU_ITEM],
  },
  history: {
    '20x4': [TITLE_POSITION, HISTORY_ITEM, HISTORY_ITEM, SOFTKEYS],
    '16x2': [TITLE_POSITION, HISTORY_ITEM],
  },
  phonebook: {
    '20x4': [TITLE_POSITION, CONTACT_ITEM, CONTACT_ITEM, SOFTKEYS],
    '16x2': [TITLE_POSITION, CONTACT_ITEM],
  },
  'dnd-setting': {
    '20x4': [DND_TITLE, DND_STATE, BLANK, SOFTKEYS],
    '16x2': [DND_TITLE, DND_STATE],
  },
  'forward-setting': {
    '20x4': [{ text: 'Call forward' }, { left: '{modeMark}Mode', right: '{mode}' }, FORWARD_TARGET, SOFTKEYS],
    '16x2': [{ left: '{modeMark}Fwd', right: '{mode}' }, FORWARD_TARGET],
  },
  'ring-tone-setting': {
    '20x4': [TONE_TITLE, TONE_ITEM, TONE_ITEM, SOFTKEYS],
    '16x2': [TONE_TITLE, TONE_ITEM],
  },
  'volume-setting': {
    '20x4': [{ text: '{title}' }, { left: '{bar}', right: '{level}' }, BLANK, SOFTKEYS],
    '16x2': [{ left: '{title}', right: '{level}' }, { text: '{bar}' }],
  },
  'network-info': {
    '20x4': [NETWORK_MODE, { text: 'IP {address}' }, { text: '[GW {gateway}]' }, SOFTKEYS],
    '16x2': [NETWORK_MODE, { text: '{address}' }],
  },
  'account-status': {
    '20x4': [{ text: '{label}' }, { text: '{uri}' }, { text: '{state}[: {detail}]' }, SOFTKEYS],
    '16x2': [{ left: '{label}', right: '{state}' }, { text: '{uri}' }],
  },
};

/** The row a transient message replaces: the one above the softkeys, or the last. */
export const MESSAGE_ROW: Readonly<Record<LayoutGeometry, number>> = { '20x4': 2, '16x2': 1 };

/** The templates of a row with the field names each may use. */
function rowTemplates(
  row: RowSpec,
  fields: readonly string[],
  itemFields: readonly string[] | undefined,
): { template: string; names: readonly string[] | undefined }[] {
  if ('softkeys' in row) return [];
  if ('text' in row) return [{ template: row.text, names: fields }];
  if ('list' in row) {
    return [row.list.left, row.list.right, row.empty].map((template, i) => ({
      template,
      // A list row on a screen with no list is itself the problem; `empty` is plain text.
      names: i === 2 ? [] : itemFields,
    }));
  }
  return [row.left, row.right].map((template) => ({ template, names: fields }));
}

function rowProblems(
  where: string,
  row: RowSpec,
  fields: readonly string[],
  itemFields: readonly string[] | undefined,
): string[] {
  return rowTemplates(row, fields, itemFields).flatMap(({ template, names }) => {
    if (names === undefined) return [`${where}: a list row on a screen without a list`];
    try {
      const parts = parseTemplate(template);
      return [
        ...templateFields(parts)
          .filter((f) => !names.includes(f))
          .map((f) => `${where}: unknown field {${f}} (known: ${names.join(', ') || 'none'})`),
        ...templateTexts(parts)
          .filter((t) => !isLcdText(t))
          .map((t) => `${where}: "${t}" is not plain ASCII the LCD ROM draws`),
      ];
    } catch (e) {
      return [`${where}: ${e instanceof TemplateError ? e.message : String(e)}`];
    }
  });
}

/** The shape rules of one layout: row count, softkeys last, list rows together. */
function shapeProblems(where: string, rows: readonly RowSpec[], geometry: LayoutGeometry, isList: boolean): string[] {
  const problems: string[] = [];
  const wanted = LAYOUT_GEOMETRIES[geometry].rows;
  if (rows.length !== wanted) problems.push(`${where}: ${rows.length} rows, the display has ${wanted}`);
  const softkeyAt = rows.findIndex((r) => 'softkeys' in r);
  if (softkeyAt >= 0 && softkeyAt !== rows.length - 1) problems.push(`${where}: the softkey row must be the last`);
  const listAt = rows.flatMap((r, i) => ('list' in r ? [i] : []));
  if (isList && listAt.length === 0) problems.push(`${where}: a list screen with no list row`);
  if (listAt.some((at, i) => at !== (listAt[0] ?? 0) + i)) problems.push(`${where}: list rows must be together`);
  return problems;
}

/** Every problem in a layout table, each naming the screen, geometry and row. */
export function layoutProblems(table: LayoutTable): string[] {
  return (Object.keys(FIELD_NAMES) as LayoutKind[]).flatMap((kind) => {
    const itemFields: readonly string[] | undefined = kind in ITEM_FIELD_NAMES ? ITEM_FIELD_NAMES[kind as keyof typeof ITEM_FIELD_NAMES] : undefined;
    return (Object.keys(LAYOUT_GEOMETRIES) as LayoutGeometry[]).flatMap((geometry) => {
      const rows = (table[kind] as Partial<Record<LayoutGeometry, readonly RowSpec[]>> | undefined)?.[geometry];
      if (!rows) return [`${kind} ${geometry}: no layout`];
      return [
        ...shapeProblems(`${kind} ${geometry}`, rows, geometry, itemFields !== undefined),
        ...rows.flatMap((row, i) => rowProblems(`${kind} ${geometry} row ${i}`, row, FIELD_NAMES[kind], itemFields)),
      ];
    });
  });
}

/** Throws one LayoutError listing every problem in the table. */
export function validateLayouts(table: LayoutTable): void {
  const problems = layoutProblems(table);
  if (problems.length > 0) throw new LayoutError(`screen layouts: ${problems.join('; ')}`);
}

validateLayouts(LAYOUTS);
