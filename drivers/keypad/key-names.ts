/**
 * The phone's key vocabulary. Key events, board keymaps, the console's
 * `key <name>` / `keys <sequence>` commands and the UI all speak these names,
 * so a key is the same thing whether it came from a GPIO matrix, a USB keypad
 * or a test.
 */
export const KEY_NAMES = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
  'star', 'pound',
  'up', 'down', 'left', 'right', 'ok', 'cancel',
  'soft1', 'soft2', 'soft3', 'soft4',
  'hold', 'transfer', 'redial', 'mute', 'speaker', 'headset',
  'vol_up', 'vol_down', 'conference', 'message',
] as const;

export type KeyName = (typeof KEY_NAMES)[number];

const KNOWN: ReadonlySet<string> = new Set(KEY_NAMES);

export function isKeyName(text: string): text is KeyName {
  return KNOWN.has(text);
}

/** Dial-pad characters as printed on the keys. */
const SYMBOLS: Readonly<Record<string, KeyName>> = { '*': 'star', '#': 'pound' };

/**
 * One key from user text: "5", "*", "#", or a name in any case ("OK",
 * "Vol_Up"; "vol-up" too, as people type it). Undefined when it names no key,
 * so the caller can say which word it did not understand.
 */
export function parseKeyName(text: string): KeyName | undefined {
  const word = text.trim();
  const symbol = SYMBOLS[word];
  if (symbol) return symbol;
  const normalised = word.toLowerCase().replace(/-/g, '_');
  return isKeyName(normalised) ? normalised : undefined;
}

export type KeySequenceParse =
  | { readonly ok: true; readonly keys: readonly KeyName[] }
  | { readonly ok: false; readonly bad: string };

/**
 * A sequence of keys, for `keys <sequence>`: words separated by spaces or
 * commas, where a word is a key name or a run of dial-pad characters
 * ("1234#" is five keys). "12 ok" is 1, 2, ok.
 */
export function parseKeySequence(text: string): KeySequenceParse {
  const keys: KeyName[] = [];
  for (const word of text.split(/[\s,]+/).filter((w) => w.length > 0)) {
    const named = parseKeyName(word);
    if (named) {
      keys.push(named);
      continue;
    }
    for (const ch of word) {
      const key = /^[0-9*#]$/.test(ch) ? parseKeyName(ch) : undefined;
      if (!key) return { ok: false, bad: word };
      keys.push(key);
    }
  }
  return { ok: true, keys };
}
