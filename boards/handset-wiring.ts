/**
 * A USB handset or headset (HID telephony) as a second set of hands: its hook
 * switch, keypad and mute button feed the same key and hook events as the
 * desk's own keypad and cradle.
 */
import type { HandsetEvent, PhoneKey, TelephonyHandset } from '../drivers/hid/telephony-handset.js';
import type { KeyName } from '../drivers/keypad/key-names.js';

export interface HandsetSink {
  key(key: KeyName, kind: 'down' | 'up'): void;
  /** The handset was lifted (true) or put down; or, for a call button, the hook state flips. */
  hook(offHook: boolean | 'toggle'): void;
}

const KEY_FOR: Readonly<Record<PhoneKey, KeyName>> = {
  '0': '0',
  '1': '1',
  '2': '2',
  '3': '3',
  '4': '4',
  '5': '5',
  '6': '6',
  '7': '7',
  '8': '8',
  '9': '9',
  '*': 'star',
  '#': 'pound',
};

export function handsetEventToSink(event: HandsetEvent, sink: HandsetSink): void {
  switch (event.type) {
    case 'hook':
      sink.hook(event.offHook);
      break;
    case 'hook-toggle':
      sink.hook('toggle');
      break;
    case 'mute-toggle':
      // Headsets keep no mute state; the phone's mute key does, and lights the LED.
      sink.key('mute', 'down');
      sink.key('mute', 'up');
      break;
    case 'flash':
      // A hook flash on a desk phone switches between calls: the hold key's job here.
      sink.key('hold', 'down');
      sink.key('hold', 'up');
      break;
    case 'key':
      sink.key(KEY_FOR[event.key], event.pressed ? 'down' : 'up');
      break;
  }
}

/** Feeds the handset's events to `sink`; returns a function that stops it. */
export function connectHandset(handset: TelephonyHandset, sink: HandsetSink): () => void {
  return handset.on((event) => handsetEventToSink(event, sink));
}
