/**
 * What opening a media stream takes — what SDP offer/answer settled for one
 * m=audio line, or, before the answer, what this phone offers — what a
 * re-INVITE may change of it, and the checks that turn it into codec
 * descriptors and SRTP contexts. Plain data (strings and numbers), so the
 * main thread can send it to the media worker as it is.
 */
import type { AudioCodecDescriptor, CodecRegistry, EventCodecDescriptor } from '../codecs/codec.js';
import { isUnspecifiedAddress } from '../sdp/session-description.js';
import { parseCryptoLine, srtpOptionsFromCrypto } from '../srtp/sdes.js';
import { SrtpContext, type SrtpContextOptions } from '../srtp/srtp-context.js';

export interface LocalEndpoint {
  /** The local IP address to bind. */
  readonly host: string;
  /** Even RTP port, RTCP on port + 1 (RFC 3550 §11); 0: any free pair. */
  readonly port: number;
}

export interface RemoteEndpoint {
  readonly host: string;
  readonly port: number;
  /** RFC 3605 a=rtcp port, when the peer named one; port + 1 otherwise. */
  readonly rtcpPort?: number;
}

/** The stream's direction from this phone's side (sendonly = send && !recv). */
export interface StreamDirection {
  readonly send: boolean;
  readonly recv: boolean;
}

/** An SRTP master key: an RFC 4568 a=crypto line, or options for firmware/media/srtp's context. */
export type SrtpKey = string | SrtpContextOptions;

export interface StreamSrtp {
  /** Our key, protecting what we send (the crypto line we put in our SDP). */
  readonly send: SrtpKey;
  /** The peer's key, for what we receive (the crypto line from its SDP). */
  readonly recv: SrtpKey;
}

export interface StreamCodec {
  /** The rtpmap encoding name (PCMU, PCMA, G722, opus). */
  readonly name: string;
  /** The payload type to send with: the number in the peer's description (RFC 3264 §5.1). */
  readonly payloadType: number;
  /** The payload type it arrives with, when our own description numbers it differently; payloadType otherwise. */
  readonly receivePayloadType?: number;
  /** The rtpmap clock rate; the registry's codec of that name if absent. */
  readonly clockRate?: number;
  /** The peer's fmtp for the codec (Opus: its maxaveragebitrate, useinbandfec …). */
  readonly fmtp?: string;
}

/** RFC 4733 telephone-event's payload types (sent with; received with, when our description differs). */
export interface StreamTelephoneEvent {
  readonly payloadType: number;
  readonly receivePayloadType?: number;
}

export interface StreamConfig {
  /** The caller's name for the stream (unique within the engine). */
  readonly id: string;
  readonly local: LocalEndpoint;
  /**
   * Where the peer's media comes from and ours goes. Absent while an offer is
   * being written (the port is needed before the answer names the peer), and
   * an unspecified address (c=0.0.0.0, RFC 3264 §8.4) counts as absent: then
   * no RTP or RTCP is sent and none is accepted from anywhere.
   */
  readonly remote?: RemoteEndpoint;
  /** Before the answer: the first codec of the offer, a provisional choice. */
  readonly codec: StreamCodec;
  /** RFC 4733 telephone-event's payload type, when negotiated (absent or null: none). */
  readonly telephoneEvent?: StreamTelephoneEvent | null;
  /** Packet time in ms; 20 unless negotiated otherwise (a=ptime). */
  readonly ptime?: number;
  readonly direction: StreamDirection;
  /** Absent or null: plain RTP. (null as in StreamChange, so one settings object serves open and update.) */
  readonly srtp?: StreamSrtp | null;
  /** Accept the peer's media from whatever address it first arrives from (NAT); off: symmetric RTP only. */
  readonly latching?: boolean;
}

export const DEFAULT_PTIME_MS = 20;

export interface ResolvedCodecs {
  readonly audio: AudioCodecDescriptor;
  readonly event?: EventCodecDescriptor;
  readonly ptimeMs: number;
}

function checkPayloadType(pt: number, what: string): void {
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new RangeError(`${what} payload type ${pt} is not 0 … 127`);
}

/** The payload types a stream's audio and telephone-event arrive with. */
export function receivePayloadTypes(config: StreamConfig): { readonly audio: number; readonly event?: number } {
  const audio = config.codec.receivePayloadType ?? config.codec.payloadType;
  const te = config.telephoneEvent;
  return te ? { audio, event: te.receivePayloadType ?? te.payloadType } : { audio };
}

/** The codec descriptors and packet time of a stream; throws (RangeError) on what the phone cannot do. */
export function resolveCodecs(registry: CodecRegistry, config: StreamConfig): ResolvedCodecs {
  const { name, clockRate, payloadType } = config.codec;
  checkPayloadType(payloadType, name);
  const received = receivePayloadTypes(config);
  checkPayloadType(received.audio, name);
  const found =
    clockRate === undefined
      ? registry.audio().find((c) => c.name.toLowerCase() === name.toLowerCase())
      : registry.lookup(name, clockRate);
  if (found?.kind !== 'audio') throw new RangeError(`codec ${name}${clockRate === undefined ? '' : `/${clockRate}`} is not available`);
  const ptimeMs = config.ptime ?? DEFAULT_PTIME_MS;
  if (!found.frameDurationsMs.includes(ptimeMs)) {
    throw new RangeError(`${found.name} does not take ${ptimeMs} ms packets (it takes ${found.frameDurationsMs.join(', ')} ms)`);
  }
  let event: EventCodecDescriptor | undefined;
  if (config.telephoneEvent) {
    checkPayloadType(config.telephoneEvent.payloadType, 'telephone-event');
    checkPayloadType(received.event ?? config.telephoneEvent.payloadType, 'telephone-event');
    if (config.telephoneEvent.payloadType === payloadType || received.event === received.audio) {
      throw new RangeError('telephone-event and audio share a payload type');
    }
    // RFC 4733 §2.1: the event clock "SHOULD be the same as that used for the audio".
    const te = registry.lookup('telephone-event', found.clockRate);
    if (te?.kind !== 'event') throw new RangeError(`no telephone-event at ${found.clockRate} Hz`);
    event = te;
  }
  return { audio: found, ptimeMs, ...(event ? { event } : {}) };
}

