import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Clock, TimerHandle } from '../bus/clock.js';
import { BusError } from '../bus/errors.js';
import { errnoCode } from './optional-package.js';
import {
  classifyAlsaStderr,
  nextConsecutiveFailures,
  restartDelayMs,
  tooManyXruns,
  type AlsaRestartPolicy,
} from './alsa-policy.js';

/**
 * Keeps one arecord or aplay process alive for a PCM stream: spawns it, reads
 * its stderr, restarts it with a bounded back-off when it dies unexpectedly,
 * and turns what cannot be fixed by a restart into one error.
 */

/** What the runner needs of a child process (node's ChildProcess has it; tests pass a fake). */
export interface AlsaChildProcess {
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly stdin: Writable | null;
  /** After the process exited and its stdout/stderr closed, so all of stderr has been read. */
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  kill(signal?: NodeJS.Signals): boolean;
}

export type AlsaTool = 'arecord' | 'aplay';
export type AlsaSpawn = (tool: AlsaTool, args: readonly string[]) => AlsaChildProcess;

export const spawnAlsaTool: AlsaSpawn = (tool, args) =>
  spawn(tool, [...args], { stdio: [tool === 'aplay' ? 'pipe' : 'ignore', tool === 'arecord' ? 'pipe' : 'ignore', 'pipe'] });

/**
 * States and the transitions allowed between them:
 *   idle        → running                    start()
 *   running     → backing-off                unexpected exit, or an xrun burst
 *   backing-off → running                    back-off timer fired: respawn
 *   running     → failed, backing-off → failed   device missing, tool missing, too many restarts
 *   running | backing-off → paused           pause(): the process ends, no restart
 *   paused      → running                    resume(): a new process
 *   idle | running | backing-off | paused | failed → stopped   stop()
 */
export type AlsaRunnerState = 'idle' | 'running' | 'backing-off' | 'paused' | 'failed' | 'stopped';

const ALLOWED: Record<AlsaRunnerState, readonly AlsaRunnerState[]> = {
  idle: ['running', 'stopped'],
  running: ['backing-off', 'paused', 'failed', 'stopped'],
  'backing-off': ['running', 'paused', 'failed', 'stopped'],
  paused: ['running', 'stopped'],
  failed: ['stopped'],
  stopped: [],
};

export interface AlsaRunnerHooks {
  /** A new process is running: read its stdout or write its stdin. */
  attach(child: AlsaChildProcess): void;
  /** The process is gone (exited, killed or failed). */
  detach(): void;
}

export interface AlsaRunnerStats {
  readonly restarts: number;
  readonly xruns: number;
}

