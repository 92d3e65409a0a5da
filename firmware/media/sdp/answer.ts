/**
 * The phone's SDP answer to an offer (RFC 3264 §6).
 *
 * §6: "For each "m=" line in the offer, there MUST be a corresponding "m="
 * line in the answer. The answer MUST contain exactly the same number of
 * "m=" lines as the offer." The phone runs one audio stream; it accepts the
 * first audio m= line it can, and rejects everything else the way §6 says:
 * "To reject an offered stream, the port number in the corresponding stream
 * in the answer MUST be set to zero. Any media formats listed are ignored.
 * At least one MUST be present, as specified by SDP." — so a rejected line
 * repeats the offered format list.
 *
 * An accepted line (§6.1) lists the codecs we support in the OFFERER's
 * order with the offerer's payload types ("if a particular codec was
 * referenced with a specific payload type number in the offer, that same
 * payload type number SHOULD be used for that codec in the answer"), our
 * own port and address, a direction that both the offer and our hold state
 * allow (direction.ts), and one a=crypto chosen by sdes.ts when SRTP is in
 * play.
 *
 * When nothing can be accepted the result says 488 (RFC 3261 §13.3.1.3:
 * "Not Acceptable Here"); a body that is not SDP at all says 400. The
 * function never throws on what a peer sent.
 */
import type { CodecDescriptor } from '../codecs/codec.js';
import { matchCodec } from './codec-match.js';
import { answerDirection, directionOf, receives, sends } from './direction.js';
import { answerFmtp } from './fmtp-answer.js';
import { connectionOf, DEFAULT_PTIME, addressTypeOf } from './local-media.js';
import type { LocalMedia } from './local-media.js';
import type { NegotiatedMedia, RejectedMedia } from './negotiated.js';
import { parseSdp } from './parse.js';
import type { MediaDescription, PayloadFormat, SessionDescription } from './session-description.js';
import { effectiveConnection, effectiveDirection, isUnspecifiedAddress, rtpProfileOf } from './session-description.js';
import { decideSrtpAnswer, keepPreviousKey } from './srtp-policy.js';
import { acceptedStream, commonCodecs } from './stream-negotiation.js';
import { newOrigin, versioned } from './version.js';
import { writeSdp } from './write.js';

export type AnswerResult =
  | {
      readonly ok: true;
      readonly answer: SessionDescription;
      /** The answer as SDP text, ready for the 200 OK (or the ACK). */
      readonly sdp: string;
      /** One entry per m= line, in order. */
      readonly negotiated: readonly NegotiatedMedia[];
    }
  | { readonly ok: false; readonly status: 400 | 488; readonly reason: string };

interface LineAnswer {
  readonly line: MediaDescription;
  readonly negotiated: NegotiatedMedia;
}

/**
 * Answers `offer` (text or parsed). `previous` is our last description in
 * this session, if any: the answer to a re-INVITE keeps its o= line and
 * bumps the version only when the answer changed (RFC 3264 §8).
 */
export function createAnswer(
  offer: string | SessionDescription,
  local: LocalMedia,
  previous?: SessionDescription,
): AnswerResult {
  let session: SessionDescription;
  if (typeof offer === 'string') {
    const parsed = parseSdp(offer);
    if (!parsed.ok) return { ok: false, status: 400, reason: `malformed SDP offer: ${parsed.error}` };
    session = parsed.session;
  } else {
    session = offer;
  }
  if (session.media.length === 0) return { ok: false, status: 488, reason: 'the offer has no m= line' };

  const answers: LineAnswer[] = [];
  for (const [index, m] of session.media.entries()) {
    const audioTaken = answers.some((a) => a.negotiated.accepted);
    answers.push(answerLine(session, m, index, local, audioTaken, previous?.media[index]));
  }
  if (!answers.some((a) => a.negotiated.accepted)) {
    const reasons = answers.map((a) => (a.negotiated.accepted ? '' : `m=${a.negotiated.index + 1}: ${a.negotiated.reason}`));
    return { ok: false, status: 488, reason: reasons.join('; ') };
  }

  const answer = versioned(
    {
      origin: previous?.origin ?? newOrigin(local.address, addressTypeOf(local.address), local.username, local.random),
      sessionName: previous?.sessionName ?? '-',
      // Always our real address, even to an old-style hold offer: c=0.0.0.0
      // is the offerer's way of saying "do not send to me", not something an
      // answer mirrors (RFC 3264 §8.4); the direction of the answer says it
      // (answerLine below).
      connection: connectionOf(local.address),
      media: answers.map((a) => a.line),
    },
    previous,
  );
  return { ok: true, answer, sdp: writeSdp(answer), negotiated: answers.map((a) => a.negotiated) };
}

function rejected(m: MediaDescription, index: number, reason: string): LineAnswer {
  const negotiated: RejectedMedia = { accepted: false, index, media: m.media, reason };
  return {
    line: {
      media: m.media,
      port: 0,
      proto: m.proto,
      formats: m.formats,
      payloads: [],
      crypto: [],
    },
    negotiated,
  };
}

