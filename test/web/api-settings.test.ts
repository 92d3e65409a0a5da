import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { ALL_SETTING_KEYS, requireKey } from '../../firmware/config/keys.js';
import { SETTINGS_PAGES } from '../../firmware/web/settings-pages.js';
import { startTestWeb, TestClient, type TestWeb } from './web-fixture.js';

const SIP_PASSWORD = 'Sip-Secret-7fq2';

const ALICE = {
  'account.1.enable': '1',
  'account.1.user_name': 'alice',
  'account.1.password': SIP_PASSWORD,
  'account.1.sip_server.1.address': '127.0.0.1',
  'account.1.sip_server.1.port': '5070',
};

describe('changing settings through the API', () => {
  let web: TestWeb;
  let client: TestClient;
  before(async () => {
    web = await startTestWeb();
    client = new TestClient(web.url);
    await client.loginReady();
  });
  after(() => web.close());

  it('hands the backend the validated entries and answers which keys changed and what that needs', async () => {
    const answer = await client.post('/api/settings', { changes: ALICE });
    assert.equal(answer.status, 200);
    assert.equal(web.backend.applied.length, 1);
    const applied = new Map((web.backend.applied[0] ?? []).map((e) => [e.key, e.value]));
    assert.deepEqual(
      Object.fromEntries(applied),
      { 'account.1.enable': true, 'account.1.user_name': 'alice', 'account.1.password': SIP_PASSWORD, 'account.1.sip_server.1.address': '127.0.0.1', 'account.1.sip_server.1.port': 5070 },
    );
    assert.equal(answer.json?.['applies'], 'reregister');
    const changed = answer.json?.['changed'] as { key: string; applies: string }[];
    assert.deepEqual(changed.map((c) => c.key).sort(), Object.keys(ALICE).sort());
    assert.ok(!answer.text.includes(SIP_PASSWORD), 'the answer does not echo the password');
  });

  it('shows the account on the status page with its registration state', async () => {
    web.backend.registration.set(1, { index: 1, state: 'failed', detail: '403 Forbidden' });
    const status = await client.get('/api/status');
    assert.equal(status.status, 200);
    const accounts = status.json?.['accounts'] as Record<string, unknown>[];
    assert.deepEqual(accounts, [{ index: 1, label: 'alice', userName: 'alice', server: '127.0.0.1:5070', transport: 'udp', state: 'failed', detail: '403 Forbidden' }]);
    assert.equal(status.json?.['version'], '0.1.0-test');
    web.backend.registration.clear();
  });

  it('a form with one bad field changes nothing and names every bad field', async () => {
    const before = web.backend.applied.length;
    const answer = await client.post('/api/settings', {
      changes: { 'account.2.user_name': 'bob', 'account.2.sip_server.1.port': '99999', 'account.9.enable': '1', 'no.such.key': '1' },
    });
    assert.equal(answer.status, 400);
    const errors = answer.json?.['errors'] as { key: string; message: string }[];
    assert.deepEqual(errors.map((e) => e.key).sort(), ['account.2.sip_server.1.port', 'account.9.enable', 'no.such.key']);
    assert.match(errors.find((e) => e.key === 'account.2.sip_server.1.port')?.message ?? '', /must be an integer 0\.\.65535/);
    assert.equal(web.backend.applied.length, before);
  });

  it('a refused password value is not echoed in the error', async () => {
    const answer = await client.post('/api/settings', { changes: { 'account.1.password': 'leak\u0001Me-Not-9' } });
    assert.equal(answer.status, 400);
    assert.ok(!answer.text.includes('Me-Not-9'), answer.text);
  });

  it('the settings view says a password is set, never what it is', async () => {
    const answer = await client.get('/api/settings?page=accounts');
    const values = answer.json?.['values'] as { key: string; value?: string; set?: boolean; source: string }[];
    const password = values.find((v) => v.key === 'account.1.password');
    assert.deepEqual(password, { key: 'account.1.password', pattern: 'account.{N}.password', set: true, source: 'local' });
    assert.deepEqual(values.find((v) => v.key === 'account.2.password'), { key: 'account.2.password', pattern: 'account.{N}.password', set: false, source: 'default' });
    assert.equal(values.find((v) => v.key === 'account.1.user_name')?.value, 'alice');
    assert.equal(values.find((v) => v.key === 'account.1.enable')?.value, '1', 'as a .cfg file writes it');
  });

  it('no GET answer holds a secret', async () => {
    // Every secret of the schema, each with its own value.
    const secrets = ALL_SETTING_KEYS.filter((key) => {
      const t = requireKey(key).spec.type;
      return t.kind === 'string' && t.secret === true;
    });
    assert.ok(secrets.length >= 6);
    const secretValue = (key: string): string => `Secret-${key.replace(/\W/g, '-')}-x9`;
    const set = await client.post('/api/settings', { changes: Object.fromEntries(secrets.map((k) => [k, secretValue(k)])) });
    assert.equal(set.status, 200);
    web.backend.logLines = ['phone started', 'account 1 registering'];
    const gets = [
      '/api/session',
      '/api/status',
      '/api/schema',
      ...SETTINGS_PAGES.map((p) => `/api/settings?page=${p.id}`),
      '/api/config/export',
      '/api/logs',
      '/api/logs/download',
      '/api/history',
      '/api/phonebook',
      '/api/phonebook/export',
      '/api/trace',
    ];
    assert.ok(web.backend.config().get('account.6.password') === secretValue('account.6.password'), 'the secrets are set');
    for (const path of gets) {
      const answer = await client.get(path);
      assert.equal(answer.status, 200, path);
      assert.ok(!answer.text.includes(SIP_PASSWORD), `${path} holds the SIP password`);
      for (const key of secrets) assert.ok(!answer.text.includes(secretValue(key)), `${path} holds ${key}`);
      assert.ok(!/scrypt|"salt"|"hash"/.test(answer.text), `${path} holds the admin password hash`);
    }
  });

  it('a backend that cannot store the change answers 500 and logs why', async () => {
    web.backend.failApply = new Error('disk full');
    try {
      const answer = await client.post('/api/settings', { changes: { 'account.3.user_name': 'carol' } });
      assert.equal(answer.status, 500);
      assert.ok(!answer.text.includes('disk full'), 'internals stay in the log');
      assert.ok(web.log.some((l) => l.includes('disk full')));
    } finally {
      web.backend.failApply = undefined;
    }
  });
});

