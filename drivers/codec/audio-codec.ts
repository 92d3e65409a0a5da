/**
 * The audio codec as the phone sees it: a control interface only. Samples
 * flow through the PCM devices (drivers/bus/pcm.ts); this sets up what the
 * converters hear and drive. A codec driver (WM8960, or none on a USB
 * headset) maps these phone-level choices onto its own pins and registers.
 */

/** The rates the phone uses: G.711 (8 kHz), G.722/wideband (16 kHz), and 48 kHz for Opus. */
export type CodecSampleRate = 8000 | 16000 | 48000;

export const CODEC_SAMPLE_RATES: readonly CodecSampleRate[] = [8000, 16000, 48000];

export function isCodecSampleRate(rate: number): rate is CodecSampleRate {
  return (CODEC_SAMPLE_RATES as readonly number[]).includes(rate);
}

/** Where the far end is heard. */
export type AudioOutput = 'handset' | 'speaker' | 'headset';

/** Which microphone the phone listens to; the board's wiring says which codec input that is. */
export type AudioInput = 'handset' | 'speaker' | 'headset';

export interface AudioCodec {
  /** A name for messages: "WM8960 @0x1a on /dev/i2c-1". */
  readonly name: string;
  /**
   * Resets the part and powers it up in its datasheet order, with the rate,
   * output, input, volumes and mute last asked for (or the defaults).
   * May be called again after powerDown().
   */
  init(): Promise<void>;
  /** Changes both converters' rate; before init() it only sets what init() will use. */
  setSampleRate(rate: CodecSampleRate): Promise<void>;
  setOutput(output: AudioOutput): Promise<void>;
  setInputSource(input: AudioInput): Promise<void>;
  /** Resolves with the level actually set, after rounding to the part's step and clamping to its range. */
  setHeadphoneVolume(dB: number): Promise<number>;
  /** As setHeadphoneVolume, for the loudspeaker. */
  setSpeakerVolume(dB: number): Promise<number>;
  /** Microphone gain ahead of the ADC; resolves with the gain actually set. */
  setMicBoost(dB: number): Promise<number>;
  /** Soft-mutes (or un-mutes) playback: the DAC ramps down rather than clicking off. */
  mute(on: boolean): Promise<void>;
  /** Mutes, disables every block and lets the references discharge (lowest power, no pop). */
  powerDown(): Promise<void>;
}
