/**
 * Answers an SDP offer with a running audio stream in the media worker:
 * negotiate (RFC 3264) to learn the codec and the peer's address, open the
 * stream to get our RTP port, then write that port into the answer.
 */
import type { MediaClient } from '../../media/engine/media-client.js';
import type { CodecDescriptor } from '../../media/codecs/codec.js';
import { audioStream, createAnswer, writeSdp, type SrtpMode } from '../../media/sdp/index.js';
import { formatCryptoLine } from '../../media/srtp/sdes.js';
import type { AnswerOutcome, CallMediaStats, PhoneMedia } from '../phone-media.js';
import type { MediaStreamStats } from '../../media/engine/stream-stats.js';

/** RFC 863 discard: a port that is never ours, replaced before the answer leaves. */
const PLACEHOLDER_PORT = 9;

export interface MediaAnswerOptions {
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
  };
}

export function mediaAnswerer(options: MediaAnswerOptions): PhoneMedia {
  // The engine posts every stream's figures periodically (MediaClient statsIntervalMs); keep the latest.
  const latest = new Map<string, MediaStreamStats>();
  options.media.onEvent((event) => {
    if (event.type === 'stats') for (const s of event.streams) latest.set(s.id, s);
  });
  const report = (what: string) => (e: unknown) => options.log(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  return {
    tone(tone) {
      const done = tone === undefined ? options.media.stopTone() : options.media.playTone(options.toneCountry(), tone);
      done.catch(report(`tone ${tone ?? 'stop'}`));
    },
    ring(on) {
      options.media.ring(on).catch(report('ringer'));
    },
    async answer(offerSdp: string, callId: string): Promise<AnswerOutcome> {
      const local = { address: options.address, port: PLACEHOLDER_PORT, codecs: options.codecs(), srtp: options.srtp?.() ?? 'optional' };
      const first = createAnswer(offerSdp, local);
      if (!first.ok) return { ok: false, status: first.status, reason: first.reason };
      const audio = audioStream(first.negotiated);
      if (!audio) return { ok: false, status: 488, reason: 'no audio stream we can use' };
      const streamId = `call-${callId}`;
      const { localPort } = await options.media.openStream({
        id: streamId,
        local: { host: options.address, port: 0 },
        remote: { host: audio.remote.address, port: audio.remote.port, rtcpPort: audio.remote.rtcpPort },
        codec: {
          name: audio.codec.codec.name,
          payloadType: audio.codec.payloadType,
          ...(audio.codec.remoteFmtp === undefined ? {} : { fmtp: audio.codec.remoteFmtp }),
        },
        ...(audio.telephoneEvent ? { telephoneEvent: { payloadType: audio.telephoneEvent.payloadType } } : {}),
        ptime: audio.ptime,
        direction: { send: audio.send, recv: audio.recv },
        ...(audio.srtp ? { srtp: { send: formatCryptoLine(audio.srtp.send), recv: formatCryptoLine(audio.srtp.receive) } } : {}),
      });
      const answer = {
        ...first.answer,
        media: first.answer.media.map((m, i) => (i === audio.index ? { ...m, port: localPort } : m)),
      };
      return {
        ok: true,
        sdp: writeSdp(answer),
        codec: audio.codec.codec.name,
        wideband: audio.codec.codec.sampleRate >= 16000,
        secure: audio.srtp !== undefined,
        stats: () => {
          const s = latest.get(streamId);
          return s ? statsOf(s) : undefined;
        },
        stop: async () => {
          latest.delete(streamId);
          await options.media.closeStream(streamId);
        },
      };
    },
  };
}