function srtpOptionsFor(key: SrtpKey, what: string): SrtpContextOptions {
  if (typeof key !== 'string') return key;
  const parsed = parseCryptoLine(key);
  if (!parsed.ok) throw new RangeError(`SRTP ${what} key: ${parsed.reason} (${parsed.detail})`);
  return srtpOptionsFromCrypto(parsed.value);
}

/** An SRTP context for one direction; throws on a crypto line that does not parse. */
export function srtpContextFor(key: SrtpKey, what: string): SrtpContext {
  return new SrtpContext(srtpOptionsFor(key, what));
}

const hex = (bytes: Uint8Array | undefined): string => (bytes ? Buffer.from(bytes).toString('hex') : '-');

/** What makes two keys one: the suite, the master key and salt, and the parameters that change the key stream. */
function keyIdentity(o: SrtpContextOptions): string {
  const flags = [o.encryptRtp, o.encryptRtcp, o.authenticateRtp].map((f) => (f === false ? 0 : 1)).join('');
  return [o.suite, hex(o.masterKey), hex(o.masterSalt), hex(o.mki), o.keyDerivationRate ?? 0, flags].join('/');
}

/**
 * Whether two keys are the same master key, however written (a re-offer
 * repeats its crypto line, maybe under another tag). Such a key keeps its
 * context: a new one would restart the rollover counter (RFC 3711 §3.2.1)
 * while the sequence numbers run on, and after a wrap the peer, which kept
 * its context, could no longer authenticate a single packet.
 */
export function sameSrtpKey(a: SrtpKey, b: SrtpKey): boolean {
  if (a === b) return true;
  try {
    return keyIdentity(srtpOptionsFor(a, 'old')) === keyIdentity(srtpOptionsFor(b, 'new'));
  } catch {
    return false;
  }
}

/**
 * A change to a running stream: a re-INVITE's offer/answer (codec, packet
 * time, telephone-event, keys), hold and resume (direction), a transfer or a
 * moved peer (remote). Absent fields keep their value; null removes an
 * optional one (telephone-event no longer negotiated, SRTP no longer used).
 * The socket pair, the local port and the RTP SSRC never change. A new codec
 * keeps the packet time unless one is given.
 */
export interface StreamChange {
  readonly direction?: StreamDirection;
  readonly remote?: RemoteEndpoint;
  readonly codec?: StreamCodec;
  readonly ptime?: number;
  readonly telephoneEvent?: StreamTelephoneEvent | null;
  readonly srtp?: StreamSrtp | null;
}

/** The configuration a stream has after `change`: pure, checks nothing (checkStreamConfig does). */
export function applyStreamChange(config: StreamConfig, change: StreamChange): StreamConfig {
  const { telephoneEvent: oldEvent, srtp: oldSrtp, ...rest } = config;
  const telephoneEvent = change.telephoneEvent === undefined ? oldEvent : (change.telephoneEvent ?? undefined);
  const srtp = change.srtp === undefined ? oldSrtp : (change.srtp ?? undefined);
  return {
    ...rest,
    ...(change.direction ? { direction: change.direction } : {}),
    ...(change.remote ? { remote: change.remote } : {}),
    ...(change.codec ? { codec: change.codec } : {}),
    ...(change.ptime === undefined ? {} : { ptime: change.ptime }),
    ...(telephoneEvent ? { telephoneEvent } : {}),
    ...(srtp ? { srtp } : {}),
  };
}

function checkPort(port: unknown, what: string): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${what} port ${String(port)} is not 1 … 65535`);
  }
}

/**
 * Everything about a stream's configuration the engine can refuse, checked
 * before anything is changed: the codecs (resolveCodecs), the remote
 * endpoint and the direction (they arrive from another thread as plain data).
 */
export function checkStreamConfig(registry: CodecRegistry, config: StreamConfig): ResolvedCodecs {
  const { remote, direction } = config;
  if (remote !== undefined) {
    if (typeof remote.host !== 'string' || remote.host === '') throw new RangeError('remote host is empty');
    checkPort(remote.port, 'remote RTP');
    if (remote.rtcpPort !== undefined) checkPort(remote.rtcpPort, 'remote RTCP');
  }
  if (typeof direction?.send !== 'boolean' || typeof direction.recv !== 'boolean') {
    throw new RangeError('direction needs send and recv, true or false');
  }
  return resolveCodecs(registry, config);
}

/** The remote to send to and accept from: none before the answer, or when it is c=0.0.0.0 (RFC 3264 §8.4). */
export function usableRemote(remote: RemoteEndpoint | undefined): RemoteEndpoint | undefined {
  return remote === undefined || isUnspecifiedAddress(remote.host) ? undefined : remote;
}
