import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKeyName, KEY_NAMES, parseKeyName, parseKeySequence } from '../../drivers/keypad/key-names.js';

describe('key names', () => {
  it('holds the dial pad, navigation, soft and feature keys once each', () => {
    assert.equal(new Set(KEY_NAMES).size, KEY_NAMES.length);
    for (const k of ['0', '9', 'star', 'pound', 'ok', 'soft4', 'vol_up', 'conference', 'message']) {
      assert.ok(isKeyName(k), k);
    }
    assert.equal(isKeyName('soft5'), false);
  });

  it('parses symbols and names in any case', () => {
    assert.equal(parseKeyName('*'), 'star');
    assert.equal(parseKeyName('#'), 'pound');
    assert.equal(parseKeyName('OK'), 'ok');
    assert.equal(parseKeyName(' Vol_Up '), 'vol_up');
    assert.equal(parseKeyName('vol-down'), 'vol_down');
    assert.equal(parseKeyName('7'), '7');
    assert.equal(parseKeyName('volume'), undefined);
    assert.equal(parseKeyName('12'), undefined);
  });

  it('parses a sequence of dial-pad runs and names, and names the word it cannot read', () => {
    assert.deepEqual(parseKeySequence('12*# ok, soft1'), {
      ok: true,
      keys: ['1', '2', 'star', 'pound', 'ok', 'soft1'],
    });
    assert.deepEqual(parseKeySequence('  '), { ok: true, keys: [] });
    assert.deepEqual(parseKeySequence('12 frobnicate 3'), { ok: false, bad: 'frobnicate' });
    assert.deepEqual(parseKeySequence('12a'), { ok: false, bad: '12a' });
  });
});
