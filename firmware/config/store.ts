/**
 * What the phone keeps in its data directory (--data-dir), written so that
 * a power cut at any moment leaves a usable configuration (durable-record.ts):
 *
 *   local.cfg          the local-changes layer (changes made on the phone or in
 *                      the web UI), a Yealink .cfg file with a store trailer
 *   provisioned.json   the last good provisioning downloads, with their ETag,
 *                      SHA-256 and URL, so a reboot with the server down still
 *                      has the provisioned configuration
 *   device-mac         the simulated board's generated MAC address
 *   (each with a .bak holding the generation before)
 *
 * Factory reset removes the local changes and the provisioned downloads, as
 * a desk phone's reset does; it keeps the MAC (the phone's identity) and the
 * --config file (which is not in the data directory).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCfg, type ParsedCfg } from './cfg-parser.js';
import { formatCfg } from './cfg-writer.js';
import type { ConfigDiagnostic } from './diagnostics.js';
import { DurableRecord, type RecordLoad, type RecordSource } from './durable-record.js';
import type { ConfigLayer } from './layers.js';
import { decodeConfigBytes } from './load.js';
import { normalizeMac, randomLocalMac } from './mac-address.js';
import { checkSetting, type SettingEntry } from './setting-entry.js';

export const LOCAL_FILE = 'local.cfg';
export const PROVISIONED_FILE = 'provisioned.json';
export const MAC_FILE = 'device-mac';

/** One provisioning download as the store keeps it. */
export interface CachedDownload {
  /** The file name on the server: "y000000000000.cfg", "0015651234ab.cfg". */
  readonly name: string;
  /** Where it came from, without credentials. */
  readonly url: string;
  /** The server's entity tag, for If-None-Match (RFC 9110 §13.1.2). */
  readonly etag?: string;
  /** SHA-256 of the text, lowercase hex: an unchanged file is not applied again. */
  readonly sha256: string;
  /** Wall-clock time of the download, ISO 8601. */
  readonly fetchedAt: string;
  readonly text: string;
}

/** What open() found, for the log and the status page. */
export interface StoredFileReport {
  readonly name: string;
  readonly source: RecordSource;
  readonly generation: number;
  readonly notes: readonly string[];
}

export type LocalChange = {
  readonly key: string;
  /** The value as typed (validated like a .cfg line); null removes the local change, so lower layers show again. */
  readonly value: string | null;
};

export type LocalChangeResult =
  | { readonly ok: true; readonly changed: boolean }
  /** Nothing was saved: a form with one bad field saves none of them. */
  | { readonly ok: false; readonly errors: readonly string[] };

const COMMENT = 'Changes made on the phone or in its web UI. Written by deskphone: edit through the phone, not by hand.';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkUtf8(body: Uint8Array): string | undefined {
  try {
    utf8.decode(body);
    return undefined;
  } catch {
    return 'not UTF-8 text';
  }
}

function isCachedDownload(v: unknown): v is CachedDownload {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    typeof o.url === 'string' &&
    (o.etag === undefined || typeof o.etag === 'string') &&
    typeof o.sha256 === 'string' &&
    typeof o.fetchedAt === 'string' &&
    typeof o.text === 'string'
  );
}

/** The provisioned cache's body, or why it is not one. */
function parseProvisioned(body: Uint8Array): CachedDownload[] | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof value !== 'object' || value === null) return 'not a provisioning cache';
  const o = value as Record<string, unknown>;
  if (o.version !== 1) return `unknown cache version ${JSON.stringify(o.version)}`;
  if (!Array.isArray(o.files) || !o.files.every(isCachedDownload)) return 'malformed list of files';
  return o.files;
}

function checkProvisioned(body: Uint8Array): string | undefined {
  const parsed = parseProvisioned(body);
  return typeof parsed === 'string' ? parsed : undefined;
}

function checkMac(body: Uint8Array): string | undefined {
  return normalizeMac(Buffer.from(body).toString('latin1')) === undefined ? 'not a MAC address' : undefined;
}

function report(load: RecordLoad): StoredFileReport {
  return { name: load.name, source: load.source, generation: load.generation, notes: load.notes };
}

