import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { csrfTokenMatches, MAX_SESSION_AGE_MS, MAX_SESSIONS, SessionTable } from '../../firmware/web/sessions.js';
import { FIRST_LOCKOUT_MS, LoginThrottle, lockoutMs, MAX_LOCKOUT_MS } from '../../firmware/web/login-throttle.js';
import { parseCookies, sessionCookie } from '../../firmware/web/cookies.js';
import { crossSiteProblem } from '../../firmware/web/request-guard.js';

const MINUTE = 60_000;

describe('SessionTable', () => {
  it('ends a session idle for the timeout, and activity pushes the end back', () => {
    const clock = new VirtualClock();
    let idle = 5 * MINUTE;
    const table = new SessionTable(clock, () => idle);
    const s = table.create('admin', false);
    clock.advance(5 * MINUTE - 1);
    assert.equal(table.lookup(s.id), s);
    clock.advance(5 * MINUTE - 1);
    assert.equal(table.lookup(s.id, false), s, 'a read without touching');
    clock.advance(1);
    assert.equal(table.lookup(s.id), undefined, 'the untouched read did not extend it');
    const t = table.create('admin', false);
    idle = MINUTE;
    clock.advance(MINUTE);
    assert.equal(table.lookup(t.id), undefined, 'a shorter timeout applies to open sessions');
  });

  it('ends any session 12 hours after login, active or not', () => {
    const clock = new VirtualClock();
    const table = new SessionTable(clock, () => 10 * MINUTE);
    const s = table.create('admin', false);
    for (let t = 0; t < MAX_SESSION_AGE_MS - 5 * MINUTE; t += 5 * MINUTE) {
      clock.advance(5 * MINUTE);
      assert.ok(table.lookup(s.id) !== undefined);
    }
    clock.advance(5 * MINUTE);
    assert.equal(table.lookup(s.id), undefined);
  });

  it('ids and CSRF tokens are 256-bit random, distinct, and compared exactly', () => {
    const table = new SessionTable(new VirtualClock(), () => MINUTE);
    const a = table.create('admin', false);
    const b = table.create('admin', false);
    assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set([a.id, a.csrfToken, b.id, b.csrfToken]).size, 4);
    assert.ok(csrfTokenMatches(a, a.csrfToken));
    assert.ok(!csrfTokenMatches(a, b.csrfToken));
    assert.ok(!csrfTokenMatches(a, undefined));
    assert.ok(!csrfTokenMatches(a, a.csrfToken.slice(1)));
  });

  it('rotate gives a new id and token and kills the old id', () => {
    const table = new SessionTable(new VirtualClock(), () => MINUTE);
    const a = table.create('admin', true);
    const b = table.rotate(a);
    assert.notEqual(b.id, a.id);
    assert.notEqual(b.csrfToken, a.csrfToken);
    assert.equal(table.lookup(a.id), undefined);
    assert.equal(table.lookup(b.id)?.mustChangePassword, true);
  });

  it(`holds at most ${MAX_SESSIONS} sessions, dropping the least recently used`, () => {
    const clock = new VirtualClock();
    const table = new SessionTable(clock, () => 60 * MINUTE);
    const first = table.create('admin', false);
    clock.advance(1);
    const second = table.create('admin', false);
    clock.advance(1);
    table.lookup(first.id);
    for (let i = 2; i < MAX_SESSIONS; i++) table.create('admin', false);
    assert.equal(table.size, MAX_SESSIONS);
    table.create('admin', false);
    assert.equal(table.size, MAX_SESSIONS);
    assert.equal(table.lookup(second.id), undefined);
    assert.ok(table.lookup(first.id) !== undefined);
  });
});

describe('login back-off policy', () => {
  it('five free failures, then 30 s doubling up to 15 min', () => {
    assert.deepEqual([1, 2, 3, 4].map(lockoutMs), [0, 0, 0, 0]);
    assert.equal(lockoutMs(5), FIRST_LOCKOUT_MS);
    assert.equal(lockoutMs(6), 2 * FIRST_LOCKOUT_MS);
    assert.equal(lockoutMs(7), 4 * FIRST_LOCKOUT_MS);
    assert.equal(lockoutMs(10), MAX_LOCKOUT_MS);
    assert.equal(lockoutMs(100), MAX_LOCKOUT_MS);
  });

  it('counts per address, allows one attempt at a time, and forgets on success', () => {
    const clock = new VirtualClock();
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < 5; i++) {
      assert.ok(throttle.begin('192.0.2.1').allowed);
      throttle.finish('192.0.2.1', false);
    }
    assert.deepEqual(throttle.begin('192.0.2.1'), { allowed: false, retryAfterMs: FIRST_LOCKOUT_MS });
    assert.ok(throttle.begin('192.0.2.2').allowed, 'another address is not locked');
    assert.equal(throttle.begin('192.0.2.2').allowed, false, 'a second attempt while the first runs');
    throttle.finish('192.0.2.2', true);
    clock.advance(FIRST_LOCKOUT_MS);
    assert.ok(throttle.begin('192.0.2.1').allowed);
    throttle.finish('192.0.2.1', true);
    for (let i = 0; i < 4; i++) {
      assert.ok(throttle.begin('192.0.2.1').allowed, 'the count started again');
      throttle.finish('192.0.2.1', false);
    }
  });
});

describe('cookies and request guards', () => {
  it('the session cookie is HttpOnly, SameSite=Strict, and Secure over HTTPS', () => {
    assert.equal(sessionCookie('abc', false), 'deskphone_session=abc; Path=/; HttpOnly; SameSite=Strict');
    assert.equal(sessionCookie('abc', true), 'deskphone_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure');
    assert.deepEqual([...parseCookies('a=1; deskphone_session=xyz; a=2')], [['a', '1'], ['deskphone_session', 'xyz']]);
  });

  it('accepts no Origin or the same origin, refuses other sites', () => {
    assert.equal(crossSiteProblem({ host: '192.0.2.10' }), undefined);
    assert.equal(crossSiteProblem({ host: '192.0.2.10:8080', origin: 'http://192.0.2.10:8080', 'sec-fetch-site': 'same-origin' }), undefined);
    assert.ok(crossSiteProblem({ host: '192.0.2.10:8080', origin: 'http://192.0.2.10:9999' }) !== undefined);
    assert.ok(crossSiteProblem({ host: '192.0.2.10', origin: 'https://evil.example' }) !== undefined);
    assert.ok(crossSiteProblem({ host: '192.0.2.10', 'sec-fetch-site': 'same-site' }) !== undefined);
    assert.ok(crossSiteProblem({ host: '192.0.2.10', origin: 'null' }) !== undefined);
  });
});
