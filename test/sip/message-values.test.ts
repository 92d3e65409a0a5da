// Header-value parsers: URIs (RFC 3261 §19.1, §25.1; RFC 5118 IPv6),
// name-addr with display names, Via, CSeq, Contact, media types, dates,
// token lists and the generic "value;params" form.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NameAddr,
  Parameters,
  SipSyntaxError,
  Via,
  contactExpires,
  contactQ,
  createBranch,
  formatNameAddr,
  formatSipDate,
  formatUri,
  formatVia,
  hostsEqual,
  isIPv6,
  isRfc3261Branch,
  mediaRangeMatches,
  parseCSeq,
  parseCallId,
  parseContactValue,
  parseDeltaSeconds,
  parseMaxForwards,
  parseMediaRangeList,
  parseMediaType,
  parseNameAddr,
  parseNameAddrList,
  parseParamValue,
  parseSipDate,
  parseTokenList,
  parseUri,
  parseVia,
  parseViaList,
  sipUri,
  uriEquals,
} from '../../firmware/sip/message/index.js';
import type { SipUri, Uri } from '../../firmware/sip/message/index.js';

function sip(uri: Uri): SipUri {
  assert.equal(uri.kind, 'sip');
  return uri;
}

describe('parseUri', () => {
  it('reads every part of a SIP URI, unescaped', () => {
    const u = sip(parseUri('sips:al%69ce:se%63ret@Example.COM:5061;transport=tcp;lr;x=%41?subject=hi%20there&h=1'));
    assert.equal(u.scheme, 'sips');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'secret');
    assert.equal(u.host, 'Example.COM');
    assert.equal(u.port, 5061);
    assert.deepEqual([...u.params].map((p) => [p.name, p.value]), [['transport', 'tcp'], ['lr', null], ['x', 'A']]);
    assert.deepEqual(u.headers, [{ name: 'subject', value: 'hi there' }, { name: 'h', value: '1' }]);
  });

  it('reads IPv6 references with and without port', () => {
    assert.deepEqual([sip(parseUri('sip:[::1]')).host, sip(parseUri('sip:[::1]')).port], ['[::1]', undefined]);
    const u = sip(parseUri('sip:bob@[2001:db8::1]:5080;maddr=[2001:db8::2]'));
    assert.equal(u.host, '[2001:db8::1]');
    assert.equal(u.port, 5080);
    assert.equal(u.params.get('maddr'), '[2001:db8::2]');
  });

  it('reads tel URIs and keeps unknown schemes opaque', () => {
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    assert.equal(t.kind, 'tel');
    if (t.kind === 'tel') {
      assert.equal(t.number, '+1-201-555-0123');
      assert.equal(t.params.get('phone-context'), 'example.com');
    }
    assert.deepEqual(parseUri('URN:service:sos'), { kind: 'absolute', scheme: 'urn', opaque: 'service:sos' });
  });

  for (const bad of [
    'sip:',
    'sip:@host',
    'sip:user@',
    'sip:host:99999',
    'sip:host:12ab',
    'sip:[2001:db8::1',
    'sip:[2001:db8:::1]',
    'sip:a b@host',
    'sip:us%zzer@host',
    'sip:host;;lr',
    '<sip:host>',
    '1sip:host',
    'sip:300.1.1.1',
    'sip:2001:db8::1',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseUri(bad), SipSyntaxError);
    });
  }

  it('formats back to a URI that parses to the same value', () => {
    for (const text of [
      'sip:alice@example.com',
      'sips:al%20ice:pw@[2001:db8::1]:5061;transport=tls;lr?Replaces=abc%40host%3Bto-tag%3D1',
      'sip:user;par=u%40example.net@example.com',
      'tel:+15551234;ext=7',
      'http://www.example.com/x?y',
    ]) {
      const u = parseUri(text);
      assert.ok(uriEquals(parseUri(formatUri(u)), u), text);
    }
    assert.equal(formatUri(sipUri({ user: 'I have spaces', host: 'example.net' })), 'sip:I%20have%20spaces@example.net');
  });
});

