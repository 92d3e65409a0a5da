// One child process of the bench (kamailio, sipp, baresip): spawned in its
// own process group with stdout+stderr going to a log file (a file, not a
// pipe, so a chatty child can never block on a full pipe and the log
// survives for the failure message), stopped with SIGTERM then SIGKILL to
// the whole group, and killed on exit of the test process as a last resort.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  readonly cwd: string;
  /** Appended to (restarts keep one log). */
  readonly logFile: string;
  /** Shown in error messages, e.g. "kamailio". */
  readonly name: string;
  /** Added to the "not installed" error, e.g. "apt-get install kamailio". */
  readonly installHint: string;
}

const live = new Set<ChildProcess>();

// Last resort: a test that forgot stop() must not leave daemons behind.
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export class ManagedProcess {
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | undefined;

  private constructor(
    child: ChildProcess,
    readonly options: ManagedProcessOptions,
    readonly commandLine: string,
  ) {
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  /**
   * Spawns `command args`; resolves once the process is running, rejects with
   * the install hint when the binary is missing.
   */
  static async start(
    command: string,
    args: readonly string[],
    options: ManagedProcessOptions,
  ): Promise<ManagedProcess> {
    const fd = openSync(options.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        stdio: ['ignore', fd, fd],
        detached: true, // own process group: stop() reaches forked children too
      });
    } finally {
      closeSync(fd);
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'ENOENT'
            ? new Error(`${options.name}: '${command}' not found — ${options.installHint}`)
            : new Error(`${options.name}: cannot start '${command}': ${err.message}`),
        );
      });
    });
    return new ManagedProcess(child, options, [command, ...args].join(' '));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.options.name}: no pid`);
    return this.child.pid;
  }

  /** Exit status once exited, else undefined. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** What the process wrote so far (its log file). */
  log(): string {
    try {
      return readFileSync(this.options.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last lines of the log, for error messages. */
  logTail(lines = 30): string {
    return this.log().split('\n').slice(-lines).join('\n');
  }

  /** Sends a signal to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    killGroup(this.child, signal);
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within graceMs. Also kills the
   * rest of the process group (Kamailio's forked workers).
   */
  async stop(graceMs = 3000): Promise<ExitInfo> {
    if (this.exitInfo === undefined) {
      killGroup(this.child, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const first = await Promise.race([this.exited, timedOut]);
      clearTimeout(timer);
      if (first === 'timeout') killGroup(this.child, 'SIGKILL');
    }
    const info = await this.exited;
    // Workers of a daemon may outlive their parent for a moment.
    killGroup(this.child, 'SIGKILL');
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // group already empty
    }
    return info;
  }
}
