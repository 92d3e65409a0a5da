/**
 * Terminal keyboard input for the front panel: maps what a terminal sends in
 * raw mode (ECMA-48 / xterm sequences) to phone keys.
 */
import type { KeyName } from '../../drivers/keypad/key-names.js';

export type PanelAction = { readonly kind: 'key'; readonly key: KeyName } | { readonly kind: 'hook' } | { readonly kind: 'quit' };

const SEQUENCES: ReadonlyArray<readonly [string, PanelAction]> = [
  // Longest first, so a prefix never shadows a longer sequence.
  ['\x1b[15~', { kind: 'key', key: 'hold' }], // F5
  ['\x1b[17~', { kind: 'key', key: 'transfer' }], // F6
  ['\x1b[18~', { kind: 'key', key: 'redial' }], // F7
  ['\x1b[19~', { kind: 'key', key: 'mute' }], // F8
  ['\x1b[20~', { kind: 'key', key: 'conference' }], // F9
  ['\x1b[21~', { kind: 'key', key: 'message' }], // F10
  ['\x1b[11~', { kind: 'key', key: 'soft1' }], // F1 (rxvt)
  ['\x1b[12~', { kind: 'key', key: 'soft2' }],
  ['\x1b[13~', { kind: 'key', key: 'soft3' }],
  ['\x1b[14~', { kind: 'key', key: 'soft4' }],
  ['\x1b[[A', { kind: 'key', key: 'soft1' }], // F1 (Linux console)
  ['\x1b[[B', { kind: 'key', key: 'soft2' }],
  ['\x1b[[C', { kind: 'key', key: 'soft3' }],
  ['\x1b[[D', { kind: 'key', key: 'soft4' }],
  ['\x1bOP', { kind: 'key', key: 'soft1' }], // F1 (xterm)
  ['\x1bOQ', { kind: 'key', key: 'soft2' }],
  ['\x1bOR', { kind: 'key', key: 'soft3' }],
  ['\x1bOS', { kind: 'key', key: 'soft4' }],
  ['\x1b[A', { kind: 'key', key: 'up' }],
  ['\x1b[B', { kind: 'key', key: 'down' }],
  ['\x1b[C', { kind: 'key', key: 'right' }],
  ['\x1b[D', { kind: 'key', key: 'left' }],
  ['\x1bOA', { kind: 'key', key: 'up' }],
  ['\x1bOB', { kind: 'key', key: 'down' }],
  ['\x1bOC', { kind: 'key', key: 'right' }],
  ['\x1bOD', { kind: 'key', key: 'left' }],
];

const SINGLE: ReadonlyMap<string, PanelAction> = new Map<string, PanelAction>([
  ...[...'0123456789'].map((d): [string, PanelAction] => [d, { kind: 'key', key: d as KeyName }]),
  ['*', { kind: 'key', key: 'star' }],
  ['#', { kind: 'key', key: 'pound' }],
  ['\r', { kind: 'key', key: 'ok' }],
  ['\n', { kind: 'key', key: 'ok' }],
  ['\x1b', { kind: 'key', key: 'cancel' }],
  ['\x7f', { kind: 'key', key: 'soft2' }], // Backspace deletes a digit (the Del softkey)
  ['h', { kind: 'hook' }],
  ['H', { kind: 'hook' }],
  ['s', { kind: 'key', key: 'speaker' }],
  ['+', { kind: 'key', key: 'vol_up' }],
  ['-', { kind: 'key', key: 'vol_down' }],
  ['\x03', { kind: 'quit' }], // Ctrl-C: raw mode delivers it as a byte, not SIGINT
  ['\x04', { kind: 'quit' }], // Ctrl-D
]);

/** Decodes one chunk of terminal input; bytes it does not know are skipped. */
export function decodeTerminalInput(chunk: string): PanelAction[] {
  const actions: PanelAction[] = [];
  let i = 0;
  outer: while (i < chunk.length) {
    if (chunk[i] === '\x1b') {
      for (const [seq, action] of SEQUENCES) {
        if (chunk.startsWith(seq, i)) {
          actions.push(action);
          i += seq.length;
          continue outer;
        }
      }
      // An unknown CSI/SS3 sequence: skip it whole rather than reading its letters as keys.
      // eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
      const unknown = /^\x1b(\[[0-9;[]*[~A-Za-z]|O[A-Za-z])/.exec(chunk.slice(i));
      if (unknown) {
        i += unknown[0].length;
        continue;
      }
    }
    const action = SINGLE.get(chunk[i] ?? '');
    if (action) actions.push(action);
    i++;
  }
  return actions;
}
