import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SETTING_KEYS } from '../../firmware/config/keys.js';
import { resolveConfig } from '../../firmware/config/layers.js';
import { SETTINGS, type SettingSpec } from '../../firmware/config/schema.js';
import { checkSetting } from '../../firmware/config/setting-entry.js';
import { describeAllowed } from '../../firmware/config/values.js';
import { findPage, OTHER_PAGE_ID, pageOf, SETTINGS_PAGES } from '../../firmware/web/settings-pages.js';
import { checkChanges, describeSetting, labelOf, pageValues, uiSchema } from '../../firmware/web/settings-view.js';

function entry(key: string, raw: string) {
  const checked = checkSetting(key, raw);
  assert.ok(checked.ok, key);
  return checked.entry;
}

describe('the UI schema is derived from the config schema', () => {
  const schema = uiSchema();

  it('says what each "applies" means, and which wait for a reboot (the UI then points to its Reboot page)', () => {
    assert.deepEqual(schema.afterReboot, ['restart-sip', 'reboot']);
    // Nothing restarts the SIP transports while the phone runs: the text must not promise it.
    assert.match(schema.applies['restart-sip'], /after a reboot/);
    assert.doesNotMatch(schema.applies['restart-sip'], /are restarted/);
    assert.equal(schema.applies.reboot, 'takes effect after a reboot');
  });

  it('every schema row appears on exactly one page, in schema order', () => {
    const shown = schema.pages.flatMap((p) => p.settings.map((s) => s.key));
    assert.deepEqual([...shown].sort(), SETTINGS.map((s) => s.key).sort());
    for (const page of schema.pages) {
      const order = page.settings.map((s) => SETTINGS.findIndex((x) => x.key === s.key));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), page.id);
    }
  });

  it('each descriptor carries the row\'s kind, range, choices, description and applies', () => {
    for (const spec of SETTINGS as readonly SettingSpec[]) {
      const d = describeSetting(spec);
      assert.equal(d.kind, spec.type.kind);
      assert.equal(d.description, spec.description);
      assert.equal(d.applies, spec.applies);
      assert.equal(d.allowed, describeAllowed(spec.type));
      if (spec.type.kind === 'int') assert.deepEqual([d.min, d.max], [spec.type.min, spec.type.max]);
      if (spec.type.kind === 'enum') assert.deepEqual(d.choices?.map((c) => c.code), spec.type.choices.map((c) => c.code));
    }
    const port = describeSetting(SETTINGS.find((s) => s.key === 'account.{N}.sip_server.{M}.port') as SettingSpec);
    assert.deepEqual({ label: port.label, default: port.default, min: port.min, max: port.max }, { label: 'Port', default: '5060', min: 0, max: 65535 });
  });

  it('a secret has no default in its descriptor and is flagged secret', () => {
    const d = describeSetting(SETTINGS.find((s) => s.key === 'account.{N}.password') as SettingSpec);
    assert.equal(d.secret, true);
    assert.equal('default' in d, false);
  });

  it('pages by longest key prefix; a row no page claims lands on "Other settings"', () => {
    assert.equal(pageOf('account.{N}.user_name').id, 'accounts');
    assert.equal(pageOf('account.{N}.codec.{M}.enable').id, 'audio');
    assert.equal(pageOf('features.direct_ip_call_enable').id, 'features');
    assert.equal(pageOf('features.relog_offtime').id, 'network');
    assert.equal(pageOf('static.network.port.http').id, 'network');
    assert.equal(pageOf('phone_setting.backlight_time').id, OTHER_PAGE_ID);
    const made: SettingSpec = { key: 'phone_setting.backlight_time', type: { kind: 'int', min: 0, max: 60, default: 30 }, applies: 'live', description: 'x' };
    const other = uiSchema([...SETTINGS, made]).pages.find((p) => p.id === OTHER_PAGE_ID);
    assert.deepEqual(other?.settings.map((s) => s.key), ['phone_setting.backlight_time']);
  });

  it('labels come from the key, less the page prefix and the server part', () => {
    const accounts = findPage('accounts');
    const network = findPage('network');
    assert.ok(accounts !== undefined && network !== undefined);
    assert.equal(labelOf('account.{N}.user_name', accounts), 'User name');
    assert.equal(labelOf('account.{N}.sip_server.{M}.transport_type', accounts), 'Transport type');
    assert.equal(labelOf('static.network.port.https', network), 'Port https');
    assert.equal(labelOf('features.relog_offtime', network), 'Relog offtime');
  });
});

describe('pageValues', () => {
  it('lists every concrete key of the page, as .cfg text, secrets only as set or not', () => {
    const config = resolveConfig({ local: { name: 'l', entries: [entry('account.2.password', 'pw-value'), entry('account.2.enable', '1')] } });
    const accounts = findPage('accounts');
    assert.ok(accounts !== undefined);
    const values = pageValues(config, accounts);
    assert.equal(values.length, ALL_SETTING_KEYS.filter((k) => k.startsWith('account.') && !k.includes('.codec.')).length);
    assert.deepEqual(values.find((v) => v.key === 'account.2.password'), { key: 'account.2.password', pattern: 'account.{N}.password', set: true, source: 'local' });
    assert.deepEqual(values.find((v) => v.key === 'account.2.enable'), { key: 'account.2.enable', pattern: 'account.{N}.enable', value: '1', source: 'local' });
    assert.ok(!JSON.stringify(values).includes('pw-value'));
  });
});

describe('checkChanges', () => {
  it('turns key: text pairs into entries; an empty value resets', () => {
    const checked = checkChanges({ 'account.1.enable': '1', 'account.1.label': '', 'account.1.sip_server_port': '5070' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.entries, [
      { key: 'account.1.enable', value: true, reset: false },
      { key: 'account.1.label', value: '', reset: true },
      { key: 'account.1.sip_server.1.port', value: 5070, reset: false, writtenAs: 'account.1.sip_server_port' },
    ]);
  });

  it('is all or nothing, and refuses what is not an object of strings', () => {
    const checked = checkChanges({ 'account.1.enable': '1', 'account.1.sip_server.1.port': 'x', 'account.1.label': 5 });
    assert.ok(!checked.ok);
    assert.deepEqual(checked.errors.map((e) => e.key), ['account.1.sip_server.1.port', 'account.1.label']);
    for (const bad of [null, [], 'x', 3]) assert.equal(checkChanges(bad).ok, false);
  });

  it('every page id the UI links to exists', () => {
    for (const id of ['accounts', 'features', 'audio', 'network', 'provisioning', 'other']) assert.ok(SETTINGS_PAGES.some((p) => p.id === id), id);
  });
});
