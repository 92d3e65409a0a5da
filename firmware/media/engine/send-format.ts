/**
 * What a stream's send path encodes with — the codec, the payload type and
 * packet time, the encoder, and RFC 4733 events — made whole before a stream
 * opens or changes (all that can be refused throws here), so a re-INVITE's
 * new format takes the old one's place in one assignment.
 */
import type { AudioCodecDescriptor, AudioEncoder } from '../codecs/codec.js';
import { samplesPerFrame, timestampUnitsPerFrame } from '../codecs/codec.js';
import { DtmfEventQueue } from './dtmf-event-queue.js';
import type { ResolvedCodecs, StreamConfig } from './stream-config.js';

export interface SendFormat {
  readonly codec: AudioCodecDescriptor;
  readonly payloadType: number;
  readonly ptimeMs: number;
  /** One packet's samples, at the codec's audio rate. */
  readonly frameSamples: number;
  /** One packet's RTP timestamp units (G.722: half the samples). */
  readonly frameUnits: number;
  readonly encoder: AudioEncoder;
  /** RFC 4733 events, when telephone-event was negotiated. */
  readonly events?: { readonly payloadType: number; readonly queue: DtmfEventQueue };
  /** sendFormatIdentity() of the configuration it was made from. */
  readonly identity: string;
}

function telephoneEventOf(resolved: ResolvedCodecs, config: StreamConfig) {
  return resolved.event && config.telephoneEvent ? { descriptor: resolved.event, payloadType: config.telephoneEvent.payloadType } : undefined;
}

/** Equal for two configurations that send exactly alike (so a change can keep the encoder). */
export function sendFormatIdentity(resolved: ResolvedCodecs, config: StreamConfig): string {
  const { audio } = resolved;
  return [audio.name, audio.clockRate, config.codec.payloadType, config.codec.fmtp ?? '', resolved.ptimeMs, telephoneEventOf(resolved, config)?.payloadType ?? ''].join('/');
}

export function createSendFormat(resolved: ResolvedCodecs, config: StreamConfig): SendFormat {
  const codec = resolved.audio;
  const { payloadType, fmtp } = config.codec;
  const te = telephoneEventOf(resolved, config);
  return {
    codec,
    payloadType,
    ptimeMs: resolved.ptimeMs,
    frameSamples: samplesPerFrame(codec, resolved.ptimeMs),
    frameUnits: timestampUnitsPerFrame(codec, resolved.ptimeMs),
    encoder: codec.createEncoder(fmtp),
    ...(te ? { events: { payloadType: te.payloadType, queue: new DtmfEventQueue(te.descriptor, resolved.ptimeMs) } } : {}),
    identity: sendFormatIdentity(resolved, config),
  };
}
