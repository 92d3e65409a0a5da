/**
 * G.722's 24-tap quadrature mirror filter pair (§3.1 transmit, §4.4 receive):
 * splits 16 kHz audio into a 0–4 kHz and a 4–8 kHz band, each at 8 kHz, and
 * puts them back together.
 *
 * Transmit: xA = Σ h(2i)·xin(j−2i), xB = Σ h(2i+1)·xin(j−2i−1) (i = 0 … 11),
 *           xL = xA + xB, xH = xA − xB, once per pair of input samples.
 * Receive:  xd = rL − rH, xs = rL + rH,
 *           xout(j) = 2·Σ h(2i)·xd(i), xout(j+1) = 2·Σ h(2i+1)·xs(i).
 * The coefficients carry a gain of 2^12 each way; the shifts below remove it
 * and convert between the 16-bit PCM the phone uses and the 15-bit signal the
 * ADPCM coders work on.
 */
import { sat16 } from './adpcm-band.js';
import { QMF_COEFFS } from './tables.js';

const H = QMF_COEFFS;

export class QmfAnalysis {
  /** xin(j − k) at index k: the 24 most recent input samples, newest first. */
  private readonly x = new Int32Array(24);

  /** Takes two input samples (older first); returns [xL, xH]. */
  split(older: number, newer: number): [number, number] {
    const x = this.x;
    x.copyWithin(2, 0, 22);
    x[1] = older;
    x[0] = newer;
    let xa = 0;
    let xb = 0;
    for (let i = 0; i < 24; i += 2) {
      xa += (H[i] ?? 0) * (x[i] ?? 0);
      xb += (H[i + 1] ?? 0) * (x[i + 1] ?? 0);
    }
    // 2^12 filter gain, ×2 for the sum of two filters, ×2 for 16-bit → 15-bit.
    return [((xa + xb) >> 14) << 16 >> 16, ((xa - xb) >> 14) << 16 >> 16];
  }

  reset(): void {
    this.x.fill(0);
  }
}

export class QmfSynthesis {
  /** xd(j − k) and xs(j − k) at index k, newest first. */
  private readonly xd = new Int32Array(12);
  private readonly xs = new Int32Array(12);

  /** Takes one lower- and one higher-band sample; returns two output samples (older first). */
  join(rl: number, rh: number): [number, number] {
    this.xd.copyWithin(1, 0, 11);
    this.xs.copyWithin(1, 0, 11);
    this.xd[0] = sat16(rl - rh);
    this.xs[0] = sat16(rl + rh);
    let out1 = 0;
    let out2 = 0;
    for (let i = 0; i < 12; i++) {
      out1 += (H[2 * i] ?? 0) * (this.xd[i] ?? 0);
      out2 += (H[2 * i + 1] ?? 0) * (this.xs[i] ?? 0);
    }
    // ×2 of the spec, ÷2^12 filter gain, ×2 for 15-bit → 16-bit: >> 11.
    return [sat16(out1 >> 11), sat16(out2 >> 11)];
  }

  reset(): void {
    this.xd.fill(0);
    this.xs.fill(0);
  }
}
