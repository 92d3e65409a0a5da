/**
 * PCMU and PCMA as registered descriptors: RFC 3551 §4.5.14 (static payload
 * types 0 and 8, 8000 Hz, one channel, 20 ms by default), the table-driven
 * G.711 of mulaw.ts and alaw.ts, and G.711 Appendix I concealment.
 */
import type { AudioCodecDescriptor, AudioDecoder, AudioEncoder, DecoderStats } from '../codec.js';
import { AppendixIConcealer } from '../plc/g711-appendix-i.js';
import { alawDecode, alawEncode } from './alaw.js';
import { mulawDecode, mulawEncode } from './mulaw.js';

type Law = { readonly encode: (s: Int16Array) => Uint8Array; readonly decode: (c: Uint8Array) => Int16Array };

const MULAW: Law = { encode: mulawEncode, decode: mulawDecode };
const ALAW: Law = { encode: alawEncode, decode: alawDecode };

class G711Encoder implements AudioEncoder {
  constructor(private readonly law: Law) {}
  encode(frame: Int16Array): Uint8Array {
    return this.law.encode(frame);
  }
  reset(): void {
    // Stateless: every sample is coded on its own.
  }
}

class G711Decoder implements AudioDecoder {
  private readonly plc = new AppendixIConcealer(8000);
  private framesDecoded = 0;

  constructor(private readonly law: Law) {}

  decode(payload: Uint8Array): Int16Array {
    this.framesDecoded++;
    return this.plc.good(this.law.decode(payload));
  }

  conceal(sampleCount: number): Int16Array {
    return this.plc.conceal(sampleCount);
  }

  reset(): void {
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

function g711Descriptor(name: 'PCMU' | 'PCMA', payloadType: number, law: Law): AudioCodecDescriptor {
  return {
    kind: 'audio',
    name,
    clockRate: 8000,
    sampleRate: 8000,
    channels: 1,
    staticPayloadType: payloadType,
    frameDurationsMs: [20, 10, 30, 40, 60],
    createEncoder: () => new G711Encoder(law),
    createDecoder: () => new G711Decoder(law),
  };
}

/** G.711 μ-law, RFC 3551 payload type 0. */
export const pcmu: AudioCodecDescriptor = g711Descriptor('PCMU', 0, MULAW);
/** G.711 A-law, RFC 3551 payload type 8. */
export const pcma: AudioCodecDescriptor = g711Descriptor('PCMA', 8, ALAW);
