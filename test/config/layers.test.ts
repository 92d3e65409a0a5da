import { DEFAULT_CALLS_CONFIG } from '../../firmware/phone/phone.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { ConfigKeyError } from '../../firmware/config/keys.js';
import { resolveConfig, type ConfigLayer } from '../../firmware/config/layers.js';
import { checkSetting, type SettingEntry } from '../../firmware/config/setting-entry.js';

function file(name: string, ...lines: string[]): ConfigLayer {
  const parsed = parseCfg(['#!version:1.0.0.1', ...lines].join('\n'), name);
  assert.deepEqual(
    parsed.diagnostics.filter((d) => d.severity === 'error'),
    [],
    `test layer ${name} must have no errors`,
  );
  return parsed;
}

/** Changes made on the phone: validated the same way, no line numbers. */
function localChanges(...pairs: [string, string][]): ConfigLayer {
  const entries: SettingEntry[] = pairs.map(([key, raw]) => {
    const checked = checkSetting(key, raw);
    if (!checked.ok) assert.fail(checked.message);
    return checked.entry;
  });
  return { name: 'local changes', entries };
}

/** The per-account call settings an account gets when its file sets none. */
const CALL_SETTING_DEFAULTS = {
  autoAnswer: false,
  dtmf: 'rfc4733',
  sessionTimer: { enabled: false, expiresS: 1800, refresher: 'uac' },
  reliableProvisionals: false,
  mwi: { subscribe: false, expiresS: 3600 },
  voicemailNumber: '',
} as const;

describe('resolveConfig: precedence default < file < provisioned < local', () => {
  const layers = {
    file: file('phone.cfg', 'sip.listen_port = 5070', 'account.1.label = from-file', 'account.1.user_name = alice', 'sip.trust_ctrl = 1'),
    provisioned: [
      file('y000000000000.cfg', 'account.1.label = from-common', 'account.1.display_name = Common', 'sip.tls_listen_port = 5071'),
      file('0015651234ab.cfg', 'account.1.label = from-mac'),
    ],
    local: localChanges(['account.1.display_name', 'Alice at the desk']),
  };
  const config = resolveConfig(layers);

  it('a key no layer sets has its default, and source() says so', () => {
    assert.equal(config.get('account.1.sip_server.1.port'), 5060);
    assert.deepEqual(config.source('account.1.sip_server.1.port'), { layer: 'default' });
  });

  it('the file overrides the default', () => {
    assert.equal(config.get('sip.listen_port'), 5070);
    assert.deepEqual(config.source('sip.listen_port'), { layer: 'file', name: 'phone.cfg', line: 2 });
  });

  it('provisioned files override the file, later downloads over earlier ones', () => {
    assert.equal(config.get('account.1.label'), 'from-mac');
    assert.deepEqual(config.source('account.1.label'), { layer: 'provisioned', name: '0015651234ab.cfg', line: 2 });
    assert.equal(config.get('sip.tls_listen_port'), 5071);
    assert.deepEqual(config.source('sip.tls_listen_port'), { layer: 'provisioned', name: 'y000000000000.cfg', line: 4 });
  });

  it('a local change overrides provisioning', () => {
    assert.equal(config.get('account.1.display_name'), 'Alice at the desk');
    assert.deepEqual(config.source('account.1.display_name'), { layer: 'local', name: 'local changes' });
  });

  it('a key set only in a lower layer keeps that layer as its source', () => {
    assert.equal(config.get('sip.trust_ctrl'), true);
    assert.deepEqual(config.source('sip.trust_ctrl'), { layer: 'file', name: 'phone.cfg', line: 5 });
  });

  it('a blank in a higher layer resets the key to its default over a lower layer, and is its source', () => {
    const reset = resolveConfig({ ...layers, provisioned: [...layers.provisioned, file('reset.cfg', 'sip.listen_port =')] });
    assert.equal(reset.get('sip.listen_port'), 5060);
    assert.deepEqual(reset.source('sip.listen_port'), { layer: 'provisioned', name: 'reset.cfg', line: 2 });
  });

  it('an older key name in a layer resolves to the new key', () => {
    const old = resolveConfig({ file: file('old.cfg', 'account.2.sip_server_host = 10.1.1.1') });
    assert.equal(old.get('account.2.sip_server.1.address'), '10.1.1.1');
  });

  it('is pure: the same layers give the same result, and the layers are not changed', () => {
    const frozen = structuredClone(layers);
    const again = resolveConfig(layers);
    assert.deepEqual(again.view, config.view);
    assert.deepEqual(again.settings(), config.settings());
    assert.deepEqual(layers, frozen);
  });

  it('settings() lists every key once, with its value and source', () => {
    const all = config.settings();
    assert.equal(new Set(all.map((s) => s.key)).size, all.length);
    assert.deepEqual(
      all.find((s) => s.key === 'account.1.label'),
      { key: 'account.1.label', value: 'from-mac', source: { layer: 'provisioned', name: '0015651234ab.cfg', line: 2 } },
    );
  });
});

