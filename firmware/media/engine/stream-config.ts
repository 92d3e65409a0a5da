/**
 * What opening a media stream takes — what SDP offer/answer settled for one
 * m=audio line — and the checks that turn it into codec descriptors and SRTP
 * contexts. Plain data (strings and numbers), so the main thread can send it
 * to the media worker as it is.
 */
import type { AudioCodecDescriptor, CodecRegistry, EventCodecDescriptor } from '../codecs/codec.js';
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
  readonly payloadType: number;
  /** The rtpmap clock rate; the registry's codec of that name if absent. */
  readonly clockRate?: number;
  /** The peer's fmtp for the codec (Opus: its maxaveragebitrate, useinbandfec …). */
  readonly fmtp?: string;
}

export interface StreamConfig {
  /** The caller's name for the stream (unique within the engine). */
  readonly id: string;
  readonly local: LocalEndpoint;
  readonly remote: RemoteEndpoint;
  readonly codec: StreamCodec;
  /** RFC 4733 telephone-event's payload type, when negotiated. */
  readonly telephoneEvent?: { readonly payloadType: number };
  /** Packet time in ms; 20 unless negotiated otherwise (a=ptime). */
  readonly ptime?: number;
  readonly direction: StreamDirection;
  readonly srtp?: StreamSrtp;
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

/** The codec descriptors and packet time of a stream; throws (RangeError) on what the phone cannot do. */
export function resolveCodecs(registry: CodecRegistry, config: StreamConfig): ResolvedCodecs {
  const { name, clockRate, payloadType } = config.codec;
  checkPayloadType(payloadType, name);
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
    if (config.telephoneEvent.payloadType === payloadType) throw new RangeError('telephone-event and audio share a payload type');
    // RFC 4733 §2.1: the event clock "SHOULD be the same as that used for the audio".
    const te = registry.lookup('telephone-event', found.clockRate);
    if (te?.kind !== 'event') throw new RangeError(`no telephone-event at ${found.clockRate} Hz`);
    event = te;
  }
  return { audio: found, ptimeMs, ...(event ? { event } : {}) };
}

/** An SRTP context for one direction; throws on a crypto line that does not parse. */
export function srtpContextFor(key: SrtpKey, what: string): SrtpContext {
  if (typeof key !== 'string') return new SrtpContext(key);
  const parsed = parseCryptoLine(key);
  if (!parsed.ok) throw new RangeError(`SRTP ${what} key: ${parsed.reason} (${parsed.detail})`);
  return new SrtpContext(srtpOptionsFromCrypto(parsed.value));
}
