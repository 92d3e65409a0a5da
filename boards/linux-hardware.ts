/**
 * A board on real hardware as PhoneHardware. The console cannot press a real
 * key, so its key presses and hook changes enter as synthetic driver events,
 * next to the ones the scanner and hook switch report.
 */
import type { PhoneHardware, HumanInput } from '../firmware/hardware.js';
import type { BoardDescription } from './schema.js';
import type { Clock, Delay } from '../drivers/bus/clock.js';
import type { HookState } from '../drivers/hook/hook-switch.js';
import { ShadowDisplay } from '../drivers/lcd/shadow-display.js';
import { assembleParts, partOf } from './assemble.js';
import { connectHandset } from './handset-wiring.js';
import { openLinuxHidDevice } from '../drivers/linux/hid.js';
import { TelephonyHandset } from '../drivers/hid/telephony-handset.js';
import { isBusError } from '../drivers/bus/errors.js';

/** A USB handset is optional: none plugged in is normal, and said once. */
async function openHandset(): Promise<TelephonyHandset | undefined> {
  try {
    return await TelephonyHandset.open(await openLinuxHidDevice());
  } catch (e) {
    if (!isBusError(e)) throw e;
    console.error(`usb handset: none in use (${e.message})`);
    return undefined;
  }
}
import { LinuxBuses } from './linux-buses.js';

export async function createLinuxHardware(board: BoardDescription, clock: Clock, delay: Delay): Promise<PhoneHardware> {
  const buses = new LinuxBuses(clock, delay);
  const parts = await assembleParts(board, buses);
  const display = new ShadowDisplay(parts.display);
  // The console's hook overrides the switch until the switch itself moves.
  let hookOverride: HookState | undefined;
  parts.hookSwitch.onChange(() => (hookOverride = undefined));
  const hookState = (): HookState => hookOverride ?? parts.hookSwitch.state;

  const handset = partOf(board, 'hid-handset') ? await openHandset() : undefined;
  if (handset) {
    connectHandset(handset, {
      key: (key, kind) => parts.keys.emit({ key, kind, timestampMs: clock.now() }),
      hook: (offHook) => {
        const wanted: HookState = (offHook === 'toggle' ? hookState() === 'on-hook' : offHook) ? 'off-hook' : 'on-hook';
        if (hookState() === wanted) return;
        hookOverride = wanted;
        parts.hook.emit(wanted);
      },
    });
    // The handset's Off-Hook LED follows the phone's hook state, whichever device changed it.
    parts.hook.on((state) => {
      handset.setLeds({ offHook: state === 'off-hook' }).catch((e: unknown) => console.error(`usb handset: ${String(e)}`));
    });
  }

  const human: HumanInput = {
    pressKey(key) {
      const t = clock.now();
      parts.keys.emit({ key, kind: 'down', timestampMs: t });
      parts.keys.emit({ key, kind: 'up', timestampMs: t });
      return Promise.resolve();
    },
    setHook(offHook) {
      const wanted: HookState = offHook ? 'off-hook' : 'on-hook';
      if (hookState() !== wanted) {
        hookOverride = wanted;
        parts.hook.emit(wanted);
      }
      return Promise.resolve();
    },
  };

  return {
    boardName: board.name,
    clock,
    display,
    onKey: (l) => parts.keys.on(l),
    onHook: (l) => parts.hook.on(l),
    hookState,
    leds: parts.leds,
    codec: parts.codec,
    human,
    screenLines: () => display.lines(),
    openSerial: (path, baud) => buses.openSerial(path, baud),
    async dispose() {
      await handset?.close();
      await parts.dispose();
      await buses.close();
    },
  };
}
