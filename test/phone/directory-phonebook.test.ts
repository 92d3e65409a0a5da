import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { encodeRecord } from '../../firmware/config/store-record.js';
import type { ContactInput } from '../../firmware/phone/directory/contact.js';
import { PHONEBOOK_FILE, Phonebook, type PhonebookOptions } from '../../firmware/phone/directory/phonebook.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/phonebook/${name}`, import.meta.url));
const office = (name: string, number: string): ContactInput => ({ name, numbers: [{ label: 'office', number }] });

describe('phonebook', () => {
  let dir: string;
  let clock: VirtualClock;
  let warnings: string[];
  const open: Phonebook[] = [];
  const phonebook = async (options: Partial<PhonebookOptions> = {}): Promise<Phonebook> => {
    const p = await Phonebook.open({ dataDir: dir, clock, log: { warn: (m) => warnings.push(m) }, ...options });
    open.push(p);
    return p;
  };
  const added = (p: Phonebook, input: ContactInput): number => {
    const r = p.add(input);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r.contact.id;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-phonebook-'));
    clock = new VirtualClock();
    warnings = [];
  });
  afterEach(async () => {
    for (const p of open.splice(0)) await p.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  describe('editing', () => {
    it('adds, edits and deletes by id, listing in name order', async () => {
      const p = await phonebook();
      const bob = added(p, office('bob', '2002'));
      const alice = added(p, office('Alice', '2001'));
      assert.deepEqual(p.contacts().map((c) => c.name), ['Alice', 'bob']);
      const edit = p.edit(bob, { name: 'Zed', numbers: [{ label: 'mobile', number: '07700 900001' }], ring: 'Ring4.wav' });
      assert.ok(edit.ok);
      assert.deepEqual(p.get(bob), { id: bob, name: 'Zed', numbers: [{ label: 'mobile', number: '07700 900001' }], ring: 'Ring4.wav' });
      assert.deepEqual(p.contacts().map((c) => c.name), ['Alice', 'Zed']);
      assert.equal(p.delete(alice), true);
      assert.equal(p.delete(alice), false);
      assert.deepEqual(p.contacts().map((c) => c.id), [bob]);
    });

    it('refuses an invalid contact or edit with a reason, changing nothing', async () => {
      const p = await phonebook();
      const id = added(p, office('Alice', '2001'));
      assert.deepEqual(p.add(office('', '1')), { ok: false, reason: 'no name' });
      assert.deepEqual(p.edit(id, { name: 'Alice', numbers: [] }), { ok: false, reason: 'no number' });
      assert.deepEqual(p.edit(999, office('X', '1')), { ok: false, reason: 'no contact 999' });
      assert.deepEqual(p.contacts().map((c) => [c.name, c.numbers[0]?.number]), [['Alice', '2001']]);
    });

    it('holds at most maxContacts', async () => {
      const p = await phonebook({ maxContacts: 2 });
      added(p, office('A', '1'));
      added(p, office('B', '2'));
      assert.deepEqual(p.add(office('C', '3')), { ok: false, reason: 'the phonebook is full (2 contacts)' });
    });
  });

  describe('finding', () => {
    it('searches by name prefix (any word, any case, accents ignored) and by number digits', async () => {
      const p = await phonebook();
      added(p, office('José Smith', '+44 20 7946 0000'));
      added(p, office('Anna Johnson', '2001'));
      added(p, { name: 'Lab', numbers: [{ label: 'other', number: '2100' }, { label: 'mobile', number: '07700 900123' }] });
      assert.deepEqual(p.searchByName('jo').map((c) => c.name), ['Anna Johnson', 'José Smith']);
      assert.deepEqual(p.searchByName('SMI').map((c) => c.name), ['José Smith']);
      assert.equal(p.searchByName('').length, 3);
      assert.deepEqual(p.searchByNumber('7946').map((c) => c.name), ['José Smith']);
      assert.deepEqual(p.searchByNumber('900-123').map((c) => c.name), ['Lab']);
      assert.deepEqual(p.searchByNumber('').map((c) => c.name), []);
    });

    it('names the caller of an incoming number, preferring the exact number over a suffix match', async () => {
      const p = await phonebook();
      added(p, office('London office', '020 7946 0000'));
      added(p, { name: 'Exact', numbers: [{ label: 'office', number: '2001' }, { label: 'mobile', number: '+44 20 7946 0000' }] });
      added(p, office('Ext', '12001'));
      assert.equal(p.lookup('2001')?.contact.name, 'Exact');
      const fromPbx = p.lookup('+442079460000');
      assert.equal(fromPbx?.contact.name, 'Exact');
      assert.deepEqual(fromPbx?.number, { label: 'mobile', number: '+44 20 7946 0000' });
      assert.equal(p.lookup('00442079460000')?.contact.name, 'Exact');
      assert.equal(p.lookup('02079460000')?.contact.name, 'London office');
      assert.equal(p.lookup('3001'), undefined);
      assert.equal(p.lookup(''), undefined);
    });
  });

  describe('importing', () => {
    it('adds a Yealink remote phonebook, reporting each skipped entry with its number, line and reason', async () => {
      const p = await phonebook();
      const report = p.importYealinkXml(fixture('remote-directory.xml'), { source: 'remote-directory.xml' });
      assert.equal(report.added, 3);
      assert.deepEqual(report.skipped, [
        { line: 15, entry: 3, reason: 'no <Name>' },
        { line: 18, entry: 4, reason: 'no number' },
      ]);
      assert.equal(p.lookup('+12125550100')?.contact.name, 'Barnes & Noble \u2013 Sales');
    });

    it('adds a Yealink local contact file and a BOM CSV; meeting the same contact again skips it', async () => {
      const p = await phonebook();
      assert.equal(p.importYealinkXml(fixture('local-contacts.xml')).added, 2);
      const csv = p.importCsv(fixture('spreadsheet-bom.csv'));
      assert.equal(csv.added, 3);
      assert.deepEqual(csv.skipped.map((s) => s.line), [5, 6, 7]);
      const again = p.importYealinkXml(fixture('local-contacts.xml'));
      assert.equal(again.added, 0);
      assert.deepEqual(again.skipped.map((s) => [s.entry, s.reason]), [
        [1, 'already in the phonebook or earlier in the file'],
        [2, 'already in the phonebook or earlier in the file'],
        [3, 'no number'],
        [4, 'no display_name attribute'],
      ]);
      assert.equal(p.size, 5);
      assert.equal(p.lookup('200')?.contact.ring, 'Resource:Ring3.wav');
    });

    it('replace puts the file in place of the phonebook, but a file with nothing usable changes nothing', async () => {
      const p = await phonebook();
      added(p, office('Old', '9999'));
      const useless = p.importCsv('name,number\nNobody,\n', { replace: true });
      assert.match(useless.error ?? '', /left as it was/);
      assert.deepEqual(useless.skipped, [{ line: 2, reason: 'no number' }]);
      assert.deepEqual(p.contacts().map((c) => c.name), ['Old']);
      const report = p.importCsv('name,number\nNew,1\nNew,1\n', { replace: true });
      assert.equal(report.added, 1);
      assert.deepEqual(report.skipped, [{ line: 3, reason: 'already in the phonebook or earlier in the file' }]);
      assert.deepEqual(p.contacts().map((c) => c.name), ['New']);
    });

    it('stops at capacity, skipping the rest with the reason', async () => {
      const p = await phonebook({ maxContacts: 2 });
      const report = p.importCsv('name,number\nA,1\nB,2\nC,3\n');
      assert.equal(report.added, 2);
      assert.deepEqual(report.skipped, [{ line: 4, reason: 'the phonebook is full (2 contacts)' }]);
    });

    it('a file refused as a whole (malformed XML, not UTF-8) changes nothing and does not throw', async () => {
      const p = await phonebook();
      added(p, office('Keep', '1'));
      const xml = p.importYealinkXml('<YealinkIPPhoneDirectory><DirectoryEntry><Name>A</Name></DirectoryEntry>', { replace: true });
      assert.equal(xml.added, 0);
      assert.match(xml.error ?? '', /never closed/);
      const bytes = p.importCsv(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x2c, 0x6e, 0x75, 0x6d, 0x62, 0x65, 0x72, 0x0a, 0xff, 0x2c, 0x31]), { source: 'x.csv' });
      assert.deepEqual(bytes, { added: 0, skipped: [], error: 'line 2 is not valid UTF-8 text' });
      assert.deepEqual(p.contacts().map((c) => c.name), ['Keep']);
    });
  });

  describe('storage', () => {
    it('survives a restart with ids kept and new ids never reused', async () => {
      const p = await phonebook();
      const a = added(p, office('Alice', '2001'));
      const b = added(p, { name: 'Bob', numbers: [{ label: 'mobile', number: '07700 900002' }], ring: 'Ring2.wav' });
      p.delete(b);
      await p.dispose();
      const again = await phonebook();
      assert.equal(again.loadMessage, undefined);
      assert.deepEqual(again.contacts(), [{ id: a, name: 'Alice', numbers: [{ label: 'office', number: '2001' }] }]);
      assert.ok(added(again, office('Carol', '3')) > b);
    });

    it('an import is saved once, after the save delay', async () => {
      const p = await phonebook({ saveDelayMs: 2000 });
      p.importYealinkXml(fixture('remote-directory.xml'));
      await clock.advanceAsync(1999);
      const before = await Phonebook.open({ dataDir: dir, clock });
      assert.equal(before.size, 0);
      await before.dispose();
      await clock.advanceAsync(1);
      await p.flush();
      const after = await phonebook();
      assert.equal(after.size, 3);
    });

    it('a corrupt file gives an empty phonebook and one message naming the file', async () => {
      await writeFile(join(dir, PHONEBOOK_FILE), '\u0000\u0000\u0000 garbage from a torn write');
      const p = await phonebook();
      assert.equal(p.size, 0);
      assert.deepEqual(warnings, [p.loadMessage]);
      assert.match(p.loadMessage ?? '', new RegExp(`^phonebook ${join(dir, PHONEBOOK_FILE).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*starting with an empty phonebook$`));
    });

    it('a file from a newer firmware loads what it understands: unknown members ignored, unknown labels read as other', async () => {
      const doc = {
        format: 'deskphone.phonebook',
        version: 2,
        nextId: 40,
        groups: [{ name: 'Friends' }],
        contacts: [
          { id: 7, name: 'Alice', numbers: [{ label: 'office', number: '2001' }, { label: 'fax', number: '2009' }], group: 'Friends' },
          { id: 8, name: '', numbers: [{ label: 'office', number: '2' }] },
          { id: 7, name: 'Duplicate id', numbers: [{ label: 'office', number: '3' }] },
          { uuid: 'x', name: 'No id', numbers: [] },
        ],
      };
      await writeFile(join(dir, PHONEBOOK_FILE), encodeRecord({ generation: 4, body: Buffer.from(JSON.stringify(doc)) }));
      const p = await phonebook();
      assert.deepEqual(p.contacts(), [
        { id: 7, name: 'Alice', numbers: [{ label: 'office', number: '2001' }, { label: 'other', number: '2009' }] },
      ]);
      assert.match(p.loadMessage ?? '', /3 items not understood \(written by a newer firmware, version 2\) left out/);
      assert.equal(added(p, office('Next', '5')), 40);
    });
  });
});
