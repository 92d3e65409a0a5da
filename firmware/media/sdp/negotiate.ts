/**
 * The offerer's side of RFC 3264: checking the answer to an offer this
 * phone sent, and turning the pair into the negotiated streams (§7: "When
 * the offerer receives the answer, it MAY send media on the accepted
 * stream(s)…").
 *
 * An answer that breaks the model is refused, not guessed at:
 *  - a different number of m= lines (§6: "The answer MUST contain exactly
 *    the same number of "m=" lines as the offer") or a different media type
 *    or transport on a line;
 *  - a codec the offer did not list (§6.1: the answer's codecs come "from
 *    amongst those listed in the offer");
 *  - a direction §6.1 does not permit for the offered one;
 *  - broken SRTP: an RTP/SAVP answer without exactly one a=crypto matching
 *    one of ours (RFC 4568 §5.1.3 / §7.1.3).
 * The caller then ends or renegotiates the session; nothing here throws.
 */
import type { CodecDescriptor } from '../codecs/codec.js';
import { acceptCryptoAnswer, parseCryptoLine } from '../srtp/sdes.js';
import type { CryptoAttribute } from '../srtp/sdes.js';
import { matchCodec, sameCodec } from './codec-match.js';
import { directionOf, isPermittedAnswer, receives, sends } from './direction.js';
import type { NegotiatedMedia, NegotiatedSrtp } from './negotiated.js';
import { parseSdp } from './parse.js';
import type { MediaDescription, PayloadFormat, SessionDescription } from './session-description.js';
import { effectiveConnection, effectiveDirection, isSecureProfile, rtpProfileOf } from './session-description.js';
import { acceptedStream, commonCodecs } from './stream-negotiation.js';

export type AnswerError =
  | 'malformed'
  | 'm-line-count'
  | 'media-mismatch'
  | 'transport-mismatch'
  | 'codec-not-offered'
  | 'no-common-codec'
  | 'direction'
  | 'srtp'
  | 'no-connection';

export type ApplyAnswerResult =
  | { readonly ok: true; readonly answer: SessionDescription; readonly negotiated: readonly NegotiatedMedia[] }
  | { readonly ok: false; readonly reason: AnswerError; readonly detail: string };

type LineResult = NegotiatedMedia | { readonly ok: false; readonly reason: AnswerError; readonly detail: string };

function isError(r: LineResult): r is Extract<LineResult, { ok: false }> {
  return 'ok' in r;
}

/**
 * Checks `answer` (text or parsed) against the `offer` we sent, with the
 * codecs the offer was built from.
 */
export function applyAnswer(
  offer: SessionDescription,
  answer: string | SessionDescription,
  codecs: readonly CodecDescriptor[],
): ApplyAnswerResult {
  let session: SessionDescription;
  if (typeof answer === 'string') {
    const parsed = parseSdp(answer);
    if (!parsed.ok) return { ok: false, reason: 'malformed', detail: parsed.error };
    session = parsed.session;
  } else {
    session = answer;
  }
  if (session.media.length !== offer.media.length) {
    return {
      ok: false,
      reason: 'm-line-count',
      detail: `the offer had ${offer.media.length} m= lines, the answer has ${session.media.length}`,
    };
  }
  const negotiated: NegotiatedMedia[] = [];
  for (const [index, offered] of offer.media.entries()) {
    const answered = session.media[index];
    if (answered === undefined) continue;
    const result = applyLine(offer, offered, session, answered, index, codecs);
    if (isError(result)) return result;
    negotiated.push(result);
  }
  return { ok: true, answer: session, negotiated };
}

