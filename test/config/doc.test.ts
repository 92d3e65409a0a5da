import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { docKey, renderConfigDoc } from '../../firmware/config/doc.js';
import { APPLIES_AFTER_REBOOT, APPLIES_ORDER, KEY_ALIASES, SETTINGS } from '../../firmware/config/schema.js';

const doc = renderConfigDoc();
const rows = doc.split('\n').filter((line) => line.startsWith('| `'));

function rowFor(pattern: string): string[] {
  const row = rows.find((r) => r.startsWith(`| \`${docKey(pattern)}\` |`));
  assert.ok(row !== undefined, `no row for ${pattern}`);
  // Cells, unescaping \| inside them.
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('renderConfigDoc', () => {
  it('has one row for every setting, and no other rows', () => {
    assert.equal(rows.length, SETTINGS.length);
    for (const spec of SETTINGS) rowFor(spec.key);
  });

  it('each row has five cells: key, values, default, applies, description from the schema', () => {
    for (const spec of SETTINGS) {
      const cells = rowFor(spec.key);
      assert.equal(cells.length, 5, spec.key);
      assert.equal(cells[3], spec.applies);
      assert.ok(cells[4]?.startsWith(spec.description), spec.key);
    }
  });

  it('shows values and defaults as they are written in a file', () => {
    assert.deepEqual(rowFor('account.{N}.sip_server.{M}.port').slice(1, 3), ['an integer 0..65535', '`5060`']);
    assert.deepEqual(rowFor('account.{N}.sip_server.{M}.transport_type').slice(1, 3), [
      'one of 0 (UDP), 1 (TCP), 2 (TLS), 3 (DNS-NAPTR)',
      '`0 (UDP)`',
    ]);
    assert.deepEqual(rowFor('account.{N}.enable').slice(1, 3), ['0 or 1', '`0`']);
    assert.deepEqual(rowFor('account.{N}.password').slice(1, 3), ['any text on one line (secret: never shown)', '(empty)']);
    assert.deepEqual(rowFor('account.{N}.sip_server.{M}.expires').slice(1, 3), ['an integer 30..2147483647, in seconds', '`3600`']);
  });

  it('names each older key in the row of the setting it stands for', () => {
    for (const alias of KEY_ALIASES) {
      assert.match(rowFor(alias.setting)[4] ?? '', new RegExp(`\`${docKey(alias.alias).replace(/\./g, '\\.')}\` \\(M = 1\\)`));
    }
  });

  it('states the index ranges and explains every "applies" value', () => {
    assert.match(doc, /`N` is the account, 1\.\.6; `M` is the account's SIP server, 1\.\.2/);
    for (const a of APPLIES_ORDER) assert.match(doc, new RegExp(`^- \`${a}\`: `, 'm'));
  });

  it('says a restart-sip change takes effect after a reboot: nothing restarts the SIP transports while the phone runs', () => {
    assert.match(doc, /^- `restart-sip`: takes effect after a reboot, when the SIP transports open again \(listening sockets, TLS\)$/m);
    assert.deepEqual(APPLIES_AFTER_REBOOT, ['restart-sip', 'reboot']);
    for (const key of ['sip.listen_port', 'sip.tls_listen_port', 'static.security.trust_certificates']) assert.equal(rowFor(key)[3], 'restart-sip', key);
  });

  it('scripts/config-doc.ts prints exactly this', async () => {
    const script = fileURLToPath(new URL('../../scripts/config-doc.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
    assert.equal(stdout, doc);
  });
});

describe('README configuration reference', () => {
  it('is the schema’s current rendering (run `npm run config-doc -- --write` after changing the schema)', async () => {
    const { readFileSync } = await import('node:fs');
    const { withConfigDoc } = await import('../../scripts/config-doc.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.equal(withConfigDoc(readme, renderConfigDoc()), readme);
  });
});
