/**
 * From a concrete key as written in a file ("account.2.sip_server.1.port") to
 * its row in the schema, with the indices checked against INDEX_RANGES.
 * Keys are case-sensitive, as Yealink's are.
 */
import {
  INDEX_RANGES,
  KEY_ALIASES,
  SETTINGS,
  type IndexArgs,
  type IndexSymbol,
  type KeyAlias,
  type SettingPattern,
  type SettingSpec,
} from './schema.js';

export type Indices = Partial<Readonly<Record<IndexSymbol, number>>>;

export interface KeyMatch {
  readonly spec: SettingSpec;
  /** The canonical concrete key (an older alias is replaced by the key it stands for). */
  readonly key: string;
  readonly indices: Indices;
  /** The key as written, when it was an older alias. */
  readonly alias?: string;
}

export type KeyLookup =
  | { readonly ok: true; readonly match: KeyMatch }
  /** Not a key of this phone; `suggestion` when only its letter case is off. */
  | { readonly ok: false; readonly reason: 'unknown'; readonly suggestion?: string }
  /** A known pattern with an index outside its range; `message` names the range. */
  | { readonly ok: false; readonly reason: 'index'; readonly message: string };

/** Thrown for a key that is not in the schema where code (not a file) named it. */
export class ConfigKeyError extends Error {
  readonly key: string;

  constructor(key: string, message: string) {
    super(message);
    this.name = 'ConfigKeyError';
    this.key = key;
  }
}

interface CompiledPattern {
  readonly regex: RegExp;
  /** Which index each capture group holds, in order. */
  readonly symbols: readonly IndexSymbol[];
}

function compile(pattern: string): CompiledPattern {
  const symbols: IndexSymbol[] = [];
  const source = pattern
    .split(/(\{[NM]\})/)
    .map((part) => {
      if (part === '{N}' || part === '{M}') {
        symbols.push(part === '{N}' ? 'N' : 'M');
        return '(\\d{1,9})';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), symbols };
}

const compiledSettings = SETTINGS.map((spec) => ({ spec, ...compile(spec.key) }));
const compiledAliases = KEY_ALIASES.map((alias) => ({ alias, ...compile(alias.alias) }));
const specByPattern = new Map<string, SettingSpec>(SETTINGS.map((s) => [s.key, s]));

type IndexParse = { readonly ok: true; readonly indices: Indices } | { readonly ok: false; readonly message: string };

function readIndices(key: string, symbols: readonly IndexSymbol[], captures: readonly string[]): IndexParse {
  const indices: Partial<Record<IndexSymbol, number>> = {};
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i];
    const written = captures[i] ?? '';
    const range = INDEX_RANGES[symbol];
    const n = Number(written);
    // "01" is refused like "7": Yealink numbers its accounts 1, 2, … and a
    // second spelling of the same key would defeat duplicate detection.
    if (String(n) !== written || n < range.min || n > range.max) {
      return {
        ok: false,
        message: `${key}: ${range.noun} number ${written} is out of range: ${symbol} must be ${range.min}..${range.max}`,
      };
    }
    indices[symbol] = n;
  }
  return { ok: true, indices };
}

/** Substitutes indices into a pattern: ('account.{N}.enable', { N: 2 }) → 'account.2.enable'. */
export function fillPattern(pattern: string, indices: Indices): string {
  return pattern.replace(/\{([NM])\}/g, (_, symbol: IndexSymbol) => {
    const n = indices[symbol];
    if (n === undefined) throw new ConfigKeyError(pattern, `${pattern}: no value given for {${symbol}}`);
    return String(n);
  });
}

function lookupExact(key: string): KeyLookup {
  for (const c of compiledSettings) {
    const m = c.regex.exec(key);
    if (m === null) continue;
    const parsed = readIndices(key, c.symbols, m.slice(1));
    if (!parsed.ok) return { ok: false, reason: 'index', message: parsed.message };
    return { ok: true, match: { spec: c.spec, key, indices: parsed.indices } };
  }
  for (const c of compiledAliases) {
    const m = c.regex.exec(key);
    if (m === null) continue;
    const parsed = readIndices(key, c.symbols, m.slice(1));
    if (!parsed.ok) return { ok: false, reason: 'index', message: parsed.message };
    return { ok: true, match: aliasMatch(c.alias, parsed.indices, key) };
  }
  return { ok: false, reason: 'unknown' };
}

function aliasMatch(alias: KeyAlias, written: Indices, key: string): KeyMatch {
  const indices = { ...written, ...alias.fixed };
  const spec = specByPattern.get(alias.setting);
  if (spec === undefined) throw new ConfigKeyError(alias.alias, `alias ${alias.alias} names ${alias.setting}, which is not a setting`);
  return { spec, key: fillPattern(spec.key, indices), indices, alias: key };
}

/** Finds the schema row for a concrete key written in a file, the web UI or code. */
export function lookupKey(key: string): KeyLookup {
  const found = lookupExact(key);
  if (found.ok || found.reason === 'index') return found;
  const lower = key.toLowerCase();
  if (lower !== key) {
    const folded = lookupExact(lower);
    if (folded.ok) return { ok: false, reason: 'unknown', suggestion: folded.match.key };
  }
  return found;
}

/** Like lookupKey, for keys named by code: anything but a known key is a bug, so it throws. */
export function requireKey(key: string): KeyMatch {
  const found = lookupKey(key);
  if (found.ok) return found.match;
  throw new ConfigKeyError(key, found.reason === 'index' ? found.message : `${key}: not a setting of this phone`);
}

/** The concrete key of a typed pattern: settingKey('account.{N}.enable', { N: 1 }) → 'account.1.enable'. */
export function settingKey<P extends SettingPattern>(pattern: P, ...args: IndexArgs<P>): string {
  const indices: Indices = args[0] ?? {};
  return fillPattern(pattern, indices);
}

function expand(pattern: string): string[] {
  const symbols = [...pattern.matchAll(/\{([NM])\}/g)].map((m) => m[1] as IndexSymbol);
  let keys: { key: string; indices: Indices }[] = [{ key: pattern, indices: {} }];
  for (const symbol of symbols) {
    const range = INDEX_RANGES[symbol];
    const next: { key: string; indices: Indices }[] = [];
    for (const k of keys) {
      for (let n = range.min; n <= range.max; n++) next.push({ key: k.key, indices: { ...k.indices, [symbol]: n } });
    }
    keys = next;
  }
  return keys.map((k) => fillPattern(k.key, k.indices));
}

/** Every concrete key, in schema order (accounts by number within each row). */
export const ALL_SETTING_KEYS: readonly string[] = SETTINGS.flatMap((spec) => expand(spec.key));
