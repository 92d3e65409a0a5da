/** The boards this firmware knows, by the name given to --board. */
import type { BoardDescription } from './schema.js';
import { board as rpiWm8960 } from './rpi-wm8960/board.js';
import { board as sim } from './sim/board.js';

export interface KnownBoard {
  readonly description: BoardDescription;
  /** The board file, relative to the repository, for error messages. */
  readonly file: string;
}

const BOARDS: ReadonlyMap<string, KnownBoard> = new Map([
  ['sim', { description: sim, file: 'boards/sim/board.ts' }],
  ['rpi-wm8960', { description: rpiWm8960, file: 'boards/rpi-wm8960/board.ts' }],
]);

export function boardNames(): string[] {
  return [...BOARDS.keys()];
}

export function findBoard(name: string): KnownBoard | undefined {
  return BOARDS.get(name);
}
