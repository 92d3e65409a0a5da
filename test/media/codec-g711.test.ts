import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alawDecodeSample, alawEncode, alawEncodeSample, alawDecode } from '../../firmware/media/codecs/g711/alaw.js';
import { mulawDecodeSample, mulawEncode, mulawEncodeSample, mulawDecode } from '../../firmware/media/codecs/g711/mulaw.js';
import { pcma, pcmu } from '../../firmware/media/codecs/g711/g711-codec.js';

/**
 * G.711 Table 2a (μ-law), stated independently of the implementation: the
 * complemented code's segment s and step q reconstruct to ((2q + 33)·2^s − 33)
 * in 14-bit units, i.e. ×4 on the 16-bit scale; bit 7 set means negative.
 */
function ituMulaw(code: number): number {
  const c = ~code & 0xff;
  const s = (c >> 4) & 7;
  const q = c & 15;
  const v = ((2 * q + 33) * 2 ** s - 33) * 4;
  return c & 0x80 ? 0 - v : v;
}

/**
 * G.711 Table 1a (A-law): code XOR 0x55, segment 0 reconstructs to 2q + 1,
 * segment s ≥ 1 to (2q + 33)·2^(s−1), in 13-bit units, ×8 on the 16-bit
 * scale; bit 7 set means positive.
 */
function ituAlaw(code: number): number {
  const c = code ^ 0x55;
  const s = (c >> 4) & 7;
  const q = c & 15;
  const v = (s === 0 ? 2 * q + 1 : (2 * q + 33) * 2 ** (s - 1)) * 8;
  return c & 0x80 ? v : 0 - v;
}

describe('G.711 μ-law (PCMU)', () => {
  it('codes the classic reference values (Sun g711.c linear2ulaw)', () => {
    const cases: [number, number][] = [
      [0, 0xff],
      [3, 0xff],
      [4, 0xfe],
      [8, 0xfe],
      [-1, 0x7f],
      [-8, 0x7e],
      [1000, 0xce],
      [-1000, 0x4e],
      [32767, 0x80],
      [-32768, 0x00],
      [32124, 0x80],
    ];
    for (const [x, code] of cases) assert.equal(mulawEncodeSample(x), code, `μ-law(${x})`);
  });

  it('decodes known codes to the G.711 table values (16-bit scale)', () => {
    const cases: [number, number][] = [
      [0x00, -32124],
      [0x80, 32124],
      [0xff, 0],
      [0x7f, 0],
      [0xfe, 8],
      [0x7e, -8],
      [0xce, 988],
      [0x0f, -16764],
    ];
    for (const [code, v] of cases) assert.equal(mulawDecodeSample(code), v, `code 0x${code.toString(16)}`);
  });

  it('decodes every one of the 256 codes to the Table 2a value, and re-encodes it to itself', () => {
    for (let code = 0; code < 256; code++) {
      const v = mulawDecodeSample(code);
      assert.equal(v, ituMulaw(code), `code 0x${code.toString(16)}`);
      // 0x7F is "negative zero": it decodes to 0, which codes as positive zero.
      assert.equal(mulawEncodeSample(v), code === 0x7f ? 0xff : code, `re-encode 0x${code.toString(16)}`);
    }
  });

  it('puts every 16-bit input inside the Table 2a decision interval of its code', () => {
    // Decision values lie midway between levels: a level L of segment s covers
    // L ± 2^s in 14-bit units; magnitudes beyond the top level clip to it.
    for (let x = -32768; x < 32768; x++) {
      const code = mulawEncodeSample(x);
      assert.equal(code & 0x80 ? x >= 0 : x < 0, true, `sign of ${x}`);
      const c = ~code & 0xff;
      const half = 2 ** ((c >> 4) & 7) * 4;
      const level = Math.abs(ituMulaw(code));
      const m = Math.abs(x);
      const top = (c & 0x7f) === 0x7f;
      assert.ok(m >= level - half && (m < level + half || top), `μ-law(${x}) → 0x${code.toString(16)}`);
    }
  });
});

