/**
 * The log's four levels and their syslog severities.
 *
 * RFC 5424 §6.2.1, Table 2 numbers the severities 0 (Emergency) to 7
 * (Debug); a phone needs four of them: 3 Error, 4 Warning, 6 Informational,
 * 7 Debug. A threshold is "this severity and everything more severe", as
 * syslog's levels are (Yealink's static.syslog.level = 3 sends errors only).
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Most severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** RFC 5424 §6.2.1 Table 2 severity of each level. */
export const SYSLOG_SEVERITY: Readonly<Record<LogLevel, number>> = { error: 3, warn: 4, info: 6, debug: 7 };

/** Whether a record at `level` passes a sink whose threshold is `threshold`. */
export function levelPasses(level: LogLevel, threshold: LogLevel): boolean {
  return SYSLOG_SEVERITY[level] <= SYSLOG_SEVERITY[threshold];
}

/**
 * The threshold that sends what a syslog severity limit allows: 3 → error,
 * 4 or 5 → warn, 6 → info, 7 → debug. Severities 0..2 are more severe than
 * anything this phone logs, so they send nothing (undefined).
 */
export function thresholdForSeverity(maxSeverity: number): LogLevel | undefined {
  let threshold: LogLevel | undefined;
  for (const level of LOG_LEVELS) if (SYSLOG_SEVERITY[level] <= maxSeverity) threshold = level;
  return threshold;
}

export function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}
