/**
 * The configuration while the phone runs: the --config file, the provisioned
 * files and the local changes (phone and web UI) resolved into one view, kept
 * current as provisioning or the web UI change a layer, with listeners told
 * of each change so it applies live (re-register an account whose server
 * changed) without dropping calls.
 */
import { loadStartupConfig } from './startup.js';
import { ConfigStore } from './store.js';
import { resolveConfig, type ConfigLayer, type ResolvedConfig } from './layers.js';
import type { SettingEntry } from './setting-entry.js';
import { layersOf } from './provisioning/provisioning-client.js';

export type ConfigListener = (next: ResolvedConfig, previous: ResolvedConfig) => void;

export class ConfigRuntime {
  private resolved: ResolvedConfig;
  private provisioned: readonly ConfigLayer[];
  private readonly listeners = new Set<ConfigListener>();

  private constructor(
    readonly store: ConfigStore,
    private readonly file: ConfigLayer | undefined,
    /** Start-up messages: bad lines of the --config file, damaged stored files. */
    readonly messages: readonly string[],
  ) {
    this.provisioned = layersOf(store.provisionedCache());
    this.resolved = this.resolve();
  }

  static async open(configFile: string | undefined, dataDir: string): Promise<ConfigRuntime> {
    const startup = await loadStartupConfig(configFile);
    const store = await ConfigStore.open(dataDir);
    const local = store.localDiagnostics().map((d) => `${d.severity}: ${d.text}`);
    return new ConfigRuntime(store, startup.file, [...startup.messages, ...store.loadMessages(), ...local]);
  }

  current(): ResolvedConfig {
    return this.resolved;
  }

  onChange(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** New provisioned layers (lowest precedence first), from the provisioning client. */
  setProvisioned(layers: readonly ConfigLayer[]): void {
    this.provisioned = layers;
    this.update();
  }

  /**
   * Adds entries to the local-changes layer (a later entry for a key replaces
   * an earlier one), stores the layer durably, then applies it.
   */
  async applyLocal(entries: readonly SettingEntry[]): Promise<void> {
    const byKey = new Map(this.store.localLayer().entries.map((e) => [e.key, e]));
    for (const e of entries) byKey.set(e.key, e);
    await this.store.replaceLocal([...byKey.values()]);
    this.update();
  }

  /** Drops local changes and provisioned downloads; the --config file stays. */
  async factoryReset(): Promise<void> {
    await this.store.factoryReset();
    this.provisioned = [];
    this.update();
  }

  private resolve(): ResolvedConfig {
    return resolveConfig({ file: this.file, provisioned: this.provisioned, local: this.store.localLayer() });
  }

  private update(): void {
    const previous = this.resolved;
    this.resolved = this.resolve();
    for (const l of [...this.listeners]) l(this.resolved, previous);
  }
}
