/**
 * The last N records in memory, for the web UI's log page: a phone without
 * a console still shows what went wrong. Fixed capacity: the oldest record
 * is dropped when a new one arrives, so a storm cannot grow memory.
 */
import type { LogLevel } from './levels.js';
import { formatLine, type LogRecord } from './log-record.js';
import type { LogSink } from './logger.js';

export class RingBufferSink implements LogSink {
  private readonly slots: (LogRecord | undefined)[];
  /** Index the next record goes to. */
  private next = 0;
  private count = 0;
  private evictedCount = 0;

  constructor(
    readonly capacity: number,
    public level: LogLevel = 'debug',
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.slots = new Array<LogRecord | undefined>(capacity).fill(undefined);
  }

  write(record: LogRecord): void {
    if (this.count === this.capacity) this.evictedCount += 1;
    else this.count += 1;
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  records(): LogRecord[] {
    const out: LogRecord[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const r = this.slots[(start + i) % this.capacity];
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** The records as human lines, oldest first. */
  lines(): string[] {
    return this.records().map(formatLine);
  }

  /** Records dropped to make room since start (the page says "N older lines not shown"). */
  get evicted(): number {
    return this.evictedCount;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