describe('resolveConfig: get() and value()', () => {
  const config = resolveConfig({ file: file('p.cfg', 'account.2.sip_server.2.port = 5080', 'account.2.sip_server.2.transport_type = 2') });

  it('value() reads by pattern and indices, typed by the schema', () => {
    const port: number = config.value('account.{N}.sip_server.{M}.port', { N: 2, M: 2 });
    const trust: boolean = config.value('sip.trust_ctrl');
    assert.equal(port, 5080);
    assert.equal(trust, false);
    assert.equal(config.value('account.{N}.sip_server.{M}.transport_type', { N: 2, M: 2 }), 2);
  });

  it('get() of a key that is not a setting throws ConfigKeyError naming it', () => {
    assert.throws(() => config.get('account.1.nonsense'), (e: unknown) => e instanceof ConfigKeyError && e.key === 'account.1.nonsense');
    assert.throws(() => config.source('account.7.enable'), /account number 7 is out of range: N must be 1\.\.6/);
  });

  it('refuses a layer entry whose value has the wrong type (entries must come from checkSetting)', () => {
    const bad: ConfigLayer = { name: 'bad', entries: [{ key: 'sip.listen_port', value: '5060', reset: false }] };
    assert.throws(() => resolveConfig({ local: bad }), /bad: sip\.listen_port: a string cannot be a int setting/);
  });
});

describe('resolveConfig: the typed view', () => {
  it('with no layers: no accounts, default SIP settings', () => {
    const { view, problems } = resolveConfig({});
    const { calls, ...rest } = view;
    assert.deepEqual(rest, {
      accounts: [],
      sip: { listenPort: 5060, tlsListenPort: 5061, trustCtrl: false },
      security: { onlyTrustedCertificates: true },
      features: { directIpCall: true },
      time: { timeZone: '0' },
    });
    // The phone's own fallback (no configuration at all) is the schema's defaults.
    assert.deepEqual(calls, DEFAULT_CALLS_CONFIG);
    assert.deepEqual(problems, []);
  });

  it('lists only enabled accounts, each with the servers that have an address, transports by name', () => {
    const { view, problems } = resolveConfig({
      file: file(
        'phone.cfg',
        'account.1.enable = 1',
        'account.1.user_name = alice',
        'account.1.password = pw1',
        'account.1.sip_server.1.address = 10.0.0.1',
        'account.1.sip_server.2.address = 10.0.0.2',
        'account.1.sip_server.2.port = 5061',
        'account.1.sip_server.2.transport_type = 2',
        'account.1.sip_server.2.expires = 300',
        'account.2.enable = 0',
        'account.2.user_name = carol',
        'account.2.sip_server.1.address = 10.0.0.1',
        'account.4.enable = 1',
        'account.4.label = Bob',
        'account.4.user_name = bob',
        'account.4.auth_name = bob-auth',
        'account.4.sip_server.2.address = backup.example.com',
        'account.4.sip_server.2.transport_type = 3',
        'account.4.sip_server.2.port = 0',
        'account.4.outbound_proxy_enable = 1',
        'account.4.outbound_host = sbc.example.com',
        'account.4.outbound_port = 5099',
        'account.4.nat.udp_update_enable = 0',
      ),
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(view.accounts, [
      {
        index: 1,
        label: 'alice',
        displayName: '',
        userName: 'alice',
        authName: 'alice',
        password: 'pw1',
        servers: [
          { index: 1, address: '10.0.0.1', port: 5060, transport: 'udp', expiresSeconds: 3600, retryCounts: 3 },
          { index: 2, address: '10.0.0.2', port: 5061, transport: 'tls', expiresSeconds: 300, retryCounts: 3 },
        ],
        natKeepAlive: { kind: 'default', intervalSeconds: 30 },
        ...CALL_SETTING_DEFAULTS,
      },
      {
        index: 4,
        label: 'Bob',
        displayName: '',
        userName: 'bob',
        authName: 'bob-auth',
        password: '',
        servers: [{ index: 2, address: 'backup.example.com', port: 0, transport: 'dns-naptr', expiresSeconds: 3600, retryCounts: 3 }],
        outboundProxy: { host: 'sbc.example.com', port: 5099 },
        natKeepAlive: { kind: 'off', intervalSeconds: 30 },
        ...CALL_SETTING_DEFAULTS,
      },
    ]);
  });

  it('maps the global keys to sip, security and features', () => {
    const { view } = resolveConfig({
      file: file(
        'phone.cfg',
        'sip.listen_port = 0',
        'sip.tls_listen_port = 5161',
        'sip.trust_ctrl = 1',
        'static.security.trust_certificates = 0',
        'features.direct_ip_call_enable = 0',
        'local_time.time_zone = +5:30',
      ),
    });
    assert.deepEqual(view.sip, { listenPort: 0, tlsListenPort: 5161, trustCtrl: true });
    assert.deepEqual(view.security, { onlyTrustedCertificates: false });
    assert.deepEqual(view.features, { directIpCall: false });
    assert.deepEqual(view.time, { timeZone: '+5:30' });
  });

  it('reports settings that are valid alone but do not work together', () => {
    const { view, problems } = resolveConfig({
      file: file('phone.cfg', 'account.3.enable = 1', 'account.3.outbound_proxy_enable = 1'),
    });
    assert.equal(view.accounts.length, 1);
    assert.equal(view.accounts[0]?.outboundProxy, undefined);
    assert.deepEqual(problems, [
      'account 3 is enabled but account.3.user_name is empty: it cannot register',
      'account 3 is enabled but has no server: set account.3.sip_server.1.address',
      'account 3 has outbound_proxy_enable = 1 but account.3.outbound_host is empty: requests go to the server directly',
    ]);
  });
});
