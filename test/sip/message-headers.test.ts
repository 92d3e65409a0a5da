// The Headers container: received order, case-insensitive lookup with every
// IANA compact form (RFC 3261 §7.3.1, §7.3.3), list splitting that respects
// quotes and angle brackets, and never splitting headers whose values hold
// commas (WWW-Authenticate, Authorization, Date ...).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPACT_FORMS,
  Headers,
  SipSyntaxError,
  canonicalHeaderName,
  compactHeaderName,
  headerKey,
  splitListValue,
} from '../../firmware/sip/message/index.js';

describe('header names', () => {
  it('maps all 19 IANA compact forms to their long names, in any case', () => {
    const expected: Record<string, string> = {
      a: 'Accept-Contact', b: 'Referred-By', c: 'Content-Type', d: 'Request-Disposition',
      e: 'Content-Encoding', f: 'From', i: 'Call-ID', j: 'Reject-Contact', k: 'Supported',
      l: 'Content-Length', m: 'Contact', n: 'Identity-Info', o: 'Event', r: 'Refer-To',
      s: 'Subject', t: 'To', u: 'Allow-Events', v: 'Via', x: 'Session-Expires', y: 'Identity',
    };
    assert.deepEqual(COMPACT_FORMS, expected);
    for (const [c, long] of Object.entries(expected)) {
      assert.equal(headerKey(c), long.toLowerCase());
      assert.equal(headerKey(c.toUpperCase()), long.toLowerCase());
      assert.equal(canonicalHeaderName(c), long);
      assert.equal(compactHeaderName(long.toUpperCase()), c);
    }
  });

  it('gives canonical spelling for known names and keeps unknown names as given', () => {
    assert.equal(canonicalHeaderName('cseq'), 'CSeq');
    assert.equal(canonicalHeaderName('CALL-ID'), 'Call-ID');
    assert.equal(canonicalHeaderName('www-authenticate'), 'WWW-Authenticate');
    assert.equal(canonicalHeaderName('X-Custom-THING'), 'X-Custom-THING');
    assert.equal(compactHeaderName('CSeq'), undefined);
  });
});

describe('splitListValue', () => {
  it('splits at top-level commas only', () => {
    assert.deepEqual(splitListValue('"Doe, John" <sip:a@b;x=1,2>;q=0.5 , <sip:c@d>'), [
      '"Doe, John" <sip:a@b;x=1,2>;q=0.5',
      '<sip:c@d>',
    ]);
  });

  it('honours backslash escapes inside quoted strings', () => {
    assert.deepEqual(splitListValue('"a \\", b" <sip:x@y>, sip:z@w'), ['"a \\", b" <sip:x@y>', 'sip:z@w']);
  });

  it('returns nothing for an empty value and keeps inner empty elements for strict parsers', () => {
    assert.deepEqual(splitListValue('   '), []);
    assert.deepEqual(splitListValue('a,,b'), ['a', '', 'b']);
  });
});

describe('Headers', () => {
  const sample = (): Headers =>
    new Headers([
      ['v', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2'],
      ['To', '<sip:bob@example.com>'],
      ['VIA', 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3'],
      ['WWW-Authenticate', 'Digest realm="x", nonce="abc", qop="auth"'],
      ['X-Unknown', 'one, two'],
      ['Date', 'Sat, 13 Nov 2010 23:29:00 GMT'],
      ['m', '"A, B" <sip:a@x>, <sip:b@y>'],
    ]);

  it('keeps every line in received order with names as received', () => {
    const h = sample();
    assert.equal(h.size, 7);
    assert.deepEqual(
      [...h].map((f) => f.name),
      ['v', 'To', 'VIA', 'WWW-Authenticate', 'X-Unknown', 'Date', 'm'],
    );
  });

  it('looks up case-insensitively and through compact forms, splitting list headers', () => {
    const h = sample();
    assert.deepEqual(h.getAll('Via'), [
      'SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
      'SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
      'SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
    ]);
    assert.equal(h.get('via'), 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1');
    assert.deepEqual(h.getAll('CONTACT'), ['"A, B" <sip:a@x>', '<sip:b@y>']);
    assert.equal(h.get('t'), '<sip:bob@example.com>');
    assert.equal(h.has('f'), false);
  });

  it('never splits headers that are not comma lists', () => {
    const h = sample();
    assert.deepEqual(h.getAll('www-authenticate'), ['Digest realm="x", nonce="abc", qop="auth"']);
    assert.deepEqual(h.getAll('Date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
    assert.deepEqual(h.getAll('x-unknown'), ['one, two']);
  });

  it('lines() gives raw per-line values', () => {
    assert.deepEqual(sample().lines('Via').length, 2);
  });

  it('set replaces all lines of a name at the place of the first', () => {
    const h = sample().set('Via', 'SIP/2.0/UDP new.example.com;branch=z9hG4bKnew');
    assert.deepEqual(
      [...h].map((f) => f.name),
      ['Via', 'To', 'WWW-Authenticate', 'X-Unknown', 'Date', 'm'],
    );
    assert.deepEqual(h.getAll('v'), ['SIP/2.0/UDP new.example.com;branch=z9hG4bKnew']);
    h.set('Subject', 'hello');
    assert.equal([...h].at(-1)?.name, 'Subject');
  });

  it('append adds at the end; prepend puts a value on top of its kind, or first of all', () => {
    const h = sample();
    h.append('Via', 'SIP/2.0/UDP last.example.com');
    h.prepend('Via', 'SIP/2.0/UDP top.example.com');
    const vias = h.getAll('via');
    assert.equal(vias[0], 'SIP/2.0/UDP top.example.com');
    assert.equal(vias.at(-1), 'SIP/2.0/UDP last.example.com');
    assert.equal([...h][0]?.value, 'SIP/2.0/UDP top.example.com');
    h.prepend('Route', '<sip:p.example.com;lr>');
    assert.equal([...h][0]?.name, 'Route');
  });

  it('replaceFirst and removeFirst work on the first list value, splitting a combined line', () => {
    const h = sample();
    h.replaceFirst('via', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1');
    assert.deepEqual(h.getAll('via').slice(0, 2), [
      'SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1',
      'SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
    ]);
    assert.equal(h.removeFirst('via'), 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1');
    assert.equal(h.removeFirst('via'), 'SIP/2.0/TCP b.example.com;branch=z9hG4bK2');
    assert.deepEqual(h.getAll('via'), ['SIP/2.0/UDP c.example.com;branch=z9hG4bK3']);
  });

  it('remove deletes every line of a name, compact or long', () => {
    const h = sample();
    assert.equal(h.remove('V'), 2);
    assert.equal(h.has('via'), false);
    assert.equal(h.remove('via'), 0);
  });

  it('refuses names that are not tokens and values with CR or LF (header injection)', () => {
    const h = new Headers();
    assert.throws(() => h.append('Bad Name', 'x'), SipSyntaxError);
    assert.throws(() => h.append('Subject', 'x\r\nVia: evil'), SipSyntaxError);
    assert.throws(() => h.set('Subject', 'x\n'), SipSyntaxError);
    assert.equal(h.size, 0);
  });

  it('clone is independent', () => {
    const a = sample();
    const b = a.clone();
    b.remove('via');
    assert.equal(a.lines('via').length, 2);
  });
});