describe('uriEquals (RFC 3261 §19.1.4)', () => {
  const eq = (a: string, b: string): boolean => uriEquals(parseUri(a), parseUri(b));
  it('follows the RFC examples of equal URIs', () => {
    assert.ok(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'));
    assert.ok(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'));
    assert.ok(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'));
    assert.ok(eq('sip:alice@[2001:DB8::1]', 'sip:alice@[2001:db8:0::1]'));
    assert.ok(eq('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'));
  });
  it('follows the RFC examples of unequal URIs', () => {
    assert.ok(!eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'));
    assert.ok(!eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'));
    assert.ok(!eq('sip:alice@atlanta.com', 'sips:alice@atlanta.com'));
    assert.ok(!eq('sip:carol@chicago.com?Subject=next', 'sip:carol@chicago.com'));
  });
});

describe('host helpers', () => {
  it('validates IPv6 text forms', () => {
    for (const ok of ['::', '::1', '2001:db8::10:5070', '::ffff:192.0.2.1', '2001:db8::192.0.2.1', '1:2:3:4:5:6:7:8']) {
      assert.ok(isIPv6(ok), ok);
    }
    for (const bad of ['2001:db8:::192.0.2.1', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', '::g', '1.2.3.4', '']) {
      assert.ok(!isIPv6(bad), bad);
    }
    assert.ok(hostsEqual('[::ffff:192.0.2.1]', '::FFFF:c000:201'));
  });
});

describe('name-addr', () => {
  it('reads quoted display names with escapes, token display names and bare addr-specs', () => {
    const q = parseNameAddr('"Alice \\"Al\\" Smith" <sip:alice@example.com>;tag=abc', 'From');
    assert.equal(q.displayName, 'Alice "Al" Smith');
    assert.equal(q.tag, 'abc');
    const t = parseNameAddr('Bob   Builder<sip:bob@example.com>', 'To');
    assert.equal(t.displayName, 'Bob Builder');
    const bare = parseNameAddr('sip:carol@example.com;tag=9;user=phone', 'To');
    assert.equal(bare.displayName, undefined);
    assert.equal(bare.params.get('user'), 'phone');
    assert.equal(sip(bare.uri).params.size, 0);
  });

  it('reads a list with commas inside quotes and brackets', () => {
    const list = parseNameAddrList('"Doe, J" <sip:a@x;p=1>, <sip:b@y>;expires=5 ,sip:c@z', 'Contact');
    assert.deepEqual(
      list.map((n) => [n.displayName, sip(n.uri).host]),
      [['Doe, J', 'x'], [undefined, 'y'], [undefined, 'z']],
    );
  });

  for (const bad of [
    '"unterminated <sip:a@b>',
    'Bell, Alexander <sip:a@b>',
    '< sip:a@b >',
    '<sip:a@b',
    'sip:a@b?x=y',
    '<sip:a@b>;',
    '<sip:a@b> junk',
    '"x" sip:a@b',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseNameAddr(bad, 'To'), SipSyntaxError);
    });
  }

  it('formats with brackets, quoting display names that are not tokens', () => {
    const na = new NameAddr({ displayName: 'Doe, "J"', uri: parseUri('sip:a@b;lr'), params: new Parameters().set('tag', 'x') });
    const text = formatNameAddr(na);
    assert.equal(text, '"Doe, \\"J\\"" <sip:a@b;lr>;tag=x');
    const back = parseNameAddr(text);
    assert.equal(back.displayName, 'Doe, "J"');
    assert.equal(back.tag, 'x');
    assert.equal(formatNameAddr(na.withTag('y')), '"Doe, \\"J\\"" <sip:a@b;lr>;tag=y');
  });
});

describe('Via', () => {
  it('reads protocol, transport, sent-by and the RFC 3261/3581 parameters', () => {
    const v = parseVia('SIP / 2.0 / udp  [2001:db8::1] : 5062 ;branch=z9hG4bKabc ; rport ;received=192.0.2.7;ttl=16;maddr=224.2.0.1');
    assert.deepEqual([v.protocol, v.version, v.transport, v.host, v.port], ['SIP', '2.0', 'UDP', '[2001:db8::1]', 5062]);
    assert.equal(v.branch, 'z9hG4bKabc');
    assert.equal(v.rport, null);
    assert.equal(v.received, '192.0.2.7');
    assert.equal(v.ttl, 16);
    assert.equal(v.maddr, '224.2.0.1');
    assert.equal(parseVia('SIP/2.0/UDP h;rport=5070').rport, 5070);
  });

  it('reads several comma-separated values', () => {
    assert.deepEqual(
      parseViaList('SIP/2.0/UDP a;branch=z9hG4bK1 , SIP/2.0/TCP b:5060;branch=z9hG4bK2').map((v) => [v.host, v.port]),
      [['a', undefined], ['b', 5060]],
    );
  });

  for (const bad of [
    'SIP/2.0/UDP',
    'SIP/2.0 host',
    'SIP/2.0/UDPhost',
    'SIP/2.0/UDP host;;branch=x',
    'SIP/2.0/UDP host;received=example.com',
    'SIP/2.0/UDP host;ttl=300',
    'SIP/2.0/UDP host;rport=abc',
    'SIP/2.0/UDP host:70000',
    'SIP/2.0/UDP host,',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseViaList(bad), SipSyntaxError);
    });
  }

  it('formats and tells RFC 3261 branches from RFC 2543 ones', () => {
    const branch = createBranch();
    assert.match(branch, /^z9hG4bK[0-9a-f]{24}$/);
    assert.notEqual(createBranch(), branch);
    const v = new Via({ transport: 'tcp', host: '192.0.2.1', port: 5060, params: new Parameters().set('branch', branch).set('rport', null) });
    assert.equal(formatVia(v), `SIP/2.0/TCP 192.0.2.1:5060;branch=${branch};rport`);
    assert.ok(isRfc3261Branch(branch));
    assert.ok(!isRfc3261Branch('z9hG4bK'));
    assert.ok(!isRfc3261Branch('390skdjuw'));
    assert.ok(!isRfc3261Branch(undefined));
  });
});

describe('scalar headers', () => {
  it('CSeq: number and method, leading zeros and LWS allowed, 32-bit limit', () => {
    assert.deepEqual(parseCSeq('0009   INVITE'), { seq: 9, method: 'INVITE' });
    assert.deepEqual(parseCSeq('4294967295 BYE'), { seq: 4294967295, method: 'BYE' });
    for (const bad of ['4294967296 BYE', 'INVITE', '1', '1INVITE', '-1 BYE', '1 BYE x']) {
      assert.throws(() => parseCSeq(bad), SipSyntaxError, bad);
    }
  });

  it('Max-Forwards 0-255, delta-seconds up to 2**32-1', () => {
    assert.equal(parseMaxForwards('0068'), 68);
    assert.throws(() => parseMaxForwards('256'), SipSyntaxError);
    assert.equal(parseDeltaSeconds('3600'), 3600);
    assert.throws(() => parseDeltaSeconds('10000000000000000000000'), SipSyntaxError);
    assert.throws(() => parseDeltaSeconds('1.5'), SipSyntaxError);
  });

  it('Call-ID: word ["@" word]', () => {
    assert.equal(parseCallId(' a84b4c76e66710@pc33.atlanta.com '), 'a84b4c76e66710@pc33.atlanta.com');
    for (const bad of ['', 'a@b@c', 'has space', '@host']) assert.throws(() => parseCallId(bad), SipSyntaxError, bad);
  });

  it('Date: RFC 1123 in GMT only, round trip', () => {
    const d = parseSipDate('Sat, 13 Nov 2010 23:29:00 GMT');
    assert.equal(d.toISOString(), '2010-11-13T23:29:00.000Z');
    assert.equal(formatSipDate(d), 'Sat, 13 Nov 2010 23:29:00 GMT');
    for (const bad of ['Fri, 01 Jan 2010 16:00:00 EST', 'Sat, 31 Feb 2010 00:00:00 GMT', 'Sat 13 Nov 2010 23:29:00 GMT']) {
      assert.throws(() => parseSipDate(bad), SipSyntaxError, bad);
    }
  });

  it('option-tag lists', () => {
    assert.deepEqual(parseTokenList(' 100rel ,timer,  replaces', 'Supported'), ['100rel', 'timer', 'replaces']);
    assert.deepEqual(parseTokenList('', 'Supported'), []);
    assert.throws(() => parseTokenList('a,,b', 'Require'), SipSyntaxError);
    assert.throws(() => parseTokenList('a b', 'Require'), SipSyntaxError);
  });
});

describe('Contact', () => {
  it("reads '*' and lists with expires and q", () => {
    assert.equal(parseContactValue(' * '), '*');
    const list = parseContactValue('<sip:a@x>;expires=60;q=0.7, <sip:b@y>');
    assert.notEqual(list, '*');
    if (list !== '*') {
      assert.equal(contactExpires(list[0]), 60);
      assert.equal(contactQ(list[0]), 0.7);
      assert.equal(contactExpires(list[1]), undefined);
    }
  });
  for (const bad of ['<sip:a@x>;q=1.5', '<sip:a@x>;q', '<sip:a@x>;expires=soon', '', '<sip:a@x>, *']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseContactValue(bad), SipSyntaxError);
    });
  }
});

