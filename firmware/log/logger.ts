/**
 * Loggers per module over one set of sinks.
 *
 *   const log = new Log();
 *   log.addSink(new StreamSink('info'));
 *   const sipLog = log.logger('sip.transport');
 *   sipLog.warn('dropped a datagram', { from: '10.0.0.9:5060', reason: 'no Via' });
 *
 * Each sink has its own threshold (stderr at info, the web UI's ring buffer
 * at debug, syslog at what static.syslog.level says), and a record is built
 * only when some sink wants its level, so a debug line costs nothing when
 * nobody listens. A sink that throws is dropped from that one write, never
 * thrown into the code that logged: logging must not break a call.
 *
 * A Logger's warn(line) also fits the TransportLogger and media LogSink
 * interfaces ({ warn(line: string): void }), so it can be handed to them.
 */
import { levelPasses, type LogLevel } from './levels.js';
import type { LogFields, LogRecord } from './log-record.js';

export interface LogSink {
  /** The least severe level this sink takes; may change at run time (reconfiguration). */
  readonly level: LogLevel;
  write(record: LogRecord): void;
}

export interface Logger {
  readonly module: string;
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** Whether any sink takes `level` (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
  /** A logger for a part of this module: "sip" → "sip.transport". */
  child(part: string): Logger;
}

export interface LogOptions {
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
}

/** Module names are dotted words; anything else is replaced, since they become syslog MSGIDs. */
export function moduleName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return cleaned === '' ? '-' : cleaned;
}

export class Log {
  private readonly sinks: LogSink[] = [];
  private readonly now: () => number;

  constructor(options: LogOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Adds a sink; the returned function removes it. */
  addSink(sink: LogSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  enabled(level: LogLevel): boolean {
    return this.sinks.some((s) => levelPasses(level, s.level));
  }

  logger(module: string): Logger {
    const name = moduleName(module);
    const emit = (level: LogLevel, message: string, fields: LogFields = {}): void => this.emit(level, name, message, fields);
    return {
      module: name,
      error: (message, fields) => emit('error', message, fields),
      warn: (message, fields) => emit('warn', message, fields),
      info: (message, fields) => emit('info', message, fields),
      debug: (message, fields) => emit('debug', message, fields),
      enabled: (level) => this.enabled(level),
      child: (part) => this.logger(`${name}.${part}`),
    };
  }

  private emit(level: LogLevel, module: string, message: string, fields: LogFields): void {
    let record: LogRecord | undefined;
    for (const sink of [...this.sinks]) {
      if (!levelPasses(level, sink.level)) continue;
      record ??= { time: this.now(), level, module, message, fields: { ...fields } };
      try {
        sink.write(record);
      } catch {
        // A broken sink (a closed stream) must not break the caller; the other sinks still get the record.
      }
    }
  }
}

/** A logger that drops everything (a default for optional logger parameters). */
export const silentLogger: Logger = {
  module: '-',
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  enabled: () => false,
  child: () => silentLogger,
};
