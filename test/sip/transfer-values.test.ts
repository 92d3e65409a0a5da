// The values transfer puts on the wire and reads back, checked against the
// RFC examples: Replaces (RFC 3891 §6.1), the escaped Refer-To of an
// attended transfer (RFC 5589 §7), message/sipfrag (RFC 3420, RFC 3515
// §2.4.5), the refer package's NOTIFY headers (RFC 3515 §2.4.6, RFC 6665),
// and application/dtmf-relay.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../firmware/sip/dialog/index.js';
import {
  NameAddr,
  createRequest,
  createResponse,
  formatReplaces,
  formatSipfragStatus,
  formatUri,
  parseNameAddr,
  parseReplaces,
  parseSipfragStatus,
  parseUri,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { MessageBody, SipRequest } from '../../firmware/sip/message/index.js';
import {
  checkReferTo,
  formatDtmfRelay,
  parseDtmfRelay,
  readReferNotify,
  referNotifyParts,
  referToValue,
  referredByValue,
  replacesForDialog,
} from '../../firmware/sip/ua/transfer/index.js';

const dec = new TextDecoder();

describe('Replaces header value (RFC 3891 §6.1)', () => {
  it('reads the RFC example, tags in either order, with early-only', () => {
    const r = parseReplaces('98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only');
    assert.deepEqual(r, { callId: '98732@sip.example.com', toTag: 'ff87ff', fromTag: 'r33th4x0r', earlyOnly: true });
    assert.equal(parseReplaces('abc ; to-tag = 1 ; from-tag=2').earlyOnly, false);
  });

  it('refuses a value without exactly one to-tag and one from-tag, or with a bad Call-ID', () => {
    for (const bad of ['98732@host', '98732@host;to-tag=a', '98732@host;from-tag=b', 'x;to-tag=a;to-tag=c;from-tag=b', 'x;to-tag;from-tag=b', 'a@b@c;to-tag=1;from-tag=2']) {
      assert.throws(() => parseReplaces(bad), /Replaces|Call-ID/, bad);
    }
  });

  it('writes to-tag, from-tag, then early-only, and reads back the same', () => {
    const r = { callId: 'c@h', toTag: 't1', fromTag: 'f1', earlyOnly: true };
    assert.equal(formatReplaces(r), 'c@h;to-tag=t1;from-tag=f1;early-only');
    assert.deepEqual(parseReplaces(formatReplaces(r)), r);
  });
});

describe('Refer-To and Referred-By (RFC 3515 §2.1, RFC 3892, RFC 5589 §7)', () => {
  const carol = sipUri({ user: 'carol', host: 'example.com' });

  it('a blind transfer: a name-addr in angle brackets', () => {
    assert.equal(referToValue(carol), '<sip:carol@example.com>');
    // A method parameter or headers a directory entry may carry are no part of a Request-URI.
    assert.equal(referToValue(parseUri('sip:carol@example.com;method=INVITE;user=phone')), '<sip:carol@example.com;user=phone>');
  });

  it('an attended transfer: Replaces with both tags, escaped, that reads back to the same dialog ID', () => {
    const replaces = { callId: '090459243588173445@192.0.2.30', toTag: '7553452', fromTag: '31431', earlyOnly: false };
    const value = referToValue(carol, replaces);
    assert.equal(value, '<sip:carol@example.com?Replaces=090459243588173445%40192.0.2.30%3Bto-tag%3D7553452%3Bfrom-tag%3D31431>');
    const back = parseNameAddr(value, 'Refer-To').uri;
    assert.ok(back.kind === 'sip');
    assert.equal(back.headers.length, 1);
    assert.deepEqual(parseReplaces(back.headers[0]?.value ?? ''), replaces);
  });

  it('a Replaces cannot ride on a tel: URI', () => {
    assert.throws(() => referToValue(parseUri('tel:+15550100'), { callId: 'a', toTag: 'b', fromTag: 'c', earlyOnly: false }), RangeError);
  });

  it('Referred-By names us with the display name', () => {
    assert.equal(referredByValue({ uri: sipUri({ user: 'alice', host: 'example.com' }), displayName: 'Alice Smith' }), 'Alice Smith <sip:alice@example.com>');
    assert.equal(referredByValue({ uri: sipUri({ user: 'alice', host: 'example.com' }), displayName: 'Smith, Alice' }), '"Smith, Alice" <sip:alice@example.com>');
    assert.equal(referredByValue({ uri: sipUri({ user: 'alice', host: 'example.com' }) }), '<sip:alice@example.com>');
  });

  it('replacesForDialog names the dialog as the target keys it: to-tag = its local tag = our remote tag', () => {
    const invite = createRequest({
      method: 'INVITE',
      uri: carol,
      from: new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }) }).withTag('ours'),
      to: new NameAddr({ uri: carol }),
      callId: 'consult@192.0.2.10',
      cseq: 1,
      contact: [new NameAddr({ uri: sipUri({ user: 'alice', host: '192.0.2.10' }) })],
    });
    const ok = createResponse(invite, 200, undefined, { toTag: 'carols', headers: [['Contact', '<sip:carol@192.0.2.40>']] });
    const dialog = Dialog.asUac(invite, ok);
    assert.deepEqual(replacesForDialog(dialog), { callId: 'consult@192.0.2.10', toTag: 'carols', fromTag: 'ours', earlyOnly: false });
    assert.equal(replacesForDialog(dialog, { earlyOnly: true }).earlyOnly, true);
  });
});