export class ConfigStore {
  private readonly local: DurableRecord;
  private readonly provisioned: DurableRecord;
  private readonly mac: DurableRecord;
  private localParsed: ParsedCfg;
  private cache: readonly CachedDownload[];
  private readonly reports: StoredFileReport[];
  /** Local changes are read-modify-write: one at a time, so none is lost. */
  private localQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dataDir: string,
    records: { local: DurableRecord; provisioned: DurableRecord; mac: DurableRecord },
    state: { localParsed: ParsedCfg; cache: readonly CachedDownload[]; reports: StoredFileReport[] },
  ) {
    this.local = records.local;
    this.provisioned = records.provisioned;
    this.mac = records.mac;
    this.localParsed = state.localParsed;
    this.cache = state.cache;
    this.reports = state.reports;
  }

  /** Creates the directory if needed and loads what is in it; never fails over a damaged file. */
  static async open(dataDir: string): Promise<ConfigStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const local = new DurableRecord(dataDir, LOCAL_FILE, checkUtf8);
    const provisioned = new DurableRecord(dataDir, PROVISIONED_FILE, checkProvisioned);
    const mac = new DurableRecord(dataDir, MAC_FILE, checkMac);
    const localLoad = await local.load();
    const provisionedLoad = await provisioned.load();
    const localPath = join(dataDir, LOCAL_FILE);
    const localParsed =
      localLoad.body === undefined ? parseCfg('', localPath) : parseCfg(decodeConfigBytes(localPath, localLoad.body), localPath);
    const cache = provisionedLoad.body === undefined ? [] : parseProvisioned(provisionedLoad.body);
    return new ConfigStore(
      dataDir,
      { local, provisioned, mac },
      {
        localParsed: localLoad.body === undefined ? { ...localParsed, diagnostics: [] } : localParsed,
        cache: typeof cache === 'string' ? [] : cache,
        reports: [report(localLoad), report(provisionedLoad)],
      },
    );
  }

  /** Which copy of each file open() used, and why: one entry a file. */
  get loadReport(): readonly StoredFileReport[] {
    return this.reports;
  }

  /** The notes of the load report as log lines, "local.cfg: …". */
  loadMessages(): string[] {
    return this.reports.flatMap((r) => r.notes);
  }

  /** The local-changes layer, named by its path so source() and diagnostics point at the file. */
  localLayer(): ConfigLayer {
    return this.localParsed;
  }

  /** Lines of local.cfg that no longer parse (a setting removed by a firmware update, say). */
  localDiagnostics(): readonly ConfigDiagnostic[] {
    return this.localParsed.diagnostics;
  }

  /**
   * Applies changes to the local layer and saves it; resolves once durable.
   * Values are checked exactly as a .cfg line is (checkSetting).
   */
  async changeLocal(changes: readonly LocalChange[]): Promise<LocalChangeResult> {
    const run = this.localQueue.then(() => this.changeLocalNow(changes));
    this.localQueue = run.catch(() => undefined);
    return run;
  }

  private async changeLocalNow(changes: readonly LocalChange[]): Promise<LocalChangeResult> {
    const byKey = new Map<string, SettingEntry>(this.localParsed.entries.map((e) => [e.key, e]));
    const errors: string[] = [];
    let changed = false;
    for (const change of changes) {
      if (change.value === null) {
        const found = checkSetting(change.key, '');
        if (!found.ok) {
          errors.push(found.message);
          continue;
        }
        changed = byKey.delete(found.entry.key) || changed;
        continue;
      }
      const checked = checkSetting(change.key, change.value);
      if (!checked.ok) {
        errors.push(checked.message);
        continue;
      }
      const before = byKey.get(checked.entry.key);
      if (before === undefined || before.value !== checked.entry.value || before.reset !== checked.entry.reset) changed = true;
      byKey.delete(checked.entry.key);
      byKey.set(checked.entry.key, { key: checked.entry.key, value: checked.entry.value, reset: checked.entry.reset });
    }
    if (errors.length > 0) return { ok: false, errors };
    if (!changed) return { ok: true, changed: false };
    await this.writeLocal([...byKey.values()]);
    return { ok: true, changed: true };
  }

  /** Replaces the whole local layer. */
  async replaceLocal(entries: readonly SettingEntry[]): Promise<void> {
    const run = this.localQueue.then(() => this.writeLocal(entries));
    this.localQueue = run.catch(() => undefined);
    return run;
  }

  private async writeLocal(entries: readonly SettingEntry[]): Promise<void> {
    const text = formatCfg(entries, { comments: [COMMENT] });
    await this.local.save(Buffer.from(text, 'utf8'));
    this.localParsed = parseCfg(text, join(this.dataDir, LOCAL_FILE));
  }

  /** The last good provisioning downloads, in the order they apply. */
  provisionedCache(): readonly CachedDownload[] {
    return this.cache;
  }

  async saveProvisionedCache(files: readonly CachedDownload[]): Promise<void> {
    const body = JSON.stringify({ version: 1, files }, null, 1);
    await this.provisioned.save(Buffer.from(`${body}\n`, 'utf8'));
    this.cache = files;
  }

  /**
   * The stored MAC address; on first use, `create()`'s (a random locally
   * administered address by default), stored before it is returned.
   */
  async macAddress(create: () => string = () => randomLocalMac()): Promise<string> {
    const loaded = await this.mac.load();
    if (loaded.body !== undefined) {
      const stored = normalizeMac(Buffer.from(loaded.body).toString('latin1'));
      if (stored !== undefined) return stored;
    }
    const mac = normalizeMac(create());
    if (mac === undefined) throw new RangeError('create() did not return a MAC address');
    await this.mac.save(Buffer.from(`${mac}\n`, 'latin1'));
    return mac;
  }

  /** Removes the local changes and the provisioned downloads; resolves once durable. */
  async factoryReset(): Promise<void> {
    const run = this.localQueue.then(async () => {
      await this.local.remove();
      await this.provisioned.remove();
      this.localParsed = { name: join(this.dataDir, LOCAL_FILE), entries: [], diagnostics: [] };
      this.cache = [];
    });
    this.localQueue = run.catch(() => undefined);
    return run;
  }
}
