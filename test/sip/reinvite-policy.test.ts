// The glare policy as pure functions (RFC 3261 §14.1, §14.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  overlappingInviteRetryAfterSeconds,
  reinviteVerdict,
  requestPendingRetryDelayMs,
} from '../../firmware/sip/ua/glare-policy.js';

describe('§14.1: the wait before retrying a re-INVITE that got 491', () => {
  it('owner of the Call-ID: 2.1 to 4 s in units of 10 ms', () => {
    assert.equal(requestPendingRetryDelayMs(true, () => 0), 2100);
    assert.equal(requestPendingRetryDelayMs(true, () => 0.5), 3050);
    assert.equal(requestPendingRetryDelayMs(true, () => 0.999999), 4000);
  });

  it('not the owner: 0 to 2 s in units of 10 ms', () => {
    assert.equal(requestPendingRetryDelayMs(false, () => 0), 0);
    assert.equal(requestPendingRetryDelayMs(false, () => 0.5), 1000);
    assert.equal(requestPendingRetryDelayMs(false, () => 0.999999), 2000);
  });

  it('every value is a multiple of 10 ms inside its range, and every step is reachable', () => {
    for (const owner of [true, false]) {
      const seen = new Set<number>();
      for (let i = 0; i < 1000; i++) {
        const t = requestPendingRetryDelayMs(owner, () => i / 1000);
        assert.equal(t % 10, 0);
        assert.ok(owner ? t >= 2100 && t <= 4000 : t >= 0 && t <= 2000, `${t} ms`);
        seen.add(t);
      }
      assert.equal(seen.size, owner ? 191 : 201);
    }
  });

  it('a random source out of [0, 1) cannot push it out of range', () => {
    assert.equal(requestPendingRetryDelayMs(true, () => 1), 4000);
    assert.equal(requestPendingRetryDelayMs(false, () => -3), 0);
    assert.equal(requestPendingRetryDelayMs(false, () => Number.NaN), 0);
  });
});

describe('§14.2: an INVITE that arrives in a dialog', () => {
  it('is served when nothing is in progress', () => {
    assert.equal(reinviteVerdict({ ownInviteInProgress: false, peerInviteInProgress: false }), 'serve');
  });

  it('gets 491 while our own INVITE is in progress', () => {
    assert.equal(reinviteVerdict({ ownInviteInProgress: true, peerInviteInProgress: false }), 'request-pending');
  });

  it('gets 500 while the peer’s earlier INVITE is still being served', () => {
    assert.equal(reinviteVerdict({ ownInviteInProgress: false, peerInviteInProgress: true }), 'server-busy');
  });

  it('the 500 carries a Retry-After between 0 and 10 s', () => {
    assert.equal(overlappingInviteRetryAfterSeconds(() => 0), 0);
    assert.equal(overlappingInviteRetryAfterSeconds(() => 0.5), 5);
    assert.equal(overlappingInviteRetryAfterSeconds(() => 0.9999), 10);
  });
});