describe('the configuration file', () => {
  let web: TestWeb;
  let client: TestClient;
  before(async () => {
    web = await startTestWeb();
    client = new TestClient(web.url);
    await client.loginReady();
    await client.post('/api/settings', { changes: ALICE });
  });
  after(() => web.close());

  it('exports the account keys as a .cfg download, without the password in it', async () => {
    const answer = await client.get('/api/config/export');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-disposition'), 'attachment; filename="deskphone.cfg"');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const lines = answer.text.split('\n');
    assert.equal(lines[0], '#!version:1.0.0.1');
    for (const key of ['account.1.enable = 1', 'account.1.user_name = alice', 'account.1.sip_server.1.address = 127.0.0.1', 'account.1.sip_server.1.port = 5070']) {
      assert.ok(lines.includes(key), key);
    }
    assert.ok(!answer.text.includes(SIP_PASSWORD));
    assert.ok(!lines.some((l) => l.startsWith('account.1.password')), 'the key is left out, so an import does not clear the password');
    assert.ok(lines.some((l) => l.startsWith('# account.1.password is set')), 'a comment names it');
    assert.ok(!lines.includes('account.2.enable = 0'), 'defaults are not exported');
  });

  it('the export reads back as a clean .cfg file', async () => {
    const parsed = parseCfg((await client.get('/api/config/export')).text, 'x.cfg');
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(parsed.entries.length, 4);
  });

  it('imports a file: good lines apply, bad lines are reported with their line number', async () => {
    const text = ['#!version:1.0.0.1', 'account.2.enable = 1', 'account.2.user_name = bob', 'account.2.sip_server.1.port = 70000', 'account.2.password = Imported-Pw-1', 'bogus.key = 1', ''].join('\n');
    const answer = await client.post('/api/config/import', { text });
    assert.equal(answer.status, 200);
    const diagnostics = answer.json?.['diagnostics'] as { severity: string; text: string }[];
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.text.split(':').slice(0, 2).join(':')]), [
      ['error', 'imported.cfg:4'],
      ['warning', 'imported.cfg:6'],
    ]);
    assert.deepEqual((answer.json?.['changed'] as { key: string }[]).map((c) => c.key).sort(), ['account.2.enable', 'account.2.password', 'account.2.user_name']);
    assert.ok(!answer.text.includes('Imported-Pw-1'));
    assert.equal(web.backend.config().get('account.2.user_name'), 'bob');
  });

  it('refuses a body over the limit with 413', async () => {
    const answer = await client.post('/api/config/import', { text: 'x'.repeat(1024 * 1024 + 10) });
    assert.equal(answer.status, 413);
  });
});
