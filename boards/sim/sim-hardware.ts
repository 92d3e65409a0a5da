/**
 * The simulated board as PhoneHardware: the real drivers over EmulatedBuses,
 * plus the world around them — a key matrix a finger can press, a hook
 * switch a handset can lift — so the console and the front panel act at the
 * bus level, exactly as a person at a real phone would.
 */
import type { PhoneHardware, HumanInput } from '../../firmware/hardware.js';
import type { BoardDescription } from '../schema.js';
import type { Clock, Delay } from '../../drivers/bus/clock.js';
import type { KeyName } from '../../drivers/keypad/key-names.js';
import { EmulatedKeyMatrix } from '../../drivers/emulated/key-matrix.js';
import { assembleParts, partOf } from '../assemble.js';
import { EmulatedBuses } from './emulated-buses.js';

/** Generous: a key takes about two debounce periods plus two scans to go down and up. */
const HUMAN_TIMEOUT_MS = 2000;

export interface SimHardware extends PhoneHardware {
  readonly buses: EmulatedBuses;
  readonly matrix: EmulatedKeyMatrix;
}

export async function createSimHardware(board: BoardDescription, clock: Clock, delay: Delay): Promise<SimHardware> {
  const buses = new EmulatedBuses(board, clock, delay);
  const parts = await assembleParts(board, buses);
  const keypad = partOf(board, 'keypad-matrix');
  const hookPart = partOf(board, 'hook-switch');
  const lcd = buses.lcd;
  if (!keypad || !hookPart || !lcd) throw new Error(`board ${board.name} lacks a keypad, hook switch or LCD`);

  const matrix = new EmulatedKeyMatrix({
    keymap: keypad.keymap,
    rows: keypad.rows.map((p) => buses.chip.inputAt(p.gpio)),
    columns: keypad.columns.map((p) => buses.chip.outputAt(p.gpio)),
    clock,
  });
  const hookLine = buses.chip.inputAt(hookPart.pin.gpio);
  const hookActiveLow = hookPart.pin.activeLow ?? true;

  // One finger: presses from the console and the front panel take turns.
  let fingerFree: Promise<void> = Promise.resolve();
  const human: HumanInput = {
    pressKey(key: KeyName): Promise<void> {
      const press = fingerFree.then(async () => {
        const down = parts.keys.next((e) => e.key === key && e.kind === 'down', HUMAN_TIMEOUT_MS, `key ${key} press`);
        matrix.press(key);
        try {
          await down;
        } finally {
          const up = parts.keys.next((e) => e.key === key && e.kind === 'up', HUMAN_TIMEOUT_MS, `key ${key} release`);
          matrix.release(key);
          await up;
        }
      });
      fingerFree = press.catch(() => undefined);
      return press;
    },
    async setHook(offHook: boolean): Promise<void> {
      const wanted = offHook ? 'off-hook' : 'on-hook';
      if (parts.hookSwitch.state === wanted) return;
      const changed = parts.hook.next((s) => s === wanted, HUMAN_TIMEOUT_MS, `hook ${offHook ? 'off' : 'on'}`);
      hookLine.set(offHook === hookActiveLow ? 0 : 1);
      await changed;
    },
  };

  return {
    boardName: board.name,
    clock,
    display: parts.display,
    onKey: (l) => parts.keys.on(l),
    onHook: (l) => parts.hook.on(l),
    hookState: () => parts.hookSwitch.state,
    leds: parts.leds,
    codec: parts.codec,
    human,
    screenLines: () => lcd.lines(),
    buses,
    matrix,
    async dispose() {
      matrix.dispose();
      await parts.dispose();
      await buses.close();
    },
  };
}
