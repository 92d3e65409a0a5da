import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { resolveConfig } from '../../firmware/config/layers.js';
import { asPasswordHash } from '../../firmware/web/password-hash.js';
import { SIMULATED_DEFAULT_PORTS, webListenerPlan } from '../../firmware/web/listen-plan.js';
import { findStaticDir, STATIC_DIR_CANDIDATES } from '../../firmware/web/static-files.js';
import { CertificateError, loadOrCreateCertificate, PROVISIONED_NAMES, selfSignedArgs, type CommandRunner } from '../../firmware/web/tls-certificate.js';
import { startWebUi } from '../../firmware/web/web-ui.js';
import { MemoryBackend } from './memory-backend.js';
import { TEST_SCRYPT } from './web-fixture.js';

function config(...lines: string[]) {
  return resolveConfig({ file: parseCfg(['#!version:1.0.0.1', ...lines].join('\n'), 'phone.cfg') });
}

/** GET over HTTPS accepting the self-signed certificate; resolves status, headers and the peer certificate. */
function httpsGet(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; fingerprint: string; body: string }>((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method ?? 'GET', rejectUnauthorized: false, headers: init.headers ?? {} }, (res) => {
      const fingerprint = res.socket instanceof TLSSocket ? res.socket.getPeerCertificate().fingerprint256 : '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, fingerprint, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('which listeners the settings ask for', () => {
  it('HTTP on 80 and HTTPS on 443 on a real board by default', () => {
    assert.deepEqual(webListenerPlan(config(), 'linux'), [
      { protocol: 'http', port: 80 },
      { protocol: 'https', port: 443 },
    ]);
  });

  it('8080 and 8443 on the simulated board while the ports are left at their defaults', () => {
    assert.deepEqual(webListenerPlan(config(), 'emulated'), [
      { protocol: 'http', port: SIMULATED_DEFAULT_PORTS.http },
      { protocol: 'https', port: SIMULATED_DEFAULT_PORTS.https },
    ]);
    assert.deepEqual(webListenerPlan(config('static.network.port.http = 80'), 'emulated')[0], { protocol: 'http', port: 80 }, 'a port set in a file is used as set');
  });

  it('each protocol is switched by its enable key', () => {
    assert.deepEqual(webListenerPlan(config('static.wui.https_enable = 0', 'static.network.port.http = 8000'), 'linux'), [{ protocol: 'http', port: 8000 }]);
    assert.deepEqual(webListenerPlan(config('static.wui.http_enable = 0', 'static.wui.https_enable = 0'), 'linux'), []);
  });
});

describe('the HTTPS certificate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-cert-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('asks openssl for a P-256 self-signed certificate naming the phone', () => {
    const args = selfSignedArgs('/k', '/c', 'deskphone');
    assert.deepEqual(args.slice(0, 2), ['req', '-x509']);
    assert.ok(args.includes('ec_paramgen_curve:prime256v1'));
    assert.ok(args.includes('/CN=deskphone'));
  });

  it('without openssl it fails with a message saying how to provision one, and leaves no files', async () => {
    const missing: CommandRunner = () => Promise.reject(Object.assign(new Error('spawn openssl ENOENT'), { code: 'ENOENT' }));
    const sub = join(dir, 'no-openssl');
    await assert.rejects(loadOrCreateCertificate(sub, missing), (e: unknown) => e instanceof CertificateError && /openssl is not installed/.test(e.message) && e.message.includes(PROVISIONED_NAMES.cert));
    assert.deepEqual(await readdir(sub), []);
  });

  it('a provisioned certificate wins over making one; a broken one is refused', async () => {
    const sub = join(dir, 'provisioned');
    const made = await loadOrCreateCertificate(join(dir, 'source'));
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, PROVISIONED_NAMES.cert), made.cert);
    await writeFile(join(sub, PROVISIONED_NAMES.key), made.key);
    const refuse: CommandRunner = () => Promise.reject(new Error('must not run'));
    const loaded = await loadOrCreateCertificate(sub, refuse);
    assert.equal(loaded.origin, 'provisioned');
    await writeFile(join(sub, PROVISIONED_NAMES.key), 'not a key');
    await assert.rejects(loadOrCreateCertificate(sub, refuse), CertificateError);
  });
});

