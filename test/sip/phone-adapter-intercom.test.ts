import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asksForAutoAnswer } from '../../firmware/sip/phone-adapter.js';
import { accountForRequestUser } from '../../firmware/sip/account-call-settings.js';

describe('intercom and account of an incoming call', () => {
  it('recognises answer-after in Call-Info and auto-answer / intercom in Alert-Info', () => {
    assert.equal(asksForAutoAnswer(['<sip:pbx.example.com>;answer-after=0'], []), true);
    assert.equal(asksForAutoAnswer([], ['<http://www.notused.com>;info=alert-autoanswer']), true);
    assert.equal(asksForAutoAnswer([], ['Intercom']), true);
    assert.equal(asksForAutoAnswer([], ['info=Auto Answer']), true);
    assert.equal(asksForAutoAnswer(['<http://example.com/photo.jpg>;purpose=icon'], ['<http://example.com/ring.wav>']), false);
  });
  it('picks the account whose user name is the Request-URI user, else the first', () => {
    const accounts = [
      { index: 1, userName: 'alice' },
      { index: 3, userName: 'desk' },
    ];
    assert.equal(accountForRequestUser('desk', accounts), 3);
    assert.equal(accountForRequestUser('nobody', accounts), 1);
    assert.equal(accountForRequestUser(undefined, []), 1);
  });
});
