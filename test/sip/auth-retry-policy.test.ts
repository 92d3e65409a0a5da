import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthRetryDecision, AuthRetryState } from '../../firmware/sip/auth/retry-policy.js';
import { decideOnChallenge, initialAuthRetryState } from '../../firmware/sip/auth/retry-policy.js';

const challenge = (nonce: string, stale = false): { realm: string; nonce: string; stale: boolean } => ({
  realm: 'pbx.example',
  nonce,
  stale,
});

function answered(decision: AuthRetryDecision): { state: AuthRetryState; countedAsFailure: boolean } {
  if (decision.action !== 'answer') assert.fail(`expected an answer, got: ${decision.reason}`);
  return decision;
}

function gaveUp(decision: AuthRetryDecision): { reason: string; credentialsRejected: boolean } {
  if (decision.action !== 'give-up') assert.fail('expected to give up');
  return decision;
}

describe('decideOnChallenge (RFC 2617 §3.2.1 stale)', () => {
  it('answers the first challenge to a request that carried no credentials', () => {
    const d = answered(decideOnChallenge(initialAuthRetryState, challenge('n1')));
    assert.equal(d.countedAsFailure, false);
    assert.deepEqual(d.state, { sentNonce: 'n1', rejections: 0, staleRetries: 0 });
  });

  it('stale=true with a new nonce: retries with it, not counted as a failure', () => {
    const first = answered(decideOnChallenge(initialAuthRetryState, challenge('n1')));
    const stale = answered(decideOnChallenge(first.state, challenge('n2', true)));
    assert.equal(stale.countedAsFailure, false);
    assert.deepEqual(stale.state, { sentNonce: 'n2', rejections: 0, staleRetries: 1 });
  });

  it('a second 401 with the same nonce and stale=false: credentials are wrong, stop', () => {
    const first = answered(decideOnChallenge(initialAuthRetryState, challenge('n1')));
    const d = gaveUp(decideOnChallenge(first.state, challenge('n1')));
    assert.equal(d.credentialsRejected, true);
    assert.match(d.reason, /realm "pbx\.example": credentials rejected \(challenged again with the same nonce/);
  });

  it('stale=true but the very same nonce: gives up, retrying cannot help', () => {
    const first = answered(decideOnChallenge(initialAuthRetryState, challenge('n1')));
    const d = gaveUp(decideOnChallenge(first.state, challenge('n1', true)));
    assert.equal(d.credentialsRejected, false);
    assert.match(d.reason, /stale but offers the same nonce/);
  });

  it('a new nonce without stale counts as a rejection: one retry, then stop', () => {
    let state = answered(decideOnChallenge(initialAuthRetryState, challenge('n1'))).state;
    const retry = answered(decideOnChallenge(state, challenge('n2')));
    assert.equal(retry.countedAsFailure, true);
    state = retry.state;
    assert.equal(state.rejections, 1);
    const d = gaveUp(decideOnChallenge(state, challenge('n3')));
    assert.equal(d.credentialsRejected, true);
    assert.match(d.reason, /rejected 2 times/);
  });

  it('stale retries do not use up the rejection allowance, but are bounded themselves', () => {
    const limits = { maxRejections: 1, maxStaleRetries: 2 };
    let state = answered(decideOnChallenge(initialAuthRetryState, challenge('n0'), limits)).state;
    state = answered(decideOnChallenge(state, challenge('n1', true), limits)).state;
    state = answered(decideOnChallenge(state, challenge('n2', true), limits)).state;
    assert.equal(state.rejections, 0);
    // A wrong-credentials rejection is still allowed its one retry after two stale ones.
    assert.equal(answered(decideOnChallenge(state, challenge('n3'), limits)).countedAsFailure, true);
    // A third stale one in a row is one too many.
    const d = gaveUp(decideOnChallenge(state, challenge('n3', true), limits));
    assert.match(d.reason, /stale 3 times in a row/);
    assert.equal(d.credentialsRejected, false);
  });

  it('a request sent with cached credentials starts from that nonce', () => {
    const cached: AuthRetryState = { sentNonce: 'cached', rejections: 0, staleRetries: 0 };
    assert.equal(gaveUp(decideOnChallenge(cached, challenge('cached'))).credentialsRejected, true);
    assert.equal(answered(decideOnChallenge(cached, challenge('fresh', true))).countedAsFailure, false);
  });
});
