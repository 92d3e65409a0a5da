/**
 * Settings → .cfg text that parseCfg reads back to the same settings, and a
 * Yealink phone would accept: the version header, then one `key = value` a
 * line, LF line ends. Values come from checkSetting, which refuses control
 * characters, so every value fits on its line.
 */
import { VERSION_HEADER } from './cfg-parser.js';
import { requireKey } from './keys.js';
import type { SettingEntry } from './setting-entry.js';
import { formatValue, valueFitsType } from './values.js';

export interface FormatOptions {
  /** Comment lines written under the header (without the leading "# "). */
  readonly comments?: readonly string[];
}

export function formatCfg(entries: readonly SettingEntry[], options: FormatOptions = {}): string {
  const lines = [VERSION_HEADER, ...(options.comments ?? []).map((c) => `# ${c}`)];
  for (const entry of entries) {
    const { spec } = requireKey(entry.key);
    if (entry.reset) {
      lines.push(`${entry.key} =`);
      continue;
    }
    if (!valueFitsType(spec.type, entry.value)) {
      throw new TypeError(`${entry.key}: a ${typeof entry.value} cannot be a ${spec.type.kind} setting`);
    }
    lines.push(`${entry.key} = ${formatValue(spec.type, entry.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