/** How long stop() waits for SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 1000;

export class AlsaProcessRunner {
  private current: AlsaRunnerState = 'idle';
  private child: AlsaChildProcess | undefined;
  private backoffTimer: TimerHandle | undefined;
  private killTimer: TimerHandle | undefined;
  private consecutiveFailures = 0;
  private spawnedAtMs = 0;
  private xrunTimesMs: number[] = [];
  private restartCount = 0;
  private xrunCount = 0;
  private lastStderr = '';
  private deviceMissingLine: string | undefined;
  private killedForXruns = false;
  private readonly errorListeners = new Set<(error: Error) => void>();
  private exitWaiters: Array<() => void> = [];
  /** Resumed while the paused process was still ending: start the new one when it has. */
  private respawnAfterExit = false;

  constructor(
    private readonly tool: AlsaTool,
    private readonly args: readonly string[],
    private readonly device: string,
    private readonly clock: Clock,
    private readonly spawnTool: AlsaSpawn,
    private readonly policy: AlsaRestartPolicy,
    private readonly hooks: AlsaRunnerHooks,
  ) {}

  get state(): AlsaRunnerState {
    return this.current;
  }

  get stats(): AlsaRunnerStats {
    return { restarts: this.restartCount, xruns: this.xrunCount };
  }

  onError(listener: (error: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => {
      this.errorListeners.delete(listener);
    };
  }

  start(): void {
    this.transition('running');
    this.spawnChild();
  }

  /** Stops the stream: cancels a pending restart and ends the process, waiting for it to exit. */
  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    this.transition('stopped');
    await this.endChild();
  }

  /**
   * Ends the process (the device is released, its clock stops) without
   * ending the stream: resume() starts a new one. Only a running stream
   * (or one waiting to restart) pauses; otherwise nothing happens.
   */
  async pause(): Promise<void> {
    if (this.current !== 'running' && this.current !== 'backing-off') return;
    this.transition('paused');
    await this.endChild();
  }

  /** A paused stream runs again, in a new process; otherwise nothing happens. */
  resume(): void {
    if (this.current !== 'paused') return;
    this.transition('running');
    this.consecutiveFailures = 0;
    // The paused process may still be on its way out: one device, one process.
    if (this.child) this.respawnAfterExit = true;
    else this.spawnChild();
  }

  /** Cancels a pending restart, and ends the process and waits for it to exit. */
  private async endChild(): Promise<void> {
    this.clock.clearTimer(this.backoffTimer);
    this.backoffTimer = undefined;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    child.kill('SIGTERM');
    this.killTimer = this.clock.setTimer(KILL_GRACE_MS, () => {
      this.killTimer = undefined;
      child.kill('SIGKILL');
    });
    await exited;
  }

  private transition(next: AlsaRunnerState): void {
    if (!ALLOWED[this.current].includes(next)) {
      throw new Error(`${this.tool} ${this.device}: illegal transition ${this.current} → ${next}`);
    }
    this.current = next;
  }

  private spawnChild(): void {
    this.spawnedAtMs = this.clock.now();
    this.deviceMissingLine = undefined;
    this.killedForXruns = false;
    this.xrunTimesMs = [];
    let child: AlsaChildProcess;
    try {
      child = this.spawnTool(this.tool, this.args);
    } catch (e) {
      this.fail(this.spawnError(e));
      return;
    }
    this.child = child;
    child.on('error', (err) => {
      if (child === this.child) this.onChildError(err);
    });
    // 'close', not 'exit': 'exit' can come before the last stderr line
    // ("audio open error: …") has been read, and that line decides what to do.
    child.on('close', (code, signal) => {
      if (child === this.child) this.onChildExit(code, signal);
    });
    this.readStderr(child);
    this.hooks.attach(child);
  }

  private readStderr(child: AlsaChildProcess): void {
    let partial = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      const lines = (partial + text).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '' && child === this.child) this.onStderrLine(line.trim());
    });
  }

  private onStderrLine(line: string): void {
    this.lastStderr = line;
    switch (classifyAlsaStderr(line)) {
      case 'xrun': {
        this.xrunCount++;
        const now = this.clock.now();
        this.xrunTimesMs.push(now);
        if (tooManyXruns(this.policy, this.xrunTimesMs, now) && !this.killedForXruns) {
          // The tool recovers from each xrun by itself; a burst means the
          // stream is not keeping up, so start it afresh (counts as a failure).
          this.killedForXruns = true;
          this.child?.kill('SIGTERM');
        }
        break;
      }
      case 'device-missing':
        this.deviceMissingLine = line;
        break;
      default:
        break;
    }
  }

  private onChildError(err: Error): void {
    // 'error' is emitted when the process could not be spawned (or killed).
    this.detachChild();
    if (this.endedOnPurpose()) return;
    this.fail(this.spawnError(err));
  }

  /**
   * The process is gone: if stop() or pause() ended it, release their
   * waiters (and start the next process if the stream was resumed
   * meanwhile) and say so.
   */
  private endedOnPurpose(): boolean {
    if (this.current !== 'stopped' && this.current !== 'paused' && !this.respawnAfterExit) return false;
    this.settleStop();
    if (this.respawnAfterExit) {
      this.respawnAfterExit = false;
      if (this.current === 'running') this.spawnChild();
    }
    return true;
  }

  /** The process of a stopped or paused stream is gone: release stop()'s or pause()'s waiters. */
  private settleStop(): void {
    this.clock.clearTimer(this.killTimer);
    this.killTimer = undefined;
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private spawnError(err: unknown): BusError {
    if (errnoCode(err) === 'ENOENT') {
      return new BusError(
        'not-found',
        this.tool,
        `${this.tool} is not installed (spawn ${this.tool} ENOENT): install alsa-utils (sudo apt-get install alsa-utils)`,
        { cause: err },
      );
    }
    return new BusError('other', this.tool, `cannot run ${this.tool}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  private onChildExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.detachChild();
    if (this.endedOnPurpose()) return;
    if (this.current !== 'running') return;
    if (this.deviceMissingLine !== undefined) {
      this.fail(
        new BusError(
          'not-found',
          `ALSA device ${this.device}`,
          `${this.tool} cannot open it ("${this.deviceMissingLine}"). \`${this.tool} -L\` lists the PCM names; ` +
            `check the codec's dtoverlay in /boot/firmware/config.txt and that the card is present in \`${this.tool} -l\``,
        ),
      );
      return;
    }
    const ranMs = this.clock.now() - this.spawnedAtMs;
    this.consecutiveFailures = nextConsecutiveFailures(this.policy, this.consecutiveFailures, ranMs);
    const why = this.killedForXruns
      ? `${this.policy.xrunLimit} xruns within ${this.policy.xrunWindowMs} ms`
      : `exit code ${code ?? '-'}${signal ? ` signal ${signal}` : ''}`;
    if (this.consecutiveFailures > this.policy.maxConsecutiveRestarts) {
      this.fail(
        new BusError(
          this.killedForXruns ? 'overrun' : 'bus',
          `ALSA device ${this.device}`,
          `${this.tool} failed ${this.consecutiveFailures} times in a row (last: ${why}; stderr: "${this.lastStderr}"); giving up`,
        ),
      );
      return;
    }
    this.transition('backing-off');
    const delay = restartDelayMs(this.policy, this.consecutiveFailures);
    this.backoffTimer = this.clock.setTimer(delay, () => {
      this.backoffTimer = undefined;
      if (this.current !== 'backing-off') return;
      this.transition('running');
      this.restartCount++;
      this.spawnChild();
    });
  }

  private detachChild(): void {
    if (!this.child) return;
    this.child = undefined;
    this.hooks.detach();
  }

  private fail(error: BusError): void {
    if (this.current === 'failed' || this.current === 'stopped') return;
    this.transition('failed');
    this.clock.clearTimer(this.backoffTimer);
    this.backoffTimer = undefined;
    const child = this.child;
    this.detachChild();
    child?.kill('SIGTERM');
    if (this.errorListeners.size === 0) console.error(error.message);
    for (const listener of [...this.errorListeners]) listener(error);
  }
}
