import type { Clock } from '../bus/clock.js';
import { BusError } from '../bus/errors.js';
import type { DigitalIn, DigitalOut, Edge, EdgeEvent, Level } from '../bus/gpio.js';

/** True when an edge to `level` is one a watcher of `edge` asked for. */
function edgeMatches(edge: Edge, level: Level): boolean {
  return edge === 'both' || (edge === 'rising' ? level === 1 : level === 0);
}

/**
 * An input line whose level "the world" (a test, a device model, the simulated
 * front panel) sets. Watchers hear an edge only when the level really changes,
 * as an edge-triggered GPIO interrupt would: setting a line to the level it
 * already has is not an edge.
 */
export class EmulatedInput implements DigitalIn {
  readonly name: string;
  private level: Level;
  private closed = false;
  private readonly watchers = new Set<{ edge: Edge; listener: (event: EdgeEvent) => void }>();

  constructor(
    name: string,
    private readonly clock: Clock,
    /** The idle level; 1 models a line with a pull-up and nothing pulling it down. */
    initial: Level = 1,
    private readonly onClose?: () => void,
  ) {
    this.name = name;
    this.level = initial;
  }

  /** The world side: the level the pin is held at from now on. */
  set(level: Level): void {
    if (level === this.level) return;
    this.level = level;
    if (this.closed) return;
    const event: EdgeEvent = { level, timestampMs: this.clock.now() };
    // Copy first: a watcher may unsubscribe (or subscribe) while being told.
    for (const w of [...this.watchers]) {
      if (edgeMatches(w.edge, level)) w.listener(event);
    }
  }

  /** How many watchers are subscribed (tests check drivers unsubscribe). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  read(): Level {
    this.assertOpen();
    return this.level;
  }

  watch(edge: Edge, listener: (event: EdgeEvent) => void): () => void {
    this.assertOpen();
    const entry = { edge, listener };
    this.watchers.add(entry);
    return () => {
      this.watchers.delete(entry);
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watchers.clear();
    this.onClose?.();
  }

  private assertOpen(): void {
    if (this.closed) throw new BusError('other', this.name, 'line is closed');
  }
}

/** What the world sees of an output line. */
export interface OutputState {
  /** The level last written (kept while floated, as DigitalOut.read() says). */
  readonly level: Level;
  /** True when the line is not driven (high impedance). */
  readonly floated: boolean;
  readonly timestampMs: number;
}

/**
 * An output line the world can observe: its level, whether it is floated
 * (high-Z), and a change listener that fires only on real changes of either.
 */
export class EmulatedOutput implements DigitalOut {
  readonly name: string;
  private current: Level;
  private isFloated: boolean;
  private closed = false;
  private readonly listeners = new Set<(state: OutputState) => void>();

  constructor(
    name: string,
    private readonly clock: Clock,
    /** A line starts driven at this level, or floated (as a pin still configured as input). */
    initial: Level | 'floated' = 0,
    private readonly onClose?: () => void,
  ) {
    this.name = name;
    this.current = initial === 'floated' ? 0 : initial;
    this.isFloated = initial === 'floated';
  }

  /** The level last written. */
  get level(): Level {
    return this.current;
  }

  /** True while the line is high impedance (floated, or closed). */
  get floated(): boolean {
    return this.isFloated;
  }

  /** The level the line drives, or undefined when it drives nothing. */
  get driven(): Level | undefined {
    return this.isFloated ? undefined : this.current;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The world side: hear every change of level or of floating; returns an unsubscribe function. */
  onChange(listener: (state: OutputState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  write(level: Level): void {
    this.assertOpen();
    this.update(level, false);
  }

  read(): Level {
    this.assertOpen();
    return this.current;
  }

  float(): void {
    this.assertOpen();
    this.update(this.current, true);
  }

  /** A closed line is released: it stops driving, as an unexported GPIO reverts to an input. */
  close(): void {
    if (this.closed) return;
    this.update(this.current, true);
    this.closed = true;
    this.listeners.clear();
    this.onClose?.();
  }

  private update(level: Level, floated: boolean): void {
    if (level === this.current && floated === this.isFloated) return;
    this.current = level;
    this.isFloated = floated;
    const state: OutputState = { level, floated, timestampMs: this.clock.now() };
    for (const listener of [...this.listeners]) listener(state);
  }

  private assertOpen(): void {
    if (this.closed) throw new BusError('other', this.name, 'line is closed');
  }
}

/**
 * A GPIO chip that hands out lines by number, as the kernel's GPIO character
 * device does: a line already requested is busy until its holder closes it
 * (the kernel answers EBUSY; here a BusError naming both users).
 */
export class EmulatedGpioChip {
  readonly name: string;
  private readonly lines = new Map<number, EmulatedInput | EmulatedOutput>();

  constructor(
    private readonly clock: Clock,
    name = 'emulated gpiochip',
  ) {
    this.name = name;
  }

  /** Requests line `line` as an input; the name defaults to "<chip> line <n>". */
  input(line: number, name?: string, initial: Level = 1): EmulatedInput {
    const lineName = this.claim(line, name);
    const input = new EmulatedInput(lineName, this.clock, initial, () => this.release(line, input));
    this.lines.set(line, input);
    return input;
  }

  /** Requests line `line` as an output. */
  output(line: number, name?: string, initial: Level | 'floated' = 0): EmulatedOutput {
    const lineName = this.claim(line, name);
    const output = new EmulatedOutput(lineName, this.clock, initial, () => this.release(line, output));
    this.lines.set(line, output);
    return output;
  }

  /** The world side: the input handed out for `line` (throws if none is). */
  inputAt(line: number): EmulatedInput {
    const held = this.lines.get(line);
    if (!(held instanceof EmulatedInput)) {
      throw new BusError('not-found', `${this.name} line ${line}`, 'no input has been requested on this line');
    }
    return held;
  }

  /** The world side: the output handed out for `line` (throws if none is). */
  outputAt(line: number): EmulatedOutput {
    const held = this.lines.get(line);
    if (!(held instanceof EmulatedOutput)) {
      throw new BusError('not-found', `${this.name} line ${line}`, 'no output has been requested on this line');
    }
    return held;
  }

  /** Line numbers currently requested, ascending. */
  get requested(): number[] {
    return [...this.lines.keys()].sort((a, b) => a - b);
  }

  private claim(line: number, name: string | undefined): string {
    if (!Number.isInteger(line) || line < 0) {
      throw new BusError('not-found', this.name, `line ${String(line)} is not a line number`);
    }
    const holder = this.lines.get(line);
    if (holder) {
      throw new BusError(
        'other',
        `${this.name} line ${line}`,
        `line is busy: already requested as "${holder.name}"${name ? `, cannot request it again as "${name}"` : ''}`,
      );
    }
    return name ?? `${this.name} line ${line}`;
  }

  private release(line: number, holder: EmulatedInput | EmulatedOutput): void {
    if (this.lines.get(line) === holder) this.lines.delete(line);
  }
}
