/**
 * The admin UI end to end in headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core): first login with the factory password, the
 * forced change, an account added through the schema-built form and seen by
 * the backend and on the status page, the .cfg download without the
 * password, the honest empty pages, the phonebook and its import report,
 * calls in progress, and logout.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestWeb, type TestWeb } from './web-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const NEW_PASSWORD = 'browser pw 2024';
const SIP_PASSWORD = 'Alice-Sip-Pw-31';
const SIP_PORT = '5099';

describe('the admin UI in a browser', { timeout: 60_000 }, () => {
  let web: TestWeb;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  /** Console errors and page exceptions: a CSP violation shows up here. */
  const problems: string[] = [];

  before(async () => {
    web = await startTestWeb();
    profile = await mkdtemp(join(tmpdir(), 'deskphone-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, acceptDownloads: true, timeout: 30_000 });
    context.setDefaultTimeout(5_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      // A 401 is how the page learns it is not logged in (at load, and the logout check below), and the
      // bad-value test earns a 400: the browser logs both. Anything else (a 404, a CSP refusal) is a problem.
      if (m.type() === 'error' && !/status of (400|401) /.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });

  after(async () => {
    await context?.close();
    await web?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it('logs in with the factory password and is made to change it', async () => {
    await page.goto(`${web.url}/`);
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('#nav').isHidden(), true, 'no menu before login');
    await page.fill('#login-password', 'admin');
    await page.click('#login-form button[type=submit]');
    await page.locator('#password-form').waitFor();
    assert.equal(await page.locator('#nav').isHidden(), true, 'no menu until the password is changed');
    await page.fill('#password-current', 'admin');
    await page.fill('#password-next', NEW_PASSWORD);
    await page.fill('#password-again', NEW_PASSWORD);
    await page.click('#password-form button[type=submit]');
    await page.locator('h1', { hasText: 'Status' }).waitFor();
    assert.equal(await page.locator('#nav').isVisible(), true);
    assert.equal(web.credentials.mustChange, false);
    assert.ok(await web.credentials.verify('admin', NEW_PASSWORD));
  });

  it('adds an account through the form built from the schema, and the backend receives it', async () => {
    await page.click('nav a[href="#/settings/accounts"]');
    await page.locator('#settings-form').waitFor();
    // The fields come from schema rows: every account row has a field for account 1.
    assert.equal(await page.locator('[data-key^="account.1."]').count() >= 16, true);
    await page.check('[data-key="account.1.enable"]');
    await page.fill('[data-key="account.1.user_name"]', 'alice');
    await page.fill('[data-key="account.1.password"]', SIP_PASSWORD);
    await page.fill('[data-key="account.1.sip_server.1.address"]', '127.0.0.1');
    await page.fill('[data-key="account.1.sip_server.1.port"]', SIP_PORT);
    await page.click('#settings-save');
    await page.locator('#settings-status .message.ok').waitFor();
    assert.match(await page.locator('#settings-status').innerText(), /Saved 5 changes: the account registers again/);

    assert.equal(web.backend.applied.length, 1);
    assert.deepEqual(
      Object.fromEntries((web.backend.applied[0] ?? []).map((e) => [e.key, e.value])),
      { 'account.1.enable': true, 'account.1.user_name': 'alice', 'account.1.password': SIP_PASSWORD, 'account.1.sip_server.1.address': '127.0.0.1', 'account.1.sip_server.1.port': Number(SIP_PORT) },
    );
    // The page was rebuilt from the phone's answer: the password is "set", its value never came back.
    assert.equal(await page.locator('[data-secret-state="account.1.password"]').innerText(), 'set');
    assert.equal(await page.inputValue('[data-key="account.1.password"]'), '');
    assert.equal(await page.inputValue('[data-key="account.1.user_name"]'), 'alice');
  });

  it('a bad value is reported beside its field and nothing is saved', async () => {
    await page.fill('[data-key="account.1.sip_server.1.port"]', '70000');
    await page.click('#settings-save');
    await page.locator('[data-error-for="account.1.sip_server.1.port"]', { hasText: '0..65535' }).waitFor();
    assert.equal(web.backend.applied.length, 1);
  });

  it('a listen port change says it takes effect after a reboot and links to the Reboot page (nothing restarts SIP live)', async () => {
    await page.click('nav a[href="#/settings/network"]');
    await page.locator('[data-key="sip.listen_port"]').waitFor();
    await page.fill('[data-key="sip.listen_port"]', '5070');
    await page.click('#settings-save');
    await page.locator('#settings-status .message.ok').waitFor();
    assert.match(await page.locator('#settings-status').innerText(), /^Saved 1 change: takes effect after a reboot, when the SIP transports open again \(listening sockets, TLS\)\. Reboot the phone from Reboot & reset to apply it now\.$/);
    assert.deepEqual(web.backend.applied.at(-1)?.map((e) => [e.key, e.value]), [['sip.listen_port', 5070]]);
    await page.click('#settings-status a[href="#/system"]');
    await page.locator('h1', { hasText: 'Reboot & factory reset' }).waitFor();
    assert.equal(await page.locator('#reboot').isVisible(), true, 'the Reboot button the note points to');
  });

  it('shows the account on the status page', async () => {
    await page.click('nav a[href="#/status"]');
    const row = page.locator('#status-accounts tr[data-account="1"]');
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /alice/);
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${SIP_PORT}`));
    assert.match(text, /registering/);
  });

  it('downloads the configuration as a .cfg file with the account but not its password', async () => {
    await page.click('nav a[href="#/config"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#cfg-export')]);
    assert.equal(download.suggestedFilename(), 'deskphone.cfg');
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.split('\n');
    for (const line of ['account.1.enable = 1', 'account.1.user_name = alice', 'account.1.sip_server.1.address = 127.0.0.1', `account.1.sip_server.1.port = ${SIP_PORT}`]) {
      assert.ok(lines.includes(line), line);
    }
    assert.ok(!text.includes(SIP_PASSWORD));
    assert.ok(!lines.some((l) => l.startsWith('account.1.password')));
  });

  it('pages without a backing feature say so plainly; the audio page shows its settings', async () => {
    await page.click('nav a[href="#/history"]');
    assert.equal(await page.locator('#history-empty').innerText(), 'No calls yet.');
    await page.click('nav a[href="#/trace"]');
    assert.match(await page.locator('#trace-empty').innerText(), /cannot capture SIP\/RTP traces yet/);
    // The audio page is built from the schema too: its one row so far is the tone plan's country.
    await page.click('nav a[href="#/settings/audio"]');
    await page.locator('[data-key="voice.tone.country"]').waitFor();
  });

  it('lists the phonebook one number a row with its label, and reports an XML import line by line', async () => {
    web.backend.contactList = [{ id: 1, name: 'Alice Smith', numbers: [{ label: 'office', number: '2001' }, { label: 'mobile', number: '+44 7700 900123' }] }];
    web.backend.importReport = { added: 1, skipped: [{ line: 15, entry: 3, reason: 'no <Name>' }] };
    await page.click('nav a[href="#/phonebook"]');
    const rows = page.locator('#phonebook tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(await rows.allInnerTexts(), ['Alice Smith\t2001\toffice', 'Alice Smith\t+44 7700 900123\tmobile']);
    const xml = '<?xml version="1.0"?>\n<YealinkIPPhoneDirectory></YealinkIPPhoneDirectory>\n';
    await page.setInputFiles('#phonebook-file', { name: 'directory.xml', mimeType: 'text/xml', buffer: Buffer.from(xml) });
    await page.click('#phonebook-file-status >> xpath=.. >> button[type=submit]');
    await page.locator('#phonebook-file-status .message.ok').waitFor();
    assert.equal(await page.locator('#phonebook-file-status .message.ok').innerText(), 'Yealink XML file: 1 contact added, 1 skipped');
    assert.deepEqual(await page.locator('#phonebook-skipped li').allInnerTexts(), ['Yealink XML file: entry 3 (line 15): no <Name>']);
    assert.deepEqual(web.backend.uploads.at(-1), { format: 'yealink-xml', text: xml });
  });

  it('shows a refused phonebook file as an error, with the reason', async () => {
    web.backend.importReport = { added: 0, skipped: [{ line: 2, reason: 'no number' }], error: 'no contact in the file could be imported; the phonebook was left as it was' };
    await page.click('nav a[href="#/phonebook"]');
    await page.setInputFiles('#phonebook-file', { name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from('name,number\r\nNobody,\r\n') });
    await page.click('#phonebook-file-status >> xpath=.. >> button[type=submit]');
    const refused = page.locator('#phonebook-file-status .message.bad');
    await refused.waitFor();
    assert.match(await refused.innerText(), /^CSV file: not imported: no contact in the file could be imported/);
    assert.deepEqual(await page.locator('#phonebook-skipped li').allInnerTexts(), ['CSV file: line 2: no number']);
  });

  it('shows calls in progress with codec and duration, a dash before the answer', async () => {
    web.backend.calls = [
      { account: 1, direction: 'outgoing', remote: 'Alice', state: 'connected', codec: 'opus', secure: true, durationSeconds: 65 },
      { account: 2, direction: 'incoming', remote: '2002', state: 'ringing', secure: false },
    ];
    await page.click('nav a[href="#/status"]');
    const rows = page.locator('#status-calls tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(await rows.allInnerTexts(), ['1\toutgoing\tAlice\tconnected\topus (SRTP)\t1 min 05 s', '2\tincoming\t2002\tringing\t—\t—']);
    web.backend.calls = [];
  });

  it('logs out; the API then answers 401', async () => {
    await page.click('#logout');
    await page.locator('#login-form').waitFor();
    const inPage = await page.evaluate(async () => (await fetch('/api/status')).status);
    assert.equal(inPage, 401);
    assert.equal((await fetch(`${web.url}/api/status`)).status, 401);
  });

  it('ran without a script error or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
