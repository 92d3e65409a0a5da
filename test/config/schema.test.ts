import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SETTING_KEYS, ConfigKeyError, lookupKey, requireKey, settingKey } from '../../firmware/config/keys.js';
import { INDEX_RANGES, KEY_ALIASES, SETTINGS, isHostName, isTimeZoneOffset } from '../../firmware/config/schema.js';
import { checkSetting } from '../../firmware/config/setting-entry.js';
import { formatValue, parseValue } from '../../firmware/config/values.js';

describe('the schema is consistent with itself', () => {
  for (const spec of SETTINGS) {
    it(`${spec.key}: its default is a valid value that writes and reads back the same`, () => {
      const raw = formatValue(spec.type, spec.type.default);
      if (raw === '') {
        assert.equal(spec.type.kind, 'string', 'only a string may default to empty (an empty value means "default")');
        return;
      }
      const parsed = parseValue(spec.type, raw);
      assert.ok(parsed.ok, `default ${raw} is refused`);
      assert.equal(parsed.value, spec.type.default);
    });
  }

  it('every key is unique and every description is one line', () => {
    assert.equal(new Set(SETTINGS.map((s) => s.key)).size, SETTINGS.length);
    for (const s of SETTINGS) assert.ok(s.description.length > 0 && !s.description.includes('\n'), s.key);
  });

  it('every alias names a setting, and alias plus fixed indices cover the setting\'s indices', () => {
    for (const a of KEY_ALIASES) {
      const match = requireKey(a.alias.replace('{N}', '1'));
      assert.equal(match.spec.key, a.setting);
      assert.ok(!/\{[NM]\}/.test(match.key), match.key);
    }
  });
});

describe('keys', () => {
  it('expands every pattern over its index ranges, without duplicates', () => {
    // Per account: account.{N}.* and the few others indexed by account (voice_mail.number.{N}).
    const perAccount = SETTINGS.filter((s) => s.key.includes('{N}'));
    const perServer = perAccount.filter((s) => s.key.includes('{M}'));
    const global = SETTINGS.length - perAccount.length;
    const accounts = INDEX_RANGES.N.max - INDEX_RANGES.N.min + 1;
    const servers = INDEX_RANGES.M.max - INDEX_RANGES.M.min + 1;
    const expected = global + accounts * (perAccount.length - perServer.length + perServer.length * servers);
    assert.equal(ALL_SETTING_KEYS.length, expected);
    assert.equal(new Set(ALL_SETTING_KEYS).size, ALL_SETTING_KEYS.length);
    assert.ok(ALL_SETTING_KEYS.includes('account.6.sip_server.2.retry_counts'));
    assert.ok(!ALL_SETTING_KEYS.some((k) => k.startsWith('account.7.') || k.includes('sip_server.3.')));
  });

  it('lookupKey finds the row and the indices', () => {
    const found = lookupKey('account.5.sip_server.2.transport_type');
    assert.ok(found.ok);
    assert.equal(found.match.spec.key, 'account.{N}.sip_server.{M}.transport_type');
    assert.deepEqual(found.match.indices, { N: 5, M: 2 });
  });

  it('an index out of range is its own failure, naming the range', () => {
    assert.deepEqual(lookupKey('account.1.sip_server.0.port'), {
      ok: false,
      reason: 'index',
      message: 'account.1.sip_server.0.port: SIP server number 0 is out of range: M must be 1..2',
    });
  });

  it('a key that merely looks like a setting is unknown', () => {
    for (const key of ['account.1', 'account.1.enable.x', 'xaccount.1.enable', 'sip.listen_port ', 'account.N.enable', 'sip_listen_port']) {
      assert.deepEqual(lookupKey(key), { ok: false, reason: 'unknown' }, key);
    }
  });

  it('settingKey fills a typed pattern, requireKey throws ConfigKeyError for a non-setting', () => {
    assert.equal(settingKey('account.{N}.sip_server.{M}.port', { N: 3, M: 1 }), 'account.3.sip_server.1.port');
    assert.equal(settingKey('sip.listen_port'), 'sip.listen_port');
    assert.throws(() => requireKey('phone.volume'), ConfigKeyError);
  });
});

describe('checkSetting (the check the web UI will share with the parser)', () => {
  it('returns the canonical entry, without a line when none is given', () => {
    const checked = checkSetting('account.2.sip_server_port', ' 5070 ');
    assert.ok(checked.ok);
    assert.deepEqual(checked.entry, { key: 'account.2.sip_server.1.port', value: 5070, reset: false, writtenAs: 'account.2.sip_server_port' });
  });

  it('says which kind of failure it was', () => {
    const unknown = checkSetting('nope', '1');
    const index = checkSetting('account.8.enable', '1');
    const value = checkSetting('account.1.enable', '5');
    assert.ok(!unknown.ok && !index.ok && !value.ok);
    assert.deepEqual([unknown.kind, index.kind, value.kind], ['unknown-key', 'bad-index', 'bad-value']);
  });
});

describe('value formats', () => {
  it('host names and IP literals', () => {
    for (const ok of ['127.0.0.1', 'pbx', 'pbx.example.com', 'pbx.example.com.', 'a-b.c', '::1', '[::1]', '2001:db8::1']) {
      assert.ok(isHostName(ok), ok);
    }
    for (const bad of ['', 'sip:pbx', 'pbx:5060', 'user@pbx', '-pbx', 'pbx-', 'a..b', 'has space', 'x'.repeat(64) + '.com', 'http://pbx/']) {
      assert.ok(!isHostName(bad), bad);
    }
  });

  it('time zones as Yealink writes them', () => {
    for (const ok of ['0', '+0', '+8', '-5', '+5:30', '+5:45', '-3:30', '+14', '-12', '+10:00']) assert.ok(isTimeZoneOffset(ok), ok);
    for (const bad of ['', '+15', '-13', '+5:15', 'UTC', '+5.5', '8h']) assert.ok(!isTimeZoneOffset(bad), bad);
  });
});
