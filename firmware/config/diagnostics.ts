/**
 * What is wrong with a configuration file, located like a compiler message:
 * `phone.cfg:12: account.1.sip_server.1.port = 99999: must be an integer 0..65535`.
 * Errors mean a line was skipped; warnings mean it was applied (or was not a
 * setting at all) but is probably not what its writer meant.
 */
export type DiagnosticSeverity = 'error' | 'warning';

export interface ConfigDiagnostic {
  readonly severity: DiagnosticSeverity;
  /** The file name as the caller named it (a path, a URL). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The key of the line, when it had one. */
  readonly key?: string;
  /** The message without its location. */
  readonly detail: string;
  /** `file:line: detail`. */
  readonly text: string;
}

export function diagnostic(
  severity: DiagnosticSeverity,
  file: string,
  line: number,
  detail: string,
  key?: string,
): ConfigDiagnostic {
  return { severity, file, line, detail, text: `${file}:${line}: ${detail}`, ...(key === undefined ? {} : { key }) };
}

export function hasErrors(diagnostics: readonly ConfigDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