describe('G.711 A-law (PCMA)', () => {
  it('codes the classic reference values (Sun g711.c linear2alaw)', () => {
    const cases: [number, number][] = [
      [0, 0xd5],
      [7, 0xd5],
      [16, 0xd4],
      [-1, 0x55],
      [-16, 0x55],
      [-17, 0x54],
      [1000, 0xfa],
      [-1000, 0x7a],
      [32767, 0xaa],
      [-32768, 0x2a],
    ];
    for (const [x, code] of cases) assert.equal(alawEncodeSample(x), code, `A-law(${x})`);
  });

  it('decodes known codes to the G.711 table values (16-bit scale)', () => {
    const cases: [number, number][] = [
      [0xd5, 8],
      [0x55, -8],
      [0xaa, 32256],
      [0x2a, -32256],
      [0xfa, 1008],
    ];
    for (const [code, v] of cases) assert.equal(alawDecodeSample(code), v, `code 0x${code.toString(16)}`);
  });

  it('decodes every one of the 256 codes to the Table 1a value, and re-encodes it to itself', () => {
    for (let code = 0; code < 256; code++) {
      const v = alawDecodeSample(code);
      assert.equal(v, ituAlaw(code), `code 0x${code.toString(16)}`);
      assert.equal(alawEncodeSample(v), code, `re-encode 0x${code.toString(16)}`);
    }
  });

  it('puts every 16-bit input inside the Table 1a decision interval of its code', () => {
    // A-law has no zero level: negatives fold by one's complement (−x − 1),
    // and a level of segment s ≥ 1 covers ±2^(s−1) around it in 13-bit units
    // (segment 0: ±1), which is ×8 on the 16-bit scale.
    for (let x = -32768; x < 32768; x++) {
      const code = alawEncodeSample(x);
      assert.equal(code & 0x80 ? x >= 0 : x < 0, true, `sign of ${x}`);
      const s = ((code ^ 0x55) >> 4) & 7;
      const half = (s === 0 ? 1 : 2 ** (s - 1)) * 8;
      const level = Math.abs(ituAlaw(code));
      const m = x < 0 ? -x - 1 : x;
      assert.ok(m >= level - half && m < level + half, `A-law(${x}) → 0x${code.toString(16)}`);
    }
  });
});

