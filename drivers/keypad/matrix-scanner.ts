import type { Clock, TimerHandle } from '../bus/clock.js';
import { debounceKey, isUnsettled, RELEASED } from './debounce.js';
import type { KeyDebounce } from './debounce.js';
import { hasGhosting } from './ghosting.js';
import type { KeyName } from './key-names.js';
import type { MatrixBackend } from './matrix-backend.js';

export type KeyEventKind = 'down' | 'up' | 'long' | 'repeat';

export interface KeyEvent {
  readonly key: KeyName;
  readonly kind: KeyEventKind;
  /** Clock milliseconds when the scanner decided (after debouncing), not when the contact first closed. */
  readonly timestampMs: number;
}

/** keymap[row][column]: the key at each crossing, or null where no switch is fitted. */
export type Keymap = readonly (readonly (KeyName | null)[])[];

export interface MatrixScannerOptions {
  /** Given by the board, which knows how the keypad is wired. */
  readonly keymap: Keymap;
  /** Time between scans while any key is down or settling (Zephyr poll-period-ms). */
  readonly pollMs?: number;
  /** How long a key's new state must hold before it is reported. */
  readonly debounceMs?: number;
  /** How long every key must be up before scanning stops and the scanner waits for an edge (Zephyr poll-timeout-ms). */
  readonly idleAfterMs?: number;
  /** Hold time before a 'long' event. */
  readonly longPressMs?: number;
  /** Keys that auto-repeat while held; they report 'repeat' instead of 'long'. */
  readonly repeatKeys?: readonly KeyName[];
  /** Hold time before the first 'repeat'. */
  readonly repeatDelayMs?: number;
  /** Time between 'repeat' events after the first. */
  readonly repeatMs?: number;
  /** Reject ambiguous states; only a matrix with a diode per key may turn this off. */
  readonly ghostCheck?: boolean;
}

export const MATRIX_SCANNER_DEFAULTS = {
  pollMs: 5,
  debounceMs: 20,
  idleAfterMs: 100,
  longPressMs: 1000,
  repeatKeys: ['vol_up', 'vol_down'] as readonly KeyName[],
  repeatDelayMs: 500,
  repeatMs: 200,
  ghostCheck: true,
} as const;

/*
 * States and allowed transitions:
 *   idle     → scanning  a row became active (or was active on entering idle)
 *   scanning → idle      every key up and settled for idleAfterMs
 *   idle | scanning → disposed
 * In idle all columns are driven and no timer runs: the row edge is the only wake-up.
 */
export type MatrixScannerState = 'idle' | 'scanning' | 'disposed';

const ALLOWED: Readonly<Record<MatrixScannerState, readonly MatrixScannerState[]>> = {
  idle: ['scanning', 'disposed'],
  scanning: ['idle', 'disposed'],
  disposed: [],
};

interface KeySlot {
  readonly key: KeyName;
  readonly row: number;
  readonly column: number;
  debounce: KeyDebounce;
  /** The long-press or auto-repeat timer while the key is down. */
  holdTimer: TimerHandle | undefined;
}

/**
 * The generic key-matrix scanner, after Zephyr's input_kbd_matrix: idle with
 * every column active until a row edge, then scan every pollMs — debouncing
 * each key and refusing ghost states — until all keys have been up a while.
 */
export class MatrixScanner {
  private readonly options: Required<MatrixScannerOptions>;
  private readonly slots: KeySlot[];
  private readonly repeatKeys: ReadonlySet<KeyName>;
  private readonly listeners = new Set<(event: KeyEvent) => void>();
  private readonly stopRowActivity: () => void;
  private current: MatrixScannerState = 'idle';
  private pollTimer: TimerHandle | undefined;
  private allUpSinceMs: number | undefined;
  private ghostScanCount = 0;

  constructor(
    private readonly backend: MatrixBackend,
    private readonly clock: Clock,
    options: MatrixScannerOptions,
  ) {
    const d = MATRIX_SCANNER_DEFAULTS;
    // `??` rather than a spread, so an option passed as undefined still gets its default.
    this.options = {
      keymap: options.keymap,
      pollMs: options.pollMs ?? d.pollMs,
      debounceMs: options.debounceMs ?? d.debounceMs,
      idleAfterMs: options.idleAfterMs ?? d.idleAfterMs,
      longPressMs: options.longPressMs ?? d.longPressMs,
      repeatKeys: options.repeatKeys ?? d.repeatKeys,
      repeatDelayMs: options.repeatDelayMs ?? d.repeatDelayMs,
      repeatMs: options.repeatMs ?? d.repeatMs,
      ghostCheck: options.ghostCheck ?? d.ghostCheck,
    };
    checkTimings(this.options);
    this.slots = slotsFromKeymap(options.keymap, backend);
    this.repeatKeys = new Set(this.options.repeatKeys);
    this.stopRowActivity = backend.onRowActivity(() => this.onRowActivity());
    this.enterIdle();
  }

  get state(): MatrixScannerState {
    return this.current;
  }

  /** Keys currently reported down, in keymap order. */
  get pressed(): KeyName[] {
    return this.slots.filter((s) => s.debounce.stable).map((s) => s.key);
  }

  /** Scans rejected as ambiguous (ghosting), for diagnostics. */
  get ghostScans(): number {
    return this.ghostScanCount;
  }

