/**
 * One validated `key = value`: what a layer is made of. The same check serves
 * a line of a .cfg file, a provisioning download and a change made on the
 * phone or in the web UI, so they cannot disagree about what is valid.
 *
 * An empty value (or Yealink's `%NULL%` placeholder, which provisioning
 * templates write for "nothing") resets the key to its default in that layer.
 * That is what Yealink documents for its overwrite mode: "If the value of a
 * parameter in configuration files is left blank …, the factory default value
 * can take effect". The layer still counts as the key's source, so a blank in
 * a provisioned file overrides a value from the local file.
 */
import { lookupKey, type Indices } from './keys.js';
import type { ConfigValue, SettingSpec } from './schema.js';
import { formatValue, parseValue } from './values.js';

export interface SettingEntry {
  /** Canonical concrete key. */
  readonly key: string;
  readonly value: ConfigValue;
  /** True when the value was empty: the key goes back to its default. */
  readonly reset: boolean;
  /** 1-based line in the file it came from (none for a change made on the phone). */
  readonly line?: number;
  /** The key as written, when it was an older Yealink name. */
  readonly writtenAs?: string;
}

export const NULL_PLACEHOLDER = '%NULL%';

export type SettingCheck =
  | {
      readonly ok: true;
      readonly entry: SettingEntry;
      readonly spec: SettingSpec;
      readonly indices: Indices;
      /** Applied, but probably not what the writer meant. */
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      readonly kind: 'unknown-key' | 'bad-index' | 'bad-value';
      /** Names the key, the value (masked if secret) and what is allowed. */
      readonly message: string;
    };

/** How a value appears in a message: secrets are never echoed. */
export function shownValue(spec: SettingSpec, raw: string): string {
  return spec.type.kind === 'string' && spec.type.secret === true && raw !== '' ? '********' : raw;
}

/** Validates `key = raw` (raw is trimmed here). */
export function checkSetting(key: string, raw: string, line?: number): SettingCheck {
  const found = lookupKey(key);
  if (!found.ok) {
    if (found.reason === 'index') return { ok: false, kind: 'bad-index', message: found.message };
    const hint = found.suggestion === undefined ? '' : ` (keys are case-sensitive: did you mean ${found.suggestion}?)`;
    return { ok: false, kind: 'unknown-key', message: `unknown key ${key}, ignored${hint}` };
  }
  const { spec, indices } = found.match;
  const value = raw.trim();
  const base = {
    key: found.match.key,
    ...(line === undefined ? {} : { line }),
    ...(found.match.alias === undefined ? {} : { writtenAs: found.match.alias }),
  };
  const warnings: string[] = [];
  if (found.match.alias !== undefined) {
    warnings.push(`${found.match.alias} is an older Yealink name, read as ${found.match.key}`);
  }
  if (value === '' || value === NULL_PLACEHOLDER) {
    return { ok: true, entry: { ...base, value: spec.type.default, reset: true }, spec, indices, warnings };
  }
  const parsed = parseValue(spec.type, value);
  if (!parsed.ok) {
    return { ok: false, kind: 'bad-value', message: `${key} = ${shownValue(spec, value)}: ${parsed.reason}` };
  }
  if (parsed.warning !== undefined) warnings.push(`${key}: ${parsed.warning}`);
  return { ok: true, entry: { ...base, value: parsed.value, reset: false }, spec, indices, warnings };
}

/** The `key = value` line for an entry; a reset writes an empty value. */
export function formatEntry(entry: SettingEntry, spec: SettingSpec): string {
  return entry.reset ? `${entry.key} =` : `${entry.key} = ${formatValue(spec.type, entry.value)}`;
}
