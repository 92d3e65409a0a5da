/**
 * The web backend of the running phone over the phone's real stores: a
 * CallHistory and a Phonebook in a temporary data directory, the live
 * configuration there too, and the web app in front of it for the import.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { ConfigRuntime } from '../../firmware/config/config-runtime.js';
import type { CallSummary } from '../../firmware/phone/calls/call-manager.js';
import { CallHistory, Phonebook, type CallHistoryEntry } from '../../firmware/phone/directory/index.js';
import { PhoneBackend } from '../../firmware/web/phone-backend.js';
import { startWebOver, TestClient, type TestWeb } from './web-fixture.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/phonebook/${name}`, import.meta.url), 'utf8');

const call = (direction: CallHistoryEntry['direction'], number: string, startedAt: string, remoteName = ''): CallHistoryEntry => ({
  direction,
  remoteUri: `sip:${number}@pbx.example.com`,
  remoteName,
  number,
  startedAt,
  durationS: direction === 'missed' ? 0 : 30,
  line: 1,
});

describe('the phone backend over the call history and phonebook', () => {
  let dir: string;
  let clock: VirtualClock;
  let config: ConfigRuntime;
  let history: CallHistory;
  let phonebook: Phonebook;
  let liveCalls: CallSummary[];
  let backend: PhoneBackend;
  const cleanups: (() => Promise<void>)[] = [];

  const backendOver = (stores: { history?: CallHistory; phonebook?: Phonebook; calls?: () => readonly CallSummary[] }): PhoneBackend =>
    new PhoneBackend({
      config,
      sipListeners: () => [],
      logLines: () => [],
      traceFile: () => undefined,
      traceRunning: () => false,
      setTrace: () => Promise.resolve(),
      startedAt: 0,
      now: () => clock.now(),
      reboot: () => Promise.resolve(),
      ...stores,
    });

  /** The web app over the backend, logged in. */
  const web = async (): Promise<{ web: TestWeb<PhoneBackend>; client: TestClient }> => {
    const running = await startWebOver(backend);
    cleanups.push(() => running.close());
    const client = new TestClient(running.url);
    await client.loginReady();
    return { web: running, client };
  };

  /** A second phonebook on the same data directory: what a restart would find stored. */
  const storedContacts = async (): Promise<string[]> => {
    const again = await Phonebook.open({ dataDir: dir, clock });
    const names = again.contacts().map((c) => c.name);
    await again.dispose();
    return names;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-web-backend-'));
    clock = new VirtualClock(Date.parse('2025-03-04T12:00:00Z'));
    config = await ConfigRuntime.open(undefined, dir);
    history = await CallHistory.open({ dataDir: dir, clock });
    phonebook = await Phonebook.open({ dataDir: dir, clock });
    liveCalls = [];
    backend = backendOver({ history, phonebook, calls: () => liveCalls });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await history.dispose();
    await phonebook.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('the call history is the stored one, newest first, in the web page\'s words', () => {
    history.add(call('dialed', '2001', '2025-03-04T09:00:00.000Z', 'Alice'));
    history.add(call('missed', '+442079460000', '2025-03-04T11:00:00.000Z'));
    history.add(call('received', '2002', '2025-03-04T10:00:00.000Z', 'Bob'));
    assert.deepEqual(backend.callHistory(), [
      { startedAt: '2025-03-04T11:00:00.000Z', direction: 'missed', remote: '+442079460000', account: 1, durationSeconds: 0 },
      { startedAt: '2025-03-04T10:00:00.000Z', direction: 'incoming', remote: 'Bob', account: 1, durationSeconds: 30 },
      { startedAt: '2025-03-04T09:00:00.000Z', direction: 'outgoing', remote: 'Alice', account: 1, durationSeconds: 30 },
    ]);
  });

  it('status shows the calls in progress, not the ones that ended', () => {
    const base: CallSummary = {
      id: 'a',
      line: 1,
      direction: 'outgoing',
      state: 'connected',
      remote: 'sip:2001@pbx.example.com',
      remoteName: 'Alice',
      codec: 'opus',
      localDirection: 'sendrecv',
      secure: true,
      conference: false,
      notice: null,
      durationS: 12,
    };
    liveCalls = [base, { ...base, id: 'b', state: 'ended' }];
    assert.deepEqual(backend.status().calls, [
      { account: 1, direction: 'outgoing', remote: 'Alice', state: 'connected', codec: 'opus', secure: true, durationSeconds: 12 },
    ]);
  });

  it('a CSV file uploaded on the web page replaces the phonebook, reports each skipped line, and is stored', async () => {
    phonebook.add({ name: 'Old contact', numbers: [{ label: 'office', number: '999' }] });
    const { client } = await web();
    const answer = await client.post('/api/phonebook/import', { text: fixture('spreadsheet-bom.csv') });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json?.['format'], 'csv');
    assert.equal(answer.json?.['added'], 3);
    assert.deepEqual(answer.json?.['messages'], [
      'CSV file: 3 contacts added, 3 skipped',
      'CSV file: line 5: no number',
      'CSV file: line 6: text after the closing quote of a field (RFC 4180 §2.5)',
      'CSV file: line 7: 5 fields where the header has 4',
    ]);
    const listed = (await client.get('/api/phonebook')).json?.['contacts'] as { name: string; numbers: { label: string; number: string }[] }[];
    assert.deepEqual(
      listed.map((c) => c.name),
      ['Bob Jones', 'Carol Multi', 'Smith, Alice'],
    );
    assert.deepEqual(listed[2]?.numbers, [
      { label: 'office', number: '2001' },
      { label: 'mobile', number: '+44 7700 900123' },
    ]);
    assert.deepEqual(await storedContacts(), ['Bob Jones', 'Carol Multi', 'Smith, Alice']);
  });

  it('a Yealink XML phonebook is recognised and imported, skipped entries named by entry and line', async () => {
    const { client } = await web();
    const answer = await client.post('/api/phonebook/import', { text: fixture('remote-directory.xml') });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json?.['format'], 'yealink-xml');
    assert.deepEqual(answer.json?.['messages'], [
      'Yealink XML file: 3 contacts added, 2 skipped',
      'Yealink XML file: entry 3 (line 15): no <Name>',
      'Yealink XML file: entry 4 (line 18): no number',
    ]);
    assert.deepEqual(
      backend.contacts().map((c) => c.name),
      ['Alice Smith', 'Barnes & Noble – Sales', 'Ops <night shift>'],
    );
  });

  it('the export reads back through the import as the same phonebook', async () => {
    const { client } = await web();
    assert.equal((await client.post('/api/phonebook/import', { text: fixture('local-contacts.xml') })).status, 200);
    const before = backend.contacts().map(({ name, numbers, ring }) => ({ name, numbers, ring }));
    const exported = (await client.get('/api/phonebook/export')).text;
    const again = await client.post('/api/phonebook/import', { text: exported });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json?.['skipped'], []);
    assert.deepEqual(
      backend.contacts().map(({ name, numbers, ring }) => ({ name, numbers, ring })),
      before,
    );
    assert.ok(before.some((c) => c.ring === 'Resource:Ring3.wav'), 'the ring tone went through the CSV file');
  });

  it('a file with no importable contact is a 400 that says why, and the phonebook stays as it was', async () => {
    phonebook.add({ name: 'Keep me', numbers: [{ label: 'office', number: '100' }] });
    const { client, web: running } = await web();
    const answer = await client.post('/api/phonebook/import', { text: 'name,number\r\nNobody,\r\n' });
    assert.equal(answer.status, 400);
    assert.match(String(answer.json?.['error']), /^CSV file: not imported: no contact in the file could be imported/);
    assert.deepEqual(answer.json?.['messages'], [answer.json?.['error'], 'CSV file: line 2: no number']);
    const broken = await client.post('/api/phonebook/import', { text: '<YealinkIPPhoneDirectory><DirectoryEntry>' });
    assert.equal(broken.status, 400);
    assert.match(String(broken.json?.['error']), /^Yealink XML file: not imported: not well-formed XML/);
    assert.deepEqual(
      backend.contacts().map((c) => c.name),
      ['Keep me'],
    );
    assert.ok(running.log.some((l) => l.includes('not imported')));
  });

  it('factory reset empties the history and the phonebook, on disk too', async () => {
    history.add(call('missed', '2001', '2025-03-04T09:00:00.000Z'));
    phonebook.add({ name: 'Alice', numbers: [{ label: 'office', number: '2001' }] });
    phonebook.add({ name: 'Bob', numbers: [{ label: 'office', number: '2002' }] });
    await backend.factoryReset();
    assert.deepEqual(backend.callHistory(), []);
    assert.deepEqual(backend.contacts(), []);
    assert.equal(history.missedUnseen, 0);
    assert.deepEqual(await storedContacts(), []);
    const storedHistory = await CallHistory.open({ dataDir: dir, clock });
    assert.deepEqual(storedHistory.entries(), []);
    await storedHistory.dispose();
  });

  it('without the stores the lists are empty and an import is refused, not lost', async () => {
    const bare = backendOver({});
    assert.deepEqual(bare.callHistory(), []);
    assert.deepEqual(bare.contacts(), []);
    assert.deepEqual(bare.status().calls, []);
    const report = await bare.importContacts({ format: 'csv', text: 'name,number\r\nAnn,1\r\n' });
    assert.equal(report.added, 0);
    assert.match(report.error ?? '', /no phonebook/);
  });
});
