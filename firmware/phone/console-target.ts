/**
 * The console's view of the phone: keys and the hook go through the board's
 * HumanInput (the bus level on the simulated board), and every answer waits
 * until the display shows the result, so `keys 123` then `lcd` reads 123.
 */
import { CommandError, type CallCommandName, type ConsoleTarget } from '../console/commands.js';
import type { PhoneHardware } from '../hardware.js';
import { parseKeyName, parseKeySequence } from '../../drivers/keypad/key-names.js';
import type { Phone } from './phone.js';

/** The call commands; each resolves once the phone has done its part (the re-INVITE answered, the INVITE sent …). */
async function runCallCommand(phone: Phone, name: CallCommandName, argument: string): Promise<void> {
  switch (name) {
    case 'dial':
      return phone.dial(argument);
    case 'answer':
      return phone.answer();
    case 'hangup':
      return phone.hangup();
    case 'hold':
      return phone.hold();
    case 'resume':
      return phone.resume();
    case 'swap':
      return phone.swap();
    case 'redial':
      return phone.redial();
    case 'transfer':
      return phone.transfer(argument === '' ? undefined : argument);
    case 'conference':
      return phone.conference();
    case 'dtmf':
      return phone.dtmf(argument);
  }
}

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
    async callCommand(name: CallCommandName, argument: string): Promise<string[]> {
      try {
        await runCallCommand(phone, name, argument);
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
