// The phone as answerer (RFC 3264 §6), including the hold cases of
// RFC 3264 §8.4 / RFC 6337 and SRTP by RFC 4568.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { g722 } from '../../firmware/media/codecs/g722/g722-codec.js';
import { pcmu } from '../../firmware/media/codecs/g711/g711-codec.js';
import { telephoneEvent } from '../../firmware/media/codecs/telephone-event/telephone-event-codec.js';
import { createAnswer } from '../../firmware/media/sdp/answer.js';
import type { MediaDirection } from '../../firmware/media/sdp/session-description.js';
import { parseCryptoLine } from '../../firmware/media/srtp/sdes.js';
import { accepted, answered, mediaSection, mustParse, peerOffer, phoneB, sdp } from './sdp-fixtures.js';

const KEY_A = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function mLine(text: string, index = 0): string {
  return mediaSection(text, index)[0] ?? '';
}

describe('accepting an offer (RFC 3264 §6.1)', () => {
  it('lists the codecs we support in the offerer\'s order, with the offerer\'s payload types', () => {
    const offer = peerOffer(
      'm=audio 49170 RTP/AVP 0 9 111 18 100',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:9 G722/8000',
      'a=rtpmap:111 opus/48000/2',
      'a=rtpmap:18 G729/8000',
      'a=rtpmap:100 telephone-event/8000',
      'a=fmtp:100 0-15',
    );
    const result = answered(createAnswer(offer, phoneB()));
    // "…if a particular codec was referenced with a specific payload type
    // number in the offer, that same payload type number SHOULD be used for
    // that codec in the answer." G729 is not ours and is left out.
    assert.equal(mLine(result.sdp), 'm=audio 50000 RTP/AVP 0 9 111 100');
    assert.match(result.sdp, /^c=IN IP4 198\.51\.100\.20$/m);
    assert.match(result.sdp, /^a=rtpmap:111 opus\/48000\/2$/m);
    const audio = accepted(result.negotiated[0]);
    assert.equal(audio.codec.codec.name, 'PCMU', 'the offerer\'s first choice among the common codecs');
    assert.deepEqual(
      audio.codecs.map((c) => [c.codec.name, c.payloadType]),
      [
        ['PCMU', 0],
        ['G722', 9],
        ['opus', 111],
      ],
    );
    assert.equal(audio.telephoneEvent?.payloadType, 100);
    assert.deepEqual(audio.remote, { address: '203.0.113.5', port: 49170, rtcpAddress: '203.0.113.5', rtcpPort: 49171 });
  });

  it('answers a subset when we have fewer codecs, and names static types it was offered without rtpmap', () => {
    const offer = peerOffer('m=audio 49170 RTP/AVP 0 8 9', 'a=ptime:20');
    const result = answered(createAnswer(offer, phoneB({ codecs: [g722, pcmu, telephoneEvent(8000)] })));
    assert.equal(mLine(result.sdp), 'm=audio 50000 RTP/AVP 0 9');
    // §6.1: the answer "SHOULD contain mappings for static payload types".
    assert.deepEqual(mediaSection(result.sdp, 0).filter((l) => l.startsWith('a=rtpmap')), ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:9 G722/8000']);
  });

  it('§6: "To reject an offered stream, the port number … MUST be set to zero … At least one [format] MUST be present": video is refused with its formats', () => {
    const offer = peerOffer('m=audio 49170 RTP/AVP 0', 'm=video 51372 RTP/AVP 31 34', 'a=rtpmap:31 H261/90000', 'a=rtpmap:34 H263/90000');
    const result = answered(createAnswer(offer, phoneB()));
    // "The answer MUST contain exactly the same number of "m=" lines as the offer."
    assert.equal(result.answer.media.length, 2);
    assert.deepEqual(mediaSection(result.sdp, 1), ['m=video 0 RTP/AVP 31 34']);
    assert.equal(result.negotiated[1]?.accepted, false);
    assert.equal(accepted(result.negotiated[0]).codec.codec.name, 'PCMU');
  });

  it('runs one audio stream: a second audio m= line is refused with port 0', () => {
    const result = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 0', 'm=audio 49180 RTP/AVP 8'), phoneB()));
    assert.deepEqual(result.answer.media.map((m) => m.port), [50000, 0]);
  });

  it('refuses a stream offered with port 0 (§5.1: "offered but MUST NOT be used")', () => {
    const result = answered(createAnswer(peerOffer('m=audio 0 RTP/AVP 0', 'm=audio 49180 RTP/AVP 8'), phoneB()));
    assert.deepEqual(result.answer.media.map((m) => m.port), [0, 50000]);
  });

  it('an offer with only a codec we do not have is not acceptable: 488', () => {
    const result = createAnswer(peerOffer('m=audio 49170 RTP/AVP 18', 'a=rtpmap:18 G729/8000'), phoneB());
    assert.equal(result.ok, false);
    assert.equal(result.ok ? 0 : result.status, 488);
    assert.match(result.ok ? '' : result.reason, /no common codec/);
  });

  it('an offer with only telephone-event is not acceptable either (no audio codec)', () => {
    const result = createAnswer(peerOffer('m=audio 49170 RTP/AVP 101', 'a=rtpmap:101 telephone-event/8000'), phoneB());
    assert.equal(result.ok ? 0 : result.status, 488);
  });

  it('a body that is not SDP gets 400, never an exception', () => {
    for (const garbage of ['not sdp', '', 'v=0\r\nm=audio', '\u0000\u0000']) {
      const result = createAnswer(garbage, phoneB());
      assert.equal(result.ok ? 0 : result.status, 400, JSON.stringify(garbage));
    }
  });

  it('the RFC 5118 ipv6-in-sdp offer (G726-32 audio, H263 video) has nothing for us: 488', () => {
    const message = readFileSync(path.join(repoRoot, '..', 'shared', 'conformance', 'rfc5118', 'ipv6-in-sdp'), 'latin1');
    const result = createAnswer(message.slice(message.indexOf('\r\n\r\n') + 4), phoneB());
    assert.equal(result.ok ? 0 : result.status, 488);
  });

  it('the RFC 5118 mult-ip-in-sdp offer: audio to its own IPv4 c=, video refused', () => {
    const message = readFileSync(path.join(repoRoot, '..', 'shared', 'conformance', 'rfc5118', 'mult-ip-in-sdp'), 'latin1');
    const result = answered(createAnswer(message.slice(message.indexOf('\r\n\r\n') + 4), phoneB()));
    const audio = accepted(result.negotiated[0]);
    assert.deepEqual([audio.remote.address, audio.remote.port], ['192.0.2.1', 22334]);
    assert.deepEqual(mediaSection(result.sdp, 1), ['m=video 0 RTP/AVP 107']);
  });

  it('sends with the peer\'s ptime when the encoder has that frame size, else its own default', () => {
    const pcmuAt30 = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 0', 'a=ptime:30'), phoneB()));
    assert.equal(accepted(pcmuAt30.negotiated[0]).ptime, 30);
    const opusAt30 = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 96', 'a=rtpmap:96 opus/48000/2', 'a=ptime:30'), phoneB()));
    assert.equal(accepted(opusAt30.negotiated[0]).ptime, 20);
    // Our own a=ptime says what we want to receive.
    assert.match(pcmuAt30.sdp, /^a=ptime:20$/m);
  });

  it('reads a=rtcp for the peer\'s RTCP port and address (RFC 3605)', () => {
    const result = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 0', 'a=rtcp:53020 IN IP4 203.0.113.99'), phoneB()));
    const audio = accepted(result.negotiated[0]);
    assert.deepEqual([audio.remote.rtcpAddress, audio.remote.rtcpPort], ['203.0.113.99', 53020]);
  });
});

describe('direction of the answer (RFC 3264 §6.1)', () => {
  const table: [MediaDirection, MediaDirection, boolean, boolean][] = [
    // offered,  answered,   we send, we receive
    ['sendrecv', 'sendrecv', true, true],
    ['sendonly', 'recvonly', false, true],
    ['recvonly', 'sendonly', true, false],
    ['inactive', 'inactive', false, false],
  ];
  for (const [offered, expected, send, recv] of table) {
    it(`offer ${offered} → answer ${expected}`, () => {
      const result = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 0', `a=${offered}`), phoneB()));
      assert.match(result.sdp, new RegExp(`^a=${expected}$`, 'm'));
      const audio = accepted(result.negotiated[0]);
      assert.deepEqual([audio.direction, audio.send, audio.recv], [expected, send, recv]);
      // "Held by remote" when the offerer will not receive our media.
      assert.equal(audio.heldByRemote, offered === 'sendonly' || offered === 'inactive');
    });
  }
});

describe('old-style hold: c=0.0.0.0 (RFC 3264 §8.4)', () => {
  const heldOffer = (...extra: string[]): string =>
    sdp('v=0', 'o=peer 1 2 IN IP4 203.0.113.5', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 49170 RTP/AVP 0', ...extra);

  it('"…neither RTP nor RTCP should be sent to the peer": we send nothing and show Held by remote', () => {
    const audio = accepted(answered(createAnswer(heldOffer(), phoneB())).negotiated[0]);
    assert.equal(audio.send, false);
    assert.equal(audio.heldByRemote, true);
    assert.equal(audio.remote.address, '0.0.0.0');
  });

  it('our answer keeps our real address and is recvonly, as to a=sendonly (call-flows.md, held party)', () => {
    const plain = answered(createAnswer(heldOffer(), phoneB()));
    assert.match(plain.sdp, /^c=IN IP4 198\.51\.100\.20$/m);
    assert.doesNotMatch(plain.sdp, /0\.0\.0\.0/);
    assert.match(plain.sdp, /^a=recvonly$/m);
    assert.match(answered(createAnswer(heldOffer('a=inactive'), phoneB())).sdp, /^a=inactive$/m);
    const withSendonly = answered(createAnswer(heldOffer('a=sendonly'), phoneB()));
    assert.match(withSendonly.sdp, /^a=recvonly$/m);
    assert.equal(accepted(withSendonly.negotiated[0]).recv, true);
  });
});

describe('telephone-event (RFC 4733)', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['0-16', '0-15'],
    ['0-15', '0-15'],
    ['0-11', '0-11'],
    ['12-15,66', '12-15'],
    [undefined, '0-15'],
    ['66-70', undefined],
  ];
  for (const [offered, expected] of cases) {
    it(`offered events ${offered ?? '(no fmtp)'} → answered ${expected ?? '(format left out)'}`, () => {
      const result = answered(
        createAnswer(
          peerOffer('m=audio 49170 RTP/AVP 0 100', 'a=rtpmap:100 telephone-event/8000', ...(offered === undefined ? [] : [`a=fmtp:100 ${offered}`])),
          phoneB(),
        ),
      );
      const audio = accepted(result.negotiated[0]);
      if (expected === undefined) {
        assert.equal(mLine(result.sdp), 'm=audio 50000 RTP/AVP 0');
        assert.equal(audio.telephoneEvent, undefined);
      } else {
        assert.equal(mLine(result.sdp), 'm=audio 50000 RTP/AVP 0 100');
        assert.match(result.sdp, new RegExp(`^a=fmtp:100 ${expected}$`, 'm'));
        assert.equal(audio.telephoneEvent?.payloadType, 100);
      }
    });
  }

  it('takes telephone-event at the sending codec\'s clock rate (§2.1) and drops one no accepted codec runs at', () => {
    const both = peerOffer(
      'm=audio 49170 RTP/AVP 111 0 101 100',
      'a=rtpmap:111 opus/48000/2',
      'a=rtpmap:101 telephone-event/48000',
      'a=rtpmap:100 telephone-event/8000',
    );
    const audio = accepted(answered(createAnswer(both, phoneB())).negotiated[0]);
    assert.equal(audio.codec.codec.name, 'opus');
    assert.deepEqual([audio.telephoneEvent?.payloadType, audio.telephoneEvent?.codec.clockRate], [101, 48000]);
    const narrow = answered(createAnswer(both, phoneB({ codecs: [pcmu, telephoneEvent(8000), telephoneEvent(48000)] })));
    assert.equal(mLine(narrow.sdp), 'm=audio 50000 RTP/AVP 0 100');
  });
});

