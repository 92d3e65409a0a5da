import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { DurableRecord } from '../../firmware/config/durable-record.js';
import { resolveConfig } from '../../firmware/config/layers.js';
import { formatMac, normalizeMac, randomLocalMac } from '../../firmware/config/mac-address.js';
import { ConfigStore, LOCAL_FILE, PROVISIONED_FILE, type CachedDownload } from '../../firmware/config/store.js';
import { decodeRecord, encodeRecord } from '../../firmware/config/store-record.js';

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('store record: body + trailer with generation and SHA-256', () => {
  const body = Buffer.from('#!version:1.0.0.1\naccount.1.label = Desk\n');

  it('reads back what it wrote, and the trailer is a .cfg comment line', () => {
    const file = encodeRecord({ generation: 7, body });
    const decoded = decodeRecord(file);
    assert.ok(decoded.ok);
    assert.equal(decoded.record.generation, 7);
    assert.equal(text(decoded.record.body), text(body));
    const lines = text(file).trimEnd().split('\n');
    assert.match(lines.at(-1) ?? '', /^#deskphone-store:1 generation=7 bytes=41 sha256=[0-9a-f]{64}$/);
    // The stored file is still a Yealink .cfg: the trailer is read as a comment.
    const parsed = parseCfg(text(file), 'local.cfg');
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(parsed.entries.map((e) => [e.key, e.value]), [['account.1.label', 'Desk']]);
  });

  it('a body without a final line break and an empty body both round-trip', () => {
    for (const b of [Buffer.from('no newline'), Buffer.alloc(0)]) {
      const decoded = decodeRecord(encodeRecord({ generation: 1, body: b }));
      assert.ok(decoded.ok);
      assert.equal(text(decoded.record.body), text(b));
    }
  });

  it('every truncation of the file is refused', () => {
    const file = encodeRecord({ generation: 3, body });
    for (let cut = 0; cut < file.length; cut++) {
      const decoded = decodeRecord(file.subarray(0, cut));
      assert.equal(decoded.ok, false, `cut at ${cut} of ${file.length} was accepted`);
    }
  });

  it('a flipped byte in the body or the trailer is refused, with a reason', () => {
    const file = encodeRecord({ generation: 3, body });
    for (const at of [0, 20, body.length - 2, body.length + 30, file.length - 5]) {
      const damaged = Buffer.from(file);
      damaged[at] = (damaged[at] ?? 0) ^ 0x01;
      const decoded = decodeRecord(damaged);
      assert.equal(decoded.ok, false, `flip at ${at} was accepted`);
      if (!decoded.ok) assert.ok(decoded.reason.length > 0);
    }
  });

  it('a file that has no trailer (written by hand) is refused as such', () => {
    const decoded = decodeRecord(body);
    assert.deepEqual(decoded, { ok: false, reason: 'no store trailer on the last line (cut short, or not written by the store)' });
  });
});

describe('DurableRecord: two generations, the newest good one wins', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-record-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fresh(name: string): Promise<DurableRecord> {
    const record = new DurableRecord(dir, name);
    await record.load();
    await record.save(Buffer.from('first\n'));
    await record.save(Buffer.from('second\n'));
    return record;
  }

  it('saves rotate the current file to .bak and leave no temporary file', async () => {
    const record = await fresh('a.cfg');
    assert.equal(text(decodeOk(await readFile(record.path)).body), 'second\n');
    assert.equal(text(decodeOk(await readFile(record.backupPath)).body), 'first\n');
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('a.cfg')).sort(), ['a.cfg', 'a.cfg.bak']);
    const loaded = await new DurableRecord(dir, 'a.cfg').load();
    assert.deepEqual([loaded.source, loaded.generation, text(loaded.body), loaded.notes], ['current', 2, 'second\n', []]);
  });

  it('a torn current file: the backup is used, and the report says which and why', async () => {
    const record = await fresh('b.cfg');
    await truncate(record.path, 10);
    const loaded = await new DurableRecord(dir, 'b.cfg').load();
    assert.equal(loaded.source, 'backup');
    assert.equal(text(loaded.body), 'first\n');
    assert.deepEqual(loaded.notes, [
      'b.cfg: the file does not end with its trailer line (cut short); using b.cfg.bak, generation 1',
    ]);
  });

  it('a missing current file (cut between the renames): the backup is used', async () => {
    const record = await fresh('c.cfg');
    await rm(record.path);
    const loaded = await new DurableRecord(dir, 'c.cfg').load();
    assert.equal(loaded.source, 'backup');
    assert.match(loaded.notes[0] ?? '', /c\.cfg is missing .* using c\.cfg\.bak, generation 1/);
  });

  it('after falling back, the next save keeps the good backup and replaces the bad file', async () => {
    const record = await fresh('d.cfg');
    await writeFile(record.path, 'garbage');
    const reopened = new DurableRecord(dir, 'd.cfg');
    assert.equal((await reopened.load()).source, 'backup');
    assert.equal(await reopened.save(Buffer.from('third\n')), 2);
    assert.equal(text(decodeOk(await readFile(reopened.backupPath)).body), 'first\n');
    const again = await new DurableRecord(dir, 'd.cfg').load();
    assert.deepEqual([again.source, text(again.body)], ['current', 'third\n']);
  });

  it('both copies damaged: nothing is used, never an exception, each reason reported', async () => {
    const record = await fresh('e.cfg');
    await truncate(record.path, 3);
    await writeFile(record.backupPath, '');
    const loaded = await new DurableRecord(dir, 'e.cfg').load();
    assert.equal(loaded.source, 'none');
    assert.equal(loaded.body, undefined);
    assert.equal(loaded.notes.length, 3);
    assert.match(loaded.notes[2] ?? '', /no good copy of e\.cfg/);
  });

  it('a left-over temporary file is discarded at load and reported', async () => {
    const record = await fresh('f.cfg');
    await writeFile(record.tempPath, 'half a wri');
    const loaded = await new DurableRecord(dir, 'f.cfg').load();
    assert.equal(loaded.source, 'current');
    assert.deepEqual(loaded.notes, ['f.cfg.tmp: an interrupted write was discarded']);
    await assert.rejects(stat(record.tempPath));
  });

  it('a body check refuses a checksummed but meaningless copy', async () => {
    const record = await fresh('g.cfg');
    const checked = new DurableRecord(dir, 'g.cfg', (b) => (text(b).startsWith('second') ? 'wrong version' : undefined));
    const loaded = await checked.load();
    assert.equal(loaded.source, 'backup');
    assert.equal(loaded.notes[0], 'g.cfg: wrong version; using g.cfg.bak, generation 1');
    assert.ok(record.path.endsWith('g.cfg'));
  });
});

