// SDP syntax (RFC 4566) through sdp-transform: what the phone reads from a
// peer's body, what it refuses, and that what it writes reads back the same.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseSdp } from '../../firmware/media/sdp/parse.js';
import { effectiveConnection, effectiveDirection } from '../../firmware/media/sdp/session-description.js';
import { writeSdp } from '../../firmware/media/sdp/write.js';
import { mustParse, peerOffer, sdp } from './sdp-fixtures.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const rfc5118 = path.join(repoRoot, '..', 'shared', 'conformance', 'rfc5118');

/** The body of a SIP message file: everything after the first empty line. */
function sdpBody(file: string): string {
  const message = readFileSync(path.join(rfc5118, file), 'latin1');
  const split = message.indexOf('\r\n\r\n');
  assert.ok(split > 0, `${file} has a header/body separator`);
  return message.slice(split + 4);
}

function errorOf(text: string): string {
  const r = parseSdp(text);
  assert.equal(r.ok, false, 'should be refused');
  return r.ok ? '' : r.error;
}

describe('reading a peer SDP (RFC 4566)', () => {
  it('reads origin, connection, formats with rtpmap/fmtp, ptime, direction, rtcp and crypto', () => {
    const s = mustParse(
      peerOffer(
        'm=audio 49170 RTP/SAVP 0 96 101',
        'a=rtpmap:96 opus/48000/2',
        'a=fmtp:96 useinbandfec=1; maxaveragebitrate=20000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:30',
        'a=maxptime:60',
        'a=rtcp:53020 IN IP4 203.0.113.6',
        'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=1 UNENCRYPTED_SRTCP',
        'a=recvonly',
      ),
    );
    assert.deepEqual(s.origin, {
      username: 'peer',
      sessionId: 2890844526n,
      sessionVersion: 2890844526n,
      addressType: 'IP4',
      address: '203.0.113.5',
    });
    const [m] = s.media;
    assert.ok(m);
    assert.equal(m.proto, 'RTP/SAVP');
    assert.deepEqual(m.formats, ['0', '96', '101']);
    assert.deepEqual(m.payloads, [
      { payloadType: 0 },
      { payloadType: 96, encodingName: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1; maxaveragebitrate=20000' },
      { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
    ]);
    assert.equal(m.ptime, 30);
    assert.equal(m.maxptime, 60);
    assert.deepEqual(m.rtcp, { port: 53020, connection: { addressType: 'IP4', address: '203.0.113.6' } });
    assert.equal(effectiveDirection(s, m), 'recvonly');
    // Both session parameters survive (sdp-transform alone keeps only the first).
    assert.deepEqual(m.crypto, ['1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=1 UNENCRYPTED_SRTCP']);
  });

  it('RFC 3264 §6.1: no direction attribute means sendrecv; a session-level one applies to every m= line', () => {
    const plain = mustParse(peerOffer('m=audio 49170 RTP/AVP 0'));
    assert.equal(effectiveDirection(plain, plain.media[0] ?? assert.fail()), 'sendrecv');
    const sessionLevel = mustParse(
      sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'a=inactive', 'm=audio 5000 RTP/AVP 0', 'm=audio 5002 RTP/AVP 0', 'a=sendonly'),
    );
    assert.equal(effectiveDirection(sessionLevel, sessionLevel.media[0] ?? assert.fail()), 'inactive');
    assert.equal(effectiveDirection(sessionLevel, sessionLevel.media[1] ?? assert.fail()), 'sendonly', 'media level wins');
  });

  it('keeps a sess-id too large for a JavaScript number exact (RFC 3264 §5: 64-bit)', () => {
    const s = mustParse(sdp('v=0', 'o=- 9223372036854775807 9007199254740993 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 1 RTP/AVP 0'));
    assert.equal(s.origin.sessionId, 9223372036854775807n);
    assert.equal(s.origin.sessionVersion, 9007199254740993n);
    assert.match(writeSdp(s), /^o=- 9223372036854775807 9007199254740993 IN IP4 192\.0\.2\.1$/m);
  });

  it('writes what it reads: parse(write(x)) equals x', () => {
    const s = mustParse(
      peerOffer('m=audio 49170 RTP/AVP 9 101', 'a=rtpmap:9 G722/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendonly', 'm=video 0 RTP/AVP 31'),
    );
    const text = writeSdp(s);
    assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
    assert.deepEqual(mustParse(text), s);
  });
});

describe('refusing what is not SDP, without throwing', () => {
  const cases: [string, string, RegExp][] = [
    ['plain text', 'hello, this is not SDP', /must start with "v=0"/],
    ['an empty body', '', /empty SDP/],
    ['binary noise', '\u0000\u0001\u00ff\u0010v=0', /must start with "v=0"/],
    ['HTML', '<html><body>v=0</body></html>', /must start with "v=0"/],
    ['a line without <type>=', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 'this line is junk', 'm=audio 1 RTP/AVP 0'), /line 3 is not <type>=<value>/],
    ['no o= line', sdp('v=0', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 1 RTP/AVP 0'), /no o= line/],
    ['a malformed o= line', sdp('v=0', 'o=alice', 's=-', 'c=IN IP4 192.0.2.1', 'm=audio 1 RTP/AVP 0'), /malformed o= line/],
    ['a malformed m= line', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 'm=audio lots RTP/AVP 0'), /m= line 1 is malformed/],
    ['an m= line without formats', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 'm=audio 4000 RTP/AVP'), /lists no formats/],
    ['a port above 65535', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 'm=audio 70000 RTP/AVP 0'), /out of range/],
    ['no c= anywhere (RFC 4566 §5.7)', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0'), /no c= line/],
    ['a broken IPv4 address', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 300.1.2.3', 'm=audio 4000 RTP/AVP 0'), /not a valid IP4 address/],
    ['an IPv6 address typed IP4', sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 2001:db8::1', 'm=audio 4000 RTP/AVP 0'), /not a valid IP4 address/],
    ['a zero ptime', peerOffer('m=audio 4000 RTP/AVP 0', 'a=ptime:0'), /ptime/],
  ];
  for (const [name, text, expected] of cases) {
    it(`refuses ${name}`, () => {
      assert.doesNotThrow(() => parseSdp(text));
      assert.match(errorOf(text), expected);
    });
  }

  it('lets a rejected stream (port 0) go without a c= (answerers omit it)', () => {
    const s = mustParse(sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=video 0 RTP/AVP 31'));
    assert.equal(s.media[0]?.port, 0);
  });
});

describe('IPv6 in SDP: the RFC 5118 torture bodies', () => {
  it('ipv6-in-sdp: o= and c= are IP6 2001:db8::20; both m= lines read', () => {
    const s = mustParse(sdpBody('ipv6-in-sdp'));
    assert.deepEqual(
      { type: s.origin.addressType, address: s.origin.address, id: s.origin.sessionId },
      { type: 'IP6', address: '2001:db8::20', id: 971731711378798081n },
    );
    assert.deepEqual(s.connection, { addressType: 'IP6', address: '2001:db8::20' });
    assert.deepEqual(
      s.media.map((m) => [m.media, m.port, m.formats.join(' '), m.payloads[0]?.encodingName]),
      [
        ['audio', 6000, '2', 'G726-32'],
        ['video', 6024, '107', 'H263-1998'],
      ],
    );
  });

  it('mult-ip-in-sdp: each m= line has its own c=, one IPv4 and one IPv6; o= names a host', () => {
    const s = mustParse(sdpBody('mult-ip-in-sdp'));
    assert.equal(s.origin.address, 'host.example.com');
    assert.equal(s.connection, undefined);
    const [audio, video] = s.media;
    assert.ok(audio && video);
    assert.deepEqual(effectiveConnection(s, audio), { addressType: 'IP4', address: '192.0.2.1' });
    assert.deepEqual(effectiveConnection(s, video), { addressType: 'IP6', address: '2001:db8::1' });
    assert.equal(audio.port, 22334);
    assert.deepEqual(audio.payloads, [{ payloadType: 0 }]);
  });
});