describe('checkReferTo (RFC 3515 §2.4.2)', () => {
  const status = (lines: string[]): number | undefined => {
    const c = checkReferTo(lines);
    return c.ok ? undefined : c.status;
  };

  it('400 for no Refer-To, two of them, an unreadable one, or a scheme the phone cannot call', () => {
    assert.deepEqual(checkReferTo([]), { ok: false, status: 400, reason: 'Missing Refer-To' });
    assert.deepEqual(checkReferTo(['<sip:a@x>', '<sip:b@x>']), { ok: false, status: 400, reason: 'More than one Refer-To' });
    assert.equal(status(['<sip:a@x']), 400);
    assert.equal(status(['<http://example.com/transfer>']), 400);
    assert.equal(status(['<sip:carol@example.com?Replaces=nonsense>']), 400);
    assert.equal(status(['<sip:carol@example.com?Replaces=a%3Bto-tag%3Db%3Bfrom-tag%3Dc&Replaces=a%3Bto-tag%3Db%3Bfrom-tag%3Dc>']), 400);
  });

  it('403 for a method other than INVITE: the phone only calls', () => {
    assert.deepEqual(checkReferTo(['<sip:carol@example.com;method=BYE>']), { ok: false, status: 403, reason: 'Only INVITE referrals' });
  });

  it('accepts sip, sips and tel; the target loses the URI headers, the Replaces is read', () => {
    const c = checkReferTo(['"Carol" <sip:carol@example.com;method=INVITE?Replaces=c%40h%3Bto-tag%3Dt%3Bfrom-tag%3Df>']);
    assert.ok(c.ok);
    assert.equal(formatUri(c.target), 'sip:carol@example.com');
    assert.deepEqual(c.replaces, { callId: 'c@h', toTag: 't', fromTag: 'f', earlyOnly: false });
    assert.equal(c.referTo.displayName, 'Carol');
    const tel = checkReferTo(['<tel:+15550100>']);
    assert.ok(tel.ok && formatUri(tel.target) === 'tel:+15550100');
    assert.ok(checkReferTo(['<sips:carol@example.com>']).ok);
  });
});

describe('message/sipfrag status lines (RFC 3420, RFC 3515 §2.4.5)', () => {
  it('writes "SIP/2.0 <status> <reason>" with the standard phrase by default', () => {
    assert.equal(formatSipfragStatus(100), 'SIP/2.0 100 Trying\r\n');
    assert.equal(formatSipfragStatus(486), 'SIP/2.0 486 Busy Here\r\n');
    assert.equal(formatSipfragStatus(503, 'Down\r\nX: y'), 'SIP/2.0 503 Down  X: y\r\n');
    assert.throws(() => formatSipfragStatus(99), RangeError);
  });

  it('reads the Status-Line, ignoring header lines after it; anything else is not one', () => {
    assert.deepEqual(parseSipfragStatus('SIP/2.0 180 Ringing\r\nContact: <sip:c@x>\r\n'), { status: 180, reason: 'Ringing' });
    assert.deepEqual(parseSipfragStatus(new TextEncoder().encode('SIP/2.0 200 OK')), { status: 200, reason: 'OK' });
    assert.deepEqual(parseSipfragStatus('SIP/2.0 603\n'), { status: 603, reason: '' });
    assert.equal(parseSipfragStatus('INVITE sip:c@x SIP/2.0\r\n'), undefined);
    assert.equal(parseSipfragStatus('SIP/2.0 1000 Big'), undefined);
    assert.equal(parseSipfragStatus(''), undefined);
  });
});

function notify(headers: Iterable<readonly [string, string]>, body?: MessageBody): SipRequest {
  return createRequest({
    method: 'NOTIFY',
    uri: sipUri({ user: 'alice', host: '192.0.2.10' }),
    from: new NameAddr({ uri: sipUri({ user: 'bob', host: 'example.com' }) }).withTag('b'),
    to: new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }) }).withTag('a'),
    callId: 'call@x',
    cseq: 7,
    headers,
    body,
  });
}

