import type { Clock, TimerHandle } from '../bus/clock.js';
import type { DigitalIn, Level } from '../bus/gpio.js';

/*
 * States and allowed transitions (each after the line has held its new level
 * for debounceMs):
 *   on-hook  → off-hook   handset lifted
 *   off-hook → on-hook    handset put down
 */
export type HookState = 'on-hook' | 'off-hook';

export interface HookEvent {
  readonly state: HookState;
  /** Clock milliseconds when the new state was confirmed (debounceMs after the last bounce). */
  readonly timestampMs: number;
}

export interface HookSwitchOptions {
  /**
   * True when the line reads low while the handset is lifted (a switch to
   * ground that closes off-hook, with a pull-up). A cradle switch that closes
   * when the handset rests reads low on-hook: set false.
   */
  readonly activeLow?: boolean;
  /** How long the line must hold a level before it counts. */
  readonly debounceMs?: number;
}

export const HOOK_SWITCH_DEFAULTS = { activeLow: true, debounceMs: 30 } as const;

/** What a line level means, as a pure function. */
export function hookStateFor(level: Level, activeLow: boolean): HookState {
  const active = activeLow ? level === 0 : level === 1;
  return active ? 'off-hook' : 'on-hook';
}

/**
 * A debounced hook switch: every edge restarts a wait of debounceMs; when the
 * wait ends the line is read, and a level that means a new state is reported.
 * A lever that chatters while the handset is lifted thus gives one event.
 */
export class HookSwitch {
  private readonly activeLow: boolean;
  private readonly debounceMs: number;
  private current: HookState;
  private settleTimer: TimerHandle | undefined;
  private readonly listeners = new Set<(event: HookEvent) => void>();
  private readonly unwatch: () => void;
  private disposed = false;

  constructor(
    private readonly line: DigitalIn,
    private readonly clock: Clock,
    options: HookSwitchOptions = {},
  ) {
    this.activeLow = options.activeLow ?? HOOK_SWITCH_DEFAULTS.activeLow;
    this.debounceMs = options.debounceMs ?? HOOK_SWITCH_DEFAULTS.debounceMs;
    if (!(Number.isFinite(this.debounceMs) && this.debounceMs >= 0)) {
      throw new RangeError(`hook switch on ${line.name}: debounceMs must be >= 0 (got ${this.debounceMs})`);
    }
    // The state at start is taken as read: there is no earlier state to debounce against.
    this.current = hookStateFor(line.read(), this.activeLow);
    this.unwatch = line.watch('both', () => this.onEdge());
  }

  get state(): HookState {
    return this.current;
  }

  get offHook(): boolean {
    return this.current === 'off-hook';
  }

  /** Calls `listener` on each confirmed change; returns an unsubscribe function. */
  onChange(listener: (event: HookEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clock.clearTimer(this.settleTimer);
    this.settleTimer = undefined;
    this.unwatch();
    this.listeners.clear();
  }

  private onEdge(): void {
    this.clock.clearTimer(this.settleTimer);
    this.settleTimer = this.clock.setTimer(this.debounceMs, () => this.settle());
  }

  private settle(): void {
    this.settleTimer = undefined;
    const next = hookStateFor(this.line.read(), this.activeLow);
    // Bounced back to where it was: nothing happened.
    if (next === this.current) return;
    this.transition(next);
    const event: HookEvent = { state: next, timestampMs: this.clock.now() };
    for (const listener of [...this.listeners]) listener(event);
  }

  private transition(next: HookState): void {
    if (next === this.current) throw new Error(`hook switch on ${this.line.name}: illegal transition ${this.current} → ${next}`);
    this.current = next;
  }
}
