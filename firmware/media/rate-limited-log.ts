/**
 * A log that says at most `maxLines` lines per `intervalMs` for each key, and
 * tells how many it held back. Media input arrives 50 times a second per
 * stream: one line for every bad packet from a misbehaving peer would drown
 * the log (and slow the worker that must keep audio on time).
 *
 * Nothing is timed: the window for a key starts at its first line and a new
 * window starts at the first line after it ends, which then carries the
 * count suppressed in the windows before ("(+12 suppressed)").
 */
import type { Clock } from '../../drivers/bus/clock.js';

/** Where lines go: the phone's log in production, an array in tests. */
export interface LogSink {
  warn(line: string): void;
}

export const consoleSink: LogSink = { warn: (line) => console.warn(line) };

export interface RateLimitedLogOptions {
  readonly maxLines: number;
  readonly intervalMs: number;
  /** Keys remembered at most; the oldest windows are forgotten first. */
  readonly maxKeys?: number;
}

interface Window {
  start: number;
  lines: number;
  suppressed: number;
}

export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;

  constructor(
    private readonly clock: Clock,
    private readonly sink: LogSink,
    private readonly options: RateLimitedLogOptions,
  ) {
    this.maxKeys = options.maxKeys ?? 64;
  }

  /** Logs `line` under `key` unless the key is over its budget; true if written. */
  warn(key: string, line: string): boolean {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (w && now - w.start >= this.options.intervalMs) {
      const suppressed = w.suppressed;
      w = { start: now, lines: 0, suppressed };
      this.windows.delete(key);
      this.windows.set(key, w);
    }
    if (!w) {
      w = { start: now, lines: 0, suppressed: 0 };
      this.windows.set(key, w);
      this.forgetOldest();
    }
    if (w.lines >= this.options.maxLines) {
      w.suppressed += 1;
      return false;
    }
    w.lines += 1;
    const note = w.suppressed > 0 ? ` (+${w.suppressed} suppressed)` : '';
    w.suppressed = 0;
    this.sink.warn(`${line}${note}`);
    return true;
  }

  /** Lines held back under `key` and not yet reported. */
  suppressedCount(key: string): number {
    return this.windows.get(key)?.suppressed ?? 0;
  }

  /** Writes one summary line per key with lines held back (at stream end), and forgets all keys. */
  flush(): void {
    for (const [key, w] of this.windows) {
      if (w.suppressed > 0) this.sink.warn(`${key}: ${w.suppressed} more suppressed`);
    }
    this.windows.clear();
  }

  private forgetOldest(): void {
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (oldest.done === true) return;
      this.windows.delete(oldest.value);
    }
  }
}
