import type { Clock, TimerHandle } from '../bus/clock.js';

interface PendingTimer {
  readonly id: number;
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to. Tests advance it and every timer due
 * on the way fires in order of due time (ties in order of creation), with
 * now() reading that timer's due time while it runs — as on a real clock.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<number, PendingTimer>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { id, due: this.current + Math.max(0, ms), seq: id, callback });
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle) this.pending.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing each timer that falls due. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.pending.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.callback();
    }
    this.current = target;
  }

  /**
   * Like advance(), but lets promise continuations run between timers, for
   * code that awaits a Delay built on this clock.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.pending.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.callback();
    }
    this.current = target;
    await flushMicrotasks();
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets queued promise continuations run (a macrotask turn). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