  /** Calls `listener` for each key event; returns an unsubscribe function. */
  onKey(listener: (event: KeyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  dispose(): void {
    if (this.current === 'disposed') return;
    this.transition('disposed');
    this.clock.clearTimer(this.pollTimer);
    this.pollTimer = undefined;
    for (const slot of this.slots) {
      this.clock.clearTimer(slot.holdTimer);
      slot.holdTimer = undefined;
    }
    this.stopRowActivity();
    this.listeners.clear();
    this.backend.selectColumn('none');
  }

  private isDisposed(): boolean {
    return this.current === 'disposed';
  }

  private transition(next: MatrixScannerState): void {
    if (!ALLOWED[this.current].includes(next)) {
      throw new Error(`matrix scanner: illegal transition ${this.current} → ${next}`);
    }
    this.current = next;
  }

  /** Detect mode: every column active, so any press pulls a row and raises the edge. */
  private enterIdle(): void {
    this.backend.selectColumn('all');
    // A key pressed between the last scan and now made no edge we listened
    // for — unless driving the columns just raised one, and we already woke.
    if (this.current === 'idle' && this.backend.readRows() !== 0) this.wake();
  }

  private onRowActivity(): void {
    if (this.current === 'idle') this.wake();
  }

  private wake(): void {
    this.transition('scanning');
    this.allUpSinceMs = undefined;
    // Scan from a timer, not inside the edge callback: the callback runs while
    // the line (or its emulator) is still delivering the edge.
    this.pollTimer = this.clock.setTimer(0, () => this.poll());
  }

  private poll(): void {
    this.pollTimer = undefined;
    if (this.current !== 'scanning') return;
    const now = this.clock.now();
    const state = this.scanMatrix();
    const anyRaw = state.some((rows) => rows !== 0);

    if (this.options.ghostCheck && hasGhosting(state)) {
      // Ambiguous: keep the last good state and look again next poll
      // (Zephyr's input_kbd_matrix_check_key_events returns early likewise).
      this.ghostScanCount++;
    } else {
      for (const slot of this.slots) {
        const rawDown = ((state[slot.column] ?? 0) & (1 << slot.row)) !== 0;
        const before = slot.debounce;
        slot.debounce = debounceKey(before, rawDown, now, this.options.debounceMs);
        if (slot.debounce.stable !== before.stable) this.report(slot, now);
        // A listener may have disposed the scanner.
        if (this.isDisposed()) return;
      }
    }

    const settled = !anyRaw && this.slots.every((s) => !s.debounce.stable && !isUnsettled(s.debounce));
    if (!settled) {
      this.allUpSinceMs = undefined;
    } else {
      this.allUpSinceMs ??= now;
      if (now - this.allUpSinceMs >= this.options.idleAfterMs) {
        this.transition('idle');
        this.enterIdle();
        return;
      }
    }
    this.pollTimer = this.clock.setTimer(this.options.pollMs, () => this.poll());
  }

  /** One pass over the columns: state[c] is the row bitmask read with column c driven. */
  private scanMatrix(): number[] {
    const state: number[] = [];
    for (let c = 0; c < this.backend.columnCount; c++) {
      this.backend.selectColumn(c);
      state.push(this.backend.readRows());
    }
    this.backend.selectColumn('none');
    return state;
  }

  private report(slot: KeySlot, now: number): void {
    this.clock.clearTimer(slot.holdTimer);
    slot.holdTimer = undefined;
    if (slot.debounce.stable) {
      this.emit(slot.key, 'down', now);
      if (!this.isDisposed()) this.startHoldTimer(slot);
    } else {
      this.emit(slot.key, 'up', now);
    }
  }

  private startHoldTimer(slot: KeySlot): void {
    if (this.repeatKeys.has(slot.key)) {
      const repeat = (): void => {
        slot.holdTimer = this.clock.setTimer(this.options.repeatMs, repeat);
        this.emit(slot.key, 'repeat', this.clock.now());
      };
      slot.holdTimer = this.clock.setTimer(this.options.repeatDelayMs, repeat);
    } else {
      slot.holdTimer = this.clock.setTimer(this.options.longPressMs, () => {
        slot.holdTimer = undefined;
        this.emit(slot.key, 'long', this.clock.now());
      });
    }
  }

  private emit(key: KeyName, kind: KeyEventKind, timestampMs: number): void {
    const event: KeyEvent = { key, kind, timestampMs };
    for (const listener of [...this.listeners]) listener(event);
  }
}

function checkTimings(o: Required<MatrixScannerOptions>): void {
  const positive = { pollMs: o.pollMs, repeatMs: o.repeatMs } as const;
  for (const [name, value] of Object.entries(positive)) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`matrix scanner: ${name} must be > 0 (got ${value})`);
  }
  const nonNegative = {
    debounceMs: o.debounceMs,
    idleAfterMs: o.idleAfterMs,
    longPressMs: o.longPressMs,
    repeatDelayMs: o.repeatDelayMs,
  } as const;
  for (const [name, value] of Object.entries(nonNegative)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`matrix scanner: ${name} must be >= 0 (got ${value})`);
  }
}

/** Checks the board's keymap against the back end and lists the fitted keys. */
function slotsFromKeymap(keymap: Keymap, backend: MatrixBackend): KeySlot[] {
  if (keymap.length !== backend.rowCount) {
    throw new Error(`keymap has ${keymap.length} rows but the key matrix has ${backend.rowCount}`);
  }
  const slots: KeySlot[] = [];
  const seen = new Map<KeyName, string>();
  keymap.forEach((keys, row) => {
    if (keys.length !== backend.columnCount) {
      throw new Error(`keymap row ${row} has ${keys.length} columns but the key matrix has ${backend.columnCount}`);
    }
    keys.forEach((key, column) => {
      if (key === null) return;
      const where = `row ${row}, column ${column}`;
      const earlier = seen.get(key);
      if (earlier) throw new Error(`keymap lists key "${key}" twice: at ${earlier} and at ${where}`);
      seen.set(key, where);
      slots.push({ key, row, column, debounce: RELEASED, holdTimer: undefined });
    });
  });
  return slots;
}
