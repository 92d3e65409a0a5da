/**
 * G.722 decoder, mode 1 (64 kbit/s): each octet gives one lower-band sample
 * from its 6-bit code (INVQBL, LIMIT) and one higher-band sample from its
 * 2-bit code (INVQAH, LIMIT), adapts both predictors exactly as the encoder
 * did, and the receive QMF turns the pair into two 16 kHz samples (§4, §6.3).
 */
import { adaptHighScale, adaptLowScale, adaptPredictor, highBand, lowBand } from './adpcm-band.js';
import { QmfSynthesis } from './qmf.js';
import { QM2, QM4, QM6 } from './tables.js';

/** LIMIT: the reconstructed band signals are 15-bit. */
function limit15(v: number): number {
  return v > 16383 ? 16383 : v < -16384 ? -16384 : v;
}

export class G722Decoder {
  private readonly qmf = new QmfSynthesis();
  private readonly low = lowBand();
  private readonly high = highBand();

  /** Decodes octets into twice as many 16 kHz samples. */
  decode(octets: Uint8Array): Int16Array {
    const out = new Int16Array(octets.length * 2);
    const low = this.low;
    const high = this.high;
    for (let j = 0; j < octets.length; j++) {
      const octet = octets[j] ?? 0;
      const il = octet & 0x3f;
      const ih = octet >> 6;

      // Lower band: the 6-bit level for the output, the 4-bit level for the predictor.
      const rl = limit15(low.s + ((low.det * (QM6[il] ?? 0)) >> 15));
      const code4 = il >> 2;
      const dl = ((low.det * (QM4[code4] ?? 0)) >> 15) << 16 >> 16;
      adaptLowScale(low, code4);
      adaptPredictor(low, dl);

      // Higher band.
      const dh = ((high.det * (QM2[ih] ?? 0)) >> 15) << 16 >> 16;
      const rh = limit15(high.s + dh);
      adaptHighScale(high, ih);
      adaptPredictor(high, dh);

      const [a, b] = this.qmf.join(rl, rh);
      out[2 * j] = a;
      out[2 * j + 1] = b;
    }
    return out;
  }

  reset(): void {
    this.qmf.reset();
    this.low.reset();
    this.high.reset();
  }
}
