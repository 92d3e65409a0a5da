import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountCredentials, CredentialDecision } from '../../firmware/sip/auth/credential-store.js';
import { CredentialStore, mayAnswerChallenge } from '../../firmware/sip/auth/credential-store.js';

const withRealm: AccountCredentials = { accountId: '1', username: 'alice', password: 's3cret', realm: 'pbx.example' };
const anyRealm: AccountCredentials = { accountId: '2', username: 'bob', password: 'hunter2' };

function refusedBecause(decision: CredentialDecision): string {
  if (decision.answer) assert.fail('expected a refusal');
  return decision.reason;
}

describe('mayAnswerChallenge: the digest-leak defence', () => {
  it('answers a challenge from our server for our realm', () => {
    const d = mayAnswerChallenge(withRealm, { nextHopIsOurServer: true, challengeRealm: 'pbx.example' });
    assert.deepEqual(d, { answer: true, credentials: { username: 'alice', password: 's3cret' } });
  });

  it('refuses a 401 to a BYE sent straight to a peer, even when the peer names our realm', () => {
    const reason = refusedBecause(
      mayAnswerChallenge(withRealm, {
        nextHopIsOurServer: false,
        challengeRealm: 'pbx.example',
        nextHop: 'sip:203.0.113.7:5060',
        method: 'BYE',
      }),
    );
    assert.match(reason, /BYE sent to sip:203\.0\.113\.7:5060/);
    assert.match(reason, /not account 1's registrar or outbound proxy/);
    assert.match(reason, /leak a digest/);
  });

  it('refuses a peer challenge for an account with no configured realm as well', () => {
    const reason = refusedBecause(
      mayAnswerChallenge(anyRealm, { nextHopIsOurServer: false, challengeRealm: 'whatever', method: 'BYE' }),
    );
    assert.match(reason, /leak a digest/);
  });

  it('refuses our server challenging for a realm the account has no credentials for', () => {
    const reason = refusedBecause(
      mayAnswerChallenge(withRealm, { nextHopIsOurServer: true, challengeRealm: 'other.example', method: 'INVITE' }),
    );
    assert.match(reason, /realm "other\.example" to the INVITE/);
    assert.match(reason, /only for realm "pbx\.example"/);
  });

  it('compares realms exactly (RFC 7235 §2.2: case-sensitive)', () => {
    assert.equal(mayAnswerChallenge(withRealm, { nextHopIsOurServer: true, challengeRealm: 'PBX.example' }).answer, false);
  });

  it('with no realm configured, answers whatever realm our own server names', () => {
    const d = mayAnswerChallenge(anyRealm, { nextHopIsOurServer: true, challengeRealm: 'asterisk' });
    assert.deepEqual(d, { answer: true, credentials: { username: 'bob', password: 'hunter2' } });
  });
});

describe('CredentialStore', () => {
  it('looks accounts up by id and applies the same policy', () => {
    const store = new CredentialStore([withRealm, anyRealm]);
    assert.equal(store.realmOf('1'), 'pbx.example');
    assert.equal(store.realmOf('2'), undefined);
    assert.equal(store.credentialsFor('1', { nextHopIsOurServer: true, challengeRealm: 'pbx.example' }).answer, true);
    assert.match(
      refusedBecause(store.credentialsFor('1', { nextHopIsOurServer: false, challengeRealm: 'pbx.example' })),
      /leak a digest/,
    );
  });

  it('refuses an unknown or removed account, and uses a replaced one', () => {
    const store = new CredentialStore([withRealm]);
    assert.match(
      refusedBecause(store.credentialsFor('9', { nextHopIsOurServer: true, challengeRealm: 'pbx.example' })),
      /no credentials configured for account 9/,
    );
    store.set({ ...withRealm, password: 'new' });
    const d = store.credentialsFor('1', { nextHopIsOurServer: true, challengeRealm: 'pbx.example' });
    assert.deepEqual(d, { answer: true, credentials: { username: 'alice', password: 'new' } });
    store.remove('1');
    assert.equal(store.credentialsFor('1', { nextHopIsOurServer: true, challengeRealm: 'pbx.example' }).answer, false);
  });
});