describe('G.711 against sox', () => {
  let dir = '';
  const all = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) all[i] = i - 32768;
  const sox = (args: string[]): void => {
    execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const read = (name: string): Buffer => readFileSync(join(dir, name));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'g711-sox-'));
    writeFileSync(join(dir, 'all.raw'), Buffer.from(all.buffer));
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    writeFileSync(join(dir, 'codes.raw'), codes);
    // -D: no dither, which sox otherwise adds when it reduces the sample size.
    sox(['-D', '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', join(dir, 'all.raw'), '-t', 'raw', '-e', 'mu-law', join(dir, 'all.ulaw')]);
    sox(['-D', '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', join(dir, 'all.raw'), '-t', 'raw', '-e', 'a-law', join(dir, 'all.alaw')]);
    sox(['-D', '-t', 'raw', '-r', '8000', '-e', 'mu-law', '-b', '8', '-c', '1', join(dir, 'codes.raw'), '-t', 'raw', '-e', 'signed', '-b', '16', join(dir, 'codes-ulaw.s16')]);
    sox(['-D', '-t', 'raw', '-r', '8000', '-e', 'a-law', '-b', '8', '-c', '1', join(dir, 'codes.raw'), '-t', 'raw', '-e', 'signed', '-b', '16', join(dir, 'codes-alaw.s16')]);
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const s16 = (b: Buffer): Int16Array => new Int16Array(b.buffer, b.byteOffset, b.length / 2);

  it('decodes all 256 codes exactly as sox does', () => {
    assert.deepEqual(mulawDecode(Uint8Array.from({ length: 256 }, (_, i) => i)), s16(read('codes-ulaw.s16')));
    assert.deepEqual(alawDecode(Uint8Array.from({ length: 256 }, (_, i) => i)), s16(read('codes-alaw.s16')));
  });

  it('encodes every 14-bit (μ-law) and 13-bit (A-law) input exactly as sox does', () => {
    // G.711 is defined on 14-bit (μ) and 13-bit (A) PCM; sox first rounds
    // 16-bit input to that width, this codec quantises the 16-bit value
    // directly, so on the exact grid the two must agree bit for bit.
    const soxU = read('all.ulaw');
    const soxA = read('all.alaw');
    const ours = mulawEncode(all);
    const oursA = alawEncode(all);
    let checkedU = 0;
    let checkedA = 0;
    for (let i = 0; i < 65536; i++) {
      const x = i - 32768;
      if (x % 4 === 0 && x <= 32764) {
        assert.equal(ours[i], soxU[i], `μ-law(${x})`);
        checkedU++;
      }
      if (x % 8 === 0) {
        assert.equal(oursA[i], soxA[i], `A-law(${x})`);
        checkedA++;
      }
    }
    assert.equal(checkedU, 16384);
    assert.equal(checkedA, 8192);
  });

  it('differs from sox off the grid only where sox rounded to the neighbouring level', () => {
    // Off the 14/13-bit grid sox rounds first and may land one level away;
    // it must never be further than that.
    const soxU = read('all.ulaw');
    const soxA = read('all.alaw');
    const ours = mulawEncode(all);
    const oursA = alawEncode(all);
    const rank = (decode: (c: number) => number): ((c: number) => number) => {
      const levels = [...new Set(Array.from({ length: 256 }, (_, c) => decode(c)))].sort((a, b) => a - b);
      return (c) => levels.indexOf(decode(c));
    };
    const rankU = rank(mulawDecodeSample);
    const rankA = rank(alawDecodeSample);
    let differ = 0;
    for (let i = 0; i < 65536; i++) {
      const [u, su, a, sa] = [ours[i] ?? 0, soxU[i] ?? 0, oursA[i] ?? 0, soxA[i] ?? 0];
      if (u !== su) {
        differ++;
        assert.ok(Math.abs(rankU(u) - rankU(su)) <= 1, `μ-law ${i - 32768}`);
      }
      if (a !== sa) {
        differ++;
        assert.ok(Math.abs(rankA(a) - rankA(sa)) <= 1, `A-law ${i - 32768}`);
      }
    }
    assert.ok(differ < 65536 / 16, `${differ} differences`);
  });
});

describe('PCMU / PCMA descriptors', () => {
  it('round-trip a 20 ms frame through encoder and decoder', () => {
    for (const codec of [pcmu, pcma]) {
      const frame = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
      const payload = codec.createEncoder().encode(frame);
      assert.equal(payload.length, 160);
      const decoded = codec.createDecoder().decode(payload);
      assert.equal(decoded.length, 160);
      for (let i = 0; i < 160; i++) {
        // Segment step at |x| ≤ 8000 is at most 256 (μ) / 512 (A): half of it is the worst error.
        assert.ok(Math.abs((decoded[i] ?? 0) - (frame[i] ?? 0)) <= 256, `${codec.name} sample ${i}`);
      }
    }
  });

  it('conceal a lost frame with audio, and count it', () => {
    const dec = pcmu.createDecoder();
    const enc = pcmu.createEncoder();
    for (let f = 0; f < 5; f++) {
      const frame = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 200 * (f * 160 + i)) / 8000)));
      dec.decode(enc.encode(frame));
    }
    const concealed = dec.conceal(160);
    assert.equal(concealed.length, 160);
    assert.ok(concealed.some((v) => Math.abs(v) > 4000), 'concealment continues the tone');
    assert.deepEqual(dec.stats, { framesDecoded: 5, samplesConcealed: 160, samplesRecoveredByFec: 0 });
  });
});
