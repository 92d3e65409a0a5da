import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { formatCfg } from '../../firmware/config/cfg-writer.js';
import { resolveConfig } from '../../firmware/config/layers.js';
import { ConfigFileError, loadConfigFile } from '../../firmware/config/load.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/config/phone.cfg', import.meta.url));

describe('loadConfigFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads UTF-8 with a byte order mark and CRLF line ends; diagnostics name the path', async () => {
    const path = join(dir, 'windows.cfg');
    await writeFile(path, '\uFEFF#!version:1.0.0.1\r\naccount.1.label = Zoë\r\nsip.listen_port = 1e3\r\n', 'utf8');
    const parsed = await loadConfigFile(path);
    assert.equal(parsed.name, path);
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.value, e.line]),
      [['account.1.label', 'Zoë', 2]],
    );
    assert.deepEqual(
      parsed.diagnostics.map((d) => d.text),
      [`${path}:3: sip.listen_port = 1e3: must be an integer 0..65535`],
    );
  });

  it('a missing file: an error that names the path and says the file does not exist', async () => {
    const path = join(dir, 'nope.cfg');
    await assert.rejects(loadConfigFile(path), (e: unknown) => {
      assert.ok(e instanceof ConfigFileError);
      assert.equal(e.path, path);
      assert.equal(e.problem, 'missing');
      assert.equal(e.message, `${path}: cannot read the configuration file: no such file`);
      return true;
    });
  });

  it('a directory: an error that says so', async () => {
    await assert.rejects(loadConfigFile(dir), (e: unknown) => {
      assert.ok(e instanceof ConfigFileError);
      assert.equal(e.problem, 'not-a-file');
      assert.equal(e.message, `${dir}: cannot read the configuration file: it is a directory`);
      return true;
    });
  });

  it('bytes that are not UTF-8: an error naming the file and the line', async () => {
    const path = join(dir, 'latin1.cfg');
    await writeFile(path, Buffer.concat([Buffer.from('#!version:1.0.0.1\naccount.1.label = Zo'), Buffer.from([0xeb]), Buffer.from('\n')]));
    await assert.rejects(loadConfigFile(path), (e: unknown) => {
      assert.ok(e instanceof ConfigFileError);
      assert.equal(e.problem, 'encoding');
      assert.equal(e.message, `${path}: line 2 is not valid UTF-8 text`);
      return true;
    });
  });
});

describe('test/fixtures/config/phone.cfg', () => {
  it('loads without a diagnostic, as alice over UDP and bob over TCP on 127.0.0.1', async () => {
    const parsed = await loadConfigFile(FIXTURE);
    assert.deepEqual(parsed.diagnostics, []);
    const { view, problems } = resolveConfig({ file: parsed });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      view.accounts.map((a) => [a.index, a.userName, a.authName, a.password, a.servers.map((s) => `${s.transport}:${s.address}:${s.port}`)]),
      [
        [1, 'alice', 'alice', 'alice-secret', ['udp:127.0.0.1:5060']],
        [2, 'bob', 'bob', 'bob-secret', ['tcp:127.0.0.1:5060']],
      ],
    );
    assert.equal(view.sip.listenPort, 5070);
  });

  it('round trip: written back with formatCfg and parsed again, it gives the same settings and view', async () => {
    const first = await loadConfigFile(FIXTURE);
    const text = formatCfg(first.entries, { comments: ['written by the round-trip test'] });
    const second = parseCfg(text, 'rewritten.cfg');
    assert.deepEqual(second.diagnostics, []);
    const strip = (entries: typeof first.entries): unknown[] => entries.map((e) => [e.key, e.value, e.reset]);
    assert.deepEqual(strip(second.entries), strip(first.entries));
    assert.deepEqual(resolveConfig({ file: second }).view, resolveConfig({ file: first }).view);
    // And the text is stable: writing the re-read settings gives the same text.
    assert.equal(formatCfg(second.entries, { comments: ['written by the round-trip test'] }), text);
  });

  it('formatCfg writes the header, 0/1 booleans, enum codes and resets as empty values', () => {
    const parsed = parseCfg('#!version:1.0.0.1\nsip.trust_ctrl = 1\naccount.1.sip_server.1.transport_type = 2\naccount.1.label =\n', 'x.cfg');
    assert.equal(
      formatCfg(parsed.entries),
      '#!version:1.0.0.1\nsip.trust_ctrl = 1\naccount.1.sip_server.1.transport_type = 2\naccount.1.label =\n',
    );
    assert.throws(() => formatCfg([{ key: 'sip.trust_ctrl', value: 1, reset: false }]), /a number cannot be a bool setting/);
  });
});
