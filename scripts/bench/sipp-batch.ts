/**
 * SIPp for the benchmarks: one SIPp run that places many calls, one after
 * another (-m calls, -l 1: never two at once), where test/sipp/sipp.ts runs
 * exactly one. The command line is sipp.ts's own (same free ports, same
 * trace and stats files) with the call count changed, so the two cannot
 * drift apart. What a batch tells is only whether it ran: the benchmarks
 * time the calls on the wire (sip-tap.ts), not through SIPp.
 */
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort, freePortRun } from '../../test/helpers/ports.js';
import { ManagedProcess } from '../../test/pbx/managed-process.js';
import { scenarioPath, sippArgs, type SippOptions } from '../../test/sipp/sipp.js';

export interface SippBatchResult {
  /** SIPp's exit code: 0 when every call followed the scenario. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The end of SIPp's error log, for a failure message. */
  readonly errorsTail: string;
}

export interface SippBatchOptions extends SippOptions {
  /** Calls to place, one at a time. */
  readonly calls: number;
  /** New calls per second at most (-r); SIPp's default is 10. */
  readonly ratePerSecond?: number;
}

/** sippArgs' command line with `-m 1` replaced by the batch's call count and one call at a time. */
export function batchArgs(single: readonly string[], calls: number, ratePerSecond: number): string[] {
  const args = [...single];
  const m = args.indexOf('-m');
  if (m < 0 || m + 1 >= args.length) throw new Error('sipp command line without -m');
  args.splice(m, 2, '-m', String(calls), '-l', '1', '-r', String(ratePerSecond));
  return args;
}

/** Runs the calls and resolves when SIPp exits (or is stopped at the timeout). */
export async function runSippBatch(options: SippBatchOptions): Promise<SippBatchResult> {
  const scenarioFile = typeof options.scenario === 'string' ? scenarioPath(options.scenario) : options.scenario.file;
  const port = options.port ?? (await freePort('udp'));
  const mediaPort = await freePortRun(2, 2, 'udp');
  const controlPort = await freePort('udp');
  const workDir = mkdtempSync(join(tmpdir(), 'deskphone-sipp-batch-'));
  try {
    const single = sippArgs({ scenarioFile, port, mediaPort, controlPort, workDir, options });
    const proc = await ManagedProcess.start('sipp', batchArgs(single, options.calls, options.ratePerSecond ?? 10), {
      cwd: workDir,
      logFile: join(workDir, 'output.log'),
      name: 'sipp',
      installHint: 'apt-get install sip-tester',
    });
    // SIPp's own -timeout does not always fire (test/pbx/README.md): keep a watchdog.
    const watchdog = setTimeout(() => void proc.stop(1000), (options.timeoutMs ?? 15_000) + 2000);
    const exit = await proc.exited;
    clearTimeout(watchdog);
    let errors = '';
    try {
      errors = readFileSync(join(workDir, 'errors.log'), 'utf8');
    } catch {
      // no error log: nothing went wrong
    }
    return { exitCode: exit.code, signal: exit.signal, errorsTail: errors.slice(-2000) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
