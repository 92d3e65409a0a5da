/**
 * The named values each screen's layouts may place: a view turned into
 * short strings. The names are declared as data so layouts can be checked
 * against them when the module loads; the types make each extractor
 * produce exactly the declared names. An empty string means "nothing to
 * show", which hides a `[…]` group in a template.
 */
import { formatClock, formatDuration } from '../screens.js';
import type { CallDirection } from '../directory/call-history.js';
import type {
  AccountState,
  CallLine,
  CallProgress,
  ForwardMode,
  HeldBy,
  LayoutKind,
  LineState,
  Party,
  ViewOf,
  VolumeControl,
} from './views.js';

export const FIELD_NAMES = {
  idle: ['time', 'date', 'service', 'missed', 'voicemail', 'icons'],
  dialing: ['title', 'digits', 'match'],
  calling: ['progress', 'remote', 'remoteNumber'],
  ringing: ['title', 'remote', 'remoteNumber', 'line'],
  connected: ['remote', 'remoteNumber', 'timer', 'codec', 'hd', 'muted', 'secure'],
  held: ['remote', 'remoteNumber', 'timer', 'holdState'],
  'two-calls': ['mark1', 'remote1', 'state1', 'mark2', 'remote2', 'state2'],
  'transfer-entry': ['remote', 'target'],
  transferring: ['remote', 'target'],
  consult: ['remote', 'target', 'targetState'],
  conference: ['party1', 'party2', 'parties', 'timer'],
  menu: ['title', 'position'],
  history: ['title', 'position'],
  phonebook: ['title', 'position'],
  'dnd-setting': ['state'],
  'forward-setting': ['mode', 'target', 'modeMark', 'targetMark'],
  'ring-tone-setting': ['position'],
  'volume-setting': ['title', 'bar', 'level'],
  'network-info': ['firmware', 'mode', 'address', 'gateway'],
  'account-status': ['label', 'uri', 'state', 'detail'],
} as const satisfies Readonly<Record<LayoutKind, readonly string[]>>;

/** The fields of one entry of a list screen, placed by the layout's list rows. */
export const ITEM_FIELD_NAMES = {
  menu: ['label', 'value'],
  history: ['icon', 'who', 'when'],
  phonebook: ['name', 'number'],
  'ring-tone-setting': ['label', 'current'],
} as const satisfies Readonly<Partial<Record<LayoutKind, readonly string[]>>>;

export type ListKind = keyof typeof ITEM_FIELD_NAMES;

type FieldsOf<K extends LayoutKind> = Readonly<Record<(typeof FIELD_NAMES)[K][number], string>>;
type ItemFieldsOf<K extends ListKind> = Readonly<Record<(typeof ITEM_FIELD_NAMES)[K][number], string>>;

export type FieldValues = Readonly<Record<string, string>>;

/** The entries of a list screen with the one the cursor is on. */
export interface ListContent {
  readonly items: readonly FieldValues[];
  readonly cursor: number;
}

const SERVICE: Readonly<Record<Exclude<AccountState, 'registered'>, string>> = {
  none: 'No account',
  registering: 'Registering',
  failed: 'No service',
};

const ACCOUNT_STATE: Readonly<Record<AccountState, string>> = {
  none: 'No account',
  registering: 'Registering',
  registered: 'Registered',
  failed: 'Failed',
};

const PROGRESS: Readonly<Record<CallProgress, string>> = {
  trying: 'Calling...',
  ringing: 'Ringing...',
  'early-media': 'Early media',
};

const HELD: Readonly<Record<HeldBy, string>> = {
  us: 'Held',
  remote: 'Held by remote',
  both: 'Held both ends',
};

/** A line's state on the two-calls screen; a connected line shows its timer instead. */
const LINE_STATE: Readonly<Record<Exclude<LineState, 'connected'>, string>> = {
  held: 'Held',
  'held-by-remote': 'Rmt held',
  calling: 'Calling',
  ringing: 'Ringing',
};

const FORWARD_MODE: Readonly<Record<ForwardMode, string>> = {
  off: 'Off',
  always: 'Always',
  busy: 'Busy',
  'no-answer': 'No answer',
};

