/**
 * Where each setting's value comes from. Lowest to highest precedence:
 *
 *   defaults (schema.ts) → local file (--config) → provisioned files, in the
 *   order they were downloaded → local changes (made on the phone or web UI)
 *
 * The later layer wins, as Yealink's provisioning does ("The parameters in the
 * new downloaded configuration files will override the duplicate parameters
 * in files downloaded earlier"), and a change the user made on the phone
 * outlives the next provisioning run. A reset entry (an empty value) counts:
 * it sets the default *in its layer*, over what lower layers said.
 *
 * resolveConfig() is a pure function of its layers: the same layers give the
 * same view, so reloading is resolving again and comparing (changes.ts).
 */
import { ALL_SETTING_KEYS, requireKey, settingKey } from './keys.js';
import type { ConfigValue, IndexArgs, SettingPattern, ValueOf } from './schema.js';
import type { SettingEntry } from './setting-entry.js';
import { valueFitsType } from './values.js';
import { buildPhoneConfig, configProblems, type PhoneConfig, type TypedGetter } from './view.js';

export type LayerKind = 'file' | 'provisioned' | 'local';

/** A named list of validated settings; a ParsedCfg is one. */
export interface ConfigLayer {
  readonly name: string;
  readonly entries: readonly SettingEntry[];
}

export interface ConfigLayers {
  /** The phone's own configuration file. */
  readonly file?: ConfigLayer;
  /** Provisioning downloads, lowest precedence first. */
  readonly provisioned?: readonly ConfigLayer[];
  /** Changes made on the phone or in the web UI. */
  readonly local?: ConfigLayer;
}

export type SettingSource =
  | { readonly layer: 'default' }
  | { readonly layer: LayerKind; readonly name: string; readonly line?: number };

export interface ResolvedSetting {
  readonly key: string;
  readonly value: ConfigValue;
  readonly source: SettingSource;
}

export interface ResolvedConfig {
  readonly view: PhoneConfig;
  /** Valid settings that do not work together (an enabled account without a server …). */
  readonly problems: readonly string[];
  /** The value of a concrete key; throws ConfigKeyError for a key that is not a setting. */
  get(key: string): ConfigValue;
  /** Which layer set the key. */
  source(key: string): SettingSource;
  /** Typed: value('account.{N}.sip_server.{M}.port', { N: 1, M: 1 }) is a number. */
  value<P extends SettingPattern>(pattern: P, ...args: IndexArgs<P>): ValueOf<P>;
  /** Every key with its value and source, in schema order. */
  settings(): readonly ResolvedSetting[];
}

function orderedLayers(layers: ConfigLayers): { kind: LayerKind; layer: ConfigLayer }[] {
  return [
    ...(layers.file === undefined ? [] : [{ kind: 'file' as const, layer: layers.file }]),
    ...(layers.provisioned ?? []).map((layer) => ({ kind: 'provisioned' as const, layer })),
    ...(layers.local === undefined ? [] : [{ kind: 'local' as const, layer: layers.local }]),
  ];
}

export function resolveConfig(layers: ConfigLayers): ResolvedConfig {
  const resolved = new Map<string, ResolvedSetting>();
  for (const key of ALL_SETTING_KEYS) {
    resolved.set(key, { key, value: requireKey(key).spec.type.default, source: { layer: 'default' } });
  }
  for (const { kind, layer } of orderedLayers(layers)) {
    for (const entry of layer.entries) {
      // Entries come from checkSetting; anything else is a programming error.
      const { spec, key } = requireKey(entry.key);
      if (!valueFitsType(spec.type, entry.value)) {
        throw new TypeError(`${layer.name}: ${key}: a ${typeof entry.value} cannot be a ${spec.type.kind} setting`);
      }
      const source: SettingSource = { layer: kind, name: layer.name, ...(entry.line === undefined ? {} : { line: entry.line }) };
      resolved.set(key, { key, value: entry.value, source });
    }
  }

  const lookup = (key: string): ResolvedSetting => {
    const found = resolved.get(key);
    if (found !== undefined) return found;
    return resolved.get(requireKey(key).key) as ResolvedSetting; // requireKey throws for a non-setting
  };
  const value: TypedGetter = (pattern, ...args) => lookup(settingKey(pattern, ...args)).value as ValueOf<typeof pattern>;
  const view = buildPhoneConfig(value);
  const settings = [...resolved.values()];
  return {
    view,
    problems: configProblems(view, value),
    get: (key) => lookup(key).value,
    source: (key) => lookup(key).source,
    value,
    settings: () => settings,
  };
}
