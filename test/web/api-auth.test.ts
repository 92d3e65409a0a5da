import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { asPasswordHash, verifyPassword } from '../../firmware/web/password-hash.js';
import { NEW_PASSWORD, startTestWeb, TestClient, TEST_SCRYPT, type TestWeb } from './web-fixture.js';

describe('the API without a session answers 401, whatever the path', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('for known and unknown paths, GET and POST, and changes nothing', async () => {
    const client = new TestClient(web.url);
    const gets = ['/api/status', '/api/schema', '/api/settings?page=accounts', '/api/config/export', '/api/logs', '/api/session', '/api/no-such-thing', '/api'];
    for (const path of gets) {
      const answer = await client.get(path);
      assert.equal(answer.status, 401, path);
      assert.deepEqual(Object.keys(answer.json ?? {}), ['error'], path);
    }
    for (const path of ['/api/settings', '/api/reboot', '/api/factory-reset', '/api/logout', '/api/password']) {
      assert.equal((await client.post(path, { changes: { 'account.1.enable': '1' }, confirm: 'factory-reset' })).status, 401, path);
    }
    assert.equal(web.backend.applied.length, 0);
    assert.equal(web.backend.reboots, 0);
    assert.equal(web.backend.factoryResets, 0);
  });

  it('a forged cookie is no session, and the answer clears it', async () => {
    const client = new TestClient(web.url);
    client.cookie = 'deskphone_session=forged';
    const answer = await client.get('/api/status');
    assert.equal(answer.status, 401);
    assert.match(answer.headers.getSetCookie().join(), /deskphone_session=;.*Max-Age=0/);
  });
});

describe('login and the forced password change', () => {
  let web: TestWeb;
  before(async () => {
    web = await startTestWeb();
  });
  after(() => web.close());

  it('a wrong password gets 401 and no cookie', async () => {
    const client = new TestClient(web.url);
    const answer = await client.login('nimda');
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.headers.getSetCookie(), []);
    assert.equal((await client.login('admin', 'root')).status, 401, 'the user name is checked too');
    assert.ok(web.log.some((l) => l.includes('failed login')));
  });

  it('the factory password logs in with a session cookie that is HttpOnly and SameSite=Strict', async () => {
    const client = new TestClient(web.url);
    const answer = await client.login('admin');
    assert.equal(answer.status, 200);
    assert.equal(answer.json?.['mustChangePassword'], true);
    const [cookie] = answer.headers.getSetCookie();
    assert.match(cookie ?? '', /^deskphone_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.equal(typeof answer.json?.['csrfToken'], 'string');
  });

  it('until the password is changed, only session, password and logout answer', async () => {
    const client = new TestClient(web.url);
    await client.login('admin');
    const blocked = await client.get('/api/status');
    assert.equal(blocked.status, 403);
    assert.equal(blocked.json?.['reason'], 'password-change-required');
    assert.equal((await client.post('/api/settings', { changes: { 'account.1.enable': '1' } })).status, 403);
    assert.equal(web.backend.applied.length, 0);
    assert.equal((await client.get('/api/session')).status, 200);
  });

  it('refuses a new password that breaks the policy, or with the wrong current password', async () => {
    const client = new TestClient(web.url);
    await client.login('admin');
    for (const next of ['admin', 'short', 'ADMIN', 'tab\tinside-it', 'é-not-ascii-pw']) {
      const answer = await client.post('/api/password', { current: 'admin', next });
      assert.equal(answer.status, 400, next);
      assert.equal(answer.json?.['field'], 'next');
    }
    const wrong = await client.post('/api/password', { current: 'not-it', next: NEW_PASSWORD });
    assert.equal(wrong.status, 403);
    assert.equal(web.credentials.mustChange, true);
  });

  it('changing it stores only an scrypt hash, rotates the session and ends every other session', async () => {
    const other = new TestClient(web.url);
    await other.login('admin');
    const client = new TestClient(web.url);
    await client.login('admin');
    const oldCookie = client.cookie;
    const answer = await client.post('/api/password', { current: 'admin', next: NEW_PASSWORD });
    assert.equal(answer.status, 200);
    assert.equal(answer.json?.['mustChangePassword'], false);
    assert.notEqual(client.cookie, oldCookie, 'a new session id');
    assert.equal((await client.get('/api/status')).status, 200);

    const stale = new TestClient(web.url);
    stale.cookie = oldCookie;
    assert.equal((await stale.get('/api/status')).status, 401, 'the old id is dead');
    assert.equal((await other.get('/api/session')).status, 401, 'the other browser must log in again');

    const storedText = web.store.text ?? '';
    assert.ok(!storedText.includes(NEW_PASSWORD), 'the password itself is not stored');
    const stored = JSON.parse(storedText) as { password: unknown; mustChange: boolean };
    const hash = asPasswordHash(stored.password);
    assert.ok(hash !== undefined);
    assert.deepEqual(hash.params, TEST_SCRYPT);
    assert.equal(Buffer.from(hash.salt, 'base64').length, 16);
    assert.equal(stored.mustChange, false);
    assert.ok(await verifyPassword(NEW_PASSWORD, hash));

    assert.equal((await new TestClient(web.url).login('admin')).status, 401, 'the factory password no longer works');
    assert.equal((await new TestClient(web.url).login(NEW_PASSWORD)).status, 200);
  });

  it('logging in again drops the session the browser held (no session fixation)', async () => {
    const client = new TestClient(web.url);
    await client.login(NEW_PASSWORD);
    const first = client.cookie;
    await client.login(NEW_PASSWORD);
    const stale = new TestClient(web.url);
    stale.cookie = first;
    assert.equal((await stale.get('/api/session')).status, 401);
    assert.equal((await client.get('/api/session')).status, 200);
  });

  it('logout ends the session', async () => {
    const client = new TestClient(web.url);
    await client.login(NEW_PASSWORD);
    const cookie = client.cookie;
    assert.equal((await client.post('/api/logout')).status, 204);
    assert.equal(client.cookie, undefined, 'the cookie is cleared');
    const stale = new TestClient(web.url);
    stale.cookie = cookie;
    assert.equal((await stale.get('/api/status')).status, 401);
  });
});

