/**
 * The phone's SRTP setting applied to one m= line, in three modes as desk
 * phones offer them:
 *
 *  - off:       RTP/AVP, no a=crypto; an RTP/SAVP stream is refused.
 *  - optional:  "best effort" SRTP — offer RTP/AVP with a=crypto (a peer
 *               without SRTP ignores the unknown attribute, RFC 4566 §6);
 *               answer a=crypto when the offer has some we accept.
 *  - mandatory: offer RTP/SAVP with a=crypto; accept only a stream that ends
 *               up encrypted, so a plain RTP/AVP offer is refused (the call
 *               is answered 488 when nothing else is acceptable).
 *
 * The a=crypto lines themselves are chosen by ../srtp/sdes.ts (RFC 4568).
 */
import type { SrtpSuiteName } from '../srtp/crypto-suite.js';
import { answerCryptoOffer, parseCryptoLine } from '../srtp/sdes.js';
import type { CryptoAttribute, RandomSource } from '../srtp/sdes.js';
import type { RtpProfile } from './session-description.js';
import { isSecureProfile } from './session-description.js';

export type SrtpMode = 'off' | 'optional' | 'mandatory';

/** The profile this phone offers in each mode. */
export function offeredProfile(mode: SrtpMode): RtpProfile {
  return mode === 'mandatory' ? 'RTP/SAVP' : 'RTP/AVP';
}

export type SrtpAnswerDecision =
  | { readonly kind: 'plain' }
  | { readonly kind: 'srtp'; readonly answerValue: string; readonly send: CryptoAttribute; readonly receive: CryptoAttribute }
  | { readonly kind: 'reject'; readonly reason: string };

export interface SrtpAnswerOptions {
  readonly suites?: readonly SrtpSuiteName[];
  readonly random?: RandomSource;
}

/** What to do with an offered stream's SRTP, given our mode. */
export function decideSrtpAnswer(
  mode: SrtpMode,
  profile: RtpProfile,
  offeredCrypto: readonly string[],
  options: SrtpAnswerOptions = {},
): SrtpAnswerDecision {
  const secure = isSecureProfile(profile);
  if (mode === 'off') {
    // RFC 3711 profiles cannot be answered without SRTP; on RTP/AVP an
    // a=crypto is only an attribute we do not use.
    return secure ? { kind: 'reject', reason: `${profile} offered but SRTP is off` } : { kind: 'plain' };
  }
  if (offeredCrypto.length === 0) {
    if (secure) return { kind: 'reject', reason: `${profile} offered without a=crypto (RFC 4568 keys needed)` };
    return mode === 'mandatory' ? { kind: 'reject', reason: `${profile} offered but SRTP is mandatory` } : { kind: 'plain' };
  }
  const chosen = answerCryptoOffer(offeredCrypto, {
    ...(options.suites === undefined ? {} : { suites: options.suites }),
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  if (chosen.ok) {
    const value = chosen.answerLine.slice('a=crypto:'.length);
    return { kind: 'srtp', answerValue: value, send: chosen.answer, receive: chosen.offer };
  }
  // RFC 4568 §5.1.2: with no acceptable crypto line "the offered stream MUST
  // be rejected" — for an RTP/AVP best-effort offer, plain RTP remains.
  const why = chosen.rejected.map((r) => r.reason).join(', ');
  if (secure || mode === 'mandatory') return { kind: 'reject', reason: `no acceptable a=crypto (${why})` };
  return { kind: 'plain' };
}

/**
 * In the answer to a re-INVITE, keeps the key we already send with when the
 * offer picked the same tag and suite again: the sending SRTP context (and
 * its rollover counter) then carries on, and an unchanged re-offer gets an
 * unchanged answer (RFC 3264 §8). RFC 4568 §7.1.4 lets either side re-key in
 * a later exchange; it does not make them.
 */
export function keepPreviousKey(decision: SrtpAnswerDecision, previousCrypto: readonly string[]): SrtpAnswerDecision {
  if (decision.kind !== 'srtp' || previousCrypto.length !== 1) return decision;
  const [value = ''] = previousCrypto;
  const before = parseCryptoLine(value);
  if (!before.ok) return decision;
  const a = before.value;
  const b = decision.send;
  const same =
    a.tag === b.tag &&
    a.suite === b.suite &&
    a.sessionParams.unencryptedSrtp === b.sessionParams.unencryptedSrtp &&
    a.sessionParams.unencryptedSrtcp === b.sessionParams.unencryptedSrtcp &&
    a.sessionParams.unauthenticatedSrtp === b.sessionParams.unauthenticatedSrtp;
  return same ? { ...decision, answerValue: value, send: a } : decision;
}
