// Hold and resume (call-flows.md flow 2; RFC 3264 §8.4; RFC 6337 §5.3,
// §5.4), from the holding side and from the held side.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { pcmu } from '../../firmware/media/codecs/g711/g711-codec.js';
import { createAnswer } from '../../firmware/media/sdp/answer.js';
import { answerReinvite, heldDirection, holdOffer, offerlessReinviteOffer, resumeOffer } from '../../firmware/media/sdp/hold.js';
import { applyAnswer } from '../../firmware/media/sdp/negotiate.js';
import { createOffer } from '../../firmware/media/sdp/offer.js';
import type { SessionDescription } from '../../firmware/media/sdp/session-description.js';
import { writeSdp } from '../../firmware/media/sdp/write.js';
import { accepted, answered, CODECS, mediaSection, phoneA, phoneB } from './sdp-fixtures.js';

/** The lines of `after` that differ from `before`, position by position. */
function changedLines(before: SessionDescription, after: SessionDescription): [string, string][] {
  const a = writeSdp(before).split('\r\n');
  const b = writeSdp(after).split('\r\n');
  assert.equal(a.length, b.length, 'same number of lines');
  return a.flatMap((line, i): [string, string][] => (line === b[i] ? [] : [[line, b[i] ?? '']]));
}

function directionLine(s: SessionDescription): string | undefined {
  return mediaSection(writeSdp(s), 0).find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l));
}

describe('putting the peer on hold (flow 2, F9)', () => {
  const active = createOffer(phoneA({ srtp: 'mandatory' }));

  it('a=sendonly by default: only the direction and the o= version change (§8: "MUST increment by one")', () => {
    const held = holdOffer(active);
    const v = active.origin.sessionVersion;
    assert.deepEqual(changedLines(active, held), [
      [`o=- ${active.origin.sessionId} ${v} IN IP4 192.0.2.10`, `o=- ${active.origin.sessionId} ${v + 1n} IN IP4 192.0.2.10`],
      ['a=sendrecv', 'a=sendonly'],
    ]);
  });

  it('a=inactive when the setting asks for it', () => {
    assert.equal(directionLine(holdOffer(active, 'inactive')), 'a=inactive');
  });

  it('old style: c=0.0.0.0 with the port kept ("the port number MUST NOT be zero"), but never on IPv6', () => {
    const held = holdOffer(active, 'c0');
    const text = writeSdp(held);
    assert.match(text, /^c=IN IP4 0\.0\.0\.0$/m);
    assert.equal(held.media[0]?.port, 40000);
    assert.equal(held.origin.address, '192.0.2.10', 'o= is untouched');
    const v6 = createOffer(phoneA({ address: '2001:db8::10' }));
    const heldV6 = writeSdp(holdOffer(v6, 'c0'));
    assert.match(heldV6, /^c=IN IP6 2001:db8::10$/m);
    assert.match(heldV6, /^a=sendonly$/m);
  });

  it('§8.4: "If the stream to be placed on hold was previously a recvonly media stream, it is placed on hold by marking it inactive"', () => {
    assert.equal(heldDirection('sendrecv', 'sendonly'), 'sendonly');
    assert.equal(heldDirection('recvonly', 'sendonly'), 'inactive');
    assert.equal(heldDirection('sendrecv', 'inactive'), 'inactive');
    // We were held (our answer said recvonly) and now hold too: inactive.
    const wasHeld = answered(createAnswer(writeSdp(holdOffer(createOffer(phoneB()))), phoneA()));
    assert.equal(directionLine(wasHeld.answer), 'a=recvonly');
    assert.equal(directionLine(holdOffer(wasHeld.answer)), 'a=inactive');
  });

  it('holding again without a change is the same SDP with the same version', () => {
    const held = holdOffer(active);
    const again = holdOffer(held);
    assert.equal(again.origin.sessionVersion, held.origin.sessionVersion);
    assert.equal(writeSdp(again), writeSdp(held));
  });

  it('the whole F9–F12 exchange: B answers recvonly, A receives nothing and is allowed to send only hold music', () => {
    const b = answered(createAnswer(writeSdp(active), phoneB({ srtp: 'optional' })));
    const hold = holdOffer(active);
    const bHeld = answered(createAnswer(writeSdp(hold), phoneB({ srtp: 'optional' }), b.answer));
    assert.equal(directionLine(bHeld.answer), 'a=recvonly');
    const bSide = accepted(bHeld.negotiated[0]);
    assert.deepEqual([bSide.send, bSide.heldByRemote], [false, true], 'B stops sending and shows "Held by remote"');
    const applied = applyAnswer(hold, bHeld.sdp, CODECS);
    assert.ok(applied.ok);
    const aSide = accepted(applied.negotiated[0]);
    assert.deepEqual([aSide.direction, aSide.recv], ['sendonly', false]);
  });
});

