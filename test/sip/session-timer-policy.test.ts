// RFC 4028 negotiation as pure functions: settings, the §9 table, what a UAC
// learns from a 2xx (§7.2) and a 422 (§7.3), and the §10 deadlines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Headers } from '../../firmware/sip/message/index.js';
import type { SipResponse } from '../../firmware/sip/message/index.js';
import {
  getSessionExpires,
  minSEAfter422,
  refreshRetryDelayMs,
  sessionExpiryByeDelayMs,
  sessionRefreshDelayMs,
  sessionTimerSettings,
  timerFrom2xx,
  uacTimerHeaders,
  uasTimerDecision,
  uasTimerHeaders,
} from '../../firmware/sip/ua/session-timer-policy.js';
import type { UasTimerWish } from '../../firmware/sip/ua/session-timer-policy.js';

function msg(headers: [string, string][]): { headers: Headers } {
  return { headers: new Headers(headers) };
}

function response(status: number, headers: [string, string][]): SipResponse {
  return { kind: 'response', status, reason: 'x', version: 'SIP/2.0', headers: new Headers(headers), body: new Uint8Array(0) };
}

const quiet: UasTimerWish = { want: false, expires: 1800, minSE: 90 };
const wanting: UasTimerWish = { want: true, expires: 1800, minSE: 90 };

describe('RFC 4028 settings and header fields', () => {
  it('defaults: off, 1800 s, Min-SE 90; Min-SE never below 90, Session-Expires never below Min-SE', () => {
    assert.deepEqual(sessionTimerSettings(), { enabled: false, expires: 1800, minSE: 90, refresher: undefined });
    assert.equal(sessionTimerSettings({ minSE: 30 }).minSE, 90);
    assert.equal(sessionTimerSettings({ minSE: 600, expires: 300 }).expires, 600);
    assert.deepEqual(sessionTimerSettings({ enabled: true, refresher: 'uac' }, { expires: 900 }), { enabled: true, expires: 900, minSE: 90, refresher: 'uac' });
  });

  it('Session-Expires reads in long and compact form with its refresher; a malformed one is none', () => {
    assert.deepEqual(getSessionExpires(msg([['Session-Expires', '1800;refresher=UAS']])), { seconds: 1800, refresher: 'uas' });
    assert.deepEqual(getSessionExpires(msg([['x', '90']])), { seconds: 90, refresher: undefined });
    assert.equal(getSessionExpires(msg([['Session-Expires', 'soon']])), undefined);
  });

  it('§7.1: a UAC asks only when enabled, the refresher omitted unless preferred; §7.4: a timer in force is carried', () => {
    assert.deepEqual(uacTimerHeaders(undefined, sessionTimerSettings()), []);
    assert.deepEqual(uacTimerHeaders(undefined, sessionTimerSettings({ enabled: true })), [
      ['Session-Expires', '1800'],
      ['Min-SE', '90'],
    ]);
    assert.deepEqual(uacTimerHeaders(undefined, sessionTimerSettings({ enabled: true, expires: 600, refresher: 'uas' }))[0], ['Session-Expires', '600;refresher=uas']);
    assert.deepEqual(uacTimerHeaders({ interval: 300, weRefresh: false }, sessionTimerSettings())[0], ['Session-Expires', '300;refresher=uas']);
    assert.deepEqual(uacTimerHeaders({ interval: 300, weRefresh: true }, sessionTimerSettings())[0], ['Session-Expires', '300;refresher=uac']);
  });
});

