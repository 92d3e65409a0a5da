// The phone as offerer: checking the answer it gets (RFC 3264 §6, §7).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { createAnswer } from '../../firmware/media/sdp/answer.js';
import { applyAnswer } from '../../firmware/media/sdp/negotiate.js';
import type { ApplyAnswerResult } from '../../firmware/media/sdp/negotiate.js';
import { createOffer } from '../../firmware/media/sdp/offer.js';
import { writeSdp } from '../../firmware/media/sdp/write.js';
import { accepted, answered, CODECS, phoneA, phoneB, sdp } from './sdp-fixtures.js';

const OUR_OFFER = createOffer(phoneA());

/** A peer's answer to OUR_OFFER: session lines then the media lines. */
function peerAnswer(...mediaLines: string[]): string {
  return sdp('v=0', 'o=peer 5 5 IN IP4 203.0.113.5', 's=-', 'c=IN IP4 203.0.113.5', 't=0 0', ...mediaLines);
}

function refusal(result: ApplyAnswerResult): string {
  assert.equal(result.ok, false, 'the answer should be refused');
  return result.ok ? '' : result.reason;
}

function applied(result: ApplyAnswerResult): Extract<ApplyAnswerResult, { ok: true }> {
  if (!result.ok) assert.fail(`answer should apply: ${result.reason}: ${result.detail}`);
  return result;
}

