/**
 * What the Pi's firmware and kernel must be told at boot for a board, derived
 * from the board file, and the idempotent edits that tell them:
 *
 * - config.txt (read by the Pi's boot firmware; /boot/firmware/config.txt
 *   since Raspberry Pi OS Bookworm, /boot/config.txt before): one block
 *   between "# deskphone begin" and "# deskphone end", replaced on every
 *   deploy, everything outside it left byte for byte as it was.
 * - cmdline.txt: no kernel console on the UART the phone's console uses.
 * - /etc/modules-load.d: i2c-dev, without which /dev/i2c-1 does not appear
 *   even with the I2C controller enabled (raspi-config adds it the same way).
 *
 * All pure functions on text, so each rule is tested without a Pi.
 */
import type { BoardDescription, GpioPin } from '../../boards/schema.js';

export class BlockError extends Error {
  override readonly name = 'BlockError';
}

export const BLOCK_BEGIN = '# deskphone begin';
export const BLOCK_END = '# deskphone end';

/** Where config.txt lives, newest OS first; the first that exists is edited. */
export const BOOT_CONFIG_PATHS: readonly string[] = ['/boot/firmware/config.txt', '/boot/config.txt'];
export const KERNEL_CMDLINE_PATHS: readonly string[] = ['/boot/firmware/cmdline.txt', '/boot/cmdline.txt'];

/** Device tree overlay per codec driver: the overlay that gives ALSA the HAT's I2S sound card. */
const CODEC_OVERLAYS: Readonly<Record<string, string>> = {
  wm8960: 'wm8960-soundcard',
};

/** An input pin: pulled up when the contact pulls it low (active low), else down. */
interface InputPin {
  readonly pin: GpioPin;
  readonly user: string;
}

/** The board's GPIO inputs: key-matrix rows (read while a column is driven) and the hook switch. */
export function boardInputPins(board: BoardDescription): InputPin[] {
  const inputs: InputPin[] = [];
  for (const part of board.parts) {
    if (part.driver === 'keypad-matrix') part.rows.forEach((pin, i) => inputs.push({ pin, user: `${part.id} row ${i}` }));
    else if (part.driver === 'hook-switch') inputs.push({ pin: part.pin, user: part.id });
  }
  return inputs;
}

/**
 * config.txt `gpio=` lines (Raspberry Pi documentation, config.txt "gpio"
 * control: `gpio=<list>=ip,pu|pd`) setting the inputs' pulls at boot. sysfs
 * GPIO cannot set pulls, and a floating row reads random key presses.
 * One line per pull direction, pins in board order.
 */
export function gpioPullLines(board: BoardDescription): string[] {
  const up: number[] = [];
  const down: number[] = [];
  for (const { pin } of boardInputPins(board)) (pin.activeLow === true ? up : down).push(pin.gpio);
  const lines: string[] = [];
  if (up.length > 0) lines.push(`gpio=${up.join(',')}=ip,pu`);
  if (down.length > 0) lines.push(`gpio=${down.join(',')}=ip,pd`);
  return lines;
}

/** The settings themselves (no markers), one per line, each with the reason above it. */
export function bootConfigSettings(board: BoardDescription): string[] {
  const lines: string[] = [];
  // A block appended after a model filter such as [pi4] would apply to that model only.
  lines.push('[all]');
  if (board.i2c.some((bus) => bus.number === 1)) {
    lines.push('# I2C1 on header pins 3/5: the LCD backpack (and the codec)', 'dtparam=i2c_arm=on');
  }
  for (const part of board.parts) {
    const overlay = CODEC_OVERLAYS[part.driver];
    if (overlay !== undefined) lines.push(`# the ${part.id}'s I2S sound card`, `dtoverlay=${overlay}`);
  }
  if (board.serialConsole?.path === '/dev/serial0') {
    lines.push('# the UART on header pins 8/10 for the phone console', 'enable_uart=1');
  }
  const pulls = gpioPullLines(board);
  if (pulls.length > 0) {
    const users = [...new Set(boardInputPins(board).map((i) => i.user.split(' ')[0] ?? i.user))].join(', ');
    lines.push(`# pulls on the inputs (${users}): sysfs GPIO cannot set them`, ...pulls);
  }
  return lines;
}

