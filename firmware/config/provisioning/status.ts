/**
 * What the status page shows about provisioning: the last attempt (when,
 * why, the result, a message in words) and each file's outcome with the
 * diagnostics of a refused file (URL:line: why).
 */
import type { ConfigDiagnostic } from '../diagnostics.js';

/** What started an attempt. check-sync: a SIP NOTIFY with Event: check-sync. */
export type ProvisioningTrigger = 'boot' | 'periodic' | 'check-sync' | 'manual';

export type FileOutcomeKind =
  /** New contents, accepted and in effect. */
  | 'applied'
  /** Downloaded, same contents (SHA-256) as the copy in effect: not applied again. */
  | 'unchanged'
  /** 304 Not Modified to If-None-Match. */
  | 'not-modified'
  /** 404/410: normal for the MAC file when a server has only the common file. */
  | 'not-found'
  /** Downloaded but invalid: the last good copy stays in effect. */
  | 'refused'
  | 'auth-failed'
  | 'unreachable'
  | 'timeout'
  | 'too-large'
  | 'http-error'
  /** Not tried, because the server was unreachable for an earlier file. */
  | 'skipped';

/** Outcomes after which the copy in effect is still the latest the server has. */
export const CURRENT_OUTCOMES: ReadonlySet<FileOutcomeKind> = new Set(['applied', 'unchanged', 'not-modified', 'not-found']);

export interface FileOutcome {
  readonly name: string;
  /** Without credentials. */
  readonly url: string;
  readonly outcome: FileOutcomeKind;
  readonly httpStatus?: number;
  readonly message: string;
  /** Parser diagnostics: errors for a refused file, warnings for an applied one. */
  readonly diagnostics: readonly ConfigDiagnostic[];
}

/**
 * updated: something new is in effect; unchanged: the server had nothing new;
 * partial: something new is in effect but a file failed; failed: nothing new,
 * the last good configuration stays; no-server: none configured or offered.
 */
export type AttemptResult = 'updated' | 'unchanged' | 'partial' | 'failed' | 'no-server';

export interface ProvisioningAttempt {
  readonly trigger: ProvisioningTrigger;
  /** Wall clock, ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The server directory, without credentials. */
  readonly server?: string;
  readonly serverSource?: 'dhcp' | 'config';
  readonly result: AttemptResult;
  readonly message: string;
  readonly files: readonly FileOutcome[];
}

export interface FileInEffect {
  readonly name: string;
  readonly url: string;
  readonly sha256: string;
  readonly etag?: string;
  readonly fetchedAt: string;
}

export interface ProvisioningStatus {
  readonly state: string;
  readonly lastAttempt?: ProvisioningAttempt;
  /** Wall clock of the last attempt that ended updated or unchanged. */
  readonly lastSuccessAt?: string;
  /** Milliseconds to the next periodic attempt; undefined when none is scheduled. */
  readonly nextAttemptInMs?: number;
  /** The provisioned files in effect, lowest precedence first. */
  readonly inEffect: readonly FileInEffect[];
}

/** The summary of an attempt from its files' outcomes (pure). */
export function attemptResult(files: readonly FileOutcome[]): { result: AttemptResult; message: string } {
  const applied = files.filter((f) => f.outcome === 'applied');
  const failed = files.filter((f) => !CURRENT_OUTCOMES.has(f.outcome));
  const allMissing = files.length > 0 && files.every((f) => f.outcome === 'not-found');
  const describe = (f: FileOutcome): string => `${f.name}: ${f.message}`;
  if (allMissing) {
    return { result: 'failed', message: 'no file found on the server: check static.auto_provision.server.url' };
  }
  if (failed.length === 0) {
    return applied.length > 0
      ? { result: 'updated', message: `applied ${applied.map((f) => f.name).join(', ')}` }
      : { result: 'unchanged', message: 'nothing new on the server' };
  }
  const why = failed.map(describe).join('; ');
  if (applied.length > 0) {
    return { result: 'partial', message: `applied ${applied.map((f) => f.name).join(', ')}; ${why}` };
  }
  return { result: 'failed', message: `${why}; the last good configuration stays in effect` };
}
