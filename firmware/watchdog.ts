/**
 * The firmware's side of systemd's service watchdog (deploy/deskphone.service:
 * Type=notify, WatchdogSec=30).
 *
 * sd_notify(3): a service started with NOTIFY_SOCKET in its environment says
 * "READY=1" once it is up, and — when WATCHDOG_USEC is set — "WATCHDOG=1"
 * regularly; sd_watchdog_enabled(3): "the daemon should then call
 * sd_notify(0, "WATCHDOG=1") regularly … it is recommended to send this
 * message every half of the time returned here". systemd.service(5),
 * WatchdogSec=: if no keep-alive arrives within that time the service is
 * killed and Restart=on-failure starts it again.
 *
 * Node has no AF_UNIX datagram sockets, so the messages go through the
 * `systemd-notify` binary. It runs as a child process, so its messages come
 * from a PID that is not the service's main PID: the unit must say
 * NotifyAccess=all ("main" would drop them; the PID impersonation
 * systemd-notify tries first needs privileges the phone's user does not have).
 * systemd-notify (v246+) waits with BARRIER=1 until PID 1 has processed the
 * message, so it is still alive to be attributed to the unit — do not pass
 * --no-block. --pid= is not used either: it would send MAINPID=, which only
 * tells systemd which process is the main one, and it already knows.
 *
 * A keep-alive proves the main loop is healthy only if it is withheld when the
 * loop is not: a probe timer measures how late it fires (event-loop lag), and
 * a feed is skipped when the loop lagged more than the feed interval since the
 * previous one. Skipping one feed leaves a gap of a whole WatchdogSec, so a
 * phone wedged in a busy loop or a synchronous call gets restarted.
 *
 * Policy (what the environment says, whether to feed) is in small pure
 * functions; timers run on the injected Clock so tests use a VirtualClock.
 */
import { spawn } from 'node:child_process';
import type { Clock, TimerHandle } from '../drivers/bus/clock.js';

/** What became of one systemd-notify run. */
export type NotifyOutcome = { readonly kind: 'sent' } | { readonly kind: 'missing' } | { readonly kind: 'failed'; readonly detail: string };

/** Runs `systemd-notify <args>`; injectable so tests record the runs instead. */
export type NotifyRunner = (args: readonly string[]) => Promise<NotifyOutcome>;

/** What the service manager asked for, read from the environment. */
export interface NotifySettings {
  /** NOTIFY_SOCKET is set: the service manager waits for READY=1. */
  readonly notify: boolean;
  /** WATCHDOG_USEC in ms, when the watchdog is enabled for this process. */
  readonly watchdogMs?: number;
}

/**
 * sd_watchdog_enabled(3) semantics: WATCHDOG_USEC must be a positive integer,
 * and when WATCHDOG_PID is set it must be this process (the variables are
 * inherited by children, which must not feed on the parent's behalf).
 */
export function notifySettings(env: Readonly<Record<string, string | undefined>>, pid: number): NotifySettings {
  const socket = env.NOTIFY_SOCKET;
  if (socket === undefined || socket === '') return { notify: false };
  const usecText = env.WATCHDOG_USEC;
  if (usecText === undefined || !/^[1-9][0-9]*$/.test(usecText)) return { notify: true };
  const pidText = env.WATCHDOG_PID;
  if (pidText !== undefined && pidText !== String(pid)) return { notify: true };
  return { notify: true, watchdogMs: Number(usecText) / 1000 };
}

/** sd_watchdog_enabled(3): keep-alives every half of WATCHDOG_USEC. */
export function feedIntervalMs(watchdogMs: number): number {
  return watchdogMs / 2;
}

/** How often the lag probe runs: often enough to see a stall shorter than a feed interval. */
export function probeIntervalMs(feedMs: number): number {
  return Math.min(1000, feedMs / 4);
}

/** Feed only if the loop never lagged more than a feed interval since the last feed. */
export function shouldFeed(worstLagMs: number, feedMs: number): boolean {
  return worstLagMs <= feedMs;
}

export interface WatchdogLog {
  warn(line: string): void;
}

export interface ServiceWatchdogOptions {
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pid: number;
  readonly run: NotifyRunner;
  readonly log: WatchdogLog;
}

/*
 * States and the allowed transitions:
 *   waiting → running   ready(): READY=1 sent, keep-alives scheduled
 *   waiting → stopped   stopping() or dispose() before the phone came up
 *   running → stopped   stopping() or dispose()
 */
export type ServiceWatchdogState = 'waiting' | 'running' | 'stopped';

const ALLOWED: Readonly<Record<ServiceWatchdogState, readonly ServiceWatchdogState[]>> = {
  waiting: ['running', 'stopped'],
  running: ['stopped'],
  stopped: [],
};

export class ServiceWatchdog {
  readonly settings: NotifySettings;
  private stateValue: ServiceWatchdogState = 'waiting';
  private feedTimer: TimerHandle | undefined;
  private probeTimer: TimerHandle | undefined;
  private worstLagMs = 0;
  private inFlight = false;
  private missing = false;
  private fedCount = 0;
  private skippedCount = 0;

