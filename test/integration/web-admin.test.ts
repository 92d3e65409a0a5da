/**
 * The web admin UI of the running phone, in Debian's Chromium: log in, change
 * the password, add an account, see the phone register to a real Kamailio,
 * download the configuration; the account survives a restart (it is stored
 * in the data directory), and a SIP trace started from the web UI (stopped
 * from the console) holds the REGISTER as tshark reads it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startKamailio } from '../pbx/kamailio.js';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('web admin UI on the running phone', { timeout: 90_000 }, () => {
  it('adds an account in the browser; the phone registers to Kamailio and keeps it across a restart', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'deskphone-web-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const cfg = accountsCfg([]);
    const phone = await startPhoneUnderTest(cfg, { dataDir });
    t.after(() => phone.stop());
    assert.ok(phone.webUrl, `the web UI address is announced: ${phone.stderr()}`);

    const profile = mkdtempSync(path.join(tmpdir(), 'deskphone-chromium-'));
    t.after(() => rmSync(profile, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, headless: true, acceptDownloads: true });
    t.after(() => context.close());
    context.setDefaultTimeout(10_000);
    const page = context.pages()[0] ?? (await context.newPage());

    await page.goto(`${phone.webUrl}/`);
    await page.fill('#login-password', 'admin');
    await page.click('#login-form button[type=submit]');
    await page.fill('#password-current', 'admin');
    await page.fill('#password-next', 'bench admin 42');
    await page.fill('#password-again', 'bench admin 42');
    await page.click('#password-form button[type=submit]');
    await page.locator('h1', { hasText: 'Status' }).waitFor();

    // Start a SIP capture from the web UI before the account exists.
    await page.click('nav a[href="#/trace"]');
    await page.click('#trace-toggle');
    await page.locator('#trace-state', { hasText: 'capturing' }).waitFor();

    await page.click('nav a[href="#/settings/accounts"]');
    await page.check('[data-key="account.1.enable"]');
    await page.fill('[data-key="account.1.label"]', 'Front desk');
    await page.fill('[data-key="account.1.user_name"]', 'alice');
    await page.fill('[data-key="account.1.password"]', 'alice-secret');
    await page.fill('[data-key="account.1.sip_server.1.address"]', '127.0.0.1');
    await page.fill('[data-key="account.1.sip_server.1.port"]', String(pbx.udpPort));
    await page.click('#settings-save');
    await page.locator('#settings-status .message.ok').waitFor();

    await phone.waitFor('alice registered after the web change', (s) => s.accounts[0]?.registered === true);
    assert.equal((await pbx.contacts('alice')).length, 1);
    assert.equal((await phone.lcd())[1]?.trim(), 'Front desk');
    await page.click('nav a[href="#/status"]');
    await page.locator('#status-accounts tr[data-account="1"]', { hasText: 'registered' }).waitFor();

    await page.click('nav a[href="#/config"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#cfg-export')]);
    const exported = readFileSync(await download.path(), 'utf8');
    assert.match(exported, /^account\.1\.user_name = alice$/m);
    assert.doesNotMatch(exported, /alice-secret/);

    // The trace holds the REGISTERs and their answers, as Wireshark would show them.
    const trace = (await phone.console.command('trace off')).lines.join(' ');
    const pcap = /trace stopped: (\S+)/.exec(trace)?.[1];
    assert.ok(pcap && existsSync(pcap), trace);
    const methods = execFileSync('tshark', ['-r', pcap, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code'], { encoding: 'utf8' });
    assert.match(methods, /REGISTER/);
    assert.match(methods, /401/);
    assert.match(methods, /200/);

    // The account was stored in the data directory: a restart registers it again.
    await phone.stop();
    const again = await startPhoneUnderTest(cfg, { dataDir });
    t.after(() => again.stop());
    await again.waitFor('alice registered after a restart', (s) => s.accounts[0]?.registered === true);
  });
});
