/**
 * The call history: dialed, received and missed calls, newest first, each
 * list capped as a Yealink T4x caps it (100 entries a list), with the
 * missed-call count the idle screen and the message LED show until the user
 * looks at the missed list.
 *
 * Stored in `call-history.json` in the data directory (directory-file.ts):
 *
 *   { "format": "deskphone.call-history", "version": 1,
 *     "missedUnseen": 2, "entries": [ { "direction": "missed", … }, … ] }
 */
import { TypedEmitter } from '../../sip/ua/typed-emitter.js';
import { DirectoryFile, type DirectoryStoreOptions, type DocumentKind } from './directory-file.js';

export type CallDirection = 'dialed' | 'received' | 'missed';

export const CALL_DIRECTIONS: readonly CallDirection[] = ['dialed', 'received', 'missed'];

export interface CallHistoryEntry {
  readonly direction: CallDirection;
  /** The remote party's URI as the call had it: "sip:2001@pbx.example.com". */
  readonly remoteUri: string;
  /** The display name the call carried (or the contact's name); empty when none. */
  readonly remoteName: string;
  /** The number to show and redial: "2001", "+442079460000". */
  readonly number: string;
  /** Wall-clock start, ISO 8601 ("2024-05-01T09:30:00.000Z"). */
  readonly startedAt: string;
  /** Whole seconds connected; 0 for a missed call or one never answered. */
  readonly durationS: number;
  /** The account the call was on: N as in account.N. */
  readonly line: number;
}

export const CALL_HISTORY_DOCUMENT: DocumentKind = { fileName: 'call-history.json', what: 'call history', format: 'deskphone.call-history', version: 1 };
export const CALL_HISTORY_FILE = CALL_HISTORY_DOCUMENT.fileName;
/** Yealink T4x: "up to 100 entries" in each of the dialed, received and missed lists. */
export const DEFAULT_LIST_CAPACITY = 100;

export interface CallHistoryOptions extends DirectoryStoreOptions {
  /** Entries kept in each of the three lists. */
  readonly listCapacity?: number;
}

/** A history entry from untrusted data (a caller, the stored file), or why it is not one. Unknown members are left behind. */
export function readCallEntry(value: unknown): CallHistoryEntry | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  const { direction, remoteUri, remoteName, number, startedAt, durationS, line } = v;
  if (typeof direction !== 'string' || !(CALL_DIRECTIONS as readonly string[]).includes(direction)) return `unknown direction ${JSON.stringify(direction)}`;
  if (typeof remoteUri !== 'string' || typeof remoteName !== 'string' || typeof number !== 'string') return 'remoteUri, remoteName and number must be text';
  if (typeof startedAt !== 'string' || !Number.isFinite(Date.parse(startedAt))) return `startedAt ${JSON.stringify(startedAt)} is not an ISO 8601 time`;
  if (typeof durationS !== 'number' || !Number.isSafeInteger(durationS) || durationS < 0) return `durationS ${JSON.stringify(durationS)} is not a whole number of seconds`;
  if (typeof line !== 'number' || !Number.isSafeInteger(line) || line < 0) return `line ${JSON.stringify(line)} is not an account number`;
  return Object.freeze({ direction: direction as CallDirection, remoteUri, remoteName, number, startedAt, durationS, line });
}

const startMs = (e: CallHistoryEntry): number => Date.parse(e.startedAt);

export class CallHistory {
  /** Fires after every change (a call added, an entry removed, the missed count changed). */
  readonly changes = new TypedEmitter<void>();
  /** The one message about a damaged or unreadable file at open(), also logged; undefined when all was well. */
  readonly loadMessage: string | undefined;
  private list: CallHistoryEntry[] = [];
  private unseen = 0;
  private readonly capacity: number;

  private constructor(
    private readonly file: DirectoryFile,
    capacity: number,
    loaded: { missedUnseen: number; message: string | undefined },
  ) {
    this.capacity = capacity;
    this.unseen = loaded.missedUnseen;
    this.loadMessage = loaded.message;
    file.attach(() => ({ missedUnseen: this.unseen, entries: this.list }));
  }

  /** Loads the stored history; a damaged file gives an empty history and a loadMessage, never an exception. */
  static async open(options: CallHistoryOptions): Promise<CallHistory> {
    const capacity = options.listCapacity ?? DEFAULT_LIST_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`list capacity ${capacity} must be a whole number of at least 1`);
    const file = new DirectoryFile({ ...options, ...CALL_HISTORY_DOCUMENT });
    const load = await file.load();
    const stored = Array.isArray(load.members?.entries) ? (load.members.entries as unknown[]) : [];
    const entries = stored.map(readCallEntry).filter((e): e is CallHistoryEntry => typeof e !== 'string');
    const unseen = load.members?.missedUnseen;
    const history = new CallHistory(file, capacity, {
      missedUnseen: typeof unseen === 'number' && Number.isSafeInteger(unseen) && unseen > 0 ? unseen : 0,
      message: file.report(load, stored.length - entries.length),
    });
    // Oldest first, so ties keep their stored order and capping keeps the newest:
    // the capacity may be smaller than the one the file was written with.
    for (const entry of entries.reverse()) history.insert(entry);
    return history;
  }

  /** Newest first; one list, or all calls. */
  entries(direction?: CallDirection): readonly CallHistoryEntry[] {
    return direction === undefined ? [...this.list] : this.list.filter((e) => e.direction === direction);
  }

  /** Missed calls since markMissedSeen(). */
  get missedUnseen(): number {
    return this.unseen;
  }

  /**
   * Records a finished (or missed) call. Throws TypeError for an entry that
   * is not one (a bug in the caller, not a condition to report).
   */
  add(entry: CallHistoryEntry): CallHistoryEntry {
    this.file.assertOpen();
    const checked = readCallEntry(entry);
    if (typeof checked === 'string') throw new TypeError(`not a call history entry: ${checked}`);
    this.insert(checked);
    if (checked.direction === 'missed') this.unseen++;
    this.changed();
    return checked;
  }

  /** The user opened the missed-calls list. */
  markMissedSeen(): void {
    this.file.assertOpen();
    if (this.unseen === 0) return;
    this.unseen = 0;
    this.changed();
  }

  /** Removes one entry (as returned by entries() or add()); false when it is not in the history. */
  remove(entry: CallHistoryEntry): boolean {
    this.file.assertOpen();
    const i = this.list.indexOf(entry);
    if (i < 0) return false;
    this.list.splice(i, 1);
    this.changed();
    return true;
  }

  /** Empties one list, or all; emptying the missed list also clears the missed count. */
  clear(direction?: CallDirection): void {
    this.file.assertOpen();
    this.list = direction === undefined ? [] : this.list.filter((e) => e.direction !== direction);
    if (direction === undefined || direction === 'missed') this.unseen = 0;
    this.changed();
  }

  /** Writes pending changes now; resolves once they are durable. */
  async flush(): Promise<void> {
    await this.file.flush();
  }

  /** Writes pending changes and closes the history: later changes throw. */
  async dispose(): Promise<void> {
    this.changes.clear();
    await this.file.dispose();
  }

  /** In start-time order, newest first (ties: the later recorded first), then the list it joined capped. */
  private insert(entry: CallHistoryEntry): void {
    const at = this.list.findIndex((e) => startMs(e) <= startMs(entry));
    this.list.splice(at < 0 ? this.list.length : at, 0, entry);
    let kept = 0;
    this.list = this.list.filter((e) => e.direction !== entry.direction || ++kept <= this.capacity);
  }

  private changed(): void {
    this.file.changed();
    this.changes.emit();
  }
}
