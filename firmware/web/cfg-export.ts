/**
 * The phone's configuration as a .cfg file to download, and a downloaded
 * file read back in.
 *
 * Export holds every setting that differs from the factory state — whatever
 * layer set it — so importing the file into a phone at factory state gives
 * the same configuration. Secrets (passwords) are NOT exported: a .cfg file
 * is plain text that gets mailed around and checked into repositories, and
 * the web UI never hands a secret back once it has been written. Each secret
 * that is set is named in a comment instead. The key itself is left out, not
 * written empty: an empty value would reset the password on import, while a
 * missing key leaves the importing phone's password as it is.
 */
import type { ResolvedConfig } from '../config/layers.js';
import { requireKey } from '../config/keys.js';
import { formatCfg } from '../config/cfg-writer.js';
import { parseCfg } from '../config/cfg-parser.js';
import type { ConfigDiagnostic } from '../config/diagnostics.js';
import type { SettingEntry } from '../config/setting-entry.js';

export const EXPORT_FILENAME = 'deskphone.cfg';
export const IMPORT_NAME = 'imported.cfg';

export function exportCfg(config: ResolvedConfig, comments: readonly string[] = []): string {
  const entries: SettingEntry[] = [];
  const secretsSet: string[] = [];
  for (const setting of config.settings()) {
    if (setting.source.layer === 'default') continue;
    const { spec } = requireKey(setting.key);
    if (spec.type.kind === 'string' && spec.type.secret === true) {
      if (setting.value !== '') secretsSet.push(setting.key);
      continue;
    }
    entries.push({ key: setting.key, value: setting.value, reset: false });
  }
  return formatCfg(entries, {
    comments: [
      ...comments,
      'Settings that differ from the factory defaults. Passwords are not exported.',
      ...secretsSet.map((key) => `${key} is set on the phone; set it again after importing this file`),
    ],
  });
}

export interface ImportedCfg {
  readonly entries: readonly SettingEntry[];
  /** Located `imported.cfg:12: …`; secret values are masked by checkSetting. */
  readonly diagnostics: readonly ConfigDiagnostic[];
}

/** As any .cfg file: a bad line is reported and skipped, the rest applies. */
export function importCfg(text: string): ImportedCfg {
  const parsed = parseCfg(text, IMPORT_NAME);
  return { entries: parsed.entries, diagnostics: parsed.diagnostics };
}
