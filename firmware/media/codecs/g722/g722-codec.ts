/**
 * G.722 as a registered descriptor. RFC 3551 §4.5.2: static payload type 9,
 * and "even though the actual sampling rate for G.722 audio is 16,000 Hz, the
 * RTP clock rate for the G722 payload format is 8,000 Hz because that value
 * was erroneously assigned in RFC 1890" — so the rtpmap says G722/8000, one
 * RTP tick per octet, while the PCM on either side is 16 kHz.
 *
 * Concealment is G.711 Appendix I's waveform substitution run at 16 kHz on
 * the decoder output. The ADPCM state is not re-synchronised after a loss
 * (G.722 Appendix III/IV do that); the backward-adaptive predictor converges
 * again within a few milliseconds, inside the merge overlap.
 */
import type { AudioCodecDescriptor, AudioDecoder, AudioEncoder, DecoderStats } from '../codec.js';
import { AppendixIConcealer } from '../plc/g711-appendix-i.js';
import { G722Decoder } from './g722-decoder.js';
import { G722Encoder } from './g722-encoder.js';

class G722AudioDecoder implements AudioDecoder {
  private readonly decoder = new G722Decoder();
  private readonly plc = new AppendixIConcealer(16000);
  private framesDecoded = 0;

  decode(payload: Uint8Array): Int16Array {
    this.framesDecoded++;
    return this.plc.good(this.decoder.decode(payload));
  }

  conceal(sampleCount: number): Int16Array {
    return this.plc.conceal(sampleCount);
  }

  reset(): void {
    this.decoder.reset();
    this.plc.reset();
  }

  get stats(): DecoderStats {
    return {
      framesDecoded: this.framesDecoded,
      samplesConcealed: this.plc.stats.concealedSamples,
      samplesRecoveredByFec: 0,
    };
  }
}

export const g722: AudioCodecDescriptor = {
  kind: 'audio',
  name: 'G722',
  clockRate: 8000,
  sampleRate: 16000,
  channels: 1,
  staticPayloadType: 9,
  frameDurationsMs: [20, 10, 30, 40, 60],
  createEncoder: (): AudioEncoder => new G722Encoder(),
  createDecoder: (): AudioDecoder => new G722AudioDecoder(),
};
