/**
 * Starts the phone as its own process (`node --import tsx firmware/main.ts`),
 * the way `npm start` does, for end-to-end tests through the console.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the phone; without --data-dir it gets a fresh one, removed when it exits. */
/**
 * How the phone is started: from the TypeScript sources through tsx, as
 * `npm start` does, or from the compiled dist/ (`npm run build`), as the
 * release package runs it on a board.
 */
export type PhoneEntry = 'sources' | 'dist';

function entryArgs(entry: PhoneEntry): string[] {
  return entry === 'dist' ? [path.join(REPO_ROOT, 'dist', 'firmware', 'main.js')] : ['--import', 'tsx', path.join(REPO_ROOT, 'firmware', 'main.ts')];
}

export function spawnPhone(args: readonly string[], entry: PhoneEntry = 'sources'): ChildProcessWithoutNullStreams {
  const ownDataDir = args.includes('--data-dir') ? undefined : mkdtempSync(path.join(tmpdir(), 'deskphone-data-'));
  const child = spawn(process.execPath, [...entryArgs(entry), ...args, ...(ownDataDir ? ['--data-dir', ownDataDir] : [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, DESKPHONE_DEBUG: '' },
  });
  if (ownDataDir) child.once('exit', () => rmSync(ownDataDir, { recursive: true, force: true }));
  return child;
}

/** Runs the phone with `input` on stdin and waits for it to exit (killing it after `timeoutMs`). */
export function runPhone(args: readonly string[], input: string, timeoutMs = 20_000): Promise<Finished> {
  const child = spawnPhone(args);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A line-oriented client for the TCP console: send a command, get the lines up to OK/ERR. */
export class ConsoleClient {
  private buffer = '';
  private waiting: Array<() => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      for (const w of this.waiting.splice(0)) w();
    });
  }

  static connect(port: number): Promise<ConsoleClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new ConsoleClient(socket)));
      socket.once('error', reject);
    });
  }

  async command(line: string, timeoutMs = 10_000): Promise<{ lines: string[]; status: string }> {
    this.socket.write(`${line}\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\n');
      const end = lines.findIndex((l) => l === 'OK' || l.startsWith('ERR'));
      if (end >= 0) {
        this.buffer = lines.slice(end + 1).join('\n');
        return { lines: lines.slice(0, end), status: lines[end] ?? '' };
      }
      if (Date.now() > deadline) throw new Error(`console: no answer to "${line}" (got ${JSON.stringify(this.buffer)})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiting.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
