import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { resolveConfig, type ConfigLayer } from '../../firmware/config/layers.js';
import { ProvisioningClient } from '../../firmware/config/provisioning/provisioning-client.js';
import type { ProvisioningSettings } from '../../firmware/config/provisioning/settings.js';
import { ConfigStore } from '../../firmware/config/store.js';
import { ProvisioningServer, authParams } from './provisioning-server.js';

const MAC = '0015651234ab';
const COMMON = '/prov/y000000000000.cfg';
const MAC_PATH = `/prov/${MAC}.cfg`;
const WALL = new Date('2024-05-01T12:00:00.000Z');

const cfg = (...lines: string[]): string => ['#!version:1.0.0.1', ...lines].join('\n') + '\n';

/** One phone: a store in its own directory, a client, and what it applied. */
class Phone {
  readonly clock = new VirtualClock();
  applied: (readonly ConfigLayer[])[] = [];
  client!: ProvisioningClient;
  store!: ConfigStore;
  settings: ProvisioningSettings;

  constructor(
    readonly dir: string,
    serverUrl: string,
    overrides: Partial<ProvisioningSettings> = {},
  ) {
    this.settings = {
      serverUrl,
      userName: '',
      password: '',
      onPowerOn: false,
      repeatMinutes: undefined,
      useDhcpOption: false,
      onlyTrustedCertificates: true,
      ...overrides,
    };
  }

  async boot(dhcpOption66?: () => Promise<string | undefined>): Promise<this> {
    this.store = await ConfigStore.open(this.dir);
    this.client = new ProvisioningClient({
      store: this.store,
      clock: this.clock,
      mac: MAC,
      settings: () => this.settings,
      onLayers: (layers) => this.applied.push(layers),
      wallClock: () => WALL,
      timeoutMs: 2000,
      ...(dhcpOption66 === undefined ? {} : { dhcpOption66 }),
    });
    await this.client.start();
    return this;
  }

  /** The configuration as the phone would resolve it with its latest provisioned layers. */
  config(): ReturnType<typeof resolveConfig> {
    return resolveConfig({ provisioned: this.applied.at(-1) ?? [] });
  }
}

