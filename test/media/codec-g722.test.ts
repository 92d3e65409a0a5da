import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { G722Encoder } from '../../firmware/media/codecs/g722/g722-encoder.js';
import { G722Decoder } from '../../firmware/media/codecs/g722/g722-decoder.js';
import { g722 } from '../../firmware/media/codecs/g722/g722-codec.js';
import { samplesPerFrame, timestampUnitsPerFrame } from '../../firmware/media/codecs/codec.js';
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';

/**
 * The reference: spandsp's G.722 (libspandsp-dev), driven by a tiny C program
 * built at test time. It encodes the input at 64 kbit/s and decodes its own
 * octets, so our encoder is checked against its octets and our decoder
 * against its samples.
 */
const REFERENCE_C = `
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <spandsp.h>
int main(int argc, char **argv) {
  if (argc != 4) return 1;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long n = ftell(f) / 2;
  fseek(f, 0, SEEK_SET);
  int16_t *in = malloc(n * sizeof(int16_t));
  uint8_t *codes = malloc(n);
  int16_t *out = malloc(n * 2 * sizeof(int16_t));
  if (fread(in, sizeof(int16_t), n, f) != (size_t) n) return 3;
  fclose(f);
  g722_encode_state_t *enc = g722_encode_init(NULL, 64000, 0);
  int ncodes = g722_encode(enc, codes, in, (int) n);
  g722_decode_state_t *dec = g722_decode_init(NULL, 64000, 0);
  int nout = g722_decode(dec, out, codes, ncodes);
  f = fopen(argv[2], "wb"); fwrite(codes, 1, ncodes, f); fclose(f);
  f = fopen(argv[3], "wb"); fwrite(out, sizeof(int16_t), nout, f); fclose(f);
  return 0;
}
`;

/** 0.75 s at 16 kHz: a sweep across both sub-bands, a 5.5 kHz tone, pseudo-random noise and silence. */
function referenceInput(): Int16Array {
  const n = 12000;
  const x = new Int16Array(n);
  let seed = 0x1234;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const noise = ((seed >>> 16) & 0x7fff) - 16384;
    const t = i / 16000;
    const sweep = 9000 * Math.sin(2 * Math.PI * (200 + 5000 * t) * t);
    const high = 4000 * Math.sin(2 * Math.PI * 5500 * t);
    const v = i >= 9000 && i < 9600 ? 0 : sweep + high + (i > 6000 ? 0.3 : 0.03) * noise;
    x[i] = Math.round(v);
  }
  return x;
}

function sine(n: number, hz: number, amplitude: number, rate = 16000): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));
}

describe('G.722 against spandsp (bit-exact)', () => {
  let dir = '';
  const input = referenceInput();
  let refCodes = new Uint8Array(0);
  let refDecoded = new Int16Array(0);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'g722-ref-'));
    writeFileSync(join(dir, 'ref.c'), REFERENCE_C);
    execFileSync('gcc', ['-O1', '-o', join(dir, 'ref'), join(dir, 'ref.c'), '-lspandsp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    writeFileSync(join(dir, 'in.raw'), Buffer.from(input.buffer));
    execFileSync(join(dir, 'ref'), [join(dir, 'in.raw'), join(dir, 'codes'), join(dir, 'decoded')]);
    refCodes = new Uint8Array(readFileSync(join(dir, 'codes')));
    const d = readFileSync(join(dir, 'decoded'));
    refDecoded = new Int16Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length));
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('encodes to the same octets as spandsp', () => {
    assert.equal(refCodes.length, input.length / 2);
    const ours = new G722Encoder().encode(input);
    const first = ours.findIndex((v, i) => v !== refCodes[i]);
    assert.equal(first, -1, `first differing octet at ${first}`);
  });

  it('decodes spandsp octets to the same samples as spandsp', () => {
    assert.equal(refDecoded.length, input.length);
    const ours = new G722Decoder().decode(refCodes);
    const first = ours.findIndex((v, i) => v !== refDecoded[i]);
    assert.equal(first, -1, `first differing sample at ${first}`);
  });

  it('gives the same octets frame by frame as in one call (state carries across frames)', () => {
    const enc = new G722Encoder();
    const parts: number[] = [];
    for (let i = 0; i < input.length; i += 320) parts.push(...enc.encode(input.subarray(i, i + 320)));
    assert.deepEqual(Uint8Array.from(parts), refCodes);
  });
});

