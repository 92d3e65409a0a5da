/**
 * G.722 encoder, mode 1 (64 kbit/s): for every two 16 kHz input samples,
 * one octet whose top two bits are the higher-band code IH and whose low six
 * bits are the lower-band code IL (§1.3, Figure 2). The octet order is what
 * RFC 3551 §4.5.2 puts on the wire: one octet per 8 kHz RTP tick.
 */
import { adaptHighScale, adaptLowScale, adaptPredictor, highBand, lowBand, sat16, type BandState } from './adpcm-band.js';
import { QmfAnalysis } from './qmf.js';
import { Q2_DECISION, Q6_DECISION, QM2, QM4, lowCodeNegative, lowCodePositive } from './tables.js';

/** SUBTRA + QUANTL + INVQAL + adaptation (§6.2.1): codes one lower-band sample. */
export function encodeLowSample(band: BandState, xl: number): number {
  const el = sat16(xl - band.s);
  // The quantizer works on the magnitude of the one's complement for negatives.
  const magnitude = el >= 0 ? el : -(el + 1);
  let m = 1;
  while (m < 30 && magnitude >= ((Q6_DECISION[m] ?? 0) * band.det) >> 12) m++;
  const code = el < 0 ? lowCodeNegative(m) : lowCodePositive(m);
  const code4 = code >> 2;
  const dl = ((band.det * (QM4[code4] ?? 0)) >> 15) << 16 >> 16;
  adaptLowScale(band, code4);
  adaptPredictor(band, dl);
  return code;
}

/** SUBTRA + QUANTH + INVQAH + adaptation (§6.2.2): codes one higher-band sample. */
export function encodeHighSample(band: BandState, xh: number): number {
  const eh = sat16(xh - band.s);
  const magnitude = eh >= 0 ? eh : -(eh + 1);
  const outer = magnitude >= (Q2_DECISION * band.det) >> 12;
  const code = eh < 0 ? (outer ? 0 : 1) : outer ? 2 : 3;
  const dh = ((band.det * (QM2[code] ?? 0)) >> 15) << 16 >> 16;
  adaptHighScale(band, code);
  adaptPredictor(band, dh);
  return code;
}

export class G722Encoder {
  private readonly qmf = new QmfAnalysis();
  private readonly low = lowBand();
  private readonly high = highBand();

  /** Encodes an even number of 16 kHz samples into half as many octets. */
  encode(samples: Int16Array): Uint8Array {
    if (samples.length % 2 !== 0) throw new RangeError(`G.722 codes samples in pairs, got ${samples.length}`);
    const out = new Uint8Array(samples.length / 2);
    for (let j = 0; j < out.length; j++) {
      const [xl, xh] = this.qmf.split(samples[2 * j] ?? 0, samples[2 * j + 1] ?? 0);
      const il = encodeLowSample(this.low, xl);
      const ih = encodeHighSample(this.high, xh);
      out[j] = (ih << 6) | il;
    }
    return out;
  }

  reset(): void {
    this.qmf.reset();
    this.low.reset();
    this.high.reset();
  }
}