  constructor(private readonly options: ServiceWatchdogOptions) {
    this.settings = notifySettings(options.env, options.pid);
  }

  get state(): ServiceWatchdogState {
    return this.stateValue;
  }

  /** Keep-alives sent and withheld so far (for the log and the tests). */
  get counts(): { readonly fed: number; readonly skipped: number } {
    return { fed: this.fedCount, skipped: this.skippedCount };
  }

  /** The phone is up: READY=1, then keep-alives while the loop stays healthy. */
  ready(): void {
    if (this.stateValue !== 'waiting') return;
    this.transition('running');
    if (!this.settings.notify) return;
    this.send(['--ready']);
    const watchdogMs = this.settings.watchdogMs;
    if (watchdogMs === undefined) return;
    const feedMs = feedIntervalMs(watchdogMs);
    this.scheduleFeed(feedMs);
    this.scheduleProbe(probeIntervalMs(feedMs));
  }

  /** The phone is shutting down: STOPPING=1, and no more keep-alives. */
  stopping(): void {
    if (this.stateValue === 'stopped') return;
    this.dispose();
    if (this.settings.notify) this.send(['STOPPING=1']);
  }

  dispose(): void {
    if (this.stateValue !== 'stopped') this.transition('stopped');
    this.options.clock.clearTimer(this.feedTimer);
    this.options.clock.clearTimer(this.probeTimer);
    this.feedTimer = undefined;
    this.probeTimer = undefined;
  }

  private transition(next: ServiceWatchdogState): void {
    if (!ALLOWED[this.stateValue].includes(next)) {
      throw new Error(`service watchdog: illegal transition ${this.stateValue} → ${next}`);
    }
    this.stateValue = next;
  }

  private scheduleFeed(feedMs: number): void {
    const due = this.options.clock.now() + feedMs;
    this.feedTimer = this.options.clock.setTimer(feedMs, () => {
      this.feedTimer = undefined;
      // The feed timer is itself a probe: it fires late when the loop is stuck.
      this.noteLag(this.options.clock.now() - due);
      this.feed(feedMs);
      // Scheduled from now, not from `due`: after a stall the gap stays long.
      if (this.stateValue === 'running') this.scheduleFeed(feedMs);
    });
  }

  private scheduleProbe(probeMs: number): void {
    const due = this.options.clock.now() + probeMs;
    this.probeTimer = this.options.clock.setTimer(probeMs, () => {
      this.probeTimer = undefined;
      this.noteLag(this.options.clock.now() - due);
      if (this.stateValue === 'running') this.scheduleProbe(probeMs);
    });
  }

  private noteLag(lagMs: number): void {
    this.worstLagMs = Math.max(this.worstLagMs, lagMs);
  }

  private feed(feedMs: number): void {
    const lag = this.worstLagMs;
    this.worstLagMs = 0;
    if (!shouldFeed(lag, feedMs)) {
      this.skippedCount++;
      this.options.log.warn(
        `watchdog: the event loop stalled for ${Math.round(lag)} ms (more than ${feedMs} ms); keep-alive withheld, systemd will restart the phone`,
      );
      return;
    }
    if (this.inFlight) {
      // The previous systemd-notify has not returned in a whole interval: PID 1 is not listening.
      this.skippedCount++;
      this.options.log.warn('watchdog: the previous systemd-notify is still running; keep-alive skipped');
      return;
    }
    this.fedCount++;
    this.send(['WATCHDOG=1']);
  }

  private send(args: readonly string[]): void {
    if (this.missing) return;
    this.inFlight = true;
    const settle = (outcome: NotifyOutcome): void => {
      this.inFlight = false;
      if (outcome.kind === 'missing') {
        this.missing = true;
        this.options.log.warn('watchdog: systemd-notify not found; not notifying systemd (install the systemd package)');
      } else if (outcome.kind === 'failed') {
        this.options.log.warn(`watchdog: systemd-notify ${args.join(' ')} failed: ${outcome.detail}`);
      }
    };
    this.options
      .run(args)
      .then(settle)
      .catch((e: unknown) => settle({ kind: 'failed', detail: e instanceof Error ? e.message : String(e) }));
  }
}

/**
 * The real runner: spawns systemd-notify with the inherited environment (it
 * reads NOTIFY_SOCKET itself). A run that hangs is killed after 10 s.
 */
export const spawnSystemdNotify: NotifyRunner = (args) =>
  new Promise((resolve) => {
    let stderr = '';
    let settled = false;
    const done = (outcome: NotifyOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const child = spawn('systemd-notify', [...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      done(e.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', detail: e.message });
    });
    child.on('close', (code, signal) => {
      if (code === 0) done({ kind: 'sent' });
      else done({ kind: 'failed', detail: stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${String(code)}`) });
    });
  });