describe('G.722 codec', () => {
  it('passes a 1 kHz tone (lower band) at its frequency and level', () => {
    const x = sine(3200, 1000, 10000);
    const y = new G722Decoder().decode(new G722Encoder().encode(x));
    // Skip the QMF/ADPCM start-up, compare the last 100 ms.
    const tail = y.subarray(1600);
    const expected = goertzelPower(x.subarray(1600), 1000, 16000);
    const got = goertzelPower(tail, 1000, 16000);
    assert.ok(Math.abs(10 * Math.log10(got / expected)) < 0.5, `level off by ${10 * Math.log10(got / expected)} dB`);
    assert.ok(goertzelPower(tail, 2000, 16000) < expected / 1000, 'no energy at 2 kHz');
  });

  it('passes a 6 kHz tone (higher band) that G.711 could not carry', () => {
    const x = sine(3200, 6000, 6000);
    const y = new G722Decoder().decode(new G722Encoder().encode(x));
    const tail = y.subarray(1600);
    const expected = goertzelPower(x.subarray(1600), 6000, 16000);
    assert.ok(goertzelPower(tail, 6000, 16000) > expected / 2, '6 kHz survives within 3 dB');
  });

  it('reconstructs speech-band signals with a good SNR (delay-compensated)', () => {
    const x = Int16Array.from({ length: 8000 }, (_, i) =>
      Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 3000 * Math.sin((2 * Math.PI * 1700 * i) / 16000)),
    );
    const y = new G722Decoder().decode(new G722Encoder().encode(x));
    // The two 24-tap QMFs delay the signal by 23 samples.
    let best = -Infinity;
    for (let delay = 20; delay <= 26; delay++) {
      let sig = 0;
      let err = 0;
      for (let i = 2000; i < 8000; i++) {
        const ref = x[i - delay] ?? 0;
        sig += ref * ref;
        err += ((y[i] ?? 0) - ref) ** 2;
      }
      best = Math.max(best, 10 * Math.log10(sig / err));
    }
    assert.ok(best > 25, `SNR ${best.toFixed(1)} dB`);
  });

  it('is registered with the RFC 3551 §4.5.2 clock-rate quirk: G722/8000, 16 kHz audio, PT 9', () => {
    assert.equal(g722.clockRate, 8000);
    assert.equal(g722.sampleRate, 16000);
    assert.equal(g722.staticPayloadType, 9);
    assert.equal(samplesPerFrame(g722, 20), 320);
    assert.equal(timestampUnitsPerFrame(g722, 20), 160);
    const payload = g722.createEncoder().encode(new Int16Array(320));
    assert.equal(payload.length, 160, 'one octet per RTP tick');
    assert.throws(() => g722.createEncoder().encode(new Int16Array(3)), RangeError);
  });

  it('conceals a lost frame from the decoded history and counts it', () => {
    const enc = g722.createEncoder();
    const dec = g722.createDecoder();
    const tone = sine(3200, 200, 8000);
    for (let f = 0; f < 10; f++) dec.decode(enc.encode(tone.subarray(f * 320, f * 320 + 320)));
    const c = dec.conceal(320);
    assert.equal(c.length, 320);
    assert.ok(goertzelPower(c.subarray(0, 160), 200, 16000) > 0.01, 'concealment carries on the 200 Hz tone');
    assert.deepEqual(dec.stats, { framesDecoded: 10, samplesConcealed: 320, samplesRecoveredByFec: 0 });
  });
});
