/**
 * The remote syslog sink: RFC 5424 messages (rfc5424.ts) over UDP (RFC 5426)
 * to the server, port, facility and level a desk phone's syslog settings name
 * (static.syslog.*, see syslog-settings.ts).
 *
 * Rate-limited by a token bucket (token-bucket.ts): past the burst, messages
 * are dropped and counted, and the next message that passes is preceded by
 * one warning saying how many were dropped — so a storm costs the network at
 * most the refill rate, and the server still learns it happened.
 *
 * UDP send errors (no route, ICMP port unreachable) are counted, not logged:
 * logging them would feed this sink its own failures. The socket is unref'd,
 * so an idle log never keeps the process alive; close() releases it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { hostname as osHostname } from 'node:os';
import type { Clock } from '../../drivers/bus/clock.js';
import type { LogLevel } from './levels.js';
import type { LogRecord } from './log-record.js';
import type { LogSink } from './logger.js';
import { FACILITY_LOCAL0, formatSyslogMessage } from './rfc5424.js';
import { fullBucket, takeToken, type TokenBucket, type TokenBucketLimits } from './token-bucket.js';

export const SYSLOG_APP_NAME = 'deskphone';
export const DEFAULT_SYSLOG_PORT = 514;
export const DEFAULT_SYSLOG_LIMITS: TokenBucketLimits = { perSecond: 20, burst: 100 };

export interface SyslogTarget {
  readonly host: string;
  readonly port: number;
}

export interface SyslogSinkOptions {
  /** Undefined: configured but sending nothing (syslog disabled). */
  readonly target?: SyslogTarget;
  readonly level?: LogLevel;
  readonly facility?: number;
  readonly hostname?: string;
  readonly procId?: string;
  /** Fields as RFC 5424 structured data under this SD-ID (name@enterprise-number); default: in MSG. */
  readonly structuredDataId?: string;
  readonly limits?: TokenBucketLimits;
  /** For the rate limit; the monotonic clock of the board. */
  readonly clock: Clock;
}

export interface SyslogCounters {
  readonly sent: number;
  readonly dropped: number;
  readonly sendErrors: number;
}

export class SyslogSink implements LogSink {
  level: LogLevel;
  private target: SyslogTarget | undefined;
  private facility: number;
  private socket: Socket | undefined;
  private socketFamily: 'udp4' | 'udp6' | undefined;
  private bucket: TokenBucket;
  private droppedSinceNotice = 0;
  private counters = { sent: 0, dropped: 0, sendErrors: 0 };
  private readonly hostname: string;
  private readonly procId: string;
  private readonly limits: TokenBucketLimits;
  private readonly clock: Clock;
  private readonly structuredDataId: string | undefined;

  constructor(options: SyslogSinkOptions) {
    this.level = options.level ?? 'error';
    this.target = options.target;
    this.facility = options.facility ?? FACILITY_LOCAL0;
    this.hostname = options.hostname ?? osHostname();
    this.procId = options.procId ?? String(process.pid);
    this.limits = options.limits ?? DEFAULT_SYSLOG_LIMITS;
    this.clock = options.clock;
    this.structuredDataId = options.structuredDataId;
    this.bucket = fullBucket(this.limits, this.clock.now());
  }

  /** New settings from the configuration; takes effect with the next record. */
  configure(settings: { readonly target?: SyslogTarget; readonly level: LogLevel; readonly facility: number }): void {
    this.level = settings.level;
    this.facility = settings.facility;
    const family = settings.target === undefined ? undefined : familyOf(settings.target.host);
    if (family !== this.socketFamily) this.closeSocket();
    this.target = settings.target;
  }

  get stats(): SyslogCounters {
    return { ...this.counters };
  }

  write(record: LogRecord): void {
    const target = this.target;
    if (target === undefined) return;
    const taken = takeToken(this.bucket, this.clock.now(), this.limits);
    this.bucket = taken.bucket;
    if (!taken.allowed) {
      this.droppedSinceNotice += 1;
      this.counters.dropped += 1;
      return;
    }
    if (this.droppedSinceNotice > 0) {
      const dropped = this.droppedSinceNotice;
      this.droppedSinceNotice = 0;
      this.send(target, {
        time: record.time,
        level: 'warn',
        module: 'log',
        message: `rate limit: ${dropped} messages were not sent to syslog`,
        fields: { dropped },
      });
    }
    this.send(target, record);
  }

  close(): void {
    this.closeSocket();
    this.target = undefined;
  }

  private send(target: SyslogTarget, record: LogRecord): void {
    const text = formatSyslogMessage(record, {
      facility: this.facility,
      hostname: this.hostname,
      appName: SYSLOG_APP_NAME,
      procId: this.procId,
      ...(this.structuredDataId === undefined ? {} : { structuredDataId: this.structuredDataId }),
    });
    const socket = this.openSocket(familyOf(target.host));
    this.counters.sent += 1;
    socket.send(Buffer.from(text, 'utf8'), target.port, target.host, (err) => {
      if (err) this.counters.sendErrors += 1;
    });
  }

  private openSocket(family: 'udp4' | 'udp6'): Socket {
    if (this.socket !== undefined && this.socketFamily === family) return this.socket;
    this.closeSocket();
    const socket = createSocket(family);
    socket.on('error', () => {
      this.counters.sendErrors += 1;
    });
    socket.unref();
    this.socket = socket;
    this.socketFamily = family;
    return socket;
  }

  private closeSocket(): void {
    this.socket?.close();
    this.socket = undefined;
    this.socketFamily = undefined;
  }
}

function familyOf(host: string): 'udp4' | 'udp6' {
  return isIPv6(host.replace(/^\[|\]$/g, '')) ? 'udp6' : 'udp4';
}