/** The answer's payload format for an offered one: the offer's number and rtpmap, our fmtp. */
function answeredFormat(offered: PayloadFormat, codec: CodecDescriptor): PayloadFormat | undefined {
  const fmtp = answerFmtp(codec, offered.fmtp);
  // No common event: the format is left out (RFC 4733 §7.1.1).
  if (codec.kind === 'event' && fmtp === undefined) return undefined;
  const rtpmap =
    offered.encodingName !== undefined && offered.clockRate !== undefined
      ? {
          encodingName: offered.encodingName,
          clockRate: offered.clockRate,
          ...(offered.channels === undefined ? {} : { channels: offered.channels }),
        }
      : // §6.1: the answer "SHOULD contain mappings for static payload types".
        {
          encodingName: codec.name,
          clockRate: codec.clockRate,
          ...(codec.channels === 1 ? {} : { channels: codec.channels }),
        };
  return { payloadType: offered.payloadType, ...rtpmap, ...(fmtp === undefined ? {} : { fmtp }) };
}

function answerLine(
  session: SessionDescription,
  m: MediaDescription,
  index: number,
  local: LocalMedia,
  audioTaken: boolean,
  previousLine: MediaDescription | undefined,
): LineAnswer {
  // §5.1: "A port number of zero in the offer indicates that the stream is
  // offered but MUST NOT be used."
  if (m.port === 0) return rejected(m, index, 'offered with port 0');
  if (m.media !== 'audio') return rejected(m, index, `${m.media} streams are not supported`);
  if (audioTaken) return rejected(m, index, 'one audio stream is already accepted');
  const profile = rtpProfileOf(m.proto);
  if (profile === undefined) return rejected(m, index, `transport ${m.proto} is not supported`);
  const connection = effectiveConnection(session, m);
  if (connection === undefined) return rejected(m, index, 'no connection address');

  const srtp = keepPreviousKey(
    decideSrtpAnswer(local.srtp ?? 'off', profile, m.crypto, {
      ...(local.srtpSuites === undefined ? {} : { suites: local.srtpSuites }),
      ...(local.random === undefined ? {} : { random: local.random }),
    }),
    previousLine?.crypto ?? [],
  );
  if (srtp.kind === 'reject') return rejected(m, index, srtp.reason);

  const matched: { format: PayloadFormat; codec: CodecDescriptor }[] = [];
  for (const offered of m.payloads) {
    const codec = matchCodec(offered, local.codecs);
    if (codec === undefined) continue;
    const format = answeredFormat(offered, codec);
    if (format !== undefined) matched.push({ format, codec });
  }
  const audioRates = new Set(matched.filter((x) => x.codec.kind === 'audio').map((x) => x.codec.clockRate));
  if (audioRates.size === 0) {
    return rejected(m, index, `no common codec (offered ${m.formats.join(' ')})`);
  }
  // telephone-event at a rate none of the accepted codecs runs at is of no
  // use (RFC 4733 §2.1); keep it only if nothing better matches.
  const eventsAtAudioRate = matched.filter((x) => x.codec.kind === 'event' && audioRates.has(x.codec.clockRate));
  const payloads = matched
    .filter((x) => x.codec.kind === 'audio' || eventsAtAudioRate.length === 0 || eventsAtAudioRate.includes(x))
    .map((x) => x.format);

  // An old-style hold (c=0.0.0.0, RFC 3264 §8.4: the offerer wants no media)
  // is answered as a=sendonly is — recvonly, or inactive — as call-flows.md
  // asks of the held party, so the answer says what we will do: send nothing.
  const written = effectiveDirection(session, m);
  const oldStyleHold = isUnspecifiedAddress(effectiveConnection(session, m)?.address ?? '');
  const offeredDirection = oldStyleHold ? directionOf(sends(written), false) : written;
  const direction = answerDirection(offeredDirection, local.direction ?? 'sendrecv');
  const line: MediaDescription = {
    media: 'audio',
    port: local.port,
    proto: m.proto,
    formats: payloads.map((p) => String(p.payloadType)),
    payloads,
    direction,
    ptime: local.ptime ?? DEFAULT_PTIME,
    ...(local.maxptime === undefined ? {} : { maxptime: local.maxptime }),
    ...(local.rtcpPort === undefined ? {} : { rtcp: { port: local.rtcpPort } }),
    crypto: srtp.kind === 'srtp' ? [srtp.answerValue] : [],
  };
  const accepted = acceptedStream({
    index,
    profile,
    common: commonCodecs(m.payloads, payloads, local.codecs),
    remote: m,
    remoteConnection: connection,
    direction,
    // The offerer does not want to receive: it holds us.
    heldByRemote: !receives(offeredDirection),
    ...(srtp.kind === 'srtp' ? { srtp: { send: srtp.send, receive: srtp.receive } } : {}),
  });
  if (accepted === undefined) return rejected(m, index, 'no common codec');
  return { line, negotiated: accepted };
}