describe('startWebUi', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'deskphone-web-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const backend = (): MemoryBackend =>
    new MemoryBackend(parseCfg(['static.network.port.http = 0', 'static.network.port.https = 0'].join('\n'), 'phone.cfg'));

  it('serves HTTP and HTTPS, makes the certificate once with openssl and keeps it across restarts', async () => {
    const log: string[] = [];
    const options = { backend: backend(), clock: new SystemClock(), dataDir, platform: 'emulated' as const, host: '127.0.0.1', log: (l: string) => log.push(l), scryptParams: TEST_SCRYPT };
    const first = await startWebUi(options);
    let fingerprint: string;
    try {
      const [http, https] = first.server.listeners;
      assert.equal(http?.protocol, 'http');
      assert.equal(https?.protocol, 'https');
      assert.equal((await fetch(`${http?.url ?? ''}/`)).status, 200);
      const page = await httpsGet(`${https?.url ?? ''}/`);
      assert.equal(page.status, 200);
      assert.equal(first.tls?.origin, 'self-signed');
      const cert = new X509Certificate(first.tls?.cert ?? '');
      assert.equal(page.fingerprint, cert.fingerprint256);
      assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      fingerprint = cert.fingerprint256;

      const login = await httpsGet(`${https?.url ?? ''}/api/login`, { method: 'POST', body: JSON.stringify({ user: 'admin', password: 'admin' }), headers: { 'Content-Type': 'application/json' } });
      assert.equal(login.status, 200);
      assert.match(String(login.headers['set-cookie']), /HttpOnly; SameSite=Strict; Secure$/, 'the cookie is Secure over HTTPS');
      assert.ok(log.some((l) => l.includes('factory password')));
    } finally {
      await first.server.close();
    }
    const keyMode = (await stat(join(dataDir, 'web', 'web-https-self-signed.key'))).mode & 0o777;
    assert.equal(keyMode, 0o600);
    const adminMode = (await stat(join(dataDir, 'web', 'admin.json'))).mode & 0o777;
    assert.equal(adminMode, 0o600);
    const record = JSON.parse(await readFile(join(dataDir, 'web', 'admin.json'), 'utf8')) as { password: unknown };
    assert.ok(asPasswordHash(record.password) !== undefined, 'the admin record holds a hash');

    const never: CommandRunner = () => Promise.reject(new Error('openssl must not run again'));
    const second = await startWebUi({ ...options, runCommand: never });
    try {
      assert.equal(new X509Certificate(second.tls?.cert ?? '').fingerprint256, fingerprint);
    } finally {
      await second.server.close();
    }
  });

  it('without a certificate HTTPS stays off with a message, and HTTP still starts', async () => {
    const log: string[] = [];
    const missing: CommandRunner = () => Promise.reject(Object.assign(new Error('spawn openssl ENOENT'), { code: 'ENOENT' }));
    const ui = await startWebUi({
      backend: backend(),
      clock: new SystemClock(),
      dataDir: join(dataDir, 'other'),
      platform: 'linux',
      host: '127.0.0.1',
      log: (l) => log.push(l),
      scryptParams: TEST_SCRYPT,
      runCommand: missing,
    });
    try {
      assert.deepEqual(ui.server.listeners.map((l) => l.protocol), ['http']);
      assert.ok(log.some((l) => /HTTPS is off: .*openssl is not installed/.test(l)), log.join('\n'));
    } finally {
      await ui.server.close();
    }
  });

  it('finds its static files beside the module, or from dist/ in the sources', async () => {
    assert.equal(await findStaticDir(STATIC_DIR_CANDIDATES), STATIC_DIR_CANDIDATES[0]);
    assert.equal(await findStaticDir(['/nonexistent/static/', STATIC_DIR_CANDIDATES[0] ?? '']), STATIC_DIR_CANDIDATES[0]);
    await assert.rejects(findStaticDir(['/nonexistent/static/']), /static files are missing/);
  });
});
