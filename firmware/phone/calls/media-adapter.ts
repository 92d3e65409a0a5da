/**
 * The phone's media side over the media worker (MediaClient): tones, ringer,
 * mute, volume, DTMF, the conference mix, and every stream's latest figures.
 */
import type { MediaClient } from '../../media/engine/media-client.js';
import type { CodecDescriptor } from '../../media/codecs/codec.js';
import type { SrtpMode } from '../../media/sdp/index.js';
import type { MediaStreamStats } from '../../media/engine/stream-stats.js';
import type { CallMediaStats, PhoneMedia } from '../phone-media.js';

export interface MediaAdapterOptions {
  readonly media: MediaClient;
  /** The tone plan's country (voice.tone.country). */
  readonly toneCountry: () => string;
  /** Where engine errors go (a tone that could not start …). */
  readonly log: (line: string) => void;
  /** Our RTP address, as SIP advertises it. */
  readonly address: string;
  /** Most preferred first. */
  readonly codecs: () => readonly CodecDescriptor[];
  readonly srtp?: () => SrtpMode;
}

function statsOf(s: MediaStreamStats): CallMediaStats {
  return {
    codec: s.codec,
    packetsSent: s.packetsSent,
    packetsReceived: s.packetsReceived,
    jitterMs: s.jitterMs,
    lossFraction: s.loss.fraction,
    rttMs: s.rttMs ?? null,
    bufferDelayMs: s.bufferDelayMs,
    targetDelayMs: s.targetDelayMs,
    concealedMs: s.concealedMs,
    fecRecoveredMs: s.fecRecoveredMs,
  };
}

export function mediaAdapter(options: MediaAdapterOptions): PhoneMedia {
  const { media } = options;
  // The engine posts every stream's figures periodically (MediaClient statsIntervalMs); keep the latest.
  const latest = new Map<string, MediaStreamStats>();
  const dtmfListeners = new Set<(streamId: string, digit: string) => void>();
  media.onEvent((event) => {
    if (event.type === 'stats') for (const s of event.streams) latest.set(s.id, s);
    if (event.type === 'dtmf-received') for (const l of dtmfListeners) l(event.streamId, event.digit);
  });
  const report = (what: string) => (e: unknown) => options.log(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  return {
    streams: {
      openStream: (stream) => media.openStream(stream),
      updateStream: (id, change) => media.updateStream(id, change),
      closeStream: async (id) => {
        latest.delete(id);
        return media.closeStream(id);
      },
    },
    address: options.address,
    codecs: options.codecs,
    srtp: options.srtp ?? (() => 'optional'),
    tone(tone) {
      const done = tone === undefined ? media.stopTone() : media.playTone(options.toneCountry(), tone);
      done.catch(report(`tone ${tone ?? 'stop'}`));
    },
    ring(on, tone, volume) {
      media.ring(on, tone, volume).catch(report('ringer'));
    },
    mute(muted) {
      media.mute(muted).catch(report('mute'));
    },
    volume(gainDb) {
      media.volume(gainDb).catch(report('volume'));
    },
    sendDtmf: async (streamId, digits, method) => {
      await media.sendDtmf(streamId, digits, method);
    },
    mix: async (ids) => {
      await media.mix(ids);
    },
    stats: (id) => {
      const s = latest.get(id);
      return s ? statsOf(s) : undefined;
    },
    onDtmf: (listener) => {
      dtmfListeners.add(listener);
      return () => dtmfListeners.delete(listener);
    },
  };
}
