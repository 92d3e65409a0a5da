/**
 * WAV (RIFF WAVE, PCM, 16-bit little-endian) header building and parsing,
 * pure: bytes in, bytes out. Layout per the Microsoft RIFF/WAVE format:
 *
 *   "RIFF" <size of the rest: 4 + chunks> "WAVE"
 *   "fmt " 16  formatTag=1 (PCM)  channels  sampleRate  byteRate  blockAlign  bitsPerSample=16
 *   "data" <bytes> samples...
 *
 * Chunks other than fmt and data (LIST, fact, …) are skipped; chunk bodies
 * are padded to even length. A data size larger than the file (a writer
 * killed before it fixed the header, or 0xFFFFFFFF from a streaming tool)
 * is read as "to the end of the file".
 */

export const WAV_HEADER_BYTES = 44;

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export interface WavFormat {
  readonly sampleRate: number;
  readonly channels: number;
}

export interface ParsedWav {
  readonly format: WavFormat;
  /** Interleaved samples. */
  readonly samples: Int16Array;
  /** Byte offset of the first sample in the file. */
  readonly dataOffset: number;
  /** The data size the header declares (may differ from samples.length * 2 when the file was cut short). */
  readonly declaredDataBytes: number;
}

export class WavError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavError';
  }
}

/** The 44-byte header for `dataBytes` bytes of 16-bit PCM. */
export function buildWavHeader(format: WavFormat, dataBytes: number): Uint8Array {
  checkFormat(format);
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > 0xffffffff - 36) {
    throw new RangeError(`WAV data size ${dataBytes} does not fit a RIFF header`);
  }
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const v = new DataView(header.buffer);
  const blockAlign = format.channels * 2;
  writeTag(header, 0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  writeTag(header, 8, 'WAVE');
  writeTag(header, 12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, WAVE_FORMAT_PCM, true);
  v.setUint16(22, format.channels, true);
  v.setUint32(24, format.sampleRate, true);
  v.setUint32(28, format.sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, 16, true);
  writeTag(header, 36, 'data');
  v.setUint32(40, dataBytes, true);
  return header;
}

/** A complete WAV file: header and little-endian samples. */
export function encodeWav(format: WavFormat, samples: Int16Array): Uint8Array {
  if (samples.length % format.channels !== 0) {
    throw new RangeError(`${samples.length} samples is not a whole number of ${format.channels}-channel frames`);
  }
  const body = samplesToBytes(samples);
  const out = new Uint8Array(WAV_HEADER_BYTES + body.length);
  out.set(buildWavHeader(format, body.length), 0);
  out.set(body, WAV_HEADER_BYTES);
  return out;
}

/** Parses a 16-bit PCM WAV; `name` (a file path) prefixes every error. */
export function parseWav(bytes: Uint8Array, name = 'WAV'): ParsedWav {
  const fail = (why: string): never => {
    throw new WavError(`${name}: ${why}`);
  };
  if (bytes.length < 12 || readTag(bytes, 0) !== 'RIFF' || readTag(bytes, 8) !== 'WAVE') {
    fail('not a RIFF/WAVE file');
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = readTag(bytes, offset);
    const size = v.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) fail('fmt chunk is too short');
      const tag = v.getUint16(body, true);
      const channels = v.getUint16(body + 2, true);
      const sampleRate = v.getUint32(body + 4, true);
      const bits = v.getUint16(body + 14, true);
      if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_EXTENSIBLE) fail(`format tag ${tag} is not PCM`);
      if (tag === WAVE_FORMAT_EXTENSIBLE && !isExtensiblePcm(bytes, v, body, size)) fail('extensible format is not PCM');
      if (bits !== 16) fail(`${bits}-bit samples; only 16-bit PCM is supported`);
      if (channels < 1) fail('no channels');
      if (sampleRate < 1) fail('sample rate 0');
      format = { sampleRate, channels };
    } else if (id === 'data') {
      if (!format) fail('data chunk before fmt chunk');
      const fmt = format as WavFormat;
      const available = bytes.length - body;
      const blockAlign = fmt.channels * 2;
      const usable = Math.min(size, available);
      const whole = usable - (usable % blockAlign);
      return {
        format: fmt,
        samples: bytesToSamples(bytes.subarray(body, body + whole)),
        dataOffset: body,
        declaredDataBytes: size,
      };
    }
    offset = body + size + (size % 2);
  }
  return fail(format ? 'no data chunk' : 'no fmt chunk');
}

/** Little-endian 16-bit samples to bytes (independent of the host's byte order). */
export function samplesToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    out[2 * i] = s & 0xff;
    out[2 * i + 1] = (s >> 8) & 0xff;
  }
  return out;
}

/** Little-endian bytes to 16-bit samples; `bytes.length` must be even. */
export function bytesToSamples(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) throw new RangeError(`${bytes.length} bytes is not a whole number of 16-bit samples`);
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const u = (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
    out[i] = u >= 0x8000 ? u - 0x10000 : u;
  }
  return out;
}

function checkFormat(format: WavFormat): void {
  if (!Number.isInteger(format.sampleRate) || format.sampleRate < 1) throw new RangeError(`bad sample rate ${format.sampleRate}`);
  if (!Number.isInteger(format.channels) || format.channels < 1 || format.channels > 0xffff) {
    throw new RangeError(`bad channel count ${format.channels}`);
  }
}

/** WAVE_FORMAT_EXTENSIBLE: the SubFormat GUID's first two bytes are the real format tag. */
function isExtensiblePcm(bytes: Uint8Array, v: DataView, body: number, size: number): boolean {
  return size >= 40 && body + 26 <= bytes.length && v.getUint16(body + 24, true) === WAVE_FORMAT_PCM;
}

function writeTag(out: Uint8Array, at: number, tag: string): void {
  for (let i = 0; i < 4; i++) out[at + i] = tag.charCodeAt(i);
}

function readTag(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}
