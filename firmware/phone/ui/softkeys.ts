/**
 * The softkeys of each screen, as data: a label for the bottom row and the
 * action the phone takes when the key under it is pressed. Index i is the
 * i-th softkey from the left; a slot with action 'none' is blank and its key
 * does nothing. The rightmost key backs out (End, Reject, Back, Exit), as on
 * the idle → dialing screens people already know.
 *
 * Labels are at most 4 characters: the bottom row of a 20-column display
 * gives each of four softkeys 5 cells, one of them the gap (softkeyRow in
 * screens.ts). Checked when this module loads.
 *
 * On a 16x2 display the softkey row is not drawn (two rows are all the
 * call's information has); softkeysFor() still answers there, so the keys
 * work the same and a printed keycap or a manual names them.
 */
import { isLcdText } from './lcd-text.js';
import type { LayoutKind, ScreenView } from './views.js';

export type SoftkeyAction =
  | 'none'
  // idle
  | 'history'
  | 'toggle-dnd'
  | 'forward-settings'
  | 'menu'
  // dialing and entry
  | 'send'
  | 'delete'
  | 'exit'
  // calls
  | 'answer'
  | 'forward'
  | 'silence'
  | 'reject'
  | 'hold'
  | 'resume'
  | 'transfer'
  | 'conference'
  | 'new-call'
  | 'end'
  | 'swap'
  | 'split'
  // transfer
  | 'blind-transfer'
  | 'consult'
  | 'complete-transfer'
  | 'cancel'
  // lists and settings
  | 'select'
  | 'dial'
  | 'back'
  | 'play'
  | 'turn-on'
  | 'turn-off'
  | 'next-mode'
  | 'decrease'
  | 'increase'
  | 'save'
  | 'register';

export interface Softkey {
  readonly label: string;
  readonly action: SoftkeyAction;
}

/** The screens whose softkeys depend on more than which screen it is. */
export type SoftkeySet = LayoutKind | 'ringing-waiting' | 'held-by-remote';

export const SOFTKEY_LABEL_MAX = 4;

const key = (label: string, action: SoftkeyAction): Softkey => ({ label, action });
const _ = key('', 'none');
const END = key('End', 'end');
const BACK = key('Back', 'back');
const DEL = key('Del', 'delete');
const SAVE = key('Save', 'save');
const XFER = key('Xfer', 'transfer');
const CONF = key('Conf', 'conference');
const HOLD = key('Hold', 'hold');
const ANSWER = key('Ans', 'answer');
const FORWARD = key('Fwd', 'forward');
const REJECT = key('Rej', 'reject');
const NEW_CALL = key('New', 'new-call');
const DIAL = key('Dial', 'dial');

export const SOFTKEYS: Readonly<Record<SoftkeySet, readonly Softkey[]>> = {
  idle: [key('Hist', 'history'), key('DND', 'toggle-dnd'), key('Fwd', 'forward-settings'), key('Menu', 'menu')],
  dialing: [key('Send', 'send'), DEL, _, key('Exit', 'exit')],
  calling: [_, _, _, END],
  ringing: [ANSWER, FORWARD, key('Hush', 'silence'), REJECT],
  // A second call: answering holds the first; the ringer is a beep in the handset, nothing to silence.
  'ringing-waiting': [ANSWER, FORWARD, _, REJECT],
  connected: [HOLD, XFER, CONF, END],
  held: [key('Resm', 'resume'), XFER, NEW_CALL, END],
  // Only the peer holds: there is nothing of ours to resume, but we may hold too.
  'held-by-remote': [HOLD, XFER, NEW_CALL, END],
  'two-calls': [key('Swap', 'swap'), XFER, CONF, END],
  'transfer-entry': [key('Send', 'blind-transfer'), DEL, key('Call', 'consult'), key('Back', 'cancel')],
  transferring: [_, _, _, END],
  consult: [key('Xfer', 'complete-transfer'), CONF, _, key('Back', 'cancel')],
  conference: [HOLD, key('Splt', 'split'), _, END],
  menu: [key('OK', 'select'), _, _, BACK],
  history: [DIAL, DEL, _, BACK],
  phonebook: [DIAL, _, _, BACK],
  'dnd-setting': [SAVE, key('On', 'turn-on'), key('Off', 'turn-off'), BACK],
  'forward-setting': [SAVE, key('Mode', 'next-mode'), DEL, BACK],
  'ring-tone-setting': [SAVE, key('Play', 'play'), _, BACK],
  'volume-setting': [SAVE, key('-', 'decrease'), key('+', 'increase'), BACK],
  'network-info': [_, _, _, BACK],
  'account-status': [key('Reg', 'register'), _, _, BACK],
};

/** Which set of softkeys a view has. */
export function softkeySetOf(view: Exclude<ScreenView, { kind: 'message' }>): SoftkeySet {
  if (view.kind === 'ringing' && view.waiting) return 'ringing-waiting';
  if (view.kind === 'held' && view.heldBy === 'remote') return 'held-by-remote';
  return view.kind;
}

/** The softkeys of a view, left to right. A message keeps those of the screen beneath it. */
export function softkeysFor(view: ScreenView): readonly Softkey[] {
  return view.kind === 'message' ? softkeysFor(view.under) : SOFTKEYS[softkeySetOf(view)];
}

/** Problems with a softkey table: too many keys, long or non-ASCII labels, a labelled key with no action or the reverse. */
export function softkeyProblems(table: Readonly<Record<string, readonly Softkey[]>>): string[] {
  return Object.entries(table).flatMap(([set, keys]) => [
    ...(keys.length > 4 ? [`${set}: ${keys.length} softkeys, the row has 4 slots`] : []),
    ...keys.flatMap((k, i) => {
      if (k.label.length > SOFTKEY_LABEL_MAX) return [`${set}[${i}]: label "${k.label}" is longer than ${SOFTKEY_LABEL_MAX}`];
      if (!isLcdText(k.label)) return [`${set}[${i}]: label "${k.label}" is not plain ASCII the LCD ROM draws`];
      if ((k.label === '') !== (k.action === 'none')) return [`${set}[${i}]: label "${k.label}" with action ${k.action}`];
      return [];
    }),
  ]);
}

const problems = softkeyProblems(SOFTKEYS);
if (problems.length > 0) throw new Error(`softkey table: ${problems.join('; ')}`);
