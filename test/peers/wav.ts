// WAV files for the bench — the tone a peer phone plays and the recordings
// baresip's sndfile module makes — through the phone's own WAV code
// (drivers/pcm/wav.ts), plus the measurements the bench tests make on them.
import { bytesToSamples, encodeWav as encodeWavFile, parseWav } from '../../drivers/pcm/wav.js';

export interface Pcm16 {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved samples. */
  readonly samples: Int16Array;
}

export function encodeWav(pcm: Pcm16): Buffer {
  return Buffer.from(encodeWavFile({ sampleRate: pcm.sampleRate, channels: pcm.channels }, pcm.samples));
}

export function decodeWav(file: Buffer): Pcm16 {
  const wav = parseWav(file);
  // A recorder killed mid-call may leave the data size unpatched (0): trust the file then.
  const samples =
    wav.declaredDataBytes === 0 && file.length > wav.dataOffset
      ? bytesToSamples(file.subarray(wav.dataOffset, file.length - ((file.length - wav.dataOffset) % (2 * wav.format.channels))))
      : wav.samples;
  return { sampleRate: wav.format.sampleRate, channels: wav.format.channels, samples };
}

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
