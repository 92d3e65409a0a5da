/**
 * Talking to the Pi: ssh for commands, scp for the release tarball, both
 * through the injected CommandRunner and both non-interactive — BatchMode=yes
 * makes ssh fail instead of asking for a password or a passphrase, so a
 * deploy never hangs on a prompt nobody sees.
 */
import { lastLines, type CommandResult, type CommandRunner } from './command-runner.js';

/** An error whose message is the whole story for the user (no stack trace). */
export class DeployError extends Error {
  override readonly name = 'DeployError';
}

/**
 * `user@host` or `host` (an alias from ~/.ssh/config works too). Anything
 * starting with "-" would be read by ssh as an option, so it is refused.
 */
export function parseTarget(text: string): { readonly user?: string; readonly host: string } {
  const match = /^(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?([A-Za-z0-9_][A-Za-z0-9._:%-]*|\[[0-9A-Fa-f:.%a-z]+\])$/.exec(text);
  if (!match?.[2]) throw new DeployError(`"${text}" is not a ssh destination; expected user@host, e.g. pi@deskphone.local`);
  return match[1] === undefined ? { host: match[2] } : { user: match[1], host: match[2] };
}

/**
 * Options for every ssh and scp run. accept-new trusts a Pi's host key the
 * first time (a freshly flashed board is always new) but still refuses a key
 * that changed; the keep-alives notice a Pi that vanished mid-deploy.
 */
export const SSH_OPTIONS: readonly string[] = [
  '-o', 'BatchMode=yes',
  '-o', 'ConnectTimeout=10',
  '-o', 'StrictHostKeyChecking=accept-new',
  '-o', 'ServerAliveInterval=15',
  '-o', 'ServerAliveCountMax=4',
];

/** POSIX shell single-quoting: the text arrives as one word, whatever it holds. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Explains an ssh/scp failure that happened before the remote command ran
 * (ssh exits 255 then; scp exits 1 with ssh's message on stderr), or returns
 * undefined when the connection was fine and the remote command failed.
 */
export function explainSshFailure(target: string, host: string, stderr: string): string | undefined {
  const said = lastLines(stderr, 3);
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(stderr)) {
    return `cannot resolve ${host}: check the name (a Pi announces <hostname>.local over mDNS) or use its IP address`;
  }
  if (/Connection refused/i.test(stderr)) {
    return `${host} refuses ssh connections: enable SSH (Raspberry Pi Imager's OS settings, or sudo raspi-config → Interface Options → SSH)`;
  }
  if (/timed out|No route to host|Network is unreachable|Host is down|Connection closed by remote host|Broken pipe/i.test(stderr)) {
    return `${host} is unreachable (${said}): is the Pi powered and on this network?`;
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i.test(stderr)) {
    return `${host}'s ssh host key differs from the one you trusted (a re-flashed card?): if that is expected, run ssh-keygen -R ${host} and deploy again`;
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    return `${target} refused the login: deploy uses key login only (BatchMode=yes, no password prompt); run ssh-copy-id ${target} once`;
  }
  return undefined;
}

export interface RemoteStep {
  /** What the step does, for progress lines and errors: "install production dependencies". */
  readonly title: string;
  /** A POSIX shell command line, run by the login shell of the ssh user. */
  readonly command: string;
  readonly input?: string;
  /** Copy its output to the terminal while it runs. */
  readonly stream?: boolean;
}

/** One Pi, reached through ssh and scp. */
export class Remote {
  readonly host: string;

  constructor(
    readonly target: string,
    private readonly runner: CommandRunner,
  ) {
    this.host = parseTarget(target).host;
  }

  /** Runs a step; a connection failure or a non-zero exit becomes a DeployError naming the step. */
  async run(step: RemoteStep): Promise<CommandResult> {
    const result = await this.runUnchecked(step);
    if (result.code !== 0) throw this.failure(step.title, result);
    return result;
  }

  /** Runs a step and hands back any exit code; a connection failure still throws. */
  async runUnchecked(step: RemoteStep): Promise<CommandResult> {
    const result = await this.runner('ssh', [...SSH_OPTIONS, this.target, step.command], {
      input: step.input,
      stream: step.stream,
    });
    if (result.code === 255) {
      throw new DeployError(explainSshFailure(this.target, this.host, result.stderr) ?? `ssh ${this.target} failed: ${lastLines(result.stderr, 3)}`);
    }
    return result;
  }

  /** Copies a local file to a path on the Pi. */
  async copy(localPath: string, remotePath: string): Promise<void> {
    const result = await this.runner('scp', ['-q', ...SSH_OPTIONS, localPath, `${this.target}:${remotePath}`]);
    if (result.code !== 0) {
      throw new DeployError(
        explainSshFailure(this.target, this.host, result.stderr) ?? `copying ${localPath} to ${this.host}:${remotePath} failed: ${lastLines(result.stderr, 3)}`,
      );
    }
  }

  private failure(title: string, result: CommandResult): DeployError {
    const output = lastLines(`${result.stdout}\n${result.stderr}`.trim(), 20);
    return new DeployError(`${title} failed on ${this.host} (exit code ${result.code})${output ? `:\n${output}` : ''}`);
  }
}
