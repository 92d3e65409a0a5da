/** RFC 3261 §8.1.2: which URI a request is sent to first. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, formatUri, NameAddr, Parameters, parseNameAddr, parseUri, sipUri } from '../../firmware/sip/message/index.js';
import { nextHop, nextHopOfRequest } from '../../firmware/sip/transport/next-hop.js';

const target = parseUri('sip:bob@biloxi.example.com');
const loose = parseNameAddr('<sip:p1.example.com;lr>');
const strict = parseNameAddr('<sip:p2.example.com>');

describe('next hop (§8.1.2)', () => {
  it('is the Request-URI when there is no proxy and no route', () => {
    const hop = nextHop(target, []);
    assert.equal(hop?.via, 'request-uri');
    assert.equal(hop === undefined ? '' : formatUri(hop.uri), 'sip:bob@biloxi.example.com');
    assert.equal(hop?.transport, undefined);
  });

  it('is the first Route when it is a loose router', () => {
    const hop = nextHop(target, [loose, strict]);
    assert.equal(hop?.via, 'loose-route');
    assert.equal(hop === undefined ? '' : formatUri(hop.uri), 'sip:p1.example.com;lr');
  });

  it('is the Request-URI when the first Route is a strict router (§12.2.1.1 put it there)', () => {
    const hop = nextHop(parseUri('sip:p2.example.com'), [strict, loose]);
    assert.equal(hop?.via, 'request-uri');
    assert.equal(hop === undefined ? '' : formatUri(hop.uri), 'sip:p2.example.com');
  });

  it('is the outbound proxy when one is configured, with its port and transport', () => {
    const hop = nextHop(target, [loose], { host: 'proxy.example.net', port: 5070, transport: 'tcp' });
    assert.equal(hop?.via, 'outbound-proxy');
    assert.equal(hop === undefined ? '' : formatUri(hop.uri), 'sip:proxy.example.net:5070');
    assert.equal(hop?.transport, 'tcp');
  });

  it('accepts an IPv6 outbound proxy', () => {
    const hop = nextHop(target, [], { host: '[2001:db8::5]' });
    assert.equal(hop === undefined ? '' : formatUri(hop.uri), 'sip:[2001:db8::5]');
  });

  it('has nowhere to go for a tel: Request-URI without proxy or route', () => {
    assert.equal(nextHop(parseUri('tel:+15551234'), []), undefined);
    assert.equal(nextHop(parseUri('tel:+15551234'), [loose])?.via, 'loose-route');
  });

  it('reads the Route header fields of a built request', () => {
    const request = createRequest({
      method: 'INVITE',
      uri: target,
      from: new NameAddr({ uri: sipUri({ user: 'alice', host: 'atlanta.example.com' }), params: new Parameters().set('tag', 'x') }),
      to: new NameAddr({ uri: target }),
      callId: 'c',
      cseq: 1,
      route: [loose, strict],
    });
    const hop = nextHopOfRequest(request);
    assert.equal(hop?.via, 'loose-route');
    assert.equal(hop === undefined ? '' : formatUri(hop.uri), 'sip:p1.example.com;lr');
    assert.equal(nextHopOfRequest(request, { host: 'obp.example.com' })?.via, 'outbound-proxy');
  });
});
