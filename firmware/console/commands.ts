/**
 * The console contract (DESIGN.md): one command a line; the answer is zero or
 * more lines of output followed by a line `OK` or `ERR <reason>`.
 */

/** What the console drives. The phone implements it; tests can too. */
export interface ConsoleTarget {
  pressKey(name: string): Promise<void>;
  pressKeys(sequence: string): Promise<void>;
  setHook(offHook: boolean): Promise<void>;
  /** Exactly the characters the display shows once what is being drawn is drawn, one string per row. */
  lcdLines(): Promise<string[]>;
  /** One line per LED: `<name> <on|off|pattern>`. */
  ledLines(): string[];
  /** The phone's state as one JSON object. */
  state(): unknown;
  /** Starts or stops the SIP packet capture; answers where it goes. */
  trace(on: boolean): Promise<string[]>;
  /** Call commands, which later parts of the phone implement. */
  callCommand(name: CallCommandName, argument: string): Promise<string[]>;
  quit(): Promise<void>;
}

export const CALL_COMMANDS = ['dial', 'answer', 'hangup', 'hold', 'resume', 'transfer', 'conference', 'dtmf', 'swap', 'redial'] as const;
export type CallCommandName = (typeof CALL_COMMANDS)[number];

/** A failure the console reports as `ERR <message>`; anything else thrown is a bug, reported as `ERR internal: …`. */
export class CommandError extends Error {}

export interface CommandResult {
  readonly output: readonly string[];
  /** Undefined for OK; the reason for ERR. */
  readonly error?: string;
  /** The session asked the phone to quit. */
  readonly quit?: boolean;
}

export const HELP_LINES: readonly string[] = [
  'key <name>            press and release one key (0-9 star pound up down left right ok cancel soft1-4 hold transfer redial mute speaker headset vol_up vol_down conference message)',
  'keys <sequence>       press keys in turn: digits, * and #',
  'hook off|on           lift or hang up the handset',
  'lcd                   print the display, one line per row',
  'leds                  print each LED and what it shows',
  'state                 print the phone state as one JSON line',
  'dial <number-or-uri>  call a number, a name (at the account\'s server) or a sip: URI',
  'answer  hangup  hold  resume  swap  redial  conference',
  'transfer <target>     blind transfer; with no target: attended, to the consultation call',
  'dtmf <digits>         send DTMF in the call (account.N.dtmf.type)',
  'trace on|off          capture SIP to a pcap file in the data directory',
  'quit                  stop the phone',
];

function isCallCommand(name: string): name is CallCommandName {
  return (CALL_COMMANDS as readonly string[]).includes(name);
}

function requireArgument(name: string, argument: string, what: string): void {
  if (argument === '') throw new CommandError(`usage: ${name} <${what}>`);
}

/** Runs one console line against the target. Never throws. */
export async function runCommand(line: string, target: ConsoleTarget): Promise<CommandResult> {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  const name = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const argument = space < 0 ? '' : trimmed.slice(space + 1).trim();
  try {
    switch (name) {
      case 'key':
        requireArgument(name, argument, 'name');
        await target.pressKey(argument);
        return { output: [] };
      case 'keys':
        requireArgument(name, argument, 'sequence');
        await target.pressKeys(argument);
        return { output: [] };
      case 'hook':
        if (argument !== 'off' && argument !== 'on') throw new CommandError('usage: hook off|on');
        await target.setHook(argument === 'off');
        return { output: [] };
      case 'lcd':
        return { output: await target.lcdLines() };
      case 'leds':
        return { output: target.ledLines() };
      case 'state':
        return { output: [JSON.stringify(target.state())] };
      case 'trace':
        if (argument !== 'on' && argument !== 'off') throw new CommandError('usage: trace on|off');
        return { output: await target.trace(argument === 'on') };
      case 'help':
        return { output: HELP_LINES };
      case 'quit':
        return { output: [], quit: true };
      default:
        if (isCallCommand(name)) {
          if (name === 'dial') requireArgument(name, argument, 'number-or-uri');
          if (name === 'dtmf') requireArgument(name, argument, 'digits');
          return { output: await target.callCommand(name, argument) };
        }
        throw new CommandError(name === '' ? 'empty command' : `unknown command "${name}" (try help)`);
    }
  } catch (e) {
    if (e instanceof CommandError) return { output: [], error: e.message };
    return { output: [], error: `internal: ${e instanceof Error ? e.message : String(e)}` };
  }
}