describe('applying an answer to our offer', () => {
  it('takes the answerer\'s first codec and its telephone-event, to its address and port', () => {
    const result = applied(
      applyAnswer(
        OUR_OFFER,
        peerAnswer('m=audio 6000 RTP/AVP 0 9 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:9 G722/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-11', 'a=ptime:30'),
        CODECS,
      ),
    );
    const audio = accepted(result.negotiated[0]);
    assert.deepEqual([audio.codec.codec.name, audio.codec.payloadType], ['PCMU', 0]);
    assert.deepEqual(audio.telephoneEvent?.events, [...Array(12).keys()], 'events both sides list');
    assert.deepEqual([audio.remote.address, audio.remote.port, audio.remote.rtcpPort], ['203.0.113.5', 6000, 6001]);
    assert.deepEqual([audio.direction, audio.send, audio.recv, audio.heldByRemote], ['sendrecv', true, true, false]);
    assert.equal(audio.ptime, 30);
  });

  it('works end to end with our own answerer', () => {
    const answer = answered(createAnswer(writeSdp(OUR_OFFER), phoneB()));
    const audio = accepted(applied(applyAnswer(OUR_OFFER, answer.sdp, CODECS)).negotiated[0]);
    assert.equal(audio.codec.codec.name, 'G722', 'our own first preference, since the answerer kept our order');
    assert.deepEqual([audio.remote.address, audio.remote.port], ['198.51.100.20', 50000]);
  });

  it('§6.1 "SHOULD": a codec we offered under another number is accepted; we send with the answer\'s number', () => {
    const audio = accepted(
      applied(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/AVP 120', 'a=rtpmap:120 opus/48000/2'), CODECS)).negotiated[0],
    );
    assert.deepEqual([audio.codec.codec.name, audio.codec.payloadType, audio.codec.receivePayloadType], ['opus', 120, 96]);
  });

  it('refuses an answer that adds a codec we did not offer (§6.1: codecs "from amongst those listed in the offer")', () => {
    assert.equal(refusal(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/AVP 0 18', 'a=rtpmap:18 G729/8000'), CODECS)), 'codec-not-offered');
    // Our dynamic number reused for a different codec is the same fault.
    assert.equal(refusal(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/AVP 96', 'a=rtpmap:96 iLBC/8000'), CODECS)), 'codec-not-offered');
  });

  it('refuses an answer whose m= lines do not match the offer ("exactly the same number of "m=" lines")', () => {
    assert.equal(refusal(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/AVP 0', 'm=video 0 RTP/AVP 31'), CODECS)), 'm-line-count');
    assert.equal(refusal(applyAnswer(OUR_OFFER, peerAnswer('m=video 6000 RTP/AVP 0'), CODECS)), 'media-mismatch');
    assert.equal(refusal(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/SAVP 0'), CODECS)), 'transport-mismatch');
  });

  it('refuses a direction §6.1 does not permit, and reads the permitted ones', () => {
    const held = createOffer(phoneA({ direction: 'sendonly' }), OUR_OFFER);
    // "If a stream is offered as sendonly, the corresponding stream MUST be marked as recvonly or inactive in the answer."
    assert.equal(refusal(applyAnswer(held, peerAnswer('m=audio 6000 RTP/AVP 0', 'a=sendrecv'), CODECS)), 'direction');
    assert.equal(refusal(applyAnswer(held, peerAnswer('m=audio 6000 RTP/AVP 0', 'a=sendonly'), CODECS)), 'direction');
    const ok = accepted(applied(applyAnswer(held, peerAnswer('m=audio 6000 RTP/AVP 0', 'a=recvonly'), CODECS)).negotiated[0]);
    assert.deepEqual([ok.direction, ok.send, ok.recv, ok.heldByRemote], ['sendonly', true, false, false]);
    // Answering our sendrecv with sendonly/inactive is allowed: the peer holds us.
    const peerHolds = accepted(applied(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/AVP 0', 'a=inactive'), CODECS)).negotiated[0]);
    assert.deepEqual([peerHolds.send, peerHolds.recv, peerHolds.heldByRemote], [false, false, true]);
  });

  it('a rejected stream (port 0) is reported, not an error', () => {
    const result = applied(applyAnswer(OUR_OFFER, peerAnswer('m=audio 0 RTP/AVP 0'), CODECS));
    assert.equal(result.negotiated[0]?.accepted, false);
  });

  it('refuses an answer that accepts only telephone-event, and garbage, cleanly', () => {
    assert.equal(refusal(applyAnswer(OUR_OFFER, peerAnswer('m=audio 6000 RTP/AVP 101', 'a=rtpmap:101 telephone-event/8000'), CODECS)), 'no-common-codec');
    assert.doesNotThrow(() => applyAnswer(OUR_OFFER, 'definitely not SDP', CODECS));
    assert.equal(refusal(applyAnswer(OUR_OFFER, 'definitely not SDP', CODECS)), 'malformed');
  });
});

describe('SRTP answers to our offers (RFC 4568)', () => {
  const savp = createOffer(phoneA({ srtp: 'mandatory' }));
  const bestEffort = createOffer(phoneA({ srtp: 'optional' }));

  it('our own answerer picks one of our crypto lines; we get its key for receiving and keep ours for sending', () => {
    const answer = answered(createAnswer(writeSdp(savp), phoneB({ srtp: 'optional' })));
    const audio = accepted(applied(applyAnswer(savp, answer.sdp, CODECS)).negotiated[0]);
    assert.ok(audio.srtp);
    assert.equal(audio.srtp.send.tag, 1);
    assert.equal(audio.srtp.send.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.deepEqual(audio.srtp.receive, accepted(answer.negotiated[0]).srtp?.send, 'the answerer\'s sending key is our receiving key');
  });

  it('RTP/SAVP answered without a=crypto, or with a tag we never offered: refused', () => {
    assert.equal(refusal(applyAnswer(savp, peerAnswer('m=audio 6000 RTP/SAVP 0'), CODECS)), 'srtp');
    const key = Buffer.alloc(30, 7).toString('base64');
    assert.equal(refusal(applyAnswer(savp, peerAnswer('m=audio 6000 RTP/SAVP 0', `a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${key}`), CODECS)), 'srtp');
  });

  it('best effort (RTP/AVP with a=crypto) answered without a=crypto: plain RTP', () => {
    const audio = accepted(applied(applyAnswer(bestEffort, peerAnswer('m=audio 6000 RTP/AVP 0'), CODECS)).negotiated[0]);
    assert.equal(audio.srtp, undefined);
  });
});