describe('CSRF: every change needs the session token, from this site', () => {
  let web: TestWeb;
  let client: TestClient;
  before(async () => {
    web = await startTestWeb();
    client = new TestClient(web.url);
    await client.loginReady();
  });
  after(() => web.close());

  const change = { changes: { 'account.1.user_name': 'mallory' } };

  it('a change without the X-CSRF-Token header is refused with 403', async () => {
    const answer = await client.post('/api/settings', change, { csrf: false });
    assert.equal(answer.status, 403);
    assert.equal(answer.json?.['reason'], 'csrf');
    assert.equal(web.backend.applied.length, 0);
  });

  it('a wrong token is refused too', async () => {
    const answer = await client.post('/api/settings', change, { headers: { 'X-CSRF-Token': `${client.csrf ?? ''}x` } });
    assert.equal(answer.status, 403);
    assert.equal((await client.post('/api/reboot', {}, { csrf: false })).status, 403);
    assert.equal((await client.post('/api/logout', {}, { csrf: false })).status, 403);
    assert.equal((await client.get('/api/session')).status, 200, 'the refused logout did not log out');
    assert.equal(web.backend.applied.length, 0);
    assert.equal(web.backend.reboots, 0);
  });

  it('a change from another origin is refused even with the token', async () => {
    const attempts: Record<string, string>[] = [{ Origin: 'http://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'null' }];
    for (const headers of attempts) {
      const answer = await client.post('/api/settings', change, { headers });
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.equal(answer.json?.['reason'], 'cross-site');
    }
    assert.equal((await new TestClient(web.url).post('/api/login', { user: 'admin', password: NEW_PASSWORD }, { headers: { Origin: 'http://evil.example' } })).status, 403);
    assert.equal(web.backend.applied.length, 0);
  });

  it('a body a cross-site HTML form could send (not application/json) is refused with 415', async () => {
    const answer = await client.request('POST', '/api/settings', {
      rawBody: 'changes=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': client.csrf ?? '' },
    });
    assert.equal(answer.status, 415);
  });

  it('with the token, from the same origin, the change goes through', async () => {
    const origin = new URL(web.url).origin;
    const answer = await client.post('/api/settings', change, { headers: { Origin: origin, 'Sec-Fetch-Site': 'same-origin' } });
    assert.equal(answer.status, 200);
    assert.equal(web.backend.applied.length, 1);
  });
});

describe('login rate limiting', () => {
  it('after 5 wrong passwords the address is locked out, even for the right one, for a back-off that doubles', async () => {
    const clock = new VirtualClock();
    const web = await startTestWeb({ clock });
    try {
      await new TestClient(web.url).loginReady();
      const client = new TestClient(web.url);
      for (let i = 1; i <= 5; i++) assert.equal((await client.login(`guess-${i}`)).status, 401, `attempt ${i}`);
      const locked = await client.login(NEW_PASSWORD);
      assert.equal(locked.status, 429);
      assert.equal(locked.headers.get('retry-after'), '30');
      clock.advance(29_000);
      assert.equal((await client.login(NEW_PASSWORD)).status, 429);
      clock.advance(1_000);
      assert.equal((await client.login('guess-6')).status, 401, 'the lock-out is over: one more guess');
      const doubled = await client.login(NEW_PASSWORD);
      assert.equal(doubled.status, 429);
      assert.equal(doubled.headers.get('retry-after'), '60');
      clock.advance(60_000);
      assert.equal((await client.login(NEW_PASSWORD)).status, 200, 'the right password after the back-off');
      for (let i = 1; i <= 4; i++) assert.equal((await client.login(`again-${i}`)).status, 401, 'a success cleared the count');
      assert.equal((await client.login(NEW_PASSWORD)).status, 200);
    } finally {
      await web.close();
    }
  });

  it('wrong current passwords on the password form count too', async () => {
    const clock = new VirtualClock();
    const web = await startTestWeb({ clock });
    try {
      const client = new TestClient(web.url);
      await client.loginReady();
      for (let i = 1; i <= 5; i++) assert.equal((await client.post('/api/password', { current: `guess-${i}`, next: 'another pw 123' })).status, 403);
      assert.equal((await client.post('/api/password', { current: NEW_PASSWORD, next: 'another pw 123' })).status, 429);
    } finally {
      await web.close();
    }
  });
});

describe('sessions expire when idle', () => {
  it('after features.relog_offtime minutes (5 by default) without a request', async () => {
    const clock = new VirtualClock();
    const web = await startTestWeb({ clock });
    try {
      const client = new TestClient(web.url);
      await client.loginReady();
      clock.advance(5 * 60_000 - 1);
      assert.equal((await client.get('/api/status')).status, 200, 'a request just in time keeps it');
      clock.advance(5 * 60_000 - 1);
      assert.equal((await client.get('/api/status')).status, 200);
      clock.advance(5 * 60_000);
      const expired = await client.get('/api/status');
      assert.equal(expired.status, 401);
      assert.match(expired.headers.getSetCookie().join(), /Max-Age=0/);
    } finally {
      await web.close();
    }
  });

  it('the status page polling does not count as activity', async () => {
    const clock = new VirtualClock();
    const web = await startTestWeb({ clock });
    try {
      const client = new TestClient(web.url);
      await client.loginReady();
      for (let minute = 1; minute <= 4; minute++) {
        clock.advance(60_000);
        assert.equal((await client.get('/api/status', { 'X-Deskphone-Poll': '1' })).status, 200);
      }
      clock.advance(60_000);
      assert.equal((await client.get('/api/status', { 'X-Deskphone-Poll': '1' })).status, 401);
    } finally {
      await web.close();
    }
  });

  it('a new relog_offtime applies to open sessions at once', async () => {
    const clock = new VirtualClock();
    const web = await startTestWeb({ clock });
    try {
      const client = new TestClient(web.url);
      await client.loginReady();
      assert.equal((await client.post('/api/settings', { changes: { 'features.relog_offtime': '1' } })).status, 200);
      assert.equal((await client.get('/api/session')).json?.['idleTimeoutMinutes'], 1);
      clock.advance(60_000);
      assert.equal((await client.get('/api/status')).status, 401);
    } finally {
      await web.close();
    }
  });
});
