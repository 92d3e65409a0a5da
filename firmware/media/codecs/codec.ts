/**
 * Codecs as registered descriptors (DESIGN.md): each codec folder exports one
 * descriptor that says how SDP names it and makes encoders and decoders; the
 * media engine never switches on a codec's name.
 *
 * Two kinds share the registry: audio codecs, which turn PCM frames into RTP
 * payloads and back, and the RFC 4733 telephone-event payload, which carries
 * events rather than a waveform and so has a sender and a receiver instead.
 */
import type { TelephoneEventReceiver, TelephoneEventReceiverOptions } from './telephone-event/receiver.js';
import type { TelephoneEventPacket, TelephoneEventSendOptions } from './telephone-event/sender.js';

/** Turns one frame of PCM into one RTP payload. */
export interface AudioEncoder {
  /**
   * `frame` holds `sampleRate * ms / 1000` mono samples at the descriptor's
   * audio sample rate for one of its frame durations; returns a fresh payload.
   */
  encode(frame: Int16Array): Uint8Array;
  /** Forgets all history, as at the start of a stream. */
  reset(): void;
}

/** What a decoder has done, for the media statistics. */
export interface DecoderStats {
  /** Payloads decoded. */
  readonly framesDecoded: number;
  /** Samples made up by concealment (including FEC fallbacks that concealed). */
  readonly samplesConcealed: number;
  /** Samples recovered from in-band FEC of a later packet. */
  readonly samplesRecoveredByFec: number;
}

/** Turns RTP payloads back into PCM, and covers for the ones that never came. */
export interface AudioDecoder {
  /** Decodes one payload into mono samples at the audio sample rate (a fresh array). */
  decode(payload: Uint8Array): Int16Array;
  /**
   * Packet-loss concealment: `sampleCount` samples to stand in for a payload
   * that did not arrive, continuing from what was decoded before.
   */
  conceal(sampleCount: number): Int16Array;
  /**
   * Recovers a lost frame from in-band forward error correction carried in the
   * NEXT packet (Opus LBRR, RFC 6716 §2.1.7), when the codec has any. The next
   * packet itself must still be passed to decode() afterwards.
   */
  decodeFec?(nextPayload: Uint8Array, sampleCount: number): Int16Array;
  /** Whether `payload` carries FEC for the frame before it (so that decodeFec would recover, not conceal). */
  carriesFec?(payload: Uint8Array): boolean;
  /** Forgets all history, as at the start of a stream. */
  reset(): void;
  readonly stats: DecoderStats;
}

interface DescriptorBase {
  /** Encoding name as in the SDP rtpmap (RFC 4566 §6), compared without case. */
  readonly name: string;
  /** RTP timestamp clock rate, as in the rtpmap (which is not always the audio rate). */
  readonly clockRate: number;
  /** Channel count as written in the rtpmap (omitted in SDP when 1). */
  readonly channels: number;
  /** Static payload type from RFC 3551 Table 4, if the codec has one. */
  readonly staticPayloadType?: number;
  /** The fmtp parameters this phone offers for the codec, if any. */
  readonly defaultFmtp?: string;
}

export interface AudioCodecDescriptor extends DescriptorBase {
  readonly kind: 'audio';
  /** Rate of the PCM that encode() takes and decode() returns. */
  readonly sampleRate: number;
  /** Packetisation intervals (ms) the encoder accepts, the default first. */
  readonly frameDurationsMs: readonly number[];
  /** `fmtp` is the remote side's fmtp for the codec, when it sent one. */
  createEncoder(fmtp?: string): AudioEncoder;
  createDecoder(): AudioDecoder;
}

export interface EventCodecDescriptor extends DescriptorBase {
  readonly kind: 'event';
  /** The packets that send one event at this clock rate (RFC 4733 §2.5.1). */
  packets(options: Omit<TelephoneEventSendOptions, 'clockRate'>): Generator<TelephoneEventPacket>;
  createReceiver(options?: TelephoneEventReceiverOptions): TelephoneEventReceiver;
}

export type CodecDescriptor = AudioCodecDescriptor | EventCodecDescriptor;

/** Samples in one frame of `ms` milliseconds at the codec's audio rate. */
export function samplesPerFrame(codec: AudioCodecDescriptor, ms: number): number {
  return (codec.sampleRate * ms) / 1000;
}

/** RTP timestamp units in one frame of `ms` milliseconds (G.722: half the samples). */
export function timestampUnitsPerFrame(codec: CodecDescriptor, ms: number): number {
  return (codec.clockRate * ms) / 1000;
}

/**
 * The codecs this phone can use, in its order of preference. Lookup is by the
 * rtpmap's encoding name (case-insensitive, RFC 4855 §3: media subtype names
 * are case-insensitive) and clock rate, optionally channels.
 */
export class CodecRegistry {
  private readonly codecs: CodecDescriptor[] = [];

  constructor(codecs: Iterable<CodecDescriptor> = []) {
    for (const c of codecs) this.register(c);
  }

  /** Adds a codec after those already registered (so with lower preference). */
  register(codec: CodecDescriptor): void {
    if (this.lookup(codec.name, codec.clockRate, codec.channels) !== undefined) {
      throw new Error(`codec ${codec.name}/${codec.clockRate}/${codec.channels} is already registered`);
    }
    if (codec.staticPayloadType !== undefined && this.byStaticPayloadType(codec.staticPayloadType) !== undefined) {
      throw new Error(`static payload type ${codec.staticPayloadType} is already taken`);
    }
    this.codecs.push(codec);
  }

  /**
   * The codec an rtpmap `name/clockRate[/channels]` describes. Without
   * `channels` any channel count matches; SDP omits it when it is 1.
   */
  lookup(name: string, clockRate: number, channels?: number): CodecDescriptor | undefined {
    const wanted = name.toLowerCase();
    return this.codecs.find(
      (c) =>
        c.name.toLowerCase() === wanted &&
        c.clockRate === clockRate &&
        (channels === undefined || c.channels === channels),
    );
  }

  /** The codec an offer may name by static payload type alone (RFC 3551 §6). */
  byStaticPayloadType(payloadType: number): CodecDescriptor | undefined {
    return this.codecs.find((c) => c.staticPayloadType === payloadType);
  }

  /** Every codec, most preferred first. */
  list(): readonly CodecDescriptor[] {
    return [...this.codecs];
  }

  /** The audio codecs, most preferred first. */
  audio(): readonly AudioCodecDescriptor[] {
    return this.codecs.filter((c): c is AudioCodecDescriptor => c.kind === 'audio');
  }
}
