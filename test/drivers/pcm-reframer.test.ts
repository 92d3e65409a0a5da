import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PeriodReframer } from '../../drivers/pcm/reframer.js';
import { samplesToBytes } from '../../drivers/pcm/wav.js';

/** A deterministic sample ramp that crosses zero and uses both bytes. */
function ramp(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => ((i * 977) % 65536) - 32768);
}

/** Splits bytes into chunks whose sizes cycle through `sizes`. */
function chunks(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

describe('PeriodReframer', () => {
  it('turns odd-sized byte chunks into exact periods with the samples in order', () => {
    const period = 160;
    const samples = ramp(period * 5 + 37);
    const reframer = new PeriodReframer(period);
    const periods: Int16Array[] = [];
    for (const c of chunks(samplesToBytes(samples), [1, 3, 7, 333, 2, 5, 1001, 11])) {
      periods.push(...reframer.pushBytes(c));
    }
    assert.equal(periods.length, 5);
    for (const p of periods) assert.equal(p.length, period);
    const joined = periods.flatMap((p) => [...p]);
    assert.deepEqual(joined, [...samples.subarray(0, period * 5)]);
    assert.equal(reframer.pendingSamples, 37);
  });

  it('holds half a sample across chunks and joins it with the next byte', () => {
    const reframer = new PeriodReframer(2);
    assert.deepEqual(reframer.pushBytes(Uint8Array.of(0x34)), []);
    assert.equal(reframer.hasPartialSample, true);
    const out = reframer.pushBytes(Uint8Array.of(0x12, 0xfe, 0xff));
    assert.deepEqual(out.map((p) => [...p]), [[0x1234, -2]]);
    assert.equal(reframer.hasPartialSample, false);
  });

  it('emits several periods from one large chunk, as independent arrays', () => {
    const reframer = new PeriodReframer(4);
    const out = reframer.pushSamples(ramp(12));
    assert.equal(out.length, 3);
    out[0]?.fill(0);
    assert.deepEqual([...(out[1] ?? [])], [...ramp(12).subarray(4, 8)], 'emptying one period does not touch the next');
  });

  it('re-frames sample chunks of any size', () => {
    const samples = ramp(1000);
    const reframer = new PeriodReframer(320);
    const out: number[] = [];
    let at = 0;
    for (const size of [1, 319, 2, 641, 37]) {
      for (const p of reframer.pushSamples(samples.subarray(at, at + size))) out.push(...p);
      at += size;
    }
    assert.deepEqual(out, [...samples.subarray(0, 960)]);
  });

  it('flushes a partial period padded with silence, then nothing', () => {
    const reframer = new PeriodReframer(4);
    reframer.pushSamples(Int16Array.of(9, 8));
    assert.deepEqual([...(reframer.flush() ?? [])], [9, 8, 0, 0]);
    assert.equal(reframer.flush(), undefined);
  });

  it('refuses a period that is not a positive integer', () => {
    assert.throws(() => new PeriodReframer(0), /period/);
    assert.throws(() => new PeriodReframer(1.5), /period/);
  });
});