function decodeOk(bytes: Uint8Array): { generation: number; body: Uint8Array } {
  const decoded = decodeRecord(bytes);
  assert.ok(decoded.ok, 'expected a good record');
  return decoded.record;
}

describe('ConfigStore', () => {
  let root = '';
  let n = 0;
  const dataDir = (): string => join(root, `data-${++n}`);
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'deskphone-store-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('an empty data directory: no local changes, no cache, nothing to report', async () => {
    const store = await ConfigStore.open(dataDir());
    assert.deepEqual(store.localLayer().entries, []);
    assert.deepEqual(store.provisionedCache(), []);
    assert.deepEqual(store.loadMessages(), []);
    assert.deepEqual(
      store.loadReport.map((r) => [r.name, r.source]),
      [
        [LOCAL_FILE, 'none'],
        [PROVISIONED_FILE, 'none'],
      ],
    );
  });

  it('local changes are validated, saved as a Yealink .cfg (mode 600), and survive a reopen', async () => {
    const dir = dataDir();
    const store = await ConfigStore.open(dir);
    const result = await store.changeLocal([
      { key: 'account.1.label', value: 'Front desk' },
      { key: 'account.1.password', value: 's3cret' },
      { key: 'account.1.sip_server_port', value: '5070' },
    ]);
    assert.deepEqual(result, { ok: true, changed: true });
    const path = join(dir, LOCAL_FILE);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const onDisk = await readFile(path, 'utf8');
    assert.match(onDisk, /^#!version:1\.0\.0\.1\n/);
    assert.match(onDisk, /^account\.1\.sip_server\.1\.port = 5070$/m);

    const reopened = await ConfigStore.open(dir);
    const config = resolveConfig({ local: reopened.localLayer() });
    assert.equal(config.get('account.1.label'), 'Front desk');
    assert.equal(config.get('account.1.sip_server.1.port'), 5070);
    assert.deepEqual(config.source('account.1.label'), { layer: 'local', name: path, line: 3 });
  });

  it('a change with one bad value saves nothing; null removes a local change; no-op is not written', async () => {
    const dir = dataDir();
    const store = await ConfigStore.open(dir);
    await store.changeLocal([{ key: 'account.1.label', value: 'A' }]);
    const bad = await store.changeLocal([
      { key: 'account.1.label', value: 'B' },
      { key: 'sip.listen_port', value: '99999' },
    ]);
    assert.deepEqual(bad, { ok: false, errors: ['sip.listen_port = 99999: must be an integer 0..65535'] });
    assert.equal(store.localLayer().entries[0]?.value, 'A');

    assert.deepEqual(await store.changeLocal([{ key: 'account.1.label', value: 'A' }]), { ok: true, changed: false });
    assert.deepEqual(await store.changeLocal([{ key: 'account.1.label', value: null }]), { ok: true, changed: true });
    assert.deepEqual((await ConfigStore.open(dir)).localLayer().entries, []);
  });

  it('concurrent changes are applied one after the other: none is lost', async () => {
    const store = await ConfigStore.open(dataDir());
    await Promise.all(
      [1, 2, 3, 4, 5, 6].map((N) => store.changeLocal([{ key: `account.${N}.label`, value: `line ${N}` }])),
    );
    assert.equal(store.localLayer().entries.length, 6);
  });

  it('a torn local.cfg at start: the previous one is used and the report says so', async () => {
    const dir = dataDir();
    const store = await ConfigStore.open(dir);
    await store.changeLocal([{ key: 'account.1.label', value: 'old' }]);
    await store.changeLocal([{ key: 'account.1.label', value: 'new' }]);
    const path = join(dir, LOCAL_FILE);
    await truncate(path, (await stat(path)).size - 20);
    const reopened = await ConfigStore.open(dir);
    assert.equal(reopened.localLayer().entries[0]?.value, 'old');
    assert.deepEqual(reopened.loadReport[0]?.source, 'backup');
    assert.match(reopened.loadMessages()[0] ?? '', /^local\.cfg: .*; using local\.cfg\.bak, generation 1$/);
  });

  it('keeps the provisioning cache; a cache that is not one falls back like a torn file', async () => {
    const dir = dataDir();
    const store = await ConfigStore.open(dir);
    const file: CachedDownload = {
      name: 'y000000000000.cfg',
      url: 'http://prov.example/y000000000000.cfg',
      etag: '"v1"',
      sha256: 'ab'.repeat(32),
      fetchedAt: '2024-01-01T00:00:00.000Z',
      text: '#!version:1.0.0.1\naccount.1.label = P\n',
    };
    await store.saveProvisionedCache([file]);
    assert.deepEqual((await ConfigStore.open(dir)).provisionedCache(), [file]);

    await store.saveProvisionedCache([{ ...file, etag: '"v2"' }]);
    // A checksummed file whose body is not a cache (as after a downgrade): the older copy is used.
    await writeFile(join(dir, PROVISIONED_FILE), encodeRecord({ generation: 9, body: Buffer.from('{"version":99}\n') }));
    const reopened = await ConfigStore.open(dir);
    assert.deepEqual(reopened.provisionedCache(), [file]);
    assert.match(reopened.loadMessages().join('\n'), /provisioned\.json: unknown cache version 99; using provisioned\.json\.bak/);
  });

  it('factory reset removes local changes and provisioned downloads, keeps the MAC', async () => {
    const dir = dataDir();
    const store = await ConfigStore.open(dir);
    const mac = await store.macAddress();
    await store.changeLocal([{ key: 'account.1.label', value: 'x' }]);
    await store.changeLocal([{ key: 'account.1.label', value: 'y' }]);
    await store.saveProvisionedCache([]);
    await store.factoryReset();
    assert.deepEqual(store.localLayer().entries, []);
    assert.deepEqual((await readdir(dir)).sort(), ['device-mac']);
    const reopened = await ConfigStore.open(dir);
    assert.deepEqual(reopened.localLayer().entries, []);
    assert.equal(await reopened.macAddress(() => assert.fail('must not generate a new MAC')), mac);
  });
});

describe('MAC addresses', () => {
  it('normalizes the usual spellings to twelve lowercase hex digits', () => {
    for (const written of ['00:15:65:12:34:AB', '00-15-65-12-34-ab', '0015.6512.34ab', '0015651234AB', ' 0015651234ab ']) {
      assert.equal(normalizeMac(written), '0015651234ab', written);
    }
    for (const bad of ['00:15:65:12:34', '00:15-65:12:34:ab', 'g015651234ab', '']) assert.equal(normalizeMac(bad), undefined, bad);
    assert.equal(formatMac('0015651234ab'), '00:15:65:12:34:ab');
  });

  it('a generated MAC is locally administered and unicast (IEEE 802 U/L and I/G bits)', () => {
    assert.equal(randomLocalMac(() => new Uint8Array([0xff, 1, 2, 3, 4, 5])), 'fe0102030405');
    assert.equal(randomLocalMac(() => new Uint8Array([0x00, 1, 2, 3, 4, 5])), '020102030405');
  });
});
