import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCredentials, MemoryCredentialStore } from '../../firmware/web/admin-credentials.js';
import { asPasswordHash, DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword } from '../../firmware/web/password-hash.js';
import { passwordProblem } from '../../firmware/web/password-policy.js';
import { TEST_SCRYPT } from './web-fixture.js';

describe('scrypt password hashes', () => {
  it('the default cost is N = 2^15, r = 8, p = 1, and it hashes and verifies with it', async () => {
    assert.deepEqual(DEFAULT_SCRYPT_PARAMS, { N: 32768, r: 8, p: 1, keyLength: 32 });
    const stored = await hashPassword('hunter2-but-longer');
    assert.deepEqual(stored.params, DEFAULT_SCRYPT_PARAMS);
    assert.ok(await verifyPassword('hunter2-but-longer', stored));
    assert.ok(!(await verifyPassword('hunter2-but-longeR', stored)));
  });

  it('salts each hash: the same password twice gives different salts and hashes', async () => {
    const a = await hashPassword('same password', TEST_SCRYPT);
    const b = await hashPassword('same password', TEST_SCRYPT);
    assert.notEqual(a.salt, b.salt);
    assert.notEqual(a.hash, b.hash);
    assert.equal(Buffer.from(a.hash, 'base64').length, 32);
  });

  it('verifies with the parameters stored next to the hash, not the current defaults', async () => {
    const old = await hashPassword('kept across upgrades', { N: 512, r: 4, p: 2, keyLength: 24 });
    const roundTripped = asPasswordHash(JSON.parse(JSON.stringify(old)));
    assert.ok(roundTripped !== undefined);
    assert.ok(await verifyPassword('kept across upgrades', roundTripped));
  });

  it('refuses stored records it did not write', () => {
    const good = { algorithm: 'scrypt', params: { N: 1024, r: 8, p: 1, keyLength: 32 }, salt: 'c2FsdA==', hash: 'aGFzaA==' };
    assert.ok(asPasswordHash(good) !== undefined);
    for (const bad of [null, 'x', { ...good, algorithm: 'md5' }, { ...good, params: { ...good.params, N: 1000 } }, { ...good, params: { ...good.params, r: 0 } }, { ...good, salt: 1 }]) {
      assert.equal(asPasswordHash(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('the password policy', () => {
  it('wants 8 to 128 printable ASCII characters, not the factory password, not the current one', () => {
    assert.equal(passwordProblem('good pass 1', 'admin'), undefined);
    assert.match(passwordProblem('seven77', 'admin') ?? '', /at least 8/);
    assert.match(passwordProblem('x'.repeat(129), 'admin') ?? '', /at most 128/);
    assert.match(passwordProblem('admin', 'old-password') ?? '', /at least 8/, 'the factory password is too short to come back');
    assert.match(passwordProblem('pässwörd-long', 'admin') ?? '', /printable ASCII/);
    assert.match(passwordProblem('same-as-before', 'same-as-before') ?? '', /differ/);
  });
});

describe('AdminCredentials', () => {
  it('at first start stores the factory password hashed, to be changed at first login', async () => {
    const store = new MemoryCredentialStore();
    const credentials = await AdminCredentials.open(store, TEST_SCRYPT);
    assert.equal(credentials.mustChange, true);
    assert.ok(await credentials.verify('admin', 'admin'));
    assert.ok(!(await credentials.verify('root', 'admin')));
    const stored = JSON.parse(store.text ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(stored).sort(), ['mustChange', 'password', 'user']);
    assert.ok(asPasswordHash(stored['password']) !== undefined);
  });

  it('a changed password survives a restart; the record holds no password', async () => {
    const store = new MemoryCredentialStore();
    const first = await AdminCredentials.open(store, TEST_SCRYPT);
    assert.deepEqual(await first.change('wrong', 'new secret 99'), { ok: false, reason: 'wrong-password', message: 'the current password is wrong' });
    assert.equal((await first.change('admin', 'admin')).ok, false);
    assert.deepEqual(await first.change('admin', 'new secret 99'), { ok: true });
    assert.ok(!(store.text ?? '').includes('new secret 99'));
    const again = await AdminCredentials.open(store, TEST_SCRYPT);
    assert.equal(again.mustChange, false);
    assert.ok(await again.verify('admin', 'new secret 99'));
    assert.ok(!(await again.verify('admin', 'admin')));
  });

  it('a damaged record falls back to the factory password, with a warning', async () => {
    const store = new MemoryCredentialStore();
    store.text = '{"user":"admin","password":{"algorithm":"scrypt"';
    const warnings: string[] = [];
    const credentials = await AdminCredentials.open(store, TEST_SCRYPT, (m) => warnings.push(m));
    assert.equal(warnings.length, 1);
    assert.equal(credentials.mustChange, true);
    assert.ok(await credentials.verify('admin', 'admin'));
  });

  it('reset() goes back to the factory password', async () => {
    const store = new MemoryCredentialStore();
    const credentials = await AdminCredentials.open(store, TEST_SCRYPT);
    await credentials.change('admin', 'new secret 99');
    await credentials.reset();
    assert.equal(credentials.mustChange, true);
    assert.ok(await credentials.verify('admin', 'admin'));
  });
});
