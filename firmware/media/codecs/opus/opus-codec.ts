/**
 * Opus (RFC 6716) through the @evan/opus binding of libopus, as RFC 7587
 * carries it: rtpmap opus/48000/2 always ("the number of channels MUST be
 * 2", §7) even for this mono phone, RTP clock 48 kHz whatever the coded
 * bandwidth, no static payload type. PCM is 48 kHz mono.
 *
 * What the binding offers and lacks (checked against its lib.d.ts and by
 * decoding): encode/decode of whole packets and the encoder/decoder CTLs,
 * but decode() always passes decode_fec = 0 and the native build rejects an
 * empty packet. So:
 *  - packet-loss concealment is reached through TOC-only packets (a frame of
 *    length zero, see opus-toc.ts), which run libopus's own PLC;
 *  - in-band FEC cannot be decoded: libopus's opus_decode(…, decode_fec=1)
 *    is what would pull the LBRR copy of a lost frame out of the next
 *    packet, and the binding does not expose that flag. decodeFec() falls
 *    back to PLC. The encoder still sends FEC when the peer asks, for the
 *    peer's benefit.
 */
import { Decoder, Encoder } from '@evan/opus';
import type { AudioCodecDescriptor, AudioDecoder, AudioEncoder, DecoderStats } from '../codec.js';
import { concealmentPackets } from './opus-toc.js';
import { DEFAULT_OPUS_BITRATE, opusEncoderSettings, type OpusEncoderSettings } from './opus-settings.js';

const SAMPLE_RATE = 48000;
/** Frame sizes libopus accepts at 48 kHz: 2.5, 5, 10, 20, 40, 60 ms. */
const VALID_FRAME_SAMPLES = new Set([120, 240, 480, 960, 1920, 2880]);

/** The binding returns bytes of native-endian int16; view them as samples (copying if misaligned). */
function asSamples(bytes: Uint8Array): Int16Array {
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  return new Int16Array(bytes.slice().buffer, 0, bytes.byteLength >> 1);
}

export class OpusAudioEncoder implements AudioEncoder {
  readonly settings: OpusEncoderSettings;
  private encoder: Encoder;

  constructor(remoteFmtp?: string) {
    this.settings = opusEncoderSettings(remoteFmtp);
    this.encoder = this.create();
  }

  encode(frame: Int16Array): Uint8Array {
    if (!VALID_FRAME_SAMPLES.has(frame.length)) {
      throw new RangeError(`Opus frames are 2.5–60 ms at 48 kHz; ${frame.length} samples is not one`);
    }
    return this.encoder.encode(frame);
  }

  reset(): void {
    this.encoder.reset();
  }

  private create(): Encoder {
    const e = new Encoder({ channels: 1, sample_rate: SAMPLE_RATE, application: 'voip' });
    const s = this.settings;
    e.bitrate = s.bitrate;
    e.vbr = s.vbr;
    e.dtx = s.dtx;
    e.inband_fec = s.inbandFec;
    e.packet_loss = s.packetLossPercent;
    e.max_bandwidth = s.maxBandwidth;
    e.signal = 'voice';
    return e;
  }

  /** What libopus reports back for the settings (read through its CTLs). */
  applied(): { bitrate: number; inbandFec: boolean; dtx: boolean; vbr: boolean; packetLoss: number; maxBandwidth: string } {
    return {
      bitrate: this.encoder.bitrate,
      inbandFec: this.encoder.inband_fec,
      dtx: this.encoder.dtx,
      vbr: this.encoder.vbr,
      packetLoss: this.encoder.packet_loss,
      maxBandwidth: this.encoder.max_bandwidth,
    };
  }
}

export class OpusAudioDecoder implements AudioDecoder {
  private readonly decoder = new Decoder({ channels: 1, sample_rate: SAMPLE_RATE });
  private lastToc: number | undefined;
  private framesDecoded = 0;
  private samplesConcealed = 0;

  /** Decodes one packet; throws if libopus rejects it as invalid. */
  decode(payload: Uint8Array): Int16Array {
    const out = asSamples(this.decoder.decode(payload));
    this.framesDecoded++;
    if (payload.length > 0) this.lastToc = payload[0];
    return out;
  }

  /** libopus PLC for `sampleCount` samples (a multiple of 120: 2.5 ms). */
  conceal(sampleCount: number): Int16Array {
    const out = new Int16Array(sampleCount);
    let at = 0;
    for (const packet of concealmentPackets(this.lastToc, sampleCount)) {
      const part = asSamples(this.decoder.decode(packet));
      out.set(part.subarray(0, sampleCount - at), at);
      at += part.length;
    }
    this.samplesConcealed += sampleCount;
    return out;
  }

  /**
   * Would decode the LBRR (FEC) copy of the lost frame from the next packet;
   * the binding cannot (see the header), so this conceals instead.
   */
  decodeFec(_nextPayload: Uint8Array, sampleCount: number): Int16Array {
    return this.conceal(sampleCount);
  }

  reset(): void {
    this.decoder.reset();
    this.lastToc = undefined;
  }

  get stats(): DecoderStats {
    return { framesDecoded: this.framesDecoded, samplesConcealed: this.samplesConcealed, samplesRecoveredByFec: 0 };
  }

  /** Samples in the last packet decoded or concealed, as libopus reports it (OPUS_GET_LAST_PACKET_DURATION). */
  get lastPacketSamples(): number {
    return this.decoder.last_packet_duration;
  }
}

export const opus: AudioCodecDescriptor = {
  kind: 'audio',
  name: 'opus',
  clockRate: 48000,
  sampleRate: SAMPLE_RATE,
  channels: 2,
  defaultFmtp: `useinbandfec=1; usedtx=0; maxaveragebitrate=${DEFAULT_OPUS_BITRATE}`,
  frameDurationsMs: [20, 10, 40, 60],
  createEncoder: (fmtp?: string): AudioEncoder => new OpusAudioEncoder(fmtp),
  createDecoder: (): AudioDecoder => new OpusAudioDecoder(),
};