describe('resuming (the mirror of F9–F14)', () => {
  it('back to a=sendrecv at our real address, version incremented again, same codecs', () => {
    const active = createOffer(phoneA());
    const held = holdOffer(active, 'c0');
    const resumed = resumeOffer(held, '192.0.2.10');
    assert.equal(resumed.origin.sessionVersion, active.origin.sessionVersion + 2n);
    assert.deepEqual(changedLines(active, resumed).map(([, after]) => after.slice(0, 2)), ['o='], 'only the version differs from before the hold');
    assert.equal(directionLine(resumed), 'a=sendrecv');
  });
});

describe('the held party (call-flows.md "Every role")', () => {
  // B's side: A called B, B answered; now A's re-INVITEs arrive.
  const aOffer = createOffer(phoneA());
  const bFirst = answered(createAnswer(writeSdp(aOffer), phoneB()));

  it('on a=sendonly answers a=recvonly; on a=inactive answers a=inactive; on sendrecv again resumes', () => {
    const sendonly = answered(createAnswer(writeSdp(holdOffer(aOffer)), phoneB(), bFirst.answer));
    assert.equal(directionLine(sendonly.answer), 'a=recvonly');
    const inactive = answered(createAnswer(writeSdp(holdOffer(aOffer, 'inactive')), phoneB(), sendonly.answer));
    assert.equal(directionLine(inactive.answer), 'a=inactive');
    assert.equal(accepted(inactive.negotiated[0]).heldByRemote, true);
    const resumed = answered(createAnswer(writeSdp(resumeOffer(holdOffer(aOffer), '192.0.2.10')), phoneB(), inactive.answer));
    assert.equal(directionLine(resumed.answer), 'a=sendrecv');
    const stream = accepted(resumed.negotiated[0]);
    assert.deepEqual([stream.send, stream.recv, stream.heldByRemote], [true, true, false]);
  });

  it('RFC 6337 §5.3: the offer in the 200 to a re-INVITE without SDP does not copy the far end\'s hold', () => {
    // A offered PCMU only, so B's answers so far list PCMU only.
    const narrow = createOffer(phoneA({ codecs: [pcmu] }));
    const first = answered(createAnswer(writeSdp(narrow), phoneB()));
    const held = answered(createAnswer(writeSdp(holdOffer(narrow)), phoneB(), first.answer));
    assert.equal(directionLine(held.answer), 'a=recvonly', 'B\'s last SDP mirrors A\'s hold');
    const offer = offerlessReinviteOffer(phoneB(), held.answer, 'none');
    assert.equal(directionLine(offer), 'a=sendrecv', 'B offers what B wants, not recvonly');
    assert.equal(offer.origin.sessionId, held.answer.origin.sessionId);
    assert.equal(offer.origin.sessionVersion, held.answer.origin.sessionVersion + 1n);
    // RFC 3261 §14.2: "…as if the UAS were making a brand new call": all our codecs, PCMU still 0.
    assert.equal(held.answer.media[0]?.payloads.length, 1);
    assert.equal(offer.media[0]?.payloads.length, CODECS.length);
    assert.ok(offer.media[0]?.payloads.some((p) => p.payloadType === 0 && p.encodingName === 'PCMU'));
  });

  it('…and a phone that holds offers its own hold in that 200', () => {
    const bHolding = createOffer(phoneB({ direction: 'sendonly' }));
    assert.equal(directionLine(offerlessReinviteOffer(phoneB(), bHolding, 'sendonly')), 'a=sendonly');
    assert.equal(directionLine(offerlessReinviteOffer(phoneB(), bHolding, 'inactive')), 'a=inactive');
  });
});

describe('a re-INVITE while we hold does not restart media the user stopped', () => {
  // A holds B; B (or a PBX refreshing the session) sends a new sendrecv offer.
  const bOffer = (direction: string): string => {
    const text = writeSdp(createOffer(phoneB()));
    return text.replace('a=sendrecv', `a=${direction}`);
  };
  const aHeld = holdOffer(createOffer(phoneA()));

  it('we hold with sendonly, peer offers sendrecv → we answer sendonly (still not receiving)', () => {
    const result = answered(answerReinvite(bOffer('sendrecv'), phoneA(), aHeld, 'sendonly'));
    assert.equal(directionLine(result.answer), 'a=sendonly');
    assert.equal(accepted(result.negotiated[0]).recv, false);
  });

  it('we hold with inactive, peer offers sendrecv → inactive; peer offers sendonly → inactive', () => {
    for (const offered of ['sendrecv', 'sendonly']) {
      const result = answered(answerReinvite(bOffer(offered), phoneA(), aHeld, 'inactive'));
      assert.equal(directionLine(result.answer), 'a=inactive', `offer ${offered}`);
      const stream = accepted(result.negotiated[0]);
      assert.deepEqual([stream.send, stream.recv], [false, false]);
    }
  });

  it('we hold with sendonly and the peer holds too (offers sendonly) → inactive', () => {
    const result = answered(answerReinvite(bOffer('sendonly'), phoneA(), aHeld, 'sendonly'));
    assert.equal(directionLine(result.answer), 'a=inactive');
  });

  it('not holding, the same sendrecv offer is answered sendrecv', () => {
    const result = answered(answerReinvite(bOffer('sendrecv'), phoneA(), aHeld, 'none'));
    assert.equal(directionLine(result.answer), 'a=sendrecv');
  });
});
