// Runs SIPp (the `sipp` binary, 3.6) with one of the scenarios in this folder
// for one call (-m 1) and reports how it went: exit code (0 = the call
// followed the scenario), SIPp's call counters and the unexpected messages
// it logged. Every port SIPp binds is chosen free: SIP (-p), media (-mp and
// -mp+2) and its UDP control port (-cp).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, freePortRun, LOOPBACK } from '../helpers/ports.js';
import { ManagedProcess } from '../pbx/managed-process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const INSTALL_HINT = 'apt-get install sip-tester';

/** The scenarios shipped in test/sipp/. */
export type SippScenario = 'register' | 'uac-call' | 'uac-cancel' | 'uas-answer' | 'uas-ring';

export function scenarioPath(scenario: SippScenario): string {
  return join(HERE, `${scenario}.xml`);
}

export interface SippOptions {
  /** A shipped scenario, or `{ file }` for another XML scenario. */
  readonly scenario: SippScenario | { readonly file: string };
  /** Where to send (UAC scenarios); omit for a UAS that only listens. */
  readonly target?: { readonly host: string; readonly port: number };
  readonly transport?: 'udp' | 'tcp';
  /** -s: the Request-URI user (the callee for uac-*). */
  readonly service?: string;
  /** -au / -ap: digest credentials. */
  readonly auth?: { readonly user: string; readonly password: string };
  /** -key NAME VALUE for the scenario's [NAME] keywords (see each XML). */
  readonly keys?: Readonly<Record<string, string | number>>;
  /** -p: local SIP port; a free one when omitted. */
  readonly port?: number;
  /** -d: length of the scenario's <pause/> (call hold or ring time). */
  readonly pauseMs?: number;
  /** Kill SIPp if it has not finished by then (also passed as -timeout). */
  readonly timeoutMs?: number;
  /** -recv_timeout: abort the call when an expected message is that late. */
  readonly recvTimeoutMs?: number;
}

export interface SippResult {
  /** SIPp's exit code: 0 all calls passed, 1 some failed, 99 no call ran, 255/254 fatal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** true when the call followed the scenario to the end (exit code 0). */
  readonly ok: boolean;
  /** Cumulative counters from SIPp's statistics file, e.g. "SuccessfulCall" → 1. */
  readonly stats: Readonly<Record<string, number>>;
  /** SIPp's error log (unexpected messages, timeouts). */
  readonly errors: string;
  /** Status codes of the unexpected responses in the error log, in order. */
  readonly unexpectedStatuses: readonly number[];
  /** SIPp's message trace (every message sent and received). */
  readonly messages: string;
  /** SIPp's own output (fatal errors end up here). */
  readonly output: string;
}

export interface SippRun {
  /** The local SIP port SIPp listens on (what a UAS registers as Contact). */
  readonly port: number;
  readonly host: string;
  /** Resolves when SIPp exits (or is killed at the timeout). */
  readonly done: Promise<SippResult>;
  /** Kills SIPp now; resolves with what it had done. */
  stop(): Promise<SippResult>;
}

/**
 * Cumulative counters from SIPp's -trace_stat CSV: the last row, columns
 * named "<Counter>(C)".
 */
export function parseSippStats(csv: string): Record<string, number> {
  const rows = csv.split('\n').map((r) => r.trim()).filter((r) => r !== '');
  const header = rows[0]?.split(';');
  const last = rows.at(-1)?.split(';');
  const stats: Record<string, number> = {};
  if (header === undefined || last === undefined || rows.length < 2) return stats;
  header.forEach((name, i) => {
    const match = /^(.+)\(C\)$/.exec(name);
    const value = Number(last[i]);
    if (match?.[1] !== undefined && Number.isFinite(value)) stats[match[1]] = value;
  });
  return stats;
}