const VOLUME_TITLE: Readonly<Record<VolumeControl, string>> = {
  ring: 'Ring volume',
  handset: 'Handset volume',
  headset: 'Headset volume',
  speaker: 'Speaker volume',
};

/** ASCII stand-ins for the direction icons (the CGRAM holds status icons only). */
const DIRECTION_ICON: Readonly<Record<CallDirection, string>> = {
  received: 'v',
  dialed: '^',
  missed: '!',
};

/** The marker in front of the selected line or list entry. */
export const SELECTED_MARK = '>';

function shown(on: boolean, text: string): string {
  return on ? text : '';
}

/** A count for a badge: '' for none, capped so a badge never pushes a row around. */
function count(n: number): string {
  return n <= 0 ? '' : n > 99 ? '99+' : String(Math.floor(n));
}

/** Name first; the number on its own line only when there is a name to go above it. */
function partyFields(p: Party): { remote: string; remoteNumber: string } {
  const remote = p.name || p.number;
  return { remote, remoteNumber: p.name && p.name !== p.number ? p.number : '' };
}

function partyLabel(p: Party): string {
  return p.name || p.number;
}

/** "3/7" for the cursor on the third of seven entries; '' for an empty list. */
function position(cursor: number, length: number): string {
  return length === 0 ? '' : `${clampCursor(cursor, length) + 1}/${length}`;
}

export function clampCursor(cursor: number, length: number): number {
  return Math.max(0, Math.min(length - 1, Math.floor(cursor)));
}

// Date.prototype.toDateString() is "Www Mmm DD YYYY" in every locale
// (ECMA-262 §21.4.4.35), so weekday and month names need no table here.
function weekday(d: Date): string {
  return d.toDateString().slice(0, 3);
}

function month(d: Date): string {
  return d.toDateString().slice(4, 7);
}

function dayAndMonth(d: Date): string {
  return `${d.getDate()} ${month(d)}`;
}

/** A call today shows its time, an older one its date. */
function when(at: Date, now: Date): string {
  return at.toDateString() === now.toDateString() ? formatClock(at) : dayAndMonth(at);
}

/** A bar of `width` cells, '#' for the level reached and '-' for the rest. */
export function volumeBar(level: number, max: number, width: number): string {
  const cells = Math.max(0, width);
  const filled = max <= 0 ? 0 : Math.round((Math.max(0, Math.min(level, max)) / max) * cells);
  return '#'.repeat(filled) + '-'.repeat(cells - filled);
}

function lineState(line: CallLine): string {
  return line.state === 'connected' ? formatDuration(line.seconds) : LINE_STATE[line.state];
}

