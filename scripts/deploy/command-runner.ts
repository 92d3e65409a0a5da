/**
 * Running a program and collecting its output: the one place the deploy and
 * release scripts touch child_process, so tests can hand them a recording
 * runner instead and check the exact commands a deploy would run.
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the program's stdin, which is then closed; none means /dev/null. */
  readonly input?: string;
  readonly cwd?: string;
  /** Added to the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Also copy the output to this process's stderr while it runs (long steps: npm ci on a Pi). */
  readonly stream?: boolean;
}

export interface CommandResult {
  /** The exit code; 127 when the program could not be started (as a shell says). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type CommandRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** Keeps the last `limit` characters: a failing build's end says what broke. */
function tail(text: string, limit: number): string {
  return text.length <= limit ? text : text.slice(text.length - limit);
}

/**
 * The real runner: no shell (arguments pass as they are), stdin from
 * `input` or nothing, so nothing can stop to ask a question.
 */
export function spawnRunner(): CommandRunner {
  return (command, args, options = {}) =>
    new Promise((resolve) => {
      const echo = options.stream === true;
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env ? { ...process.env, ...options.env } : process.env,
        stdio: 'pipe',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        stdout = tail(stdout + chunk, 1_000_000);
        if (echo) process.stderr.write(chunk);
      });
      child.stderr.on('data', (chunk: string) => {
        stderr = tail(stderr + chunk, 1_000_000);
        if (echo) process.stderr.write(chunk);
      });
      let failedToStart: string | undefined;
      child.on('error', (e: NodeJS.ErrnoException) => {
        failedToStart = e.code === 'ENOENT' ? `${command}: command not found` : `${command}: ${e.message}`;
      });
      child.on('close', (code, signal) => {
        if (failedToStart !== undefined) resolve({ code: 127, stdout, stderr: failedToStart });
        else resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
      // A program that exits without reading all its input must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      // No input: stdin is closed at once, so nothing can wait for a keyboard.
      if (options.input === undefined) child.stdin.end();
      else child.stdin.end(options.input);
    });
}

/** The last few lines of a failed command's output, for an error message. */
export function lastLines(text: string, count = 15): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
