/**
 * One JSON document in the data directory (the call history, the
 * phonebook), kept power-cut safe by DurableRecord (config/durable-record.ts:
 * a temporary file, fsync, rename, a .bak generation and a checksummed
 * trailer) and written a short while after it changes, so a burst of changes
 * (an import, a busy hour of calls) costs one write of the flash, not one
 * each.
 *
 *   { "format": "deskphone.call-history", "version": 1, …members }
 *
 * Loading never fails over a damaged file: the store starts empty (or from
 * the .bak copy when that one is good) and load() says what it found in
 * notes, which the store turns into one message naming the file.
 *
 * A document with a higher version than this firmware writes (after a
 * downgrade) is still read: the stores take the members and items they
 * understand and say how many they left out.
 */
import { mkdir } from 'node:fs/promises';
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import { DurableRecord, type RecordLoad } from '../../config/durable-record.js';

/** Long enough to gather a burst of edits, short enough that a power cut soon after a call loses nothing. */
export const DEFAULT_SAVE_DELAY_MS = 1000;

/** What the phone gives a directory store (the call history, the phonebook). */
export interface DirectoryStoreOptions {
  /** The phone's --data-dir. */
  readonly dataDir: string;
  readonly clock: Clock;
  /** How long after a change it is written (DEFAULT_SAVE_DELAY_MS). */
  readonly saveDelayMs?: number;
  /** Where load problems and failed background saves are reported; a Logger fits. */
  readonly log?: { warn(message: string): void };
}

/** Which document a file holds. */
export interface DocumentKind {
  readonly fileName: string;
  /** What the file holds, for messages: "call history", "phonebook". */
  readonly what: string;
  /** The document's "format" member: a file of another kind is refused, not misread. */
  readonly format: string;
  /** The version this firmware writes. */
  readonly version: number;
}

export type DirectoryFileOptions = DirectoryStoreOptions & DocumentKind;

export type DocumentMembers = Readonly<Record<string, unknown>>;

export interface DocumentLoad {
  /** The stored document's members; undefined when there was no usable copy. */
  readonly members: DocumentMembers | undefined;
  /** The version the document was written with (0 when none). */
  readonly version: number;
  readonly record: RecordLoad;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The document in `body`, or why it is not one of `format`. */
function parseDocument(body: Uint8Array, format: string): { members: DocumentMembers; version: number } | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (e) {
    return `not JSON: ${reasonOf(e)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const members = value as Record<string, unknown>;
  if (members.format !== format) return `not a ${format} file (format ${JSON.stringify(members.format)})`;
  const version = members.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return `bad version ${JSON.stringify(version)}`;
  return { members, version };
}

export class DirectoryFile {
  readonly path: string;
  private readonly record: DurableRecord;
  private readonly saveDelayMs: number;
  private snapshot: () => DocumentMembers = () => ({});
  private timer: TimerHandle | undefined;
  private dirty = false;
  private closed = false;
  /** The latest save, so flush() can wait for one under way; a rejection is also seen by the flush that started it. */
  private lastSave: Promise<void> = Promise.resolve();

  constructor(private readonly options: DirectoryFileOptions) {
    this.record = new DurableRecord(options.dataDir, options.fileName, (body) => {
      const parsed = parseDocument(body, options.format);
      return typeof parsed === 'string' ? parsed : undefined;
    });
    this.path = this.record.path;
    this.saveDelayMs = options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS;
  }

  /** Creates the data directory if needed and reads the good copy, if any. */
  async load(): Promise<DocumentLoad> {
    await mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
    const record = await this.record.load();
    const parsed = record.body === undefined ? undefined : parseDocument(record.body, this.options.format);
    if (parsed === undefined || typeof parsed === 'string') return { members: undefined, version: 0, record };
    return { members: parsed.members, version: parsed.version, record };
  }

  /**
   * The one message about a load, naming the file, or undefined when there
   * is nothing to say; logged as a warning. `dropped` counts the items the
   * store could not understand (a newer firmware's, most likely).
   */
  report(load: DocumentLoad, dropped: number): string | undefined {
    const { what } = this.options;
    const name = this.options.fileName;
    const notes = load.record.notes
      .filter((n) => !n.startsWith('no good copy of '))
      .map((n) => (n.startsWith(`${name}: `) ? n.slice(name.length + 2) : n));
    if (dropped > 0) {
      const newer = load.version > this.options.version ? ` (written by a newer firmware, version ${load.version})` : '';
      notes.push(`${dropped} item${dropped === 1 ? '' : 's'} not understood${newer} left out`);
    }
    if (notes.length === 0) return undefined;
    if (load.record.source === 'none') notes.push(`starting with an empty ${what}`);
    const message = `${what} ${this.path}: ${notes.join('; ')}`;
    this.options.log?.warn(message);
    return message;
  }

  /** What to store: called at save time, so a burst of changes stores the latest state once. */
  attach(snapshot: () => DocumentMembers): void {
    this.snapshot = snapshot;
  }

  /** Throws when the store was disposed: a change then would never be saved. */
  assertOpen(): void {
    if (this.closed) throw new Error(`the ${this.options.what} is closed`);
  }

  /** Schedules a save within saveDelayMs (not postponed by later changes, so a steady stream still gets saved). */
  changed(): void {
    this.assertOpen();
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = this.options.clock.setTimer(this.saveDelayMs, () => {
      this.timer = undefined;
      this.flush().catch((e: unknown) => {
        this.options.log?.warn(`could not save the ${this.options.what} to ${this.path}: ${reasonOf(e)}; it will be tried again on the next change`);
      });
    });
  }

  /**
   * Saves now if anything changed, or waits for the save under way; resolves
   * once durable. A failed save rejects, and the change stays pending for the
   * next flush or change.
   */
  async flush(): Promise<void> {
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.lastSave;
    this.dirty = false;
    const body = Buffer.from(`${JSON.stringify({ format: this.options.format, version: this.options.version, ...this.snapshot() }, null, 1)}\n`, 'utf8');
    const save = this.lastSave
      .catch(() => undefined)
      .then(async () => {
        try {
          await this.record.save(body);
        } catch (e) {
          this.dirty = true;
          throw e;
        }
      });
    this.lastSave = save;
    return save;
  }

  /** Saves what is pending and refuses further changes. */
  async dispose(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
