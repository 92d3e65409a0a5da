/**
 * What changed between two resolved configurations, and what applying it
 * needs: the strongest `applies` of the changed settings. A new display name
 * applies at once; a new password needs the account to register again; a new
 * listen port needs the SIP transports opened again, which a reboot does.
 */
import type { ResolvedConfig } from './layers.js';
import { requireKey } from './keys.js';
import { APPLIES_ORDER, type Applies, type ConfigValue } from './schema.js';

export interface SettingChange {
  readonly key: string;
  readonly before: ConfigValue;
  readonly after: ConfigValue;
  readonly applies: Applies;
}

export function changedSettings(before: ResolvedConfig, after: ResolvedConfig): SettingChange[] {
  const changes: SettingChange[] = [];
  for (const { key, value } of after.settings()) {
    const old = before.get(key);
    if (old !== value) changes.push({ key, before: old, after: value, applies: requireKey(key).spec.applies });
  }
  return changes;
}

/** The strongest need among the changes; undefined when nothing changed. */
export function strongestApplies(changes: readonly SettingChange[]): Applies | undefined {
  let strongest = -1;
  for (const c of changes) strongest = Math.max(strongest, APPLIES_ORDER.indexOf(c.applies));
  return strongest < 0 ? undefined : APPLIES_ORDER[strongest];
}

/** The accounts (by number) whose registration a set of changes touches. */
export function accountsToReregister(changes: readonly SettingChange[]): number[] {
  const accounts = new Set<number>();
  for (const c of changes) {
    const { indices, spec } = requireKey(c.key);
    if (spec.applies === 'reregister' && indices.N !== undefined) accounts.add(indices.N);
  }
  return [...accounts].sort((a, b) => a - b);
}
