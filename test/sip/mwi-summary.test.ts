// The application/simple-message-summary body (RFC 3842 §5.2) and the
// subscriber's reading of Subscription-State and failures (RFC 6665 §4.1.3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessageSummary } from '../../firmware/sip/mwi/message-summary.js';
import { afterFailure, afterTermination, parseSubscriptionState } from '../../firmware/sip/mwi/subscription-policy.js';

function summary(text: string): ReturnType<typeof parseMessageSummary> & { ok: true } {
  const parsed = parseMessageSummary(text);
  if (!parsed.ok) assert.fail(parsed.reason);
  return parsed;
}

describe('RFC 3842 §5.2: simple-message-summary', () => {
  it('the §5.2 example: waiting, the account, voice 2 new / 8 old, 0 / 2 urgent', () => {
    const { summary: s } = summary('Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\n');
    assert.equal(s.waiting, true);
    assert.equal(s.account, 'sip:alice@vmail.example.com');
    assert.deepEqual([s.newCount, s.oldCount, s.newUrgent, s.oldUrgent], [2, 8, 0, 2]);
    assert.deepEqual([...s.classes.keys()], ['voice-message']);
  });

  it('the example with message headers: counts read, the opt-msg-headers after the blank line left alone', () => {
    const body = [
      'Messages-Waiting: yes',
      'Message-Account: sip:alice@vmail.example.com',
      'Voice-Message: 4/8 (1/2)',
      '',
      'To: <alice@atlanta.example.com>',
      'From: <bob@biloxi.example.com>',
      'Subject: carpool tomorrow?',
      'Date: Sun, 09 May 2004 11:39:02 -0500',
      'Priority: normal',
      'Message-ID: 13784434989@vmail.example.com',
      '',
    ].join('\r\n');
    const { summary: s } = summary(body);
    assert.deepEqual([s.waiting, s.newCount, s.oldCount, s.newUrgent, s.oldUrgent], [true, 4, 8, 1, 2]);
    assert.equal(s.classes.size, 1, 'To:, From: … after the blank line are no summary lines');
  });

  it('several classes; counts without the urgent part; any case and LF line ends', () => {
    const { summary: s } = summary('messages-waiting:YES\nvoice-message:3/0\nFax-Message: 1 / 5 ( 1 / 0 )\nText-Message: 0/7\n');
    assert.deepEqual([s.newCount, s.oldCount, s.newUrgent, s.oldUrgent], [3, 0, 0, 0]);
    assert.deepEqual(s.classes.get('fax-message'), { newCount: 1, oldCount: 5, newUrgent: 1, oldUrgent: 0 });
    assert.deepEqual(s.classes.get('text-message'), { newCount: 0, oldCount: 7, newUrgent: 0, oldUrgent: 0 });
  });

  it('the boolean-only form: no messages waiting, no counts (zeros for voice)', () => {
    const { summary: s } = summary('Messages-Waiting: no\r\n');
    assert.deepEqual([s.waiting, s.newCount, s.oldCount, s.account], [false, 0, 0, undefined]);
  });

  it('refused: no status line, or a status that is not yes/no; a garbled count line is skipped', () => {
    assert.equal(parseMessageSummary('Voice-Message: 2/8\r\n').ok, false);
    assert.equal(parseMessageSummary('Messages-Waiting: maybe\r\n').ok, false);
    const { summary: s } = summary('Messages-Waiting: yes\r\nVoice-Message: two/8\r\n');
    assert.equal(s.classes.size, 0);
  });

  it('a body as received (bytes) reads like its text', () => {
    const parsed = parseMessageSummary(new TextEncoder().encode('Messages-Waiting: yes\r\nVoice-Message: 1/3\r\n'));
    assert.ok(parsed.ok);
    assert.deepEqual([parsed.summary.waiting, parsed.summary.newCount, parsed.summary.oldCount], [true, 1, 3]);
  });
});

describe('RFC 6665 §4.1.3: what ends a subscription and what follows', () => {
  it('Subscription-State reads its state, expires, reason and retry-after', () => {
    assert.deepEqual(parseSubscriptionState('active;expires=600'), { state: 'active', expires: 600, reason: undefined, retryAfter: undefined });
    assert.deepEqual(parseSubscriptionState('Terminated;reason=Probation;retry-after=120'), {
      state: 'terminated',
      expires: undefined,
      reason: 'probation',
      retryAfter: 120,
    });
    assert.equal(parseSubscriptionState(undefined), undefined);
  });

  it('deactivated and timeout: again now; rejected, noresource, invariant: never; others later (retry-after honoured)', () => {
    assert.deepEqual(afterTermination('deactivated', undefined), { kind: 'now' });
    assert.deepEqual(afterTermination('timeout', undefined), { kind: 'now' });
    for (const reason of ['rejected', 'noresource', 'invariant']) assert.deepEqual(afterTermination(reason, undefined), { kind: 'never' });
    assert.deepEqual(afterTermination('probation', 120), { kind: 'later', retryAfterMs: 120_000 });
    assert.deepEqual(afterTermination(undefined, undefined), { kind: 'later', retryAfterMs: undefined });
  });

  it('a failed SUBSCRIBE: 481 → a new one now; 489 and 403/404 → never; 503, 408 → later', () => {
    assert.deepEqual(afterFailure(481, undefined), { kind: 'now' });
    assert.deepEqual(afterFailure(489, undefined), { kind: 'never' });
    assert.deepEqual(afterFailure(404, undefined), { kind: 'never' });
    assert.deepEqual(afterFailure(503, 30_000), { kind: 'later', retryAfterMs: 30_000 });
    assert.deepEqual(afterFailure(408, undefined), { kind: 'later', retryAfterMs: undefined });
  });
});
