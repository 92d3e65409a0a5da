/**
 * SDP offer/answer for the media engine (RFC 3264, RFC 6337, RFC 4566
 * syntax via sdp-transform). The SIP session layer parses bodies with
 * parseSdp(), makes offers with createOffer() / holdOffer() / resumeOffer()
 * / offerlessReinviteOffer(), answers with createAnswer() / answerReinvite(),
 * checks answers with applyAnswer(), and hands the NegotiatedMedia to the
 * media engine.
 */
export type {
  AddressType,
  Connection,
  MediaDescription,
  MediaDirection,
  Origin,
  PayloadFormat,
  RtcpAttribute,
  RtpProfile,
  SessionDescription,
} from './session-description.js';
export { effectiveConnection, effectiveDirection, isUnspecifiedAddress } from './session-description.js';
export type { SdpParseResult } from './parse.js';
export { parseSdp } from './parse.js';
export { writeSdp } from './write.js';
export type { LocalMedia } from './local-media.js';
export type { SrtpMode } from './srtp-policy.js';
export { createOffer } from './offer.js';
export type { AnswerResult } from './answer.js';
export { createAnswer } from './answer.js';
export type { AnswerError, ApplyAnswerResult } from './negotiate.js';
export { applyAnswer } from './negotiate.js';
export type {
  AcceptedMedia,
  NegotiatedCodec,
  NegotiatedMedia,
  NegotiatedSrtp,
  NegotiatedTelephoneEvent,
  RejectedMedia,
  RemoteTransport,
} from './negotiated.js';
export { audioStream } from './negotiated.js';
export type { HoldMode, LocalHold } from './hold.js';
export { answerReinvite, heldDirection, holdOffer, localDirection, offerlessReinviteOffer, resumeOffer } from './hold.js';
export { answerDirection } from './direction.js';
