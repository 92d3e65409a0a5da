/**
 * The session description as this phone uses it (RFC 4566 syntax, RFC 3264
 * offer/answer semantics): an origin, a session-level connection, and one
 * media description per m= line. It holds exactly what the phone reads or
 * writes; parse.ts builds it from text and write.ts turns it back into text.
 *
 * Values are normalised: numbers are numbers, the sess-id and sess-version
 * are bigints (RFC 3264 §5: "representable with a 64 bit signed integer",
 * which a JavaScript number is not), directions are a closed union.
 */

/** RFC 3264 §5.1 / RFC 4566 §6: the four direction attributes. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** RFC 4566 §5.7 <addrtype>. */
export type AddressType = 'IP4' | 'IP6';

/** o=<username> <sess-id> <sess-version> IN <addrtype> <unicast-address> (RFC 4566 §5.2). */
export interface Origin {
  readonly username: string;
  readonly sessionId: bigint;
  readonly sessionVersion: bigint;
  readonly addressType: AddressType;
  readonly address: string;
}

/** c=IN <addrtype> <connection-address> (RFC 4566 §5.7), unicast only. */
export interface Connection {
  readonly addressType: AddressType;
  readonly address: string;
}

/** One RTP payload format of an m= line with its rtpmap and fmtp, when given. */
export interface PayloadFormat {
  readonly payloadType: number;
  /** From a=rtpmap; absent for a static payload type named only in the m= line. */
  readonly encodingName?: string;
  readonly clockRate?: number;
  /** The rtpmap's encoding parameters (channels for audio); absent means one. */
  readonly channels?: number;
  /** The a=fmtp parameter string, verbatim. */
  readonly fmtp?: string;
}

/** a=rtcp:<port> [IN <addrtype> <address>] (RFC 3605). */
export interface RtcpAttribute {
  readonly port: number;
  readonly connection?: Connection;
}

export interface MediaDescription {
  /** audio, video, application, … */
  readonly media: string;
  /** 0 means the stream is disabled or rejected (RFC 3264 §5.1, §6). */
  readonly port: number;
  /** RTP/AVP, RTP/SAVP, RTP/AVPF, RTP/SAVPF, or anything else a peer writes. */
  readonly proto: string;
  /** The m= line's format list, verbatim and in order. */
  readonly formats: readonly string[];
  /** The formats that are RTP payload types, in m= order, with their rtpmap/fmtp. */
  readonly payloads: readonly PayloadFormat[];
  /** Media-level c=, which overrides the session-level one (RFC 4566 §5.7). */
  readonly connection?: Connection;
  /** Media-level direction attribute as written; see effectiveDirection(). */
  readonly direction?: MediaDirection;
  /** a=ptime in ms (RFC 4566 §6): the packetisation the sender of this SDP wants to receive. */
  readonly ptime?: number;
  readonly maxptime?: number;
  readonly rtcp?: RtcpAttribute;
  /** a=crypto values (RFC 4568), each `<tag> <suite> <key-params> [session-params]`. */
  readonly crypto: readonly string[];
}

export interface SessionDescription {
  readonly origin: Origin;
  /** s= (RFC 4566 §5.3); "-" when there is nothing to say. */
  readonly sessionName: string;
  /** Session-level c=, the default for every m= line. */
  readonly connection?: Connection;
  /** Session-level direction attribute, the default for every m= line (RFC 3264 §6.1). */
  readonly direction?: MediaDirection;
  readonly media: readonly MediaDescription[];
}

export const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export function isMediaDirection(value: unknown): value is MediaDirection {
  return typeof value === 'string' && (DIRECTIONS as readonly string[]).includes(value);
}

/**
 * RFC 3264 §6.1: "if there is no direction attribute at the media or session
 * level, … the stream is sendrecv by default"; a media-level attribute wins
 * over a session-level one.
 */
export function effectiveDirection(session: SessionDescription, media: MediaDescription): MediaDirection {
  return media.direction ?? session.direction ?? 'sendrecv';
}

/** RFC 4566 §5.7: a media-level c= overrides the session-level one. */
export function effectiveConnection(session: SessionDescription, media: MediaDescription): Connection | undefined {
  return media.connection ?? session.connection;
}

/**
 * RFC 3264 §8.4: "An agent MUST be capable of receiving SDP with a connection
 * address of 0.0.0.0, in which case it means that neither RTP nor RTCP should
 * be sent to the peer." The IPv6 unspecified address means the same in
 * practice: nothing can be sent to it.
 */
export function isUnspecifiedAddress(address: string): boolean {
  return address === '0.0.0.0' || /^(0{0,4}:){2,7}0{0,4}$/.test(address);
}

/** The RTCP port: a=rtcp when given (RFC 3605), otherwise the RTP port + 1 (RFC 3550 §11). */
export function rtcpPortOf(media: MediaDescription): number {
  return media.rtcp?.port ?? media.port + 1;
}

/** RTP profiles this phone can run: AVP and its secure and feedback variants (RFC 3551, 3711, 4585, 5124). */
export type RtpProfile = 'RTP/AVP' | 'RTP/SAVP' | 'RTP/AVPF' | 'RTP/SAVPF';

export function rtpProfileOf(proto: string): RtpProfile | undefined {
  const upper = proto.toUpperCase();
  return upper === 'RTP/AVP' || upper === 'RTP/SAVP' || upper === 'RTP/AVPF' || upper === 'RTP/SAVPF' ? upper : undefined;
}

/** RTP/SAVP and RTP/SAVPF are the secure profiles (RFC 3711 §12, RFC 5124). */
export function isSecureProfile(profile: RtpProfile): boolean {
  return profile === 'RTP/SAVP' || profile === 'RTP/SAVPF';
}
