import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fit, formatDuration, softkeyRow } from '../../firmware/phone/screens.js';

describe('screen text helpers', () => {
  it('fit pads and clips; softkeys sit in quarter slots', () => {
    assert.equal(fit('abc', 5), 'abc  ');
    assert.equal(fit('abcdef', 4), 'abcd');
    assert.equal(softkeyRow(['Send', 'Del', '', 'Cancel'], 20), 'Send Del       Canc ');
  });

  it('the call timer shows hours only once there are some', () => {
    assert.equal(formatDuration(65), '01:05');
    assert.equal(formatDuration(3725), '1:02:05');
  });
});
