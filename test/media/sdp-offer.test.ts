// The phone's offers (RFC 3264 §5 initial, §8 subsequent).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { pcma, pcmu } from '../../firmware/media/codecs/g711/g711-codec.js';
import { parseCryptoLine } from '../../firmware/media/srtp/sdes.js';
import { createOffer } from '../../firmware/media/sdp/offer.js';
import type { SessionDescription } from '../../firmware/media/sdp/session-description.js';
import { writeSdp } from '../../firmware/media/sdp/write.js';
import { CODECS, mediaSection, mustParse, phoneA } from './sdp-fixtures.js';

function audioOf(s: SessionDescription): SessionDescription['media'][number] {
  const m = s.media.find((x) => x.media === 'audio');
  assert.ok(m, 'an audio m= line');
  return m;
}

describe('the initial offer (RFC 3264 §5)', () => {
  it('lists our codecs in preference order with rtpmap and fmtp, telephone-event included, ptime 20, sendrecv', () => {
    const text = writeSdp(createOffer(phoneA()));
    assert.match(text, /^c=IN IP4 192\.0\.2\.10$/m);
    assert.match(text, /^t=0 0$/m);
    // §5.1: "…with the first format listed being preferred."
    assert.equal(text.match(/^m=.*$/m)?.[0], 'm=audio 40000 RTP/AVP 9 96 0 8 101 97');
    assert.deepEqual(mediaSection(text, 0).slice(1), [
      'a=rtpmap:9 G722/8000',
      'a=rtpmap:96 opus/48000/2',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=rtpmap:97 telephone-event/48000',
      'a=fmtp:96 useinbandfec=1; usedtx=0; maxaveragebitrate=32000',
      'a=fmtp:101 0-15',
      'a=fmtp:97 0-15',
      'a=ptime:20',
      'a=sendrecv',
    ]);
  });

  it('offers from an IPv6 address with IP6 in o= and c=', () => {
    const offer = createOffer(phoneA({ address: '2001:db8::10' }));
    assert.equal(offer.origin.addressType, 'IP6');
    assert.match(writeSdp(offer), /^c=IN IP6 2001:db8::10$/m);
  });

  it('§5: the initial version is "less than (2**62)-1"; sess-id and version are numbers', () => {
    const offer = createOffer(phoneA());
    assert.ok(offer.origin.sessionVersion < 2n ** 62n - 1n);
    assert.match(writeSdp(offer), /^o=- \d+ \d+ IN IP4 192\.0\.2\.10$/m);
  });

  it('writes a=rtcp only when RTCP is not on port + 1 (RFC 3605)', () => {
    assert.doesNotMatch(writeSdp(createOffer(phoneA())), /a=rtcp/);
    assert.match(writeSdp(createOffer(phoneA({ rtcpPort: 40011 }))), /^a=rtcp:40011$/m);
  });

  it('SRTP off → RTP/AVP without keys; optional → RTP/AVP with a=crypto; mandatory → RTP/SAVP with a=crypto', () => {
    const off = audioOf(createOffer(phoneA({ srtp: 'off' })));
    assert.deepEqual([off.proto, off.crypto.length], ['RTP/AVP', 0]);
    const optional = audioOf(createOffer(phoneA({ srtp: 'optional' })));
    assert.equal(optional.proto, 'RTP/AVP');
    assert.equal(optional.crypto.length, 2);
    const mandatory = audioOf(createOffer(phoneA({ srtp: 'mandatory' })));
    assert.equal(mandatory.proto, 'RTP/SAVP');
    // RFC 4568: one attribute per suite, tags 1, 2, preferred first, each a valid line.
    const parsed = mandatory.crypto.map((c) => parseCryptoLine(c));
    assert.deepEqual(
      parsed.map((p) => (p.ok ? [p.value.tag, p.value.suite] : p.reason)),
      [
        [1, 'AES_CM_128_HMAC_SHA1_80'],
        [2, 'AES_CM_128_HMAC_SHA1_32'],
      ],
    );
  });
});