describe('the refer package NOTIFY (RFC 3515 §2.4.4-§2.4.6)', () => {
  it('writes Event with the REFER’s CSeq as id, Subscription-State, and a sipfrag body', () => {
    const active = referNotifyParts({ referSeq: 42, state: 'active', expiresS: 59.2, progress: { status: 100, reason: 'Trying' } });
    assert.deepEqual(active.headers, [
      ['Event', 'refer;id=42'],
      ['Subscription-State', 'active;expires=60'],
    ]);
    assert.equal(active.body.contentType, 'message/sipfrag;version=2.0');
    assert.equal(dec.decode(active.body.bytes), 'SIP/2.0 100 Trying\r\n');
    const done = referNotifyParts({ referSeq: 42, state: 'terminated', progress: { status: 200, reason: 'OK' } });
    assert.deepEqual(done.headers[1], ['Subscription-State', 'terminated;reason=noresource']);
    const expired = referNotifyParts({ referSeq: 42, state: 'terminated', reason: 'timeout', progress: { status: 180, reason: 'Ringing' } });
    assert.deepEqual(expired.headers[1], ['Subscription-State', 'terminated;reason=timeout']);
  });

  it('reads back what it writes', () => {
    const parts = referNotifyParts({ referSeq: 42, state: 'active', expiresS: 30, progress: { status: 180, reason: 'Ringing' } });
    assert.deepEqual(readReferNotify(notify(parts.headers, parts.body)), {
      kind: 'refer',
      id: 42,
      state: 'active',
      expiresS: 30,
      reason: undefined,
      progress: { status: 180, reason: 'Ringing' },
    });
  });

  it('no id means the first REFER; terminated may come without a body', () => {
    const r = readReferNotify(notify([['Event', 'refer'], ['Subscription-State', 'terminated;reason=deactivated']]));
    assert.deepEqual(r, { kind: 'refer', id: undefined, state: 'terminated', expiresS: undefined, reason: 'deactivated', progress: undefined });
  });

  it('another event package is not ours; a refer NOTIFY without state or sipfrag is a 400', () => {
    assert.equal(readReferNotify(notify([['Event', 'message-summary'], ['Subscription-State', 'active']])).kind, 'not-refer');
    const sipfrag = { contentType: 'message/sipfrag', bytes: new TextEncoder().encode('SIP/2.0 200 OK\r\n') };
    const noState = readReferNotify(notify([['Event', 'refer']], sipfrag));
    assert.deepEqual(noState, { kind: 'bad', status: 400, reason: 'Missing Subscription-State' });
    assert.equal(readReferNotify(notify([['Event', 'refer'], ['Subscription-State', 'active']])).kind, 'bad');
    const text = { contentType: 'text/plain', bytes: new TextEncoder().encode('SIP/2.0 200 OK\r\n') };
    assert.equal(readReferNotify(notify([['Event', 'refer'], ['Subscription-State', 'active']], text)).kind, 'bad');
    assert.equal(readReferNotify(notify([['Event', 'refer;id=x'], ['Subscription-State', 'active']], sipfrag)).kind, 'bad');
  });
});

describe('application/dtmf-relay', () => {
  it('writes Signal and Duration lines', () => {
    const body = formatDtmfRelay({ signal: '5', durationMs: 160 });
    assert.equal(body.contentType, 'application/dtmf-relay');
    assert.equal(dec.decode(body.bytes), 'Signal=5\r\nDuration=160\r\n');
    assert.equal(dec.decode(formatDtmfRelay({ signal: 'd', durationMs: 100 }).bytes), 'Signal=D\r\nDuration=100\r\n');
    assert.throws(() => formatDtmfRelay({ signal: 'X', durationMs: 160 }), RangeError);
    assert.throws(() => formatDtmfRelay({ signal: '55', durationMs: 160 }), RangeError);
    assert.throws(() => formatDtmfRelay({ signal: '5', durationMs: 0 }), RangeError);
  });

  it('reads keys in any case, LF or CRLF, event codes 10-15, and defaults the duration', () => {
    assert.deepEqual(parseDtmfRelay('signal= # \nDURATION=250\n'), { signal: '#', durationMs: 250 });
    assert.deepEqual(parseDtmfRelay('Signal=10\r\n'), { signal: '*', durationMs: 160 });
    assert.deepEqual(parseDtmfRelay('Signal=15\r\nDuration=abc\r\n'), { signal: 'D', durationMs: 160 });
    assert.deepEqual(parseDtmfRelay(formatDtmfRelay({ signal: '7', durationMs: 90 }).bytes), { signal: '7', durationMs: 90 });
    assert.equal(parseDtmfRelay('Signal=16\r\n'), undefined);
    assert.equal(parseDtmfRelay('Duration=160\r\n'), undefined);
    assert.equal(parseDtmfRelay('Signal=Z'), undefined);
  });
});
