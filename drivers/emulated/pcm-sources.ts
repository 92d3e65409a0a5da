/**
 * Where an emulated capture device's samples come from: a WAV file, a
 * generated tone, or silence. Each source hands out exactly the frames asked
 * for, interleaved in the capture's channel count.
 */
import { readFile } from 'node:fs/promises';
import type { PcmFormat } from '../bus/pcm.js';
import { parseWav } from '../pcm/wav.js';
import { ToneGenerator } from '../pcm/tone.js';
import type { AudioInSpec, WavEndBehaviour } from './pcm-spec.js';
import { describeAudioInSpec } from './pcm-spec.js';

export interface PcmSource {
  readonly description: string;
  /** Exactly `frames × channels` samples. */
  read(frames: number): Int16Array;
}

export class SilenceSource implements PcmSource {
  readonly description = 'silence';
  constructor(private readonly channels: number) {}

  read(frames: number): Int16Array {
    return new Int16Array(frames * this.channels);
  }
}

export class ToneSource implements PcmSource {
  readonly description: string;
  private readonly tone: ToneGenerator;

  constructor(frequencyHz: number, format: Pick<PcmFormat, 'sampleRate' | 'channels'>) {
    this.tone = new ToneGenerator({ frequencyHz, sampleRate: format.sampleRate, channels: format.channels });
    this.description = `${frequencyHz} Hz tone`;
  }

  read(frames: number): Int16Array {
    return this.tone.next(frames);
  }
}

/** Interleaved samples played from the start; at the end, silence or back to the start. */
export class SampleSource implements PcmSource {
  readonly description: string;
  private position = 0;

  constructor(
    private readonly samples: Int16Array,
    private readonly channels: number,
    private readonly atEnd: WavEndBehaviour,
    description: string,
  ) {
    if (samples.length % channels !== 0) throw new RangeError(`${description}: not a whole number of frames`);
    this.description = description;
  }

  read(frames: number): Int16Array {
    const out = new Int16Array(frames * this.channels);
    let filled = 0;
    while (filled < out.length) {
      if (this.position >= this.samples.length) {
        if (this.atEnd === 'silence' || this.samples.length === 0) break; // the rest stays zero
        this.position = 0;
      }
      const take = Math.min(out.length - filled, this.samples.length - this.position);
      out.set(this.samples.subarray(this.position, this.position + take), filled);
      filled += take;
      this.position += take;
    }
    return out;
  }
}

/**
 * Opens the source an --audio-in spec names, for a capture of `format`. A
 * WAV must already be at the capture's rate and channel count: the emulated
 * device does not resample, and says so naming the file.
 */
export async function openPcmSource(spec: AudioInSpec, format: PcmFormat): Promise<PcmSource> {
  switch (spec.kind) {
    case 'silence':
      return new SilenceSource(format.channels);
    case 'tone':
      return new ToneSource(spec.frequencyHz, format);
    case 'wav': {
      const bytes = await readFile(spec.path);
      const wav = parseWav(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), spec.path);
      if (wav.format.sampleRate !== format.sampleRate || wav.format.channels !== format.channels) {
        throw new Error(
          `${spec.path}: WAV is ${wav.format.sampleRate} Hz, ${wav.format.channels} channel(s); ` +
            `the capture runs at ${format.sampleRate} Hz, ${format.channels} channel(s) and does not resample`,
        );
      }
      return new SampleSource(wav.samples, format.channels, spec.atEnd, describeAudioInSpec(spec));
    }
  }
}
