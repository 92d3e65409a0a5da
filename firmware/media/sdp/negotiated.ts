/**
 * What an offer/answer exchange settled, per m= line, in the terms the
 * media engine needs to open (or not open) a stream: which codec and
 * payload types, where to send RTP and RTCP, in which directions, and the
 * SRTP keys. Built the same way whether this phone made the answer
 * (answer.ts) or received it (negotiate.ts).
 */
import type { AudioCodecDescriptor, EventCodecDescriptor } from '../codecs/codec.js';
import type { CryptoAttribute } from '../srtp/sdes.js';
import type { EventSet } from './telephone-event-range.js';
import type { MediaDirection, RtpProfile } from './session-description.js';

/** One codec both sides can use, with the number each side receives it on. */
export interface NegotiatedCodec<C> {
  readonly codec: C;
  /**
   * The payload type to SEND with: the number in the peer's description
   * (RFC 3264 §5.1: an offer's payload types are what the offerer expects to
   * receive, and the same holds for an answer).
   */
  readonly payloadType: number;
  /** The payload type we receive it on: the number in our own description. */
  readonly receivePayloadType: number;
  /** The peer's fmtp: parameters for our encoder (e.g. RFC 7587 opus). */
  readonly remoteFmtp?: string;
}

export interface NegotiatedTelephoneEvent extends NegotiatedCodec<EventCodecDescriptor> {
  /** Events both sides listed (RFC 4733 §7.1.1). */
  readonly events: EventSet;
}

/** SRTP keys (RFC 4568): ours protects what we send, the peer's what we receive. */
export interface NegotiatedSrtp {
  readonly send: CryptoAttribute;
  readonly receive: CryptoAttribute;
}

export interface RemoteTransport {
  /** The peer's RTP address; 0.0.0.0 means "send nothing" (RFC 3264 §8.4). */
  readonly address: string;
  readonly port: number;
  readonly rtcpAddress: string;
  readonly rtcpPort: number;
}

export interface AcceptedMedia {
  readonly accepted: true;
  readonly index: number;
  readonly media: string;
  readonly profile: RtpProfile;
  /** The codec to send: the first common one in the answer's order. */
  readonly codec: NegotiatedCodec<AudioCodecDescriptor>;
  /** Every common audio codec, in the answer's order (the peer may switch among them). */
  readonly codecs: readonly NegotiatedCodec<AudioCodecDescriptor>[];
  /** telephone-event at the sending codec's clock rate, when both sides have it. */
  readonly telephoneEvent?: NegotiatedTelephoneEvent;
  /** Packetisation to send with, ms: the peer's a=ptime when our encoder can do it. */
  readonly ptime: number;
  readonly remote: RemoteTransport;
  /** Our direction for this stream, as written in our own description. */
  readonly direction: MediaDirection;
  /** Whether to send RTP: our direction sends, and the peer gave an address to send to. */
  readonly send: boolean;
  /** Whether to expect RTP: our direction receives. */
  readonly recv: boolean;
  /**
   * The peer does not want our media (it wrote sendonly or inactive, or the
   * old c=0.0.0.0): what the LCD shows as "Held by remote".
   */
  readonly heldByRemote: boolean;
  readonly srtp?: NegotiatedSrtp;
}

export interface RejectedMedia {
  readonly accepted: false;
  readonly index: number;
  readonly media: string;
  readonly reason: string;
}

export type NegotiatedMedia = AcceptedMedia | RejectedMedia;

/** The accepted audio stream, if any (the phone runs one). */
export function audioStream(media: readonly NegotiatedMedia[]): AcceptedMedia | undefined {
  return media.find((m): m is AcceptedMedia => m.accepted && m.media === 'audio');
}

/**
 * The packetisation to send with (RFC 4566 §6: a=ptime is "the length of
 * time in milliseconds represented by the media in a packet" that the
 * writer would like to receive, and a=maxptime the most it can take): the
 * peer's ptime if our encoder has that frame size, else our default, cut
 * to the peer's maxptime when it has one.
 */
export function sendPtime(codec: AudioCodecDescriptor, remotePtime?: number, remoteMaxPtime?: number): number {
  const sizes = codec.frameDurationsMs;
  if (remotePtime !== undefined && sizes.includes(remotePtime) && (remoteMaxPtime === undefined || remotePtime <= remoteMaxPtime)) {
    return remotePtime;
  }
  const preferred = sizes[0] ?? 20;
  if (remoteMaxPtime === undefined || preferred <= remoteMaxPtime) return preferred;
  const fitting = sizes.filter((s) => s <= remoteMaxPtime);
  return fitting.length > 0 ? Math.max(...fitting) : Math.min(...sizes);
}