describe('RFC 4028 §9: what the UAS answers', () => {
  const table: [string, [string, string][], UasTimerWish, unknown][] = [
    ['N / none → uas (when we want one)', [['Session-Expires', '1800']], quiet, { kind: 'timer', interval: 1800, refresher: 'uas' }],
    ['Y / none → our preference, uac by default', [['Supported', 'timer'], ['Session-Expires', '1800']], quiet, { kind: 'timer', interval: 1800, refresher: 'uac' }],
    ['Y / none with preference uas', [['Supported', 'timer'], ['Session-Expires', '1800']], { ...quiet, refresher: 'uas' }, { kind: 'timer', interval: 1800, refresher: 'uas' }],
    ['Y / uac → uac', [['Supported', 'timer'], ['Session-Expires', '1800;refresher=uac']], { ...quiet, refresher: 'uas' }, { kind: 'timer', interval: 1800, refresher: 'uac' }],
    ['Y / uas → uas', [['Supported', 'timer'], ['Session-Expires', '1800;refresher=uas']], quiet, { kind: 'timer', interval: 1800, refresher: 'uas' }],
    ['no Session-Expires, not wanted → none', [['Supported', 'timer']], quiet, { kind: 'none' }],
    ['no Session-Expires, wanted, at least the request’s Min-SE', [['Supported', 'timer'], ['Min-SE', '2400']], wanting, { kind: 'timer', interval: 2400, refresher: 'uac' }],
    ['no Session-Expires, wanted, UAC without support → we refresh', [], wanting, { kind: 'timer', interval: 1800, refresher: 'uas' }],
    ['too small, UAC supports → 422 with our Min-SE', [['Supported', 'timer'], ['Session-Expires', '60']], { ...quiet, minSE: 120 }, { kind: 'reject', minSE: 120 }],
    ['too small, UAC without support → raised to our Min-SE, we refresh', [['Session-Expires', '60']], { ...quiet, minSE: 120 }, { kind: 'timer', interval: 120, refresher: 'uas' }],
    ['shorter wanted: reduced, not below the request’s Min-SE', [['Supported', 'timer'], ['Session-Expires', '3600'], ['Min-SE', '1000']], { ...wanting, expires: 600 }, { kind: 'timer', interval: 1000, refresher: 'uac' }],
    ['never increased when acceptable', [['Supported', 'timer'], ['Session-Expires', '300']], { ...wanting, expires: 1800 }, { kind: 'timer', interval: 300, refresher: 'uac' }],
  ];
  for (const [name, headers, wish, expected] of table) {
    it(name, () => assert.deepEqual(uasTimerDecision(msg(headers), wish), expected));
  }

  it('the 2xx carries Require: timer exactly when the UAC refreshes; the 422 carries Min-SE', () => {
    assert.deepEqual(uasTimerHeaders({ kind: 'timer', interval: 90, refresher: 'uac' }), [['Session-Expires', '90;refresher=uac'], ['Require', 'timer']]);
    assert.deepEqual(uasTimerHeaders({ kind: 'timer', interval: 90, refresher: 'uas' }), [['Session-Expires', '90;refresher=uas']]);
    assert.deepEqual(uasTimerHeaders({ kind: 'reject', minSE: 120 }), [['Min-SE', '120']]);
    assert.deepEqual(uasTimerHeaders({ kind: 'none' }), []);
  });
});

describe('RFC 4028 §7.2, §7.3: what the UAC learns', () => {
  it('the 2xx’s refresher says who refreshes; no Session-Expires from a supporting peer turns the timer off', () => {
    assert.deepEqual(timerFrom2xx(response(200, [['Session-Expires', '90;refresher=uac'], ['Require', 'timer']]), 90), { interval: 90, weRefresh: true });
    assert.deepEqual(timerFrom2xx(response(200, [['Session-Expires', '90;refresher=uas']]), 90), { interval: 90, weRefresh: false });
    assert.equal(timerFrom2xx(response(200, [['Supported', 'timer']]), 90), undefined);
    assert.equal(timerFrom2xx(response(200, []), undefined), undefined, 'nothing asked, nothing set');
  });

  it('a peer without the extension: we refresh at the interval we asked for', () => {
    assert.deepEqual(timerFrom2xx(response(200, [['Supported', 'replaces']]), 600), { interval: 600, weRefresh: true });
  });

  it('§7.3: the retry takes the larger Min-SE; a 422 asking for nothing more, or naming none, is not retried', () => {
    assert.equal(minSEAfter422(response(422, [['Min-SE', '300']]), 90, 90), 300);
    assert.equal(minSEAfter422(response(422, [['Min-SE', '120']]), 90, 200), 200, 'the largest seen so far');
    assert.equal(minSEAfter422(response(422, [['Min-SE', '90']]), 90, 90), undefined);
    assert.equal(minSEAfter422(response(422, []), 90, 90), undefined);
  });
});

describe('RFC 4028 §10: when things are due', () => {
  it('the refresh at half the interval; the refreshee’s BYE at the interval less min(32 s, interval/3)', () => {
    assert.equal(sessionRefreshDelayMs(1800), 900_000);
    assert.equal(sessionExpiryByeDelayMs(1800), 1_768_000, '32 s before expiry');
    assert.equal(sessionRefreshDelayMs(90), 45_000);
    assert.equal(sessionExpiryByeDelayMs(90), 60_000, 'a third (30 s) before expiry');
  });

  it('a failed refresh is retried halfway through what is left, none when under two seconds remain', () => {
    assert.equal(refreshRetryDelayMs(40_000), 20_000);
    assert.equal(refreshRetryDelayMs(1_500), undefined);
  });
});
