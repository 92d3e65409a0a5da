import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialTarget, starIpAddress, starIpVerdict, type DialTarget } from '../../firmware/phone/dialplan/index.js';

const allowed = { domain: 'example.com', directIpAllowed: true };
const noDirect = { domain: 'example.com', directIpAllowed: false };

function uriOf(target: DialTarget): string {
  if ('error' in target) assert.fail(`expected a URI, got error: ${target.error}`);
  return target.uri;
}

function errorOf(target: DialTarget): string {
  if ('uri' in target) assert.fail(`expected an error, got ${target.uri}`);
  return target.error;
}

describe('dialTarget: a bare number or name becomes sip:<it>@<domain>', () => {
  it('numbers and feature codes', () => {
    assert.equal(uriOf(dialTarget('1234', allowed)), 'sip:1234@example.com');
    assert.equal(uriOf(dialTarget('+4930123456', allowed)), 'sip:+4930123456@example.com');
    assert.equal(uriOf(dialTarget('*72', allowed)), 'sip:*72@example.com');
  });

  it("'#' is escaped in the user part (RFC 3261 §19.1.2)", () => {
    assert.equal(uriOf(dialTarget('12#', allowed)), 'sip:12%23@example.com');
  });

  it('a number loses its visual separators', () => {
    assert.equal(uriOf(dialTarget(' +49 (30) 123-456 ', allowed)), 'sip:+4930123456@example.com');
  });

  it('names, with dots, are user names', () => {
    assert.equal(uriOf(dialTarget('alice', allowed)), 'sip:alice@example.com');
    assert.equal(uriOf(dialTarget('john.smith', allowed)), 'sip:john.smith@example.com');
    assert.equal(uriOf(dialTarget('1.5', allowed)), 'sip:1.5@example.com', 'digits and a dot that are no address');
  });

  it('the domain may carry a port, and may be an IP address even when direct IP calls are off', () => {
    assert.equal(uriOf(dialTarget('100', { domain: 'pbx.example.com:5070', directIpAllowed: true })), 'sip:100@pbx.example.com:5070');
    assert.equal(uriOf(dialTarget('100', { domain: '10.0.0.5', directIpAllowed: false })), 'sip:100@10.0.0.5');
  });

  it('refuses what cannot be called', () => {
    assert.match(errorOf(dialTarget('   ', allowed)), /nothing to dial/);
    assert.match(errorOf(dialTarget('--', allowed)), /nothing to dial/);
    assert.match(errorOf(dialTarget('john smith', allowed)), /cannot contain spaces/);
    assert.match(errorOf(dialTarget('100', { domain: '', directIpAllowed: true })), /no account domain/);
    assert.match(errorOf(dialTarget('100', { domain: 'bad host!', directIpAllowed: true })), /bad account domain/);
  });
});

describe('dialTarget: URIs and addresses', () => {
  it('sip: and sips: URIs are taken as written', () => {
    assert.equal(uriOf(dialTarget('sip:bob@example.org;transport=tcp', allowed)), 'sip:bob@example.org;transport=tcp');
    assert.equal(uriOf(dialTarget('SIPS:bob@example.org', allowed)), 'sips:bob@example.org');
    assert.match(errorOf(dialTarget('sip:', allowed)), /sip:/);
  });

  it('tel: becomes a SIP URI at the domain with user=phone (RFC 3261 §19.1.6)', () => {
    assert.equal(uriOf(dialTarget('tel:+1-201-555-0123', allowed)), 'sip:+1-201-555-0123@example.com;user=phone');
    assert.match(errorOf(dialTarget('tel:xyz', allowed)), /tel/);
  });

  it('other schemes are refused', () => {
    assert.match(errorOf(dialTarget('mailto:bob@example.org', allowed)), /mailto/);
    assert.match(errorOf(dialTarget('http://example.org', allowed)), /http/);
    assert.equal(uriOf(dialTarget('fe80::1', allowed)), 'sip:[fe80::1]', 'an IPv6 address is no scheme');
  });

  it('user@host gets sip:', () => {
    assert.equal(uriOf(dialTarget('bob@example.org', allowed)), 'sip:bob@example.org');
  });

  it('IP addresses, with and without port, IPv4 and IPv6', () => {
    assert.equal(uriOf(dialTarget('192.168.1.20', allowed)), 'sip:192.168.1.20');
    assert.equal(uriOf(dialTarget('192.168.1.20:5062', allowed)), 'sip:192.168.1.20:5062');
    assert.equal(uriOf(dialTarget('[2001:db8::1]:5062', allowed)), 'sip:[2001:db8::1]:5062');
    assert.equal(uriOf(dialTarget('2001:db8::1', allowed)), 'sip:[2001:db8::1]');
    assert.equal(uriOf(dialTarget('bob@10.0.0.1', allowed)), 'sip:bob@10.0.0.1');
  });

  it('an IP address the user typed needs direct IP calls allowed', () => {
    for (const typed of ['192.168.1.20', '[2001:db8::1]', 'sip:bob@10.0.0.1', 'bob@10.0.0.1']) {
      assert.match(errorOf(dialTarget(typed, noDirect)), /direct_ip_call_enable/, typed);
    }
  });

  it("an address typed with '*' for '.' (and a fifth group for the port)", () => {
    assert.equal(uriOf(dialTarget('192*168*1*20', allowed)), 'sip:192.168.1.20');
    assert.equal(uriOf(dialTarget('192*168*1*20*5062', allowed)), 'sip:192.168.1.20:5062');
  });

  it('a starred address is just a number when direct IP calls are off, or when it is no address', () => {
    assert.equal(uriOf(dialTarget('192*168*1*20', noDirect)), 'sip:192*168*1*20@example.com');
    assert.equal(uriOf(dialTarget('999*1*1*1', allowed)), 'sip:999*1*1*1@example.com');
    assert.equal(uriOf(dialTarget('192*168*1', allowed)), 'sip:192*168*1@example.com');
  });
});

describe('starIpVerdict (an address as it is typed)', () => {
  const cases: Array<[keys: string, verdict: ReturnType<typeof starIpVerdict>]> = [
    ['192', 'none'],
    ['*72', 'none'],
    ['192*', 'partial'],
    ['192*168*1*', 'partial'],
    ['192*168*1*2', 'complete-but-more-possible'],
    ['192*168*1*20*', 'partial'],
    ['192*168*1*20*5062', 'complete-but-more-possible'],
    ['192*168*1*20*50620', 'complete'],
    ['192*168*1*20*65536', 'none'],
    ['256*1', 'none'],
    ['1**2', 'none'],
    ['1*2*3*4*5*6', 'none'],
    ['1*2#', 'none'],
  ];
  for (const [keys, verdict] of cases) {
    it(`${keys} is ${verdict}`, () => assert.equal(starIpVerdict(keys), verdict));
  }

  it('starIpAddress gives host and port only for a whole address', () => {
    assert.deepEqual(starIpAddress('10*0*0*1'), { host: '10.0.0.1' });
    assert.deepEqual(starIpAddress('10*0*0*1*5060'), { host: '10.0.0.1', port: 5060 });
    assert.equal(starIpAddress('10*0*0'), undefined);
    assert.equal(starIpAddress('10*0*0*1*0'), undefined, 'port 0 is no port');
  });
});