describe('ProvisioningClient against a local HTTP server', () => {
  const server = new ProvisioningServer();
  let base = '';
  let root = '';
  let n = 0;
  let phones: Phone[] = [];
  const newPhone = (overrides: Partial<ProvisioningSettings> = {}, dir?: string): Phone => {
    const phone = new Phone(dir ?? join(root, `phone-${++n}`), `${base}/prov/`, overrides);
    phones.push(phone);
    return phone;
  };

  before(async () => {
    base = await server.start();
    root = await mkdtemp(join(tmpdir(), 'deskphone-prov-'));
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.files.clear();
    server.requests.length = 0;
    server.auth = { kind: 'none' };
    server.files.set(COMMON, { body: cfg('account.1.label = from-common', 'account.1.display_name = Common'), etag: '"c1"' });
    server.files.set(MAC_PATH, { body: cfg('account.1.label = from-mac', 'account.1.user_name = alice'), etag: '"m1"' });
  });
  afterEach(async () => {
    for (const p of phones) {
      await p.client.whenIdle();
      p.client.dispose();
    }
    phones = [];
  });

  it('fetches the common file then the MAC file, applies both (the MAC file wins), caches them', async () => {
    const phone = await newPhone().boot();
    const attempt = await phone.client.checkNow('manual');
    assert.equal(attempt.result, 'updated');
    assert.deepEqual(
      server.requests.map((r) => [r.path, r.status]),
      [
        [COMMON, 200],
        [MAC_PATH, 200],
      ],
    );
    assert.equal(server.requests[0]?.headers['user-agent'], 'deskphone (00:15:65:12:34:ab)');
    assert.equal(phone.applied.length, 1);
    const config = phone.config();
    assert.equal(config.get('account.1.label'), 'from-mac');
    assert.equal(config.get('account.1.display_name'), 'Common');
    assert.deepEqual(config.source('account.1.label'), { layer: 'provisioned', name: `${base}${MAC_PATH}`, line: 2 });
    assert.deepEqual(
      phone.client.status().inEffect.map((f) => [f.name, f.etag]),
      [
        ['y000000000000.cfg', '"c1"'],
        [`${MAC}.cfg`, '"m1"'],
      ],
    );
    assert.deepEqual(phone.client.status().lastAttempt?.files.map((f) => f.outcome), ['applied', 'applied']);
  });

  it('the second run sends If-None-Match, gets 304 Not Modified, and applies nothing', async () => {
    const phone = await newPhone().boot();
    await phone.client.checkNow();
    server.requests.length = 0;
    const again = await phone.client.checkNow();
    assert.deepEqual(server.requests.map((r) => [r.headers['if-none-match'], r.status]), [
      ['"c1"', 304],
      ['"m1"', 304],
    ]);
    assert.equal(again.result, 'unchanged');
    assert.deepEqual(again.files.map((f) => f.outcome), ['not-modified', 'not-modified']);
    assert.equal(phone.applied.length, 1, 'nothing is applied again');
  });

  it('a server without ETags: same contents (SHA-256) are not applied again; new contents are', async () => {
    for (const f of server.files.values()) delete f.etag;
    const phone = await newPhone().boot();
    await phone.client.checkNow();
    const same = await phone.client.checkNow();
    assert.deepEqual(same.files.map((f) => f.outcome), ['unchanged', 'unchanged']);
    assert.equal(phone.applied.length, 1);
    server.files.set(MAC_PATH, { body: cfg('account.1.label = changed') });
    const changed = await phone.client.checkNow();
    assert.deepEqual(changed.files.map((f) => f.outcome), ['unchanged', 'applied']);
    assert.equal(phone.applied.length, 2);
    assert.equal(phone.config().get('account.1.label'), 'changed');
  });

  it('no MAC file (404) is normal: the common file alone applies', async () => {
    server.files.delete(MAC_PATH);
    const phone = await newPhone().boot();
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.result, 'updated');
    assert.deepEqual(attempt.files.map((f) => [f.outcome, f.httpStatus]), [
      ['applied', 200],
      ['not-found', 404],
    ]);
    assert.match(attempt.files[1]?.message ?? '', /no file for this phone/);
    assert.equal(phone.config().get('account.1.label'), 'from-common');
  });

  it('Basic auth: 401 without credentials is reported; with them the files download', async () => {
    server.auth = { kind: 'basic', user: 'phone', password: 'pw:1' };
    const without = await newPhone().boot();
    const refused = await without.client.checkNow();
    assert.equal(refused.result, 'failed');
    assert.deepEqual(refused.files.map((f) => f.outcome), ['auth-failed', 'auth-failed']);
    assert.match(refused.message, /asks for credentials \(401\): set static\.auto_provision\.server\.username/);

    const phone = await newPhone({ userName: 'phone', password: 'pw:1' }).boot();
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.result, 'updated');
    const authorized = server.requests.filter((r) => r.status === 200);
    assert.deepEqual(authorized.map((r) => r.headers.authorization), [
      `Basic ${Buffer.from('phone:pw:1').toString('base64')}`,
      `Basic ${Buffer.from('phone:pw:1').toString('base64')}`,
    ]);
  });

  it('wrong credentials: refused after one answer, not retried forever', async () => {
    server.auth = { kind: 'basic', user: 'phone', password: 'right' };
    const phone = await newPhone({ userName: 'phone', password: 'wrong' }).boot();
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.result, 'failed');
    assert.match(attempt.files[0]?.message ?? '', /refused the credentials for user "phone"/);
    assert.equal(server.requests.filter((r) => r.path === COMMON).length, 2);
  });

  for (const algorithm of ['MD5', 'SHA-256'] as const) {
    it(`Digest auth (RFC 7616, ${algorithm}, qop=auth) through firmware/sip/auth, checked by an independent server`, async () => {
      server.auth = { kind: 'digest', user: 'phone', password: 'secret', algorithm };
      const phone = await newPhone({ userName: 'phone', password: 'secret' }).boot();
      const attempt = await phone.client.checkNow();
      assert.equal(attempt.result, 'updated', attempt.message);
      const ok = server.requests.filter((r) => r.status === 200);
      assert.equal(ok.length, 2);
      const p = authParams(ok[0]?.headers.authorization ?? '');
      assert.deepEqual([p.get('uri'), p.get('qop'), p.get('nc'), p.get('algorithm')], [COMMON, 'auth', '00000001', algorithm]);
    });
  }

  it('Digest: a stale nonce is answered again with the new one', async () => {
    server.auth = { kind: 'digest', user: 'phone', password: 'secret', algorithm: 'SHA-256', staleOnce: true };
    const phone = await newPhone({ userName: 'phone', password: 'secret' }).boot();
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.result, 'updated', attempt.message);
    assert.deepEqual(
      server.requests.filter((r) => r.path === COMMON).map((r) => r.status),
      [401, 401, 200],
    );
  });

  it('credentials in the URL are used and never shown', async () => {
    server.auth = { kind: 'basic', user: 'u', password: 'p@ss' };
    const phone = newPhone();
    phone.settings = { ...phone.settings, serverUrl: base.replace('http://', 'http://u:p%40ss@') + '/prov' };
    await phone.boot();
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.result, 'updated', attempt.message);
    assert.equal(attempt.server, `${base}/prov/`);
    assert.ok(!JSON.stringify(phone.client.status()).includes('p@ss'));
  });

  it('a file with an invalid line is refused whole, with URL:line diagnostics; the last good copy stays', async () => {
    const phone = await newPhone().boot();
    await phone.client.checkNow();
    server.files.set(COMMON, {
      body: cfg('account.1.display_name = New', 'sip.listen_port = 99999', 'account.1.unknown = x'),
      etag: '"c2"',
    });
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.result, 'failed');
    const refused = attempt.files[0];
    assert.equal(refused?.outcome, 'refused');
    assert.match(refused?.message ?? '', /1 invalid line .*the last good copy stays in effect/);
    assert.deepEqual(
      refused?.diagnostics.filter((d) => d.severity === 'error').map((d) => d.text),
      [`${base}${COMMON}:3: sip.listen_port = 99999: must be an integer 0..65535`],
    );
    assert.equal(attempt.files[1]?.outcome, 'not-modified');
    assert.equal(phone.applied.length, 1, 'nothing applied');
    assert.equal(phone.config().get('account.1.display_name'), 'Common');
    assert.equal(phone.client.status().inEffect[0]?.etag, '"c1"');
  });

  it('an HTML page served as 200 is not a configuration file', async () => {
    server.files.set(COMMON, { body: '<html><body>Welcome to nginx!</body></html>\n' });
    const phone = await newPhone().boot();
    const attempt = await phone.client.checkNow();
    assert.equal(attempt.files[0]?.outcome, 'refused');
    assert.match(attempt.files[0]?.message ?? '', /not a configuration file/);
    assert.equal(attempt.result, 'partial');
  });

  it('check-sync triggers a fetch; one arriving during a fetch runs one more after it', async () => {
    const phone = await newPhone().boot();
    const first = phone.client.checkNow('check-sync');
    const second = phone.client.checkNow('check-sync');
    const third = phone.client.checkNow('check-sync');
    assert.equal(second, third, 'requests during an attempt share the one follow-up');
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual([a.trigger, a.result, b.result], ['check-sync', 'updated', 'unchanged']);
    assert.equal(server.requests.length, 4);
    assert.equal(phone.client.status().lastAttempt?.trigger, 'check-sync');
  });

  it('repeats every repeat.minutes on the board clock, from the end of the last attempt', async () => {
    const phone = await newPhone({ repeatMinutes: 5, onPowerOn: true }).boot();
    assert.equal(server.requests.length, 2, 'power-on fetch');
    assert.equal(phone.client.status().nextAttemptInMs, 5 * 60_000);
    phone.clock.advance(5 * 60_000 - 1);
    await phone.client.whenIdle();
    assert.equal(server.requests.length, 2);
    phone.clock.advance(1);
    await phone.client.whenIdle();
    assert.equal(server.requests.length, 4);
    assert.equal(phone.client.status().lastAttempt?.trigger, 'periodic');
    assert.equal(phone.client.status().nextAttemptInMs, 5 * 60_000);
    phone.client.dispose();
    assert.equal(phone.clock.pendingCount, 0, 'dispose clears the timer');
  });

  it('DHCP option 66 wins over static.auto_provision.server.url when enabled', async () => {
    const phone = newPhone({ useDhcpOption: true });
    phone.settings = { ...phone.settings, serverUrl: 'http://192.0.2.1/never/' };
    await phone.boot(() => Promise.resolve(`${base}/prov/`));
    const attempt = await phone.client.checkNow();
    assert.deepEqual([attempt.result, attempt.serverSource, attempt.server], ['updated', 'dhcp', `${base}/prov/`]);
  });

  it('no server configured: the status says so and nothing is fetched', async () => {
    const phone = newPhone();
    phone.settings = { ...phone.settings, serverUrl: '' };
    await phone.boot();
    const attempt = await phone.client.checkNow();
    assert.deepEqual([attempt.result, attempt.message], ['no-server', 'no provisioning server: set static.auto_provision.server.url']);
    assert.equal(server.requests.length, 0);
  });
});

