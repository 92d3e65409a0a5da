import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { NEW_PASSWORD, startTestWeb, TestClient, type TestWeb } from './web-fixture.js';

/** A request with the path sent exactly as written (fetch would normalise "/../"). */
function rawGet(base: string, path: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('pages and headers', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('serves the page shell with a CSP that allows no inline script, and forbids framing', async () => {
    const answer = await new TestClient(web.url).get('/');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = answer.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(answer.headers.get('x-frame-options'), 'DENY');
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.doesNotMatch(answer.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|\bon[a-z]+=|style=/i, 'no inline script, handler or style');
  });

  it('serves the scripts as JavaScript modules', async () => {
    const answer = await new TestClient(web.url).get('/app.js');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(answer.text, /^import /m);
    assert.equal((await new TestClient(web.url).get('/views/settings.js')).status, 200);
  });

  it('serves nothing outside its own files', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/static/../../web-app.ts', '/web-app.ts', '/index.html/', '//etc/passwd']) {
      assert.equal(await rawGet(web.url, path), 404, path);
    }
    assert.equal((await new TestClient(web.url).post('/index.html')).status, 405);
  });

  it('API answers are never cached', async () => {
    const client = new TestClient(web.url);
    const answer = await client.login('admin');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('x-frame-options'), 'DENY');
  });
});

describe('the other pages\' API', () => {
  let web: TestWeb;
  let client: TestClient;
  before(async () => {
    web = await startTestWeb();
    client = new TestClient(web.url);
    await client.loginReady();
  });
  after(() => web.close());

  it('an unknown path is 404 and a wrong method 405 with Allow, once logged in', async () => {
    assert.equal((await client.get('/api/nope')).status, 404);
    const wrong = await client.get('/api/reboot');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.equal((await client.get('/api/settings?page=nope')).status, 404);
  });

  it('call history is the backend\'s list, empty when there is none', async () => {
    assert.deepEqual((await client.get('/api/history')).json, { calls: [] });
    web.backend.history = [{ startedAt: '2025-01-02T03:04:05Z', direction: 'missed', remote: 'bob', account: 1, durationSeconds: 0 }];
    assert.equal(((await client.get('/api/history')).json?.['calls'] as unknown[]).length, 1);
  });

  it('status carries the last provisioning attempt, so a server that is down shows', async () => {
    assert.equal((await client.get('/api/status')).json?.['provisioning' as never], undefined);
    web.backend.provisioning = { server: 'http://192.0.2.5/prov/', lastAttemptAt: '2026-11-22T03:00:00.000Z', result: 'failed', message: 'server unreachable: ECONNREFUSED' };
    const status = (await client.get('/api/status')).json as { provisioning?: { result?: string; message?: string } } | undefined;
    assert.equal(status?.provisioning?.result, 'failed');
    assert.match(status?.provisioning?.message ?? '', /ECONNREFUSED/);
  });

  it('trace says it is not supported, and there is nothing to download', async () => {
    assert.deepEqual((await client.get('/api/trace')).json, { supported: false, running: false });
    assert.equal((await client.get('/api/trace/download')).status, 404);
    web.backend.traceState = { supported: true, file: { filename: 'sip.pcap', contentType: 'application/vnd.tcpdump.pcap', body: new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]) } };
    assert.deepEqual((await client.get('/api/trace')).json, { supported: true, running: false, file: { filename: 'sip.pcap', size: 4 } });
    const download = await client.get('/api/trace/download');
    assert.equal(download.headers.get('content-disposition'), 'attachment; filename="sip.pcap"');
  });

  it('a phonebook upload goes to the backend as CSV or as Yealink XML, told apart by its first character', async () => {
    web.backend.importReport = { added: 2, skipped: [{ line: 4, reason: 'no number' }] };
    const csv = await client.post('/api/phonebook/import', { text: 'name,number\r\nAnn,101\r\nBob,102\r\nNobody,\r\n' });
    assert.equal(csv.status, 200);
    assert.deepEqual(csv.json, {
      format: 'csv',
      added: 2,
      skipped: [{ line: 4, reason: 'no number' }],
      messages: ['CSV file: 2 contacts added, 1 skipped', 'CSV file: line 4: no number'],
    });
    const xml = '\uFEFF\n  <?xml version="1.0"?><YealinkIPPhoneDirectory/>';
    assert.equal((await client.post('/api/phonebook/import', { text: xml })).json?.['format'], 'yealink-xml');
    assert.deepEqual(
      web.backend.uploads.map((u) => u.format),
      ['csv', 'yealink-xml'],
    );
    assert.equal(web.backend.uploads[1]?.text, xml);
  });

  it('a phonebook file refused as a whole is a 400 that says why', async () => {
    web.backend.importReport = { added: 0, skipped: [], error: 'not well-formed XML: line 1: no root element' };
    const answer = await client.post('/api/phonebook/import', { text: '<' });
    assert.equal(answer.status, 400);
    assert.equal(answer.json?.['error'], 'Yealink XML file: not imported: not well-formed XML: line 1: no root element');
    assert.equal(answer.json?.['added'], 0);
    assert.ok(web.log.some((l) => l.includes('not imported')), 'the refusal is logged');
  });

  it('the phonebook is listed with labelled numbers and exported as CSV', async () => {
    web.backend.contactList = [
      { id: 1, name: 'Doe, Jane', numbers: [{ label: 'office', number: '+15551234' }] },
      { id: 2, name: 'Reception', numbers: [{ label: 'mobile', number: '100' }], ring: 'Ring3.wav' },
    ];
    assert.deepEqual((await client.get('/api/phonebook')).json?.['contacts'], web.backend.contactList);
    const exported = await client.get('/api/phonebook/export');
    assert.equal(exported.headers.get('content-disposition'), 'attachment; filename="phonebook.csv"');
    assert.equal(exported.text, 'display_name,office_number,mobile_number,other_number,ring\r\n"Doe, Jane",+15551234,,,\r\nReception,,100,,Ring3.wav\r\n');
  });

  it('the log comes as JSON lines and as a file', async () => {
    web.backend.logLines = ['one', 'two'];
    assert.deepEqual((await client.get('/api/logs')).json, { lines: ['one', 'two'] });
    assert.equal((await client.get('/api/logs/download')).text, 'one\ntwo\n');
  });

  it('reboot answers first, then reboots', async () => {
    const answer = await client.post('/api/reboot');
    assert.equal(answer.status, 202);
    await until(() => web.backend.reboots === 1);
    assert.equal(web.backend.reboots, 1);
  });

  it('factory reset needs its confirmation, then resets the admin password and ends every session', async () => {
    assert.equal((await client.post('/api/factory-reset', {})).status, 400);
    assert.equal(web.backend.factoryResets, 0);
    const other = new TestClient(web.url);
    await other.login(NEW_PASSWORD);
    const answer = await client.post('/api/factory-reset', { confirm: 'factory-reset' });
    assert.equal(answer.status, 202);
    await until(() => web.backend.factoryResets === 1);
    assert.equal(web.backend.factoryResets, 1);
    assert.equal((await other.get('/api/session')).status, 401);
    assert.equal((await new TestClient(web.url).login(NEW_PASSWORD)).status, 401);
    const fresh = await new TestClient(web.url).login('admin');
    assert.equal(fresh.status, 200);
    assert.equal(fresh.json?.['mustChangePassword'], true);
  });
});
