import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { encodeRecord } from '../../firmware/config/store-record.js';
import {
  CALL_HISTORY_FILE,
  CallHistory,
  type CallHistoryEntry,
  type CallHistoryOptions,
} from '../../firmware/phone/directory/call-history.js';

function call(direction: CallHistoryEntry['direction'], number: string, startedAt: string, durationS = 0): CallHistoryEntry {
  return { direction, remoteUri: `sip:${number}@pbx.example.com`, remoteName: `Caller ${number}`, number, startedAt, durationS, line: 1 };
}

/** A stored file as the store writes it (body + checksummed trailer), for files a test crafts. */
async function writeStored(dir: string, body: unknown, generation = 1, name = CALL_HISTORY_FILE): Promise<void> {
  await writeFile(join(dir, name), encodeRecord({ generation, body: Buffer.from(JSON.stringify(body)) }));
}

describe('call history', () => {
  let dir: string;
  let clock: VirtualClock;
  let warnings: string[];
  const open: CallHistory[] = [];
  const history = async (options: Partial<CallHistoryOptions> = {}): Promise<CallHistory> => {
    const h = await CallHistory.open({ dataDir: dir, clock, log: { warn: (m) => warnings.push(m) }, ...options });
    open.push(h);
    return h;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-history-'));
    clock = new VirtualClock();
    warnings = [];
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists newest first by start time, each list on its own', async () => {
    const h = await history();
    h.add(call('dialed', '2001', '2024-05-01T09:00:00Z', 60));
    h.add(call('missed', '2002', '2024-05-01T10:00:00Z'));
    h.add(call('received', '2003', '2024-05-01T09:30:00Z', 5));
    assert.deepEqual(h.entries().map((e) => e.number), ['2002', '2003', '2001']);
    assert.deepEqual(h.entries('received').map((e) => e.number), ['2003']);
    assert.deepEqual(h.entries('missed').map((e) => e.number), ['2002']);
  });

  it('keeps at most listCapacity entries in each list, dropping the oldest of that list only', async () => {
    const h = await history({ listCapacity: 2 });
    for (let i = 0; i < 4; i++) h.add(call('dialed', `10${i}`, `2024-05-01T09:0${i}:00Z`));
    h.add(call('received', '200', '2024-05-01T08:00:00Z'));
    assert.deepEqual(h.entries('dialed').map((e) => e.number), ['103', '102']);
    assert.deepEqual(h.entries('received').map((e) => e.number), ['200']);
  });

  it('counts missed calls until markMissedSeen(), and tells listeners of each change', async () => {
    const h = await history();
    let changes = 0;
    h.changes.on(() => changes++);
    h.add(call('missed', '1', '2024-05-01T09:00:00Z'));
    h.add(call('missed', '2', '2024-05-01T09:01:00Z'));
    h.add(call('received', '3', '2024-05-01T09:02:00Z'));
    assert.equal(h.missedUnseen, 2);
    h.markMissedSeen();
    assert.equal(h.missedUnseen, 0);
    h.markMissedSeen();
    assert.equal(changes, 4);
    h.add(call('missed', '4', '2024-05-01T09:03:00Z'));
    h.clear('missed');
    assert.equal(h.missedUnseen, 0);
    assert.deepEqual(h.entries().map((e) => e.number), ['3']);
  });

  it('refuses an entry that is not one, as a programming error', async () => {
    const h = await history();
    assert.throws(() => h.add({ ...call('dialed', '1', 'yesterday'), startedAt: 'yesterday' }), /not an ISO 8601 time/);
    assert.throws(() => h.add({ ...call('dialed', '1', '2024-05-01T09:00:00Z'), durationS: -1 }), TypeError);
    assert.deepEqual(h.entries(), []);
  });

  it('writes once, saveDelayMs after the first of a burst of changes, and the next start reads it back', async () => {
    const h = await history({ saveDelayMs: 500 });
    h.add(call('dialed', '2001', '2024-05-01T09:00:00Z', 61));
    await clock.advanceAsync(300);
    h.add(call('missed', '2002', '2024-05-01T09:05:00Z'));
    await assert.rejects(readFile(join(dir, CALL_HISTORY_FILE)), { code: 'ENOENT' });
    await clock.advanceAsync(200);
    await h.flush(); // the timer's save is under way; flush() waits for it
    const stored = (await readFile(join(dir, CALL_HISTORY_FILE), 'utf8')).split('\n#deskphone-store:1 ')[0] ?? '';
    const doc = JSON.parse(stored) as { format: string; version: number; missedUnseen: number; entries: unknown[] };
    assert.equal(doc.format, 'deskphone.call-history');
    assert.equal(doc.missedUnseen, 1);
    assert.equal(doc.entries.length, 2);
    assert.equal(clock.pendingCount, 0);

    const again = await CallHistory.open({ dataDir: dir, clock });
    open.push(again);
    assert.deepEqual(again.entries(), h.entries());
    assert.equal(again.missedUnseen, 1);
    assert.equal(again.loadMessage, undefined);
  });

  it('dispose() writes what is pending, clears its timer, and later changes throw', async () => {
    const h = await CallHistory.open({ dataDir: dir, clock, saveDelayMs: 60_000 });
    h.add(call('received', '2001', '2024-05-01T09:00:00Z', 3));
    assert.equal(clock.pendingCount, 1);
    await h.dispose();
    assert.equal(clock.pendingCount, 0);
    assert.throws(() => h.add(call('dialed', '1', '2024-05-01T09:00:00Z')), /closed/);
    const again = await history();
    assert.deepEqual(again.entries().map((e) => e.number), ['2001']);
  });

  it('a corrupt file gives an empty history and one message naming the file, not a crash', async () => {
    await writeFile(join(dir, CALL_HISTORY_FILE), '{"format":"deskphone.call-history","version":1,"entries":[{"dire');
    const h = await history();
    assert.deepEqual(h.entries(), []);
    assert.equal(warnings.length, 1);
    assert.equal(h.loadMessage, warnings[0]);
    assert.ok(h.loadMessage?.includes(join(dir, CALL_HISTORY_FILE)), h.loadMessage);
    assert.match(h.loadMessage ?? '', /trailer.*starting with an empty call history$/);
    // And the phone goes on recording calls over it.
    h.add(call('dialed', '1', '2024-05-01T09:00:00Z'));
    await h.flush();
    const again = await history();
    assert.equal(again.entries().length, 1);
  });

  it('a checksum-valid file that is not a call history is refused likewise', async () => {
    await writeStored(dir, ['not', 'a', 'history']);
    const h = await history();
    assert.deepEqual(h.entries(), []);
    assert.match(h.loadMessage ?? '', /not a JSON object; starting with an empty call history/);
  });

  it('a damaged current file falls back to the good .bak generation, and says so', async () => {
    const h = await history();
    h.add(call('dialed', 'first', '2024-05-01T09:00:00Z'));
    await h.flush();
    h.add(call('dialed', 'second', '2024-05-01T09:01:00Z'));
    await h.flush();
    await h.dispose();
    // A flipped byte in the newest generation.
    const path = join(dir, CALL_HISTORY_FILE);
    const bytes = await readFile(path);
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41;
    await writeFile(path, bytes);
    const again = await history();
    assert.deepEqual(again.entries().map((e) => e.number), ['first']);
    assert.match(again.loadMessage ?? '', /checksum does not match.*using call-history\.json\.bak, generation 1/);
    assert.doesNotMatch(again.loadMessage ?? '', /starting with an empty/);
  });

  it('a write cut short by a power cut (a stray .tmp) leaves the previous history', async () => {
    const h = await history();
    h.add(call('received', 'kept', '2024-05-01T09:00:00Z'));
    await h.dispose();
    await writeFile(join(dir, `${CALL_HISTORY_FILE}.tmp`), '{"format":"deskphone.call-hi');
    const again = await history();
    assert.deepEqual(again.entries().map((e) => e.number), ['kept']);
    assert.match(again.loadMessage ?? '', /interrupted write was discarded/);
  });

  it('a file from a newer firmware loads what this one understands', async () => {
    await writeStored(dir, {
      format: 'deskphone.call-history',
      version: 3,
      missedUnseen: 1,
      pinned: ['whatever a newer firmware keeps'],
      entries: [
        { ...call('missed', '2002', '2024-05-01T10:00:00Z'), video: true, tags: ['vip'] },
        { ...call('received', '2003', '2024-05-01T09:00:00Z'), direction: 'forwarded' },
        { ...call('dialed', '2004', '2024-05-01T08:00:00Z', 30), recording: 'rec-1.wav' },
      ],
    });
    const h = await history();
    assert.deepEqual(h.entries(), [call('missed', '2002', '2024-05-01T10:00:00Z'), call('dialed', '2004', '2024-05-01T08:00:00Z', 30)]);
    assert.equal(h.missedUnseen, 1);
    assert.match(h.loadMessage ?? '', /1 item not understood \(written by a newer firmware, version 3\) left out/);
  });

  it('a save that fails is reported, and the change is kept to be written by the next flush', async () => {
    const h = await history({ saveDelayMs: 10 });
    // The data directory replaced by a file: every write fails (ENOTDIR), even for root.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a directory');
    h.add(call('dialed', '1', '2024-05-01T09:00:00Z'));
    await clock.advanceAsync(10);
    await assert.rejects(h.flush(), { code: 'ENOTDIR' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /could not save the call history to .*call-history\.json: .*tried again on the next change/);
    await rm(dir);
    await mkdir(dir);
    await h.flush();
    const again = await history();
    assert.deepEqual(again.entries().map((e) => e.number), ['1']);
  });
});
