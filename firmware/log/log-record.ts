/**
 * One event: wall-clock time, level, module, message, and key=value fields.
 * Written as exactly one line, so a log can be read with grep and a message
 * holding a line break (a SIP header echoed back, a hostile display name)
 * cannot forge a second event.
 *
 *   2024-05-01T12:00:00.000Z WARN  sip.transport: dropped a datagram from=10.0.0.9:5060 reason="no Via"
 */
import type { LogLevel } from './levels.js';

export type LogFieldValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogFieldValue>>;

export interface LogRecord {
  /** Milliseconds since the Unix epoch (wall clock: a log is read against other machines' logs). */
  readonly time: number;
  readonly level: LogLevel;
  /** Dotted module name, "sip.transport", "config.provisioning". */
  readonly module: string;
  readonly message: string;
  readonly fields: LogFields;
}

/** Control characters shown as escapes: "\n", "\r", "\t", "\x1b"… */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/** A field key as written: anything but [A-Za-z0-9_.-] becomes "_". */
export function fieldKey(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return cleaned === '' ? '_' : cleaned;
}

/** A value bare when it is one plain word, else in double quotes with \" and \\ escaped. */
export function fieldValue(value: LogFieldValue): string {
  const text = value === null || value === undefined ? '-' : String(value);
  // eslint-disable-next-line no-control-regex
  if (text !== '' && /^[^\s"=\\\u0000-\u001f\u007f]+$/.test(text)) return text;
  return `"${escapeControls(text.replace(/[\\"]/g, (c) => `\\${c}`))}"`;
}

/** "key=value key2="two words"", fields whose value is undefined left out. */
export function formatFields(fields: LogFields): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${fieldKey(k)}=${fieldValue(v)}`)
    .join(' ');
}

/** The message and its fields, as the syslog MSG and the web UI show them. */
export function formatMessage(record: Pick<LogRecord, 'message' | 'fields'>): string {
  const fields = formatFields(record.fields);
  const message = escapeControls(record.message);
  return fields === '' ? message : `${message} ${fields}`;
}

/** The human line, as stderr and the web UI's log page show it. */
export function formatLine(record: LogRecord): string {
  const time = new Date(record.time).toISOString();
  return `${time} ${record.level.toUpperCase().padEnd(5)} ${record.module}: ${formatMessage(record)}`;
}
