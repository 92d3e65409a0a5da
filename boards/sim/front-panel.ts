/**
 * The simulated board's front panel in a terminal: the LCD as the emulated
 * display shows it, the LEDs, the hook, and a key legend. Keyboard keys press
 * phone keys through the same HumanInput the console uses (the bus level).
 */
import type { PhoneHardware } from '../../firmware/hardware.js';
import type { Phone } from '../../firmware/phone/phone.js';
import { decodeTerminalInput } from './terminal-keys.js';

/** Redraw period of the panel (a screen for eyes, not an audio clock). */
const REFRESH_MS = 50;

const LEGEND = [
  'keys: 0-9 * #   arrows   Enter=OK   Esc=Cancel   Backspace=Del   h=hook',
  '      F1-F4 softkeys   F5 hold  F6 transfer  F7 redial  F8 mute  s speaker',
  '      + / - volume   Ctrl-C quit',
];

export function renderPanel(lines: readonly string[], leds: ReadonlyArray<readonly [string, string]>, hook: string, note: string): string[] {
  const width = Math.max(...lines.map((l) => l.length), 0);
  const out = [`┌${'─'.repeat(width + 2)}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${'─'.repeat(width + 2)}┘`];
  const ledText = leds.map(([name, showing]) => `${showing === 'off' ? '○' : showing === 'on' ? '●' : '◐'} ${name}${showing === 'on' || showing === 'off' ? '' : ` (${showing})`}`);
  out.push(`${ledText.join('   ')}     handset: ${hook === 'off-hook' ? 'lifted' : 'on hook'}`);
  out.push('', ...LEGEND, '', note);
  return out;
}

export function startFrontPanel(hw: PhoneHardware, phone: Phone, quit: () => void): void {
  const out = process.stdout;
  let last = '';
  let note = '';
  const draw = (): void => {
    const frame = renderPanel(hw.screenLines(), [...hw.leds].map(([n, l]) => [n, l.showing] as const), hw.hookState(), note);
    const text = frame.join('\x1b[K\r\n');
    if (text === last) return;
    last = text;
    out.write(`\x1b[H${text}\x1b[K\x1b[J`);
  };
  const restore = (): void => {
    clearInterval(timer);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    out.write('\x1b[?25h\x1b[?1049l');
  };
  out.write('\x1b[?1049h\x1b[?25l\x1b[2J');
  const timer = setInterval(draw, REFRESH_MS);
  process.once('exit', restore);
  process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    for (const action of decodeTerminalInput(chunk)) {
      const done =
        action.kind === 'quit'
          ? Promise.resolve(quit())
          : action.kind === 'hook'
            ? hw.human.setHook(hw.hookState() !== 'off-hook')
            : hw.human.pressKey(action.key);
      done
        .then(() => phone.settled())
        .then(() => (note = ''))
        .catch((e: unknown) => (note = `! ${e instanceof Error ? e.message : String(e)}`));
    }
  });
  draw();
}
