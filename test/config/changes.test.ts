import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { accountsToReregister, changedSettings, strongestApplies } from '../../firmware/config/changes.js';
import { resolveConfig } from '../../firmware/config/layers.js';

function resolved(...lines: string[]): ReturnType<typeof resolveConfig> {
  return resolveConfig({ file: parseCfg(['#!version:1.0.0.1', ...lines].join('\n'), 'phone.cfg') });
}

describe('changedSettings / strongestApplies', () => {
  const before = resolved('account.1.enable = 1', 'account.1.user_name = alice', 'account.1.label = A');

  it('nothing changed: no changes, nothing to apply', () => {
    const changes = changedSettings(before, resolved('account.1.enable = 1', 'account.1.user_name = alice', 'account.1.label = A'));
    assert.deepEqual(changes, []);
    assert.equal(strongestApplies(changes), undefined);
  });

  it('a source change without a value change is not a change', () => {
    const changes = changedSettings(before, resolved('account.1.enable = 1', 'account.1.user_name = alice', 'account.1.label = A', 'sip.listen_port = 5060'));
    assert.deepEqual(changes, []);
  });

  it('a label change applies live', () => {
    const changes = changedSettings(before, resolved('account.1.enable = 1', 'account.1.user_name = alice', 'account.1.label = B'));
    assert.deepEqual(changes, [{ key: 'account.1.label', before: 'A', after: 'B', applies: 'live' }]);
    assert.equal(strongestApplies(changes), 'live');
    assert.deepEqual(accountsToReregister(changes), []);
  });

  it('a password change re-registers that account; a listen port change needs SIP restarted (a reboot), the strongest wins', () => {
    const changes = changedSettings(
      before,
      resolved('account.1.enable = 1', 'account.1.user_name = alice', 'account.1.label = B', 'account.1.password = new', 'sip.listen_port = 5070'),
    );
    assert.deepEqual(
      changes.map((c) => [c.key, c.applies]),
      [
        ['account.1.label', 'live'],
        ['account.1.password', 'reregister'],
        ['sip.listen_port', 'restart-sip'],
      ],
    );
    assert.equal(strongestApplies(changes), 'restart-sip');
    assert.deepEqual(accountsToReregister(changes), [1]);
  });

  it('lists each account whose registration settings changed, once, in order', () => {
    const changes = changedSettings(
      before,
      resolved(
        'account.1.enable = 1',
        'account.1.user_name = alice',
        'account.1.label = A',
        'account.3.sip_server.2.port = 5080',
        'account.3.sip_server.1.expires = 60',
        'account.2.enable = 1',
      ),
    );
    assert.deepEqual(accountsToReregister(changes), [2, 3]);
    assert.equal(strongestApplies(changes), 'reregister');
  });
});
