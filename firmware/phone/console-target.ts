/**
 * The console's view of the phone: keys and the hook go through the board's
 * HumanInput (the bus level on the simulated board), and every answer waits
 * until the display shows the result, so `keys 123` then `lcd` reads 123.
 */
import { CommandError, type CallCommandName, type ConsoleTarget } from '../console/commands.js';
import type { PhoneHardware } from '../hardware.js';
import { parseKeyName, parseKeySequence } from '../../drivers/keypad/key-names.js';
import type { Phone } from './phone.js';

export function phoneConsoleTarget(
  phone: Phone,
  hw: PhoneHardware,
  quit: () => Promise<void>,
  trace: (on: boolean) => Promise<string> = () => Promise.reject(new CommandError('tracing is not available')),
): ConsoleTarget {
  return {
    async pressKey(name: string) {
      const key = parseKeyName(name);
      if (!key) throw new CommandError(`unknown key "${name}" (try help)`);
      await hw.human.pressKey(key);
      await phone.settled();
    },
    async pressKeys(sequence: string) {
      const parsed = parseKeySequence(sequence);
      if (!parsed.ok) throw new CommandError(`unknown key "${parsed.bad}" in sequence`);
      for (const key of parsed.keys) await hw.human.pressKey(key);
      await phone.settled();
    },
    async setHook(offHook: boolean) {
      await hw.human.setHook(offHook);
      await phone.settled();
    },
    async lcdLines() {
      await phone.settled();
      return hw.screenLines();
    },
    ledLines: () => [...hw.leds.entries()].map(([name, led]) => `${name} ${led.showing}`),
    state: () => ({ ...phone.status(), leds: Object.fromEntries([...hw.leds].map(([n, l]) => [n, l.showing])) }),
    async callCommand(name: CallCommandName): Promise<string[]> {
      try {
        if (name === 'answer') await phone.answer();
        else if (name === 'hangup') phone.hangup();
        else throw new CommandError('not supported yet');
      } catch (e) {
        if (e instanceof CommandError) throw e;
        throw new CommandError(e instanceof Error ? e.message : String(e));
      }
      await phone.settled();
      return [];
    },
    async trace(on: boolean) {
      return [await trace(on)];
    },
    quit,
  };
}
