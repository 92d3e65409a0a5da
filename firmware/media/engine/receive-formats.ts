/**
 * What a stream's receive path decodes with — the audio codec and the
 * payload type it arrives on, its jitter buffer, and RFC 4733 events — and
 * how a re-INVITE changes it.
 *
 * RFC 3264 §8.3.2: after a change of formats an agent "will still need to be
 * prepared to receive media with that format for a brief time" — the peer
 * switches when it has the answer, and packets already on their way are in
 * the old format. So a new audio format is adopted on its first packet: until
 * then the old jitter buffer goes on playing what arrives in the old format;
 * from then on only the new one is accepted, in a new jitter buffer (its
 * timeline, decoder and sample rate are the old codec's: a change of codec is
 * a reset). A change that keeps the audio format (telephone-event, packet
 * time, keys) takes effect at once and keeps the jitter buffer.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { AudioCodecDescriptor } from '../codecs/codec.js';
import type { TelephoneEventReceiver } from '../codecs/telephone-event/receiver.js';
import { COMFORT_NOISE_STATIC_PAYLOAD_TYPE } from '../jitter/comfort-noise.js';
import { JitterBuffer } from '../jitter/jitter-buffer.js';
import { receivePayloadTypes, type ResolvedCodecs, type StreamConfig } from './stream-config.js';

export interface ReceiveFormat {
  readonly codec: AudioCodecDescriptor;
  /** The payload type the audio arrives with. */
  readonly payloadType: number;
  readonly jitter: JitterBuffer;
  readonly events?: { readonly payloadType: number; readonly receiver: TelephoneEventReceiver };
}

/**
 * The receive format of a configuration. What `reuse` (the format in use)
 * already has is kept: the same codec on the same payload type keeps its
 * jitter buffer, the same telephone-event its receiver (a key held down).
 */
export function createReceiveFormat(clock: Clock, resolved: ResolvedCodecs, config: StreamConfig, reuse?: ReceiveFormat): ReceiveFormat {
  const codec = resolved.audio;
  const types = receivePayloadTypes(config);
  const sameAudio = reuse?.codec === codec && reuse.payloadType === types.audio;
  const jitter = sameAudio ? reuse.jitter : new JitterBuffer({ clock, codec, payloadType: types.audio });
  if (!resolved.event || types.event === undefined) return { codec, payloadType: types.audio, jitter };
  const kept = sameAudio && reuse.events?.payloadType === types.event ? reuse.events.receiver : undefined;
  return { codec, payloadType: types.audio, jitter, events: { payloadType: types.event, receiver: kept ?? resolved.event.createReceiver() } };
}

export class ReceiveFormats {
  /**
   * The payload types accepted now. The RtpReceiver is given this very set
   * and reads it at each packet, so a change of formats does not replace the
   * receiver: the peer's SSRC, sequence state and statistics carry on.
   */
  readonly payloadTypes = new Set<number>();
  private currentValue: ReceiveFormat;
  /** A negotiated audio format not yet heard. */
  private incoming: ReceiveFormat | undefined;
  /** Of the jitter buffers replaced: what they concealed (ms) and the packets that came too late. */
  private retiredConcealedMs = 0;
  private retiredLate = 0;
  private retiredFecMs = 0;

  constructor(format: ReceiveFormat) {
    this.currentValue = format;
    this.refresh();
  }

  get current(): ReceiveFormat {
    return this.currentValue;
  }

  /** The negotiated audio format waiting for its first packet. */
  get pending(): ReceiveFormat | undefined {
    return this.incoming;
  }

  /** Concealed audio of this and every earlier jitter buffer of the stream, ms. */
  get concealedMs(): number {
    const { jitter, codec } = this.currentValue;
    return this.retiredConcealedMs + (jitter.stats.concealedSamples * 1000) / codec.sampleRate;
  }

  /** Audio of lost frames recovered from in-band FEC, this and every earlier jitter buffer of the stream, ms. */
  get fecRecoveredMs(): number {
    const { jitter, codec } = this.currentValue;
    return this.retiredFecMs + (jitter.stats.samplesRecoveredByFec * 1000) / codec.sampleRate;
  }

  get latePackets(): number {
    return this.retiredLate + this.currentValue.jitter.stats.latePackets;
  }

  /** What a re-INVITE settled (createReceiveFormat with the current format to reuse). */
  change(next: ReceiveFormat): void {
    if (next.jitter === this.currentValue.jitter) {
      this.currentValue = next;
      this.incoming = undefined;
    } else {
      // Only the latest negotiation counts: one not yet heard is dropped.
      this.incoming = next;
    }
    this.refresh();
  }

  /**
   * An accepted packet's payload type: the first packet of the incoming
   * audio format makes it the current one. True when that happened.
   */
  arrived(payloadType: number): boolean {
    const incoming = this.incoming;
    if (incoming?.payloadType !== payloadType) return false;
    const old = this.currentValue;
    this.retiredConcealedMs += (old.jitter.stats.concealedSamples * 1000) / old.codec.sampleRate;
    this.retiredLate += old.jitter.stats.latePackets;
    this.retiredFecMs += (old.jitter.stats.samplesRecoveredByFec * 1000) / old.codec.sampleRate;
    this.currentValue = incoming;
    this.incoming = undefined;
    this.refresh();
    return true;
  }

  /** The telephone-event receiver for a payload type, of the current or the incoming format. */
  eventsFor(payloadType: number): TelephoneEventReceiver | undefined {
    for (const format of [this.currentValue, this.incoming]) {
      if (format?.events?.payloadType === payloadType) return format.events.receiver;
    }
    return undefined;
  }

  private refresh(): void {
    this.payloadTypes.clear();
    this.payloadTypes.add(COMFORT_NOISE_STATIC_PAYLOAD_TYPE);
    for (const format of [this.currentValue, this.incoming]) {
      if (!format) continue;
      this.payloadTypes.add(format.payloadType);
      if (format.events) this.payloadTypes.add(format.events.payloadType);
    }
  }
}