function applyLine(
  offer: SessionDescription,
  offered: MediaDescription,
  answer: SessionDescription,
  answered: MediaDescription,
  index: number,
  codecs: readonly CodecDescriptor[],
): LineResult {
  const where = `m= line ${index + 1}`;
  if (answered.media !== offered.media) {
    return { ok: false, reason: 'media-mismatch', detail: `${where}: offered ${offered.media}, answered ${answered.media}` };
  }
  if (answered.port === 0) return { accepted: false, index, media: answered.media, reason: 'rejected by the answerer' };
  if (offered.port === 0) {
    return { ok: false, reason: 'media-mismatch', detail: `${where}: a stream offered with port 0 was accepted` };
  }
  const profile = rtpProfileOf(offered.proto);
  if (profile === undefined || answered.proto.toUpperCase() !== offered.proto.toUpperCase()) {
    return { ok: false, reason: 'transport-mismatch', detail: `${where}: offered ${offered.proto}, answered ${answered.proto}` };
  }

  const foreign = answered.payloads.find((a) => !offered.payloads.some((o) => isSameFormat(o, a, codecs)));
  if (foreign !== undefined) {
    return {
      ok: false,
      reason: 'codec-not-offered',
      detail: `${where}: payload type ${foreign.payloadType}${foreign.encodingName === undefined ? '' : ` (${foreign.encodingName})`} was not in the offer`,
    };
  }

  const ourDirection = effectiveDirection(offer, offered);
  const theirDirection = effectiveDirection(answer, answered);
  if (!isPermittedAnswer(ourDirection, theirDirection)) {
    return { ok: false, reason: 'direction', detail: `${where}: ${theirDirection} is no answer to ${ourDirection} (RFC 3264 §6.1)` };
  }

  const connection = effectiveConnection(answer, answered);
  if (connection === undefined) return { ok: false, reason: 'no-connection', detail: `${where}: no c= line` };

  const srtp = answeredSrtp(offered, answered, isSecureProfile(profile));
  if (srtp !== undefined && 'reason' in srtp) return { ok: false, ...srtp };

  const common = commonCodecs(answered.payloads, offered.payloads, codecs);
  const stream = acceptedStream({
    index,
    profile,
    common,
    remote: answered,
    remoteConnection: connection,
    direction: directionOf(sends(ourDirection) && receives(theirDirection), receives(ourDirection) && sends(theirDirection)),
    // We offered to send and the answerer declined to receive: it holds us.
    heldByRemote: sends(ourDirection) && !receives(theirDirection),
    ...(srtp === undefined ? {} : { srtp }),
  });
  if (stream === undefined) {
    return { ok: false, reason: 'no-common-codec', detail: `${where}: the answer accepts no audio codec of ours` };
  }
  return stream;
}

/**
 * Whether an answered format is one we offered: the same number naming the
 * same codec, or — since §6.1 says only that the same number "SHOULD" be
 * used — another number for a codec we offered.
 */
function isSameFormat(offered: PayloadFormat, answered: PayloadFormat, codecs: readonly CodecDescriptor[]): boolean {
  const ours = matchCodec(offered, codecs);
  const theirs = matchCodec(answered, codecs);
  if (ours !== undefined && theirs !== undefined) return ours === theirs;
  if (answered.encodingName === undefined) return offered.payloadType === answered.payloadType;
  return sameCodec(offered, answered);
}

type SrtpCheck = NegotiatedSrtp | { readonly reason: 'srtp'; readonly detail: string } | undefined;

function answeredSrtp(offered: MediaDescription, answered: MediaDescription, secure: boolean): SrtpCheck {
  const ours: CryptoAttribute[] = [];
  for (const value of offered.crypto) {
    const parsed = parseCryptoLine(value);
    if (parsed.ok) ours.push(parsed.value);
  }
  if (ours.length === 0) return undefined;
  if (answered.crypto.length === 0) {
    // Best-effort SRTP on RTP/AVP: a peer without SRTP answers plain RTP.
    return secure ? { reason: 'srtp', detail: 'RTP/SAVP answer without a=crypto' } : undefined;
  }
  // RFC 4568 §5.1.2: the answerer "MUST either accept exactly one of the
  // offered crypto attributes, or the offered stream MUST be rejected".
  if (answered.crypto.length > 1) return { reason: 'srtp', detail: 'the answer has more than one a=crypto' };
  const [line = ''] = answered.crypto;
  const check = acceptCryptoAnswer(ours, line);
  if (!check.ok) return { reason: 'srtp', detail: `${check.reason}: ${check.detail}` };
  return { send: check.offered, receive: check.answer };
}
