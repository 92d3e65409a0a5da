/**
 * The schema and the current values as the UI's forms need them, and the
 * check of what a form sends back. Both directions go through the config
 * core: descriptors come from the schema rows, submitted values through
 * checkSetting — the same check a line of a .cfg file gets.
 *
 * Secrets are write-only: a secret's value never leaves this module, only
 * whether it is set. (Its default is always empty, so that is not sent either.)
 */
import { ALL_SETTING_KEYS, requireKey } from '../config/keys.js';
import type { ResolvedConfig, SettingSource } from '../config/layers.js';
import { APPLIES_AFTER_REBOOT, APPLIES_MEANING, INDEX_RANGES, SETTINGS, type Applies, type SettingSpec } from '../config/schema.js';
import { checkSetting, type SettingEntry } from '../config/setting-entry.js';
import { describeAllowed, formatValue } from '../config/values.js';
import { pageOf, SETTINGS_PAGES, settingsOnPage, type SettingsPage } from './settings-pages.js';

export interface SettingDescriptor {
  /** The schema pattern, with {N} and {M}. */
  readonly key: string;
  readonly label: string;
  readonly kind: SettingSpec['type']['kind'];
  readonly description: string;
  readonly applies: Applies;
  /** "an integer 0..65535", as the docs say it. */
  readonly allowed: string;
  /** The default as a .cfg file writes it; absent for secrets. */
  readonly default?: string;
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
  readonly choices?: readonly { readonly code: number; readonly label: string }[];
  readonly secret: boolean;
}

export interface UiPage {
  readonly id: string;
  readonly title: string;
  readonly emptyText: string;
  readonly settings: readonly SettingDescriptor[];
}

export interface UiSchema {
  readonly pages: readonly UiPage[];
  readonly indexRanges: typeof INDEX_RANGES;
  readonly applies: typeof APPLIES_MEANING;
  /** The `applies` values that wait for a reboot: the UI offers its Reboot page after such a change. */
  readonly afterReboot: readonly Applies[];
}

function isSecret(spec: SettingSpec): boolean {
  return spec.type.kind === 'string' && spec.type.secret === true;
}

/** "static.network.port.http" on the page claiming "static.network." → "Port http". */
export function labelOf(pattern: string, page: SettingsPage): string {
  const prefix = page.prefixes.filter((p) => pattern.startsWith(p)).sort((a, b) => b.length - a.length)[0] ?? '';
  // A page that claims the whole key: its last part names it.
  const rest = prefix === pattern ? (pattern.split('.').pop() ?? pattern) : pattern.slice(prefix.length).replace(/^sip_server\.\{M\}\./, '');
  const words = rest.replace(/^static\./, '').replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function describeSetting(spec: SettingSpec, page: SettingsPage = pageOf(spec.key)): SettingDescriptor {
  const t = spec.type;
  const secret = isSecret(spec);
  return {
    key: spec.key,
    label: labelOf(spec.key, page),
    kind: t.kind,
    description: spec.description,
    applies: spec.applies,
    allowed: describeAllowed(t),
    secret,
    ...(secret ? {} : { default: formatValue(t, t.default) }),
    ...(t.kind === 'int' ? { min: t.min, max: t.max, ...(t.unit === undefined ? {} : { unit: t.unit }) } : {}),
    ...(t.kind === 'enum' ? { choices: t.choices.map((c) => ({ code: c.code, label: c.label })) } : {}),
  };
}

export function uiSchema(settings: readonly SettingSpec[] = SETTINGS): UiSchema {
  return {
    pages: SETTINGS_PAGES.map((page) => ({
      id: page.id,
      title: page.title,
      emptyText: page.emptyText,
      settings: settingsOnPage(page, settings).map((s) => describeSetting(s, page)),
    })),
    indexRanges: INDEX_RANGES,
    applies: APPLIES_MEANING,
    afterReboot: APPLIES_AFTER_REBOOT,
  };
}

export interface SettingValueView {
  /** The concrete key, "account.1.user_name". */
  readonly key: string;
  /** Its schema pattern, to find the descriptor. */
  readonly pattern: string;
  /** The value as a .cfg file writes it; absent for a secret. */
  readonly value?: string;
  /** For a secret only: whether it holds anything. */
  readonly set?: boolean;
  /** Where the value comes from: "default", "file", "provisioned", "local". */
  readonly source: SettingSource['layer'];
}

/** The current value of every concrete key on a page, secrets masked. */
export function pageValues(config: ResolvedConfig, page: SettingsPage): SettingValueView[] {
  const views: SettingValueView[] = [];
  for (const key of ALL_SETTING_KEYS) {
    const { spec } = requireKey(key);
    if (pageOf(spec.key).id !== page.id) continue;
    const value = config.get(key);
    const source = config.source(key).layer;
    views.push(isSecret(spec) ? { key, pattern: spec.key, set: value !== '', source } : { key, pattern: spec.key, value: formatValue(spec.type, value), source });
  }
  return views;
}

export interface FieldError {
  readonly key: string;
  /** checkSetting's message: names the key and what is allowed, a secret value masked. */
  readonly message: string;
}

export type ChangeCheck = { readonly ok: true; readonly entries: readonly SettingEntry[] } | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * `{ "account.1.user_name": "alice", … }` → entries, all or nothing: a form
 * with one bad field changes nothing, and every bad field is reported. An
 * empty value resets the key to its default, as in a .cfg file.
 */
export function checkChanges(changes: unknown): ChangeCheck {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    return { ok: false, errors: [{ key: '', message: '"changes" must be an object of key: value' }] };
  }
  const pairs = Object.entries(changes as Record<string, unknown>);
  if (pairs.length > ALL_SETTING_KEYS.length) return { ok: false, errors: [{ key: '', message: 'too many changes in one request' }] };
  const entries = new Map<string, SettingEntry>();
  const errors: FieldError[] = [];
  for (const [key, raw] of pairs) {
    if (typeof raw !== 'string') {
      errors.push({ key, message: `${key}: the value must be a string` });
      continue;
    }
    const checked = checkSetting(key, raw);
    if (!checked.ok) errors.push({ key, message: checked.message });
    else entries.set(checked.entry.key, checked.entry);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries: [...entries.values()] };
}