/**
 * config.txt's line limit (Raspberry Pi documentation, config.txt "File
 * format": 98 characters, 78 on older firmware); the boot firmware ignores
 * the rest of a longer line.
 */
export const CONFIG_TXT_MAX_LINE = 78;

/** The whole marked block for config.txt. */
export function bootConfigBlock(board: BoardDescription): string[] {
  const block = [
    BLOCK_BEGIN,
    `# board ${board.name}; written by npm run deploy, replaced on every deploy:`,
    '# change boards/<board>/board.ts, not these lines',
    ...bootConfigSettings(board),
    BLOCK_END,
  ];
  const long = block.find((line) => line.length > CONFIG_TXT_MAX_LINE);
  if (long !== undefined) throw new BlockError(`config.txt line longer than ${CONFIG_TXT_MAX_LINE} characters: ${long}`);
  return block;
}

export interface TextEdit {
  readonly text: string;
  readonly changed: boolean;
}

/**
 * Puts `block` (its first line BLOCK_BEGIN, its last BLOCK_END) into `text`:
 * in place of the existing marked block, or appended at the end. Lines
 * outside the block are kept as they are, line endings included (a file
 * edited on Windows keeps its CRLF). A begin without an end, or two blocks,
 * is an error: guessing where a hand-edited block ends could eat settings.
 */
export function replaceMarkedBlock(text: string, block: readonly string[]): TextEdit {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const begins: number[] = [];
  const ends: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === BLOCK_BEGIN) begins.push(i);
    else if (line.trim() === BLOCK_END) ends.push(i);
  });
  if (begins.length > 1) throw new BlockError(`"${BLOCK_BEGIN}" appears ${begins.length} times (lines ${begins.map((i) => i + 1).join(', ')}); keep one block`);
  const begin = begins[0];
  if (begin === undefined) {
    if (ends.length > 0) throw new BlockError(`"${BLOCK_END}" on line ${(ends[0] ?? 0) + 1} has no "${BLOCK_BEGIN}" before it`);
    if (text === '') return { text: block.join(eol) + eol, changed: true };
    const base = text.endsWith('\n') ? text : text + eol;
    return { text: base + block.join(eol) + eol, changed: true };
  }
  const end = ends.find((i) => i > begin);
  if (end === undefined) throw new BlockError(`"${BLOCK_BEGIN}" on line ${begin + 1} has no "${BLOCK_END}" after it`);
  if (ends.length > 1) throw new BlockError(`"${BLOCK_END}" appears ${ends.length} times; keep one block`);
  const next = [...lines.slice(0, begin), ...block, ...lines.slice(end + 1)].join(eol);
  return { text: next, changed: next !== text };
}

/** The kernel console devices that can sit on the header UART (/dev/serial0 points at one of them). */
const UART_CONSOLE = /^console=(serial0|ttyS0|ttyAMA0)(,.*)?$/;

/**
 * cmdline.txt is one line of kernel arguments. Raspberry Pi OS images ship
 * `console=serial0,115200`, which puts kernel messages and a login prompt on
 * the UART the phone's console needs; this drops that argument (what
 * raspi-config's "login shell over serial: No" does) and keeps the others.
 */
export function withoutSerialConsole(cmdline: string): TextEdit {
  const lineEnd = /\r?\n$/.exec(cmdline)?.[0] ?? '';
  const body = cmdline.slice(0, cmdline.length - lineEnd.length);
  const args = body.split(/\s+/).filter((a) => a !== '');
  const kept = args.filter((a) => !UART_CONSOLE.test(a));
  if (kept.length === args.length) return { text: cmdline, changed: false };
  return { text: kept.join(' ') + lineEnd, changed: true };
}

/** Kernel modules to load at boot, one a line (modules-load.d(5)). */
export function modulesLoadLines(board: BoardDescription): string[] {
  return board.i2c.length > 0 ? ['# /dev/i2c-N for the board\'s I2C buses (written by npm run deploy)', 'i2c-dev'] : [];
}