describe('opus fmtp (RFC 7587)', () => {
  it('answers our own receive parameters, with the lower maxaveragebitrate of the two', () => {
    const low = answered(
      createAnswer(peerOffer('m=audio 49170 RTP/AVP 107', 'a=rtpmap:107 opus/48000/2', 'a=fmtp:107 maxaveragebitrate=20000; useinbandfec=0'), phoneB()),
    );
    assert.match(low.sdp, /^a=fmtp:107 useinbandfec=1; usedtx=0; maxaveragebitrate=20000$/m);
    // The peer's own fmtp goes to our encoder (opus-settings.ts reads it).
    assert.equal(accepted(low.negotiated[0]).codec.remoteFmtp, 'maxaveragebitrate=20000; useinbandfec=0');
    const high = answered(
      createAnswer(peerOffer('m=audio 49170 RTP/AVP 107', 'a=rtpmap:107 opus/48000/2', 'a=fmtp:107 maxaveragebitrate=64000'), phoneB()),
    );
    assert.match(high.sdp, /^a=fmtp:107 useinbandfec=1; usedtx=0; maxaveragebitrate=32000$/m);
    // Out of the 6000..510000 range: ignored (§6.1).
    const silly = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 107', 'a=rtpmap:107 opus/48000/2', 'a=fmtp:107 maxaveragebitrate=100'), phoneB()));
    assert.match(silly.sdp, /maxaveragebitrate=32000/);
  });
});