/** Status codes of the responses SIPp reported as unexpected. */
export function unexpectedStatuses(errorLog: string): number[] {
  return [...errorLog.matchAll(/received 'SIP\/2\.0 (\d{3}) /g)].map((m) => Number(m[1]));
}

export interface SippArgsInput {
  readonly scenarioFile: string;
  readonly port: number;
  readonly mediaPort: number;
  readonly controlPort: number;
  readonly workDir: string;
  readonly options: SippOptions;
}

export function sippArgs(input: SippArgsInput): string[] {
  const o = input.options;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const args: string[] = [];
  if (o.target) args.push(`${o.target.host}:${o.target.port}`);
  args.push(
    '-sf', input.scenarioFile,
    '-i', LOOPBACK,
    '-p', String(input.port),
    '-mp', String(input.mediaPort),
    '-cp', String(input.controlPort),
    '-t', o.transport === 'tcp' ? 't1' : 'u1',
    '-m', '1',
    '-nostdin',
    '-timeout', `${Math.ceil(timeoutMs / 1000)}s`,
    '-timeout_error',
    '-recv_timeout', `${o.recvTimeoutMs ?? 8000}ms`,
    '-trace_err', '-error_file', join(input.workDir, 'errors.log'),
    '-trace_msg', '-message_file', join(input.workDir, 'messages.log'),
    '-trace_stat', '-stf', join(input.workDir, 'stats.csv'),
  );
  if (o.service !== undefined) args.push('-s', o.service);
  if (o.auth) args.push('-au', o.auth.user, '-ap', o.auth.password);
  if (o.pauseMs !== undefined) args.push('-d', String(o.pauseMs));
  for (const [name, value] of Object.entries(o.keys ?? {})) args.push('-key', name, String(value));
  return args;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Starts SIPp and returns at once (use for a UAS that must listen first). */
export async function startSipp(options: SippOptions): Promise<SippRun> {
  const scenarioFile =
    typeof options.scenario === 'string' ? scenarioPath(options.scenario) : options.scenario.file;
  const port = options.port ?? (await freePort(options.transport === 'tcp' ? 'tcp' : 'udp'));
  const mediaPort = await freePortRun(2, 2, 'udp'); // SIPp binds -mp and -mp+2
  const controlPort = await freePort('udp');
  const workDir = mkdtempSync(join(tmpdir(), 'deskphone-sipp-'));
  const args = sippArgs({ scenarioFile, port, mediaPort, controlPort, workDir, options });
  let proc: ManagedProcess;
  try {
    proc = await ManagedProcess.start('sipp', args, {
      cwd: workDir,
      logFile: join(workDir, 'output.log'),
      name: 'sipp',
      installHint: INSTALL_HINT,
    });
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }

  // SIPp's own -timeout does not fire while a call waits in some states, so
  // keep a watchdog of our own.
  const watchdog = setTimeout(() => void proc.stop(1000), (options.timeoutMs ?? 15_000) + 2000);

  let result: Promise<SippResult> | undefined;
  const finish = (): Promise<SippResult> => {
    result ??= proc.exited.then((exit) => {
      clearTimeout(watchdog);
      const errors = readOr(join(workDir, 'errors.log'));
      const collected: SippResult = {
        exitCode: exit.code,
        signal: exit.signal,
        ok: exit.code === 0,
        stats: parseSippStats(readOr(join(workDir, 'stats.csv'))),
        errors,
        unexpectedStatuses: unexpectedStatuses(errors),
        messages: readOr(join(workDir, 'messages.log')),
        output: readOr(join(workDir, 'output.log')),
      };
      rmSync(workDir, { recursive: true, force: true });
      return collected;
    });
    return result;
  };

  return {
    port,
    host: LOOPBACK,
    done: finish(),
    async stop(): Promise<SippResult> {
      await proc.stop(1000);
      return finish();
    },
  };
}

/** Runs SIPp to completion. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  const run = await startSipp(options);
  return run.done;
}

/** One line describing a failed run, for assertion messages. */
export function describeSipp(result: SippResult): string {
  return (
    `sipp exit ${result.exitCode ?? result.signal}; stats ${JSON.stringify(result.stats)}\n` +
    `--- errors ---\n${result.errors.slice(-3000)}\n--- output ---\n${result.output.slice(-1500)}`
  );
}
