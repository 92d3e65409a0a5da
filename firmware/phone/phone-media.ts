/**
 * What the phone needs from the media side: call streams (CallMedia opens
 * them through `streams`), call-progress tones, the ringer, mute, volume,
 * DTMF, the conference mix, and each stream's figures. The media adapter
 * (firmware/phone/calls/media-adapter.ts) implements it over the media
 * worker; UI tests can use a fake.
 */
import type { CodecDescriptor } from '../media/codecs/codec.js';
import type { SrtpMode } from '../media/sdp/index.js';
import type { StreamControl } from './calls/call-media.js';

export interface CallMediaStats {
  readonly codec: string;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly jitterMs: number;
  /** Fraction of the peer's packets lost (RFC 3550 A.3). */
  readonly lossFraction: number;
  readonly rttMs: number | null;
  readonly bufferDelayMs: number;
  readonly targetDelayMs: number;
  readonly concealedMs: number;
  /** Lost audio recovered from the peer's in-band FEC (Opus), ms. */
  readonly fecRecoveredMs: number;
}

export type ProgressTone = 'dial' | 'ringback' | 'busy' | 'congestion' | 'callWaiting' | 'confirmation' | 'stutter';

export interface PhoneMedia {
  readonly streams: StreamControl;
  /** Our RTP address, as SIP advertises it. */
  readonly address: string;
  /** Most preferred first. */
  codecs(): readonly CodecDescriptor[];
  srtp(): SrtpMode;
  /** Plays a call-progress tone of the configured country; undefined stops it. */
  tone(tone: ProgressTone | undefined): void;
  /** The ringer: a ring tone by name (phone_setting.ring_type) at a volume 0 … 10. */
  ring(on: boolean, tone?: string, volume?: number): void;
  mute(muted: boolean): void;
  /** Playback gain, dB. */
  volume(gainDb: number): void;
  sendDtmf(streamId: string, digits: string, method: 'rfc4733' | 'inband'): Promise<void>;
  mix(streamIds: readonly string[]): Promise<void>;
  /** The latest figures of a stream, once the engine reported them. */
  stats(streamId: string): CallMediaStats | undefined;
  /** DTMF digits the peer sent in a stream (RFC 4733 events). */
  onDtmf(listener: (streamId: string, digit: string) => void): () => void;
}
