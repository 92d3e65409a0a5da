// Minimal RIFF/WAVE (PCM, 16-bit) writer and reader for the bench: the
// tone a peer phone plays and the recordings baresip's sndfile module makes.
// Layout per the "WAVE PCM soundfile format": RIFF header, "fmt " chunk
// (format 1 = PCM), "data" chunk of little-endian signed 16-bit samples.

export interface Pcm16 {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved samples. */
  readonly samples: Int16Array;
}

export function encodeWav(pcm: Pcm16): Buffer {
  const dataBytes = pcm.samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(pcm.channels, 22);
  out.writeUInt32LE(pcm.sampleRate, 24);
  out.writeUInt32LE(pcm.sampleRate * pcm.channels * 2, 28); // byte rate
  out.writeUInt16LE(pcm.channels * 2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  pcm.samples.forEach((s, i) => out.writeInt16LE(s, 44 + i * 2));
  return out;
}

export function decodeWav(file: Buffer): Pcm16 {
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; tag: number } | undefined;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const declared = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        tag: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bits: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (format === undefined) throw new Error('WAVE data before fmt chunk');
      if (format.tag !== 1 || format.bits !== 16) {
        throw new Error(`unsupported WAVE format ${format.tag}/${format.bits} bit`);
      }
      // A recorder killed mid-call may leave the size unpatched: trust the file.
      const end = declared === 0 || body + declared > file.length ? file.length : body + declared;
      const count = Math.floor((end - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = file.readInt16LE(body + i * 2);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    offset = body + declared + (declared % 2);
  }
  throw new Error('WAVE file without data chunk');
}

/** A sine tone, mono, full-scale × amplitude (0..1). */
export function sineTone(hz: number, seconds: number, sampleRate = 48_000, amplitude = 0.5): Pcm16 {
  const count = Math.round(seconds * sampleRate);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    samples[i] = Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * amplitude * 32767);
  }
  return { sampleRate, channels: 1, samples };
}

/** RMS of the first channel, relative to full scale (0..1). */
export function rms(pcm: Pcm16): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < pcm.samples.length; i += pcm.channels) {
    const v = (pcm.samples[i] ?? 0) / 32768;
    sum += v * v;
    n++;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/**
 * Frequency of a single dominant tone from its zero crossings (two per
 * period) over the first channel, counting only 20 ms blocks louder than
 * `floor` RMS, so leading silence and dropouts do not drag it down. Good
 * enough to tell 440 Hz from 1 kHz through G.711; not a spectrum analyser.
 */
export function dominantFrequency(pcm: Pcm16, floor = 0.02): number {
  const block = Math.max(1, Math.round(pcm.sampleRate / 50));
  const frames = Math.floor(pcm.samples.length / pcm.channels);
  let crossings = 0;
  let activeFrames = 0;
  let previous = 0; // carried across blocks so boundary crossings count
  for (let start = 0; start + block <= frames; start += block) {
    let energy = 0;
    let blockCrossings = 0;
    for (let f = start; f < start + block; f++) {
      const v = pcm.samples[f * pcm.channels] ?? 0;
      energy += (v / 32768) ** 2;
      if (v !== 0) {
        if (previous !== 0 && Math.sign(v) !== Math.sign(previous)) blockCrossings++;
        previous = v;
      }
    }
    if (Math.sqrt(energy / block) < floor) continue;
    crossings += blockCrossings;
    activeFrames += block;
  }
  return activeFrames === 0 ? 0 : crossings / 2 / (activeFrames / pcm.sampleRate);
}
