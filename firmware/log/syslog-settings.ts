/**
 * The remote syslog settings from the configuration, in Yealink's names
 * (static.syslog.enable, .server, .server_port, .level, .facility), as the
 * sink takes them. static.syslog.level is an RFC 5424 severity: 3 sends
 * errors, 4 (and 5) also warnings, 6 also info, 7 also debug.
 */
import type { ResolvedConfig } from '../config/layers.js';
import { thresholdForSeverity, type LogLevel } from './levels.js';
import type { SyslogTarget } from './syslog-sink.js';

export interface SyslogSettings {
  /** Undefined when disabled, or enabled without a server. */
  readonly target?: SyslogTarget;
  readonly level: LogLevel;
  readonly facility: number;
}

export function syslogSettings(config: Pick<ResolvedConfig, 'value'>): SyslogSettings {
  const host = config.value('static.syslog.server');
  const enabled = config.value('static.syslog.enable') && host !== '';
  const level = thresholdForSeverity(config.value('static.syslog.level'));
  return {
    // Severities 0..2 are above anything this phone logs: nothing to send.
    ...(enabled && level !== undefined ? { target: { host: host.replace(/^\[|\]$/g, ''), port: config.value('static.syslog.server_port') } } : {}),
    level: level ?? 'error',
    facility: config.value('static.syslog.facility'),
  };
}