const EXTRACT: { readonly [K in LayoutKind]: (view: ViewOf<K>, columns: number) => FieldsOf<K> } = {
  idle: (v) => ({
    time: formatClock(v.now),
    date: `${weekday(v.now)} ${dayAndMonth(v.now)}`,
    service: v.accountState === 'registered' ? v.account || 'Registered' : SERVICE[v.accountState],
    missed: count(v.missedCalls),
    voicemail: count(v.newVoicemail),
    icons: [shown(v.dnd, 'DND'), shown(v.forward, 'FWD'), shown(v.mute, 'MUTE')].filter(Boolean).join(' '),
  }),
  dialing: (v) => ({ title: v.offHook ? 'Dial:' : 'Pre-dial:', digits: v.digits, match: v.match }),
  calling: (v) => ({ progress: PROGRESS[v.progress], ...partyFields(v.remote) }),
  ringing: (v) => ({
    title: v.waiting ? 'Call waiting' : 'Incoming call',
    line: v.line,
    ...partyFields(v.caller),
  }),
  connected: (v) => ({
    ...partyFields(v.remote),
    timer: formatDuration(v.seconds),
    codec: v.codec,
    hd: shown(v.wideband, 'HD'),
    muted: shown(v.muted, 'Muted'),
    secure: shown(v.secure, 'Secure'),
  }),
  held: (v) => ({ ...partyFields(v.remote), timer: formatDuration(v.seconds), holdState: HELD[v.heldBy] }),
  'two-calls': (v) => ({
    mark1: v.active === 0 ? SELECTED_MARK : ' ',
    remote1: partyLabel(v.lines[0].remote),
    state1: lineState(v.lines[0]),
    mark2: v.active === 1 ? SELECTED_MARK : ' ',
    remote2: partyLabel(v.lines[1].remote),
    state2: lineState(v.lines[1]),
  }),
  'transfer-entry': (v) => ({ remote: partyLabel(v.remote), target: v.target }),
  transferring: (v) => ({ remote: partyLabel(v.remote), target: v.target }),
  consult: (v) => ({
    remote: partyLabel(v.remote),
    target: partyLabel(v.target),
    targetState: v.targetState === 'connected' ? formatDuration(v.seconds) : LINE_STATE[v.targetState],
  }),
  conference: (v) => ({
    party1: partyLabel(v.parties[0]),
    party2: partyLabel(v.parties[1]),
    parties: `${partyLabel(v.parties[0])} + ${partyLabel(v.parties[1])}`,
    timer: formatDuration(v.seconds),
  }),
  menu: (v) => ({ title: v.title, position: position(v.cursor, v.items.length) }),
  history: (v) => ({ title: v.title, position: position(v.cursor, v.entries.length) }),
  phonebook: (v) => ({
    title: v.search ? `Find: ${v.search}` : 'Phonebook',
    position: position(v.cursor, v.contacts.length),
  }),
  'dnd-setting': (v) => ({ state: v.on ? 'On' : 'Off' }),
  'forward-setting': (v) => ({
    mode: FORWARD_MODE[v.mode],
    target: v.target,
    modeMark: v.editing === 'mode' ? SELECTED_MARK : ' ',
    targetMark: v.editing === 'target' ? SELECTED_MARK : ' ',
  }),
  'ring-tone-setting': (v) => ({ position: position(v.cursor, v.tones.length) }),
  // The bar leaves room for a space and a two-digit level beside it.
  'volume-setting': (v, columns) => ({
    title: VOLUME_TITLE[v.control],
    bar: volumeBar(v.level, v.max, columns - 4),
    level: String(v.level),
  }),
  'network-info': (v) => ({ firmware: v.firmware, mode: v.dhcp === undefined ? '' : v.dhcp ? 'DHCP' : 'Static', address: v.address, gateway: v.gateway }),
  // The scheme says nothing to a person reading a 20-cell row; user@domain does.
  'account-status': (v) => ({
    label: v.label,
    uri: v.uri.replace(/^sips?:/i, ''),
    state: ACCOUNT_STATE[v.state],
    detail: v.detail,
  }),
};

/** The field values of a view, for a display `columns` wide. */
export function fieldValues<K extends LayoutKind>(kind: K, view: ViewOf<K>, columns: number): FieldValues {
  return EXTRACT[kind](view, columns);
}

const ITEMS: { readonly [K in ListKind]: (view: ViewOf<K>) => readonly ItemFieldsOf<K>[] } = {
  menu: (v) => v.items.map((i) => ({ label: i.label, value: i.value })),
  history: (v) =>
    v.entries.map((e) => ({ icon: DIRECTION_ICON[e.direction], who: partyLabel(e.party), when: when(e.at, v.now) })),
  phonebook: (v) => v.contacts.map((c) => ({ name: c.name || c.number, number: c.name ? c.number : '' })),
  'ring-tone-setting': (v) => v.tones.map((t, i) => ({ label: t, current: shown(i === v.current, '*') })),
};

export function isListKind(kind: LayoutKind): kind is ListKind {
  return kind in ITEM_FIELD_NAMES;
}

/** The entries of a list screen and the cursor's place among them. */
export function listContent<K extends ListKind>(kind: K, view: ViewOf<K>): ListContent {
  const items = ITEMS[kind](view);
  const { cursor } = view as ViewOf<ListKind>;
  return { items, cursor: items.length === 0 ? 0 : clampCursor(cursor, items.length) };
}