describe('media types', () => {
  it('Content-Type: lower-cased type and subtype with parameters', () => {
    const mt = parseMediaType('Multipart/Mixed ; boundary="a b" ;charset=UTF-8');
    assert.equal(mt.type, 'multipart');
    assert.equal(mt.subtype, 'mixed');
    assert.equal(mt.params.get('boundary'), 'a b');
    assert.throws(() => parseMediaType('application'), SipSyntaxError);
    assert.throws(() => parseMediaType('application/sdp, text/plain'), SipSyntaxError);
  });

  it('Accept ranges and wildcard matching', () => {
    const ranges = parseMediaRangeList('application/*;q=0.5, text/plain');
    const sdp = parseMediaType('application/sdp');
    assert.ok(mediaRangeMatches(ranges[0], sdp));
    assert.ok(!mediaRangeMatches(ranges[1], sdp));
    assert.ok(mediaRangeMatches(parseMediaRangeList('*/*')[0], sdp));
    assert.deepEqual(parseMediaRangeList(''), []);
  });
});

describe('generic parameterised value', () => {
  it('reads Event, Subscription-State and Session-Expires shapes', () => {
    const ev = parseParamValue('refer ;id=93809824', 'Event');
    assert.equal(ev.value, 'refer');
    assert.equal(ev.params.get('id'), '93809824');
    const ss = parseParamValue('terminated;reason=noresource', 'Subscription-State');
    assert.equal(ss.params.get('reason'), 'noresource');
    assert.equal(parseParamValue('1800;refresher=uac').value, '1800');
    assert.throws(() => parseParamValue(';id=1', 'Event'), SipSyntaxError);
  });
});