describe('SRTP (RFC 4568) in answers', () => {
  const savpOffer = (proto: string, ...crypto: string[]): string => peerOffer(`m=audio 49170 ${proto} 0`, ...crypto.map((c) => `a=crypto:${c}`));

  it('RTP/SAVP: sdes.ts picks the first acceptable line; the answer has its tag and suite and our own key', () => {
    const offer = savpOffer(
      'RTP/SAVP',
      `1 AES_256_CM_HMAC_SHA1_80 inline:${KEY_A}${KEY_A}`,
      `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_A}`,
    );
    const result = answered(createAnswer(offer, phoneB({ srtp: 'optional' })));
    assert.equal(mLine(result.sdp), 'm=audio 50000 RTP/SAVP 0');
    const lines = mediaSection(result.sdp, 0).filter((l) => l.startsWith('a=crypto:'));
    assert.equal(lines.length, 1, '§5.1.2: "accept exactly one of the offered crypto attributes"');
    const ours = parseCryptoLine(lines[0] ?? '');
    assert.ok(ours.ok);
    assert.deepEqual([ours.value.tag, ours.value.suite], [2, 'AES_CM_128_HMAC_SHA1_32']);
    const audio = accepted(result.negotiated[0]);
    assert.deepEqual(audio.srtp?.receive.keys[0]?.key, Buffer.from(KEY_A, 'base64').subarray(0, 16), 'the peer key decrypts what we receive');
    assert.deepEqual(audio.srtp?.send.keys[0]?.key, ours.value.keys[0]?.key, 'our key encrypts what we send');
    assert.notDeepEqual(audio.srtp?.send.keys[0]?.key, audio.srtp?.receive.keys[0]?.key);
  });

  it('RTP/SAVP with no acceptable a=crypto, or with SRTP off: the stream is refused → 488', () => {
    const unusable = createAnswer(savpOffer('RTP/SAVP', `1 AES_256_CM_HMAC_SHA1_80 inline:${KEY_A}${KEY_A}`), phoneB({ srtp: 'mandatory' }));
    assert.equal(unusable.ok ? 0 : unusable.status, 488);
    const off = createAnswer(savpOffer('RTP/SAVP', `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`), phoneB({ srtp: 'off' }));
    assert.equal(off.ok ? 0 : off.status, 488);
    assert.match(off.ok ? '' : off.reason, /SRTP is off/);
  });

  it('mandatory SRTP and a plain RTP/AVP offer: 488', () => {
    const result = createAnswer(peerOffer('m=audio 49170 RTP/AVP 0'), phoneB({ srtp: 'mandatory' }));
    assert.equal(result.ok, false);
    assert.equal(result.ok ? 0 : result.status, 488);
    assert.match(result.ok ? '' : result.reason, /SRTP is mandatory/);
  });

  it('best effort: RTP/AVP with a=crypto gets a=crypto back (optional or mandatory), plain RTP when SRTP is off', () => {
    const offer = savpOffer('RTP/AVP', `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`);
    for (const mode of ['optional', 'mandatory'] as const) {
      const result = answered(createAnswer(offer, phoneB({ srtp: mode })));
      assert.equal(mLine(result.sdp), 'm=audio 50000 RTP/AVP 0');
      assert.match(result.sdp, /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
      assert.ok(accepted(result.negotiated[0]).srtp);
    }
    const plain = answered(createAnswer(offer, phoneB({ srtp: 'off' })));
    assert.doesNotMatch(plain.sdp, /a=crypto/);
    assert.equal(accepted(plain.negotiated[0]).srtp, undefined);
  });
});

describe('answers within a session (RFC 3264 §8)', () => {
  it('keeps our o= line; the version moves only when the answer changes', () => {
    const offer1 = peerOffer('m=audio 49170 RTP/AVP 0');
    const first = answered(createAnswer(offer1, phoneB()));
    const refresh = answered(createAnswer(offer1, phoneB(), first.answer));
    assert.equal(refresh.answer.origin.sessionVersion, first.answer.origin.sessionVersion);
    assert.equal(refresh.sdp, first.sdp);
    const held = answered(createAnswer(peerOffer('m=audio 49170 RTP/AVP 0', 'a=sendonly'), phoneB(), first.answer));
    assert.equal(held.answer.origin.sessionId, first.answer.origin.sessionId);
    assert.equal(held.answer.origin.sessionVersion, first.answer.origin.sessionVersion + 1n);
  });

  it('an SRTP session refresh keeps our key, so the answer and its version stay the same', () => {
    const offer = peerOffer('m=audio 49170 RTP/SAVP 0', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`);
    const first = answered(createAnswer(offer, phoneB({ srtp: 'mandatory' })));
    // A key source that would give different keys this time.
    const otherKeys = (size: number): Buffer => Buffer.alloc(size, 0xaa);
    const refresh = answered(createAnswer(offer, phoneB({ srtp: 'mandatory', random: otherKeys }), first.answer));
    assert.equal(refresh.sdp, first.sdp);
    assert.deepEqual(accepted(refresh.negotiated[0]).srtp?.send, accepted(first.negotiated[0]).srtp?.send);
    // A different suite chosen this time: a new key of that suite.
    const other = peerOffer('m=audio 49170 RTP/SAVP 0', `a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${KEY_A}`);
    const rekeyed = answered(createAnswer(other, phoneB({ srtp: 'mandatory', random: otherKeys }), first.answer));
    assert.equal(rekeyed.answer.origin.sessionVersion, first.answer.origin.sessionVersion + 1n);
    assert.equal(accepted(rekeyed.negotiated[0]).srtp?.send.suite, 'AES_CM_128_HMAC_SHA1_32');
  });

  it('accepts an offer that was already parsed', () => {
    const result = answered(createAnswer(mustParse(peerOffer('m=audio 49170 RTP/AVP 8')), phoneB()));
    assert.equal(accepted(result.negotiated[0]).codec.codec.name, 'PCMA');
  });
});
