import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildWavHeader, bytesToSamples, encodeWav, parseWav, samplesToBytes, WAV_HEADER_BYTES } from '../../drivers/pcm/wav.js';

function ascii(bytes: Uint8Array, from: number): string {
  return String.fromCharCode(...bytes.subarray(from, from + 4));
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

function u16(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint16(at, true);
}

/** A chunk: 4-char id, little-endian size, body, pad byte when the body is odd. */
function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length % 2));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('WAV header', () => {
  it('lays out RIFF/WAVE, a 16-byte PCM fmt chunk and the data size', () => {
    const h = buildWavHeader({ sampleRate: 16000, channels: 2 }, 6400);
    assert.equal(h.length, WAV_HEADER_BYTES);
    assert.equal(ascii(h, 0), 'RIFF');
    assert.equal(u32(h, 4), 36 + 6400);
    assert.equal(ascii(h, 8), 'WAVE');
    assert.equal(ascii(h, 12), 'fmt ');
    assert.equal(u32(h, 16), 16);
    assert.equal(u16(h, 20), 1); // PCM
    assert.equal(u16(h, 22), 2);
    assert.equal(u32(h, 24), 16000);
    assert.equal(u32(h, 28), 64000); // byte rate
    assert.equal(u16(h, 32), 4); // block align
    assert.equal(u16(h, 34), 16);
    assert.equal(ascii(h, 36), 'data');
    assert.equal(u32(h, 40), 6400);
  });

  it('stores samples little-endian regardless of the host', () => {
    assert.deepEqual([...samplesToBytes(Int16Array.of(1, -2, 0x1234, -32768))], [0x01, 0x00, 0xfe, 0xff, 0x34, 0x12, 0x00, 0x80]);
    assert.deepEqual([...bytesToSamples(Uint8Array.of(0xfe, 0xff, 0xff, 0x7f))], [-2, 32767]);
  });
});

describe('WAV parse', () => {
  it('round-trips samples and format', () => {
    const samples = Int16Array.from({ length: 480 }, (_, i) => ((i * 2731) % 65536) - 32768);
    const parsed = parseWav(encodeWav({ sampleRate: 8000, channels: 2 }, samples));
    assert.deepEqual(parsed.format, { sampleRate: 8000, channels: 2 });
    assert.deepEqual([...parsed.samples], [...samples]);
    assert.equal(parsed.dataOffset, 44);
    assert.equal(parsed.declaredDataBytes, 960);
  });

  it('skips other chunks, honours odd-size padding, and accepts WAVE_FORMAT_EXTENSIBLE PCM', () => {
    const fmt = new Uint8Array(40);
    const v = new DataView(fmt.buffer);
    v.setUint16(0, 0xfffe, true);
    v.setUint16(2, 1, true);
    v.setUint32(4, 48000, true);
    v.setUint32(8, 96000, true);
    v.setUint16(12, 2, true);
    v.setUint16(14, 16, true);
    v.setUint16(16, 22, true);
    v.setUint16(24, 1, true); // SubFormat GUID starts with the PCM tag
    const body = concat(
      Uint8Array.from([..."WAVE"].map((c) => c.charCodeAt(0))),
      chunk('LIST', Uint8Array.of(1, 2, 3)), // odd: one pad byte follows
      chunk('fmt ', fmt),
      chunk('data', samplesToBytes(Int16Array.of(5, -6, 7))),
    );
    const file = concat(Uint8Array.from([..."RIFF"].map((c) => c.charCodeAt(0))), new Uint8Array(4), body);
    new DataView(file.buffer).setUint32(4, body.length, true);
    const parsed = parseWav(file);
    assert.deepEqual(parsed.format, { sampleRate: 48000, channels: 1 });
    assert.deepEqual([...parsed.samples], [5, -6, 7]);
  });

  it('reads a data size larger than the file (writer killed mid-stream) as "to the end"', () => {
    const file = encodeWav({ sampleRate: 8000, channels: 1 }, Int16Array.of(1, 2, 3, 4));
    new DataView(file.buffer).setUint32(40, 0xffffffff, true);
    const parsed = parseWav(file.subarray(0, file.length - 1)); // and cut in the middle of a sample
    assert.deepEqual([...parsed.samples], [1, 2, 3]);
    assert.equal(parsed.declaredDataBytes, 0xffffffff);
  });

  it('names the file in its errors', () => {
    assert.throws(() => parseWav(new Uint8Array(10), 'in.wav'), /^WavError: in\.wav: not a RIFF\/WAVE file$/);
    const eightBit = encodeWav({ sampleRate: 8000, channels: 1 }, new Int16Array(2));
    new DataView(eightBit.buffer).setUint16(34, 8, true);
    assert.throws(() => parseWav(eightBit, 'u8.wav'), /u8\.wav: 8-bit samples/);
    const noData = encodeWav({ sampleRate: 8000, channels: 1 }, new Int16Array(0)).subarray(0, 36);
    assert.throws(() => parseWav(noData, 'x.wav'), /x\.wav: no data chunk/);
  });
});