describe('ProvisioningClient with the server down', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'deskphone-prov-down-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the last good configuration, says the server is unreachable, and still has it after a reboot', async () => {
    const server = new ProvisioningServer();
    const base = await server.start();
    server.files.set(COMMON, { body: cfg('account.1.label = provisioned'), etag: '"c1"' });
    const dir = join(root, 'phone');
    const phone = await new Phone(dir, `${base}/prov/`).boot();
    assert.equal((await phone.client.checkNow()).result, 'updated');
    await server.close();

    const down = await phone.client.checkNow();
    assert.equal(down.result, 'failed');
    assert.deepEqual(down.files.map((f) => f.outcome), ['unreachable', 'skipped']);
    assert.match(down.message, /server unreachable: 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    assert.match(down.message, /the last good configuration stays in effect$/);
    assert.equal(phone.applied.length, 1);
    assert.equal(phone.client.status().lastSuccessAt, WALL.toISOString());
    phone.client.dispose();

    // Reboot: a new store and client on the same directory, server still down, power-on fetch enabled.
    const rebooted = await new Phone(dir, `${base}/prov/`, { onPowerOn: true }).boot();
    assert.equal(rebooted.applied.length, 1, 'the cached layers are applied at start');
    assert.equal(rebooted.config().get('account.1.label'), 'provisioned');
    assert.equal(rebooted.client.status().lastAttempt?.result, 'failed');
    assert.equal(rebooted.client.status().lastAttempt?.trigger, 'boot');
    rebooted.client.dispose();
  });
});