describe('re-offers and the o= version (RFC 3264 §8)', () => {
  it('"If the version in the origin line does not increment, the SDP MUST be identical": an unchanged re-offer keeps the version', () => {
    const first = createOffer(phoneA());
    const again = createOffer(phoneA(), first);
    assert.equal(again.origin.sessionVersion, first.origin.sessionVersion);
    assert.equal(writeSdp(again), writeSdp(first));
  });

  it('"the version in the origin field MUST increment by one" when anything changes; the rest of o= stays', () => {
    const first = createOffer(phoneA());
    const newPort = createOffer(phoneA({ port: 40100 }), first);
    assert.equal(newPort.origin.sessionVersion, first.origin.sessionVersion + 1n);
    assert.deepEqual({ ...newPort.origin, sessionVersion: 0n }, { ...first.origin, sessionVersion: 0n });
    const fewerCodecs = createOffer(phoneA({ port: 40100, codecs: [pcmu, pcma] }), newPort);
    assert.equal(fewerCodecs.origin.sessionVersion, first.origin.sessionVersion + 2n);
    const unchanged = createOffer(phoneA({ port: 40100, codecs: [pcmu, pcma] }), fewerCodecs);
    assert.equal(unchanged.origin.sessionVersion, fewerCodecs.origin.sessionVersion);
  });

  it('§8.3.2: "the mapping from a particular dynamic payload type number to a particular codec … MUST NOT change"', () => {
    const narrowband = CODECS.filter((c) => c.name !== 'opus' && c.name !== 'G722');
    const first = createOffer(phoneA({ codecs: narrowband }));
    const pt = (s: SessionDescription, name: string, rate: number): number | undefined =>
      audioOf(s).payloads.find((p) => p.encodingName === name && p.clockRate === rate)?.payloadType;
    const te48 = pt(first, 'telephone-event', 48000);
    assert.equal(te48, 96, 'alone, telephone-event/48000 gets the first dynamic number');
    // Adding opus (which a fresh offer would number 96) must not move it.
    const widened = createOffer(phoneA(), first);
    assert.equal(pt(widened, 'telephone-event', 48000), 96);
    assert.equal(pt(widened, 'telephone-event', 8000), pt(first, 'telephone-event', 8000));
    assert.equal(pt(widened, 'opus', 48000), 97);
    assert.notEqual(pt(createOffer(phoneA()), 'opus', 48000), 97, 'a fresh offer would have numbered it differently');
  });

  it('keeps the payload types a peer chose when we re-offer after answering (previous = our answer)', () => {
    // Our earlier answer used the peer's numbers: opus 111, telephone-event 100.
    const previousAnswer = mustParse(
      [
        'v=0',
        'o=- 77 78 IN IP4 192.0.2.10',
        's=-',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 111 0 100',
        'a=rtpmap:111 opus/48000/2',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:100 telephone-event/8000',
        'a=fmtp:100 0-15',
        'a=sendrecv',
        'm=video 0 RTP/AVP 96',
        '',
      ].join('\r\n'),
    );
    const reoffer = createOffer(phoneA(), previousAnswer);
    assert.equal(reoffer.origin.sessionId, 77n);
    assert.equal(reoffer.origin.sessionVersion, 79n);
    const pt = (name: string, rate: number): number | undefined =>
      audioOf(reoffer).payloads.find((p) => p.encodingName === name && p.clockRate === rate)?.payloadType;
    assert.equal(pt('opus', 48000), 111);
    assert.equal(pt('telephone-event', 8000), 100);
    assert.notEqual(pt('telephone-event', 48000), 111, 'a new codec never takes a number in use');
    // §8: the m= lines of the previous SDP stay, in place; video stays rejected.
    assert.deepEqual(
      reoffer.media.map((m) => [m.media, m.port]),
      [
        ['audio', 40000],
        ['video', 0],
      ],
    );
  });

  it('a re-offer keeps the SRTP keys in use unless new ones are given', () => {
    const first = createOffer(phoneA({ srtp: 'mandatory' }));
    const again = createOffer(phoneA({ srtp: 'mandatory' }), first);
    assert.deepEqual(audioOf(again).crypto, audioOf(first).crypto);
    assert.equal(again.origin.sessionVersion, first.origin.sessionVersion);
  });
});
