/**
 * The human sink: one formatted line per record to stderr (or any line
 * writer), so a person running the simulated board, or journald on a real
 * one, reads the log as it happens.
 */
import type { LogLevel } from './levels.js';
import { formatLine, type LogRecord } from './log-record.js';
import type { LogSink } from './logger.js';

export type LineWriter = (line: string) => void;

export const stderrWriter: LineWriter = (line) => {
  process.stderr.write(`${line}\n`);
};

export class StreamSink implements LogSink {
  constructor(
    public level: LogLevel = 'info',
    private readonly writeLine: LineWriter = stderrWriter,
  ) {}

  write(record: LogRecord): void {
    this.writeLine(formatLine(record));
  }
}
