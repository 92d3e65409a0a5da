/**
 * One stored file kept as two generations — `name` (the latest) and
 * `name.bak` (the one before) — written through `name.tmp`, so that a power
 * cut at any moment leaves at least one good copy:
 *
 *   save(body):  write name.tmp, fsync it
 *                rename name → name.bak      (only when name is good)
 *                rename name.tmp → name, fsync the directory
 *
 *   cut before the first rename:   name is the previous good file
 *   cut between the two renames:   name is missing, name.bak is the previous good file
 *   cut after the second rename:   name is the new file (its data was synced first)
 *
 * load() reads both copies, checks each trailer (store-record.ts) and an
 * optional check of the body's meaning, and takes the good copy with the
 * higher generation, saying which one it took and why in `notes` — the log
 * and the status page show them.
 *
 * One writer per file: saves are queued inside the object, and two processes
 * must not open the same data directory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingFileError, removeIfPresent, renameDurably, syncDirectory, writeAndSync } from './durable-file.js';
import { decodeRecord, encodeRecord } from './store-record.js';

/** Which copy load() used. */
export type RecordSource = 'current' | 'backup' | 'none';

export interface RecordLoad {
  /** The file name without directory, e.g. "local.cfg". */
  readonly name: string;
  readonly source: RecordSource;
  /** The body of the copy used; undefined when there was none. */
  readonly body: Uint8Array | undefined;
  readonly generation: number;
  /** Why a copy was passed over, or an interrupted write found: one line each. */
  readonly notes: readonly string[];
}

/** Reasons a body that passed its checksum still cannot be used (wrong format version, bad JSON). */
export type BodyCheck = (body: Uint8Array) => string | undefined;

type CopyState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'bad'; readonly reason: string }
  | { readonly kind: 'good'; readonly generation: number; readonly body: Uint8Array };

export class DurableRecord {
  readonly path: string;
  readonly backupPath: string;
  readonly tempPath: string;
  /** Highest generation seen or written. */
  private generation = 0;
  /** Whether the file under `path` is known to be good: only a good file may become the backup. */
  private currentGood = false;
  /** save() needs what load() learns (the generation, whether the current file is good). */
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly name: string,
    private readonly check: BodyCheck = () => undefined,
  ) {
    this.path = join(dir, name);
    this.backupPath = join(dir, `${name}.bak`);
    this.tempPath = join(dir, `${name}.tmp`);
  }

  async load(): Promise<RecordLoad> {
    return this.serialized(() => this.loadNow());
  }

  /** Stores `body` as the next generation; resolves once it is durable. */
  async save(body: Uint8Array): Promise<number> {
    return this.serialized(() => this.saveNow(body));
  }

  /** Removes every copy (factory reset): the backup first, so a cut midway leaves the current file whole. */
  async remove(): Promise<void> {
    await this.serialized(async () => {
      await removeIfPresent(this.tempPath);
      await removeIfPresent(this.backupPath);
      await syncDirectory(this.dir);
      await removeIfPresent(this.path);
      await syncDirectory(this.dir);
      this.generation = 0;
      this.currentGood = false;
      this.loaded = true;
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readCopy(path: string): Promise<CopyState> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (isMissingFileError(e)) return { kind: 'missing' };
      return { kind: 'bad', reason: `cannot be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    const decoded = decodeRecord(bytes);
    if (!decoded.ok) return { kind: 'bad', reason: decoded.reason };
    const unusable = this.check(decoded.record.body);
    if (unusable !== undefined) return { kind: 'bad', reason: unusable };
    return { kind: 'good', ...decoded.record };
  }

  private async loadNow(): Promise<RecordLoad> {
    this.loaded = true;
    const notes: string[] = [];
    if (await removeIfPresent(this.tempPath)) {
      notes.push(`${this.name}.tmp: an interrupted write was discarded`);
    }
    const current = await this.readCopy(this.path);
    const backup = await this.readCopy(this.backupPath);
    const bak = `${this.name}.bak`;

    this.currentGood = current.kind === 'good';
    this.generation = Math.max(current.kind === 'good' ? current.generation : 0, backup.kind === 'good' ? backup.generation : 0);

    const use = (source: RecordSource, copy: Extract<CopyState, { kind: 'good' }>): RecordLoad => ({
      name: this.name,
      source,
      body: copy.body,
      generation: copy.generation,
      notes,
    });

    if (current.kind === 'good' && (backup.kind !== 'good' || current.generation >= backup.generation)) {
      if (backup.kind === 'bad') notes.push(`${bak}: ${backup.reason}; not needed, the current file is good`);
      return use('current', current);
    }
    if (backup.kind === 'good') {
      if (current.kind === 'missing') {
        notes.push(`${this.name} is missing (a save was cut short between its two renames); using ${bak}, generation ${backup.generation}`);
      } else if (current.kind === 'bad') {
        notes.push(`${this.name}: ${current.reason}; using ${bak}, generation ${backup.generation}`);
      } else {
        notes.push(`${this.name} is older (generation ${current.generation}) than ${bak}; using ${bak}, generation ${backup.generation}`);
      }
      return use('backup', backup);
    }
    if (current.kind === 'bad') notes.push(`${this.name}: ${current.reason}`);
    if (backup.kind === 'bad') notes.push(`${bak}: ${backup.reason}`);
    if (current.kind === 'bad' || backup.kind === 'bad') notes.push(`no good copy of ${this.name}: starting without it`);
    return { name: this.name, source: 'none', body: undefined, generation: 0, notes };
  }

  private async saveNow(body: Uint8Array): Promise<number> {
    if (!this.loaded) await this.loadNow();
    const generation = this.generation + 1;
    await writeAndSync(this.tempPath, encodeRecord({ generation, body }));
    if (this.currentGood) {
      // The current file becomes the backup. A bad current file is never
      // rotated: the backup may be the only good copy there is.
      await renameDurably(this.path, this.backupPath, this.dir);
      // Until the next rename lands there is no current file: a failure now must not rotate again.
      this.currentGood = false;
    }
    await renameDurably(this.tempPath, this.path, this.dir);
    this.generation = generation;
    this.currentGood = true;
    return generation;
  }
}
