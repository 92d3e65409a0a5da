/**
 * Opus (RFC 6716) with libopus, as RFC 7587 carries it: rtpmap
 * opus/48000/2 always ("the number of channels MUST be 2", §7) even for
 * this mono phone, RTP clock 48 kHz whatever the coded bandwidth, no static
 * payload type. PCM is 48 kHz mono.
 *
 * Encoding goes through the @evan/opus binding (native libopus, wasm
 * fallback). Decoding goes straight to libopus's opus_decode()
 * (libopus-decoder.ts), because the binding's decoder cannot do two of the
 * three things the jitter buffer asks of it: libopus's own packet-loss
 * concealment, and in-band FEC — the LBRR copy of a lost frame that the
 * next packet carries when the sender was asked for it (useinbandfec=1).
 */
import { Encoder } from '@evan/opus';
import type { AudioCodecDescriptor, AudioDecoder, AudioEncoder, DecoderStats } from '../codec.js';
import { LibopusDecoder } from './libopus-decoder.js';
import { hasLbrr } from './opus-toc.js';
import { DEFAULT_OPUS_BITRATE, opusEncoderSettings, type OpusEncoderSettings } from './opus-settings.js';

const SAMPLE_RATE = 48000;
/** Frame sizes libopus accepts at 48 kHz: 2.5, 5, 10, 20, 40, 60 ms. */
const VALID_FRAME_SAMPLES = new Set([120, 240, 480, 960, 1920, 2880]);

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
  private readonly decoder = new LibopusDecoder(SAMPLE_RATE, 1);
  private framesDecoded = 0;
  private samplesConcealed = 0;
  private samplesRecoveredByFec = 0;

  /** Decodes one packet; throws if libopus rejects it as invalid. */
  decode(payload: Uint8Array): Int16Array {
    const out = this.decoder.decode(payload);
    this.framesDecoded++;
    return out;
  }

  /** libopus PLC for `sampleCount` samples (a multiple of 120: 2.5 ms). */
  conceal(sampleCount: number): Int16Array {
    if (!Number.isInteger(sampleCount) || sampleCount <= 0 || sampleCount % 120 !== 0) {
      throw new RangeError(`Opus conceals whole 2.5 ms steps at 48 kHz, not ${sampleCount} samples`);
    }
    this.samplesConcealed += sampleCount;
    return this.decoder.conceal(sampleCount);
  }

  /**
   * The lost frame before `nextPayload`, from the LBRR data it carries;
   * concealment when it carries none (libopus falls back to PLC itself,
   * but the statistics should say which it was).
   */
  decodeFec(nextPayload: Uint8Array, sampleCount: number): Int16Array {
    if (!hasLbrr(nextPayload)) return this.conceal(sampleCount);
    const out = this.decoder.decodeFec(nextPayload, sampleCount);
    this.samplesRecoveredByFec += out.length;
    return out;
  }

  carriesFec(payload: Uint8Array): boolean {
    return hasLbrr(payload);
  }

  reset(): void {
    this.decoder.reset();
  }

  get stats(): DecoderStats {
    return { framesDecoded: this.framesDecoded, samplesConcealed: this.samplesConcealed, samplesRecoveredByFec: this.samplesRecoveredByFec };
  }

  /** Samples in the last packet decoded or concealed, as libopus reports it (OPUS_GET_LAST_PACKET_DURATION). */
  get lastPacketSamples(): number {
    return this.decoder.lastPacketDuration;
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
