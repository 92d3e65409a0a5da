/**
 * Runs jobs at nanosecond due times, more precisely than setTimeout alone.
 *
 * setTimeout works in whole milliseconds on libuv's cached loop time and
 * can fire a millisecond or more late, which would add its own jitter to the
 * jitter the relay is meant to apply (and to the send pacing the bench
 * measures through it). So pending jobs sit in a heap ordered by due time;
 * one timer sleeps until `spinNs` before the earliest, then the scheduler
 * polls with setImmediate — yielding to socket I/O between polls — until
 * the job is due. The cost is a busy loop of at most `spinNs` per wake-up.
 */
import { MinHeap } from './min-heap.js';

/** A job gets the time it actually started, so the caller can measure its lateness. */
export type Job = (startedNs: bigint) => void;

export interface SchedulerOptions {
  /** How long before a due time to stop sleeping and start polling; default 2 ms. */
  readonly spinNs?: bigint;
  readonly now?: () => bigint;
}

export class PreciseScheduler {
  private readonly heap = new MinHeap<{ readonly due: bigint; readonly job: Job }>();
  private readonly spinNs: bigint;
  private readonly now: () => bigint;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private disposed = false;

  constructor(options: SchedulerOptions = {}) {
    this.spinNs = options.spinNs ?? 2_000_000n;
    this.now = options.now ?? (() => process.hrtime.bigint());
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Runs `job` at `dueNs`; at once (synchronously, after any overdue jobs) if that has passed. */
  schedule(dueNs: bigint, job: Job): void {
    if (this.disposed) throw new Error('scheduler disposed');
    const head = this.heap.peekKey();
    this.heap.push(dueNs, { due: dueNs, job });
    if (dueNs <= this.now()) this.poll();
    else if (head === undefined || dueNs < head) this.arm();
  }

  /** Stops; pending jobs are discarded and their number returned. */
  dispose(): number {
    this.disposed = true;
    this.cancel();
    const discarded = this.heap.size;
    this.heap.clear();
    return discarded;
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private poll(): void {
    this.cancel();
    for (;;) {
      const due = this.heap.peekKey();
      if (due === undefined) return;
      const now = this.now();
      if (due > now) break;
      this.heap.pop()?.job(now);
      if (this.disposed) return; // a job may close the relay
    }
    this.arm();
  }

  private arm(): void {
    this.cancel();
    const due = this.heap.peekKey();
    if (due === undefined || this.disposed) return;
    const wait = due - this.now();
    if (wait > this.spinNs) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.poll();
      }, Number(wait - this.spinNs) / 1e6);
    } else {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.poll();
      });
    }
  }
}
