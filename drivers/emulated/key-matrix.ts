import type { Clock, TimerHandle } from '../bus/clock.js';
import type { Level } from '../bus/gpio.js';
import type { KeyName } from '../keypad/key-names.js';
import type { Keymap } from '../keypad/matrix-scanner.js';
import type { EmulatedInput, EmulatedOutput } from './gpio.js';

/** Two columns driven to different levels joined through pressed keys. */
export interface ShortCircuit {
  readonly columns: readonly string[];
  readonly timestampMs: number;
}

/**
 * The electrical model of a key matrix without diodes: each key is a switch
 * between its row wire and its column wire. It watches the column outputs
 * and sets the row inputs, which have pull-ups:
 *
 * - rows and columns joined through pressed switches form one net, however
 *   many switches the path crosses (row → key → column → key → row …);
 * - a row reads low when its net holds a column driven low, and high (its
 *   pull-up) otherwise.
 *
 * Following paths through several switches is what makes ghosts appear: with
 * three corners of a rectangle pressed, the fourth corner's row reaches the
 * fourth corner's column through the other three.
 * A net holding one column driven low and another driven high is a short
 * between two outputs; it is logged in `shorts` so a test can prove a scanner
 * never causes one.
 */
export class EmulatedKeyMatrix {
  private readonly keymap: Keymap;
  private readonly rows: readonly EmulatedInput[];
  private readonly columns: readonly EmulatedOutput[];
  private readonly clock: Clock;
  private readonly down = new Set<KeyName>();
  private readonly positions = new Map<KeyName, { row: number; column: number }>();
  private readonly unsubscribe: Array<() => void>;
  private readonly timers = new Set<TimerHandle>();
  private activeShorts = new Set<string>();
  private recomputing = false;
  private dirty = false;
  /** Every short that appeared, in order. */
  readonly shorts: ShortCircuit[] = [];

  constructor(config: {
    readonly keymap: Keymap;
    readonly rows: readonly EmulatedInput[];
    readonly columns: readonly EmulatedOutput[];
    readonly clock: Clock;
  }) {
    this.keymap = config.keymap;
    this.rows = config.rows;
    this.columns = config.columns;
    this.clock = config.clock;
    if (this.keymap.length !== this.rows.length) {
      throw new Error(`keymap has ${this.keymap.length} rows but ${this.rows.length} row lines were given`);
    }
    this.keymap.forEach((keys, row) => {
      if (keys.length !== this.columns.length) {
        throw new Error(`keymap row ${row} has ${keys.length} keys but ${this.columns.length} column lines were given`);
      }
      keys.forEach((key, column) => {
        if (key !== null) this.positions.set(key, { row, column });
      });
    });
    this.unsubscribe = this.columns.map((line) => line.onChange(() => this.recompute()));
    this.recompute();
  }

  /** Closes the switch under `key` (a finger goes down). */
  press(key: KeyName): void {
    this.positionOf(key);
    this.down.add(key);
    this.recompute();
  }

  /** Opens the switch under `key`. */
  release(key: KeyName): void {
    this.positionOf(key);
    this.down.delete(key);
    this.recompute();
  }

  /** Keys whose switches are closed now, in the order they were pressed. */
  get held(): KeyName[] {
    return [...this.down];
  }

  /** Presses `key` now and releases it `holdMs` later on the clock. */
  tap(key: KeyName, holdMs: number): void {
    this.press(key);
    const handle = this.clock.setTimer(holdMs, () => {
      this.timers.delete(handle);
      this.release(key);
    });
    this.timers.add(handle);
  }

  /** Stops watching the columns and cancels pending taps. */
  dispose(): void {
    for (const u of this.unsubscribe) u();
    for (const t of this.timers) this.clock.clearTimer(t);
    this.timers.clear();
  }

  private positionOf(key: KeyName): { row: number; column: number } {
    const at = this.positions.get(key);
    if (!at) throw new Error(`key "${key}" is not on this key matrix`);
    return at;
  }

  private recompute(): void {
    // Setting a row may make a watcher drive a column, which calls back in here.
    if (this.recomputing) {
      this.dirty = true;
      return;
    }
    this.recomputing = true;
    try {
      do {
        this.dirty = false;
        this.applyNets();
      } while (this.dirty);
    } finally {
      this.recomputing = false;
    }
  }

  private applyNets(): void {
    const nets = this.nets();
    const levels: Level[] = [];
    const shortsNow = new Set<string>();
    for (let r = 0; r < this.rows.length; r++) {
      const net = nets.find(r);
      const drives = this.columns
        .map((line, c) => ({ line, c }))
        .filter(({ c, line }) => nets.find(this.rows.length + c) === net && !line.floated);
      const low = drives.filter(({ line }) => line.level === 0);
      const high = drives.filter(({ line }) => line.level === 1);
      if (low.length > 0 && high.length > 0) {
        shortsNow.add([...low, ...high].map(({ line }) => line.name).sort().join(' + '));
      }
      levels.push(low.length > 0 ? 0 : 1);
    }
    for (const short of shortsNow) {
      if (!this.activeShorts.has(short)) {
        this.shorts.push({ columns: short.split(' + '), timestampMs: this.clock.now() });
      }
    }
    this.activeShorts = shortsNow;
    // Compute every level first, then set: a row is never set from a half-updated picture.
    levels.forEach((level, r) => this.rows[r]?.set(level));
  }

  /** Union-find over rows (0..R-1) and columns (R..R+C-1) joined by pressed switches. */
  private nets(): { find(node: number): number } {
    const parent = Array.from({ length: this.rows.length + this.columns.length }, (_, i) => i);
    const find = (node: number): number => {
      let n = node;
      while (parent[n] !== n) n = parent[n] ?? n;
      return n;
    };
    for (const key of this.down) {
      const { row, column } = this.positionOf(key);
      parent[find(row)] = find(this.rows.length + column);
    }
    return { find };
  }
}
