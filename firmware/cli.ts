/**
 * The command line (DESIGN.md, "CLI"):
 *   deskphone --board <name> --config <file> --data-dir <dir> --console <spec>
 * plus the simulated board's audio: --audio-in <file.wav|tone:<hz>|silence>, --audio-out <file.wav>.
 */
import { parseArgs } from 'node:util';
import { parseConsoleSpec, type ConsoleSpec } from './console/console-spec.js';

export interface CliOptions {
  readonly board: string;
  readonly configFile?: string;
  readonly dataDir: string;
  /** Undefined: the front panel when stdout is a terminal, else stdio. */
  readonly console?: ConsoleSpec;
  readonly audioIn: string;
  readonly audioOut?: string;
  /** The address SIP listens on and advertises; all interfaces when absent. */
  readonly sipAddress?: string;
  readonly help: boolean;
}

export class CliError extends Error {}

export const USAGE = `usage: deskphone [--board sim|rpi-wm8960] [--config FILE] [--data-dir DIR]
                 [--console stdio|tcp:HOST:PORT|serial:PATH[@BAUD]|none]
                 [--audio-in FILE.wav|tone:HZ|silence] [--audio-out FILE.wav]
                 [--sip-address IP]

Without --console, a terminal gets the front panel (keys press phone keys,
h = hook, Ctrl-C quits); anything else gets the line console on stdio.`;

export function parseCli(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        board: { type: 'string', default: 'sim' },
        config: { type: 'string' },
        'data-dir': { type: 'string', default: '.data' },
        console: { type: 'string' },
        'audio-in': { type: 'string', default: 'silence' },
        'audio-out': { type: 'string' },
        'sip-address': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  let consoleSpec: ConsoleSpec | undefined;
  if (values.console !== undefined) {
    const parsed = parseConsoleSpec(values.console);
    if (!parsed.ok) throw new CliError(parsed.error);
    consoleSpec = parsed.value;
  }
  return {
    board: values.board,
    configFile: values.config,
    dataDir: values['data-dir'],
    console: consoleSpec,
    audioIn: values['audio-in'],
    audioOut: values['audio-out'],
    sipAddress: values['sip-address'],
    help: values.help,
  };
}
