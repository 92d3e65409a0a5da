/**
 * The negotiated view of one accepted audio stream, from our description and
 * the peer's — shared by the answerer (answer.ts) and the offerer
 * (negotiate.ts), which differ only in whose list orders the codecs.
 */
import type { AudioCodecDescriptor, CodecDescriptor } from '../codecs/codec.js';
import { matchCodec } from './codec-match.js';
import { receives, sends } from './direction.js';
import type { AcceptedMedia, NegotiatedCodec, NegotiatedSrtp, NegotiatedTelephoneEvent } from './negotiated.js';
import { sendPtime } from './negotiated.js';
import type { Connection, MediaDescription, MediaDirection, PayloadFormat, RtpProfile } from './session-description.js';
import { isUnspecifiedAddress, rtcpPortOf } from './session-description.js';
import { intersectEvents, parseEventList } from './telephone-event-range.js';

export interface CommonCodecs {
  readonly audio: NegotiatedCodec<AudioCodecDescriptor>[];
  readonly events: NegotiatedTelephoneEvent[];
}

/**
 * The codecs in both lists, in the order of `theirs` (the peer's
 * description), each with the peer's payload type (to send with) and ours
 * (to receive on).
 */
export function commonCodecs(
  theirs: readonly PayloadFormat[],
  ours: readonly PayloadFormat[],
  codecs: readonly CodecDescriptor[],
): CommonCodecs {
  const audio: NegotiatedCodec<AudioCodecDescriptor>[] = [];
  const events: NegotiatedTelephoneEvent[] = [];
  for (const their of theirs) {
    const codec = matchCodec(their, codecs);
    if (codec === undefined) continue;
    const our = ours.find((o) => matchCodec(o, codecs) === codec);
    if (our === undefined) continue;
    const base = {
      payloadType: their.payloadType,
      receivePayloadType: our.payloadType,
      ...(their.fmtp === undefined ? {} : { remoteFmtp: their.fmtp }),
    };
    if (codec.kind === 'audio') {
      if (!audio.some((a) => a.codec === codec)) audio.push({ codec, ...base });
      continue;
    }
    const theirEvents = parseEventList(their.fmtp);
    const ourEvents = parseEventList(our.fmtp);
    if (theirEvents === undefined || ourEvents === undefined) continue;
    const both = intersectEvents(theirEvents, ourEvents);
    if (both.length > 0 && !events.some((e) => e.codec === codec)) events.push({ codec, ...base, events: both });
  }
  return { audio, events };
}

/** telephone-event at the audio codec's clock rate (RFC 4733 §2.1), else the first one. */
export function eventFor(
  codec: AudioCodecDescriptor,
  events: readonly NegotiatedTelephoneEvent[],
): NegotiatedTelephoneEvent | undefined {
  return events.find((e) => e.codec.clockRate === codec.clockRate) ?? events[0];
}

export interface AcceptedStreamInputs {
  readonly index: number;
  readonly profile: RtpProfile;
  readonly common: CommonCodecs;
  /** The peer's m= line and its effective c=. */
  readonly remote: MediaDescription;
  readonly remoteConnection: Connection;
  /** Our direction once both sides are accounted for. */
  readonly direction: MediaDirection;
  readonly heldByRemote: boolean;
  readonly srtp?: NegotiatedSrtp;
}

/** The accepted stream, or undefined when there is no common audio codec. */
export function acceptedStream(inputs: AcceptedStreamInputs): AcceptedMedia | undefined {
  const [codec] = inputs.common.audio;
  if (codec === undefined) return undefined;
  const { remote, remoteConnection } = inputs;
  const telephoneEvent = eventFor(codec.codec, inputs.common.events);
  const unreachable = isUnspecifiedAddress(remoteConnection.address) || remote.port === 0;
  return {
    accepted: true,
    index: inputs.index,
    media: remote.media,
    profile: inputs.profile,
    codec,
    codecs: inputs.common.audio,
    ...(telephoneEvent === undefined ? {} : { telephoneEvent }),
    ptime: sendPtime(codec.codec, remote.ptime, remote.maxptime),
    remote: {
      address: remoteConnection.address,
      port: remote.port,
      rtcpAddress: remote.rtcp?.connection?.address ?? remoteConnection.address,
      rtcpPort: rtcpPortOf(remote),
    },
    direction: inputs.direction,
    // RFC 3264 §8.4: to 0.0.0.0 "neither RTP nor RTCP should be sent".
    send: sends(inputs.direction) && !unreachable,
    recv: receives(inputs.direction),
    heldByRemote: inputs.heldByRemote || unreachable,
    ...(inputs.srtp === undefined ? {} : { srtp: inputs.srtp }),
  };
}
