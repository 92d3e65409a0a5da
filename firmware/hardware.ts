/**
 * What the phone needs from a board, whichever board it is. boards/assemble.ts
 * builds one from a board description and a set of buses (Linux or emulated);
 * the phone never learns which.
 */
import type { Clock } from '../drivers/bus/clock.js';
import type { TextDisplay } from '../drivers/lcd/text-display.js';
import type { KeyEvent } from '../drivers/keypad/matrix-scanner.js';
import type { KeyName } from '../drivers/keypad/key-names.js';
import type { HookState } from '../drivers/hook/hook-switch.js';
import type { Led } from '../drivers/led/led.js';
import type { AudioCodec } from '../drivers/codec/audio-codec.js';
import type { LedName } from '../boards/schema.js';
import type { SerialLink } from '../drivers/bus/serial.js';

export type { LedName };

/**
 * A person's hands, for the console and the front panel. On the simulated
 * board they act at the bus level (a switch in the emulated matrix closes);
 * on real hardware they stand in for the person (a synthetic key event).
 */
export interface HumanInput {
  /** Presses and releases `key`; resolves once the keypad driver has reported the release. */
  pressKey(key: KeyName): Promise<void>;
  /** Lifts or replaces the handset; resolves once the hook switch driver has reported it. */
  setHook(offHook: boolean): Promise<void>;
}

export interface PhoneHardware {
  readonly boardName: string;
  readonly clock: Clock;
  readonly display: TextDisplay;
  onKey(listener: (event: KeyEvent) => void): () => void;
  onHook(listener: (state: HookState) => void): () => void;
  hookState(): HookState;
  readonly leds: ReadonlyMap<LedName, Led>;
  /** Absent on boards without an audio codec that needs control. */
  readonly codec?: AudioCodec;
  readonly human: HumanInput;
  /** Exactly the characters the display shows, one string per row. */
  screenLines(): string[];
  /** Opens a UART for the console; absent on boards without one. */
  readonly openSerial?: (path: string, baud: number) => Promise<SerialLink>;
  dispose(): Promise<void>;
}
