/**
 * PCM audio at the device level: interleaved signed 16-bit samples, delivered
 * and consumed one period at a time at the pace of the device's own clock.
 * The capture clock paces the send side; the playback clock pulls the receive
 * side (DESIGN.md, "How data flows").
 */
export interface PcmFormat {
  readonly sampleRate: number;
  readonly channels: number;
  /** Frames (samples per channel) in one period; 20 ms at 8 kHz is 160. */
  readonly periodFrames: number;
}

/**
 * Both directions can be paused between calls: the device's clock stops
 * (no periods, no wake-ups: an idle phone should cost next to nothing)
 * and resume() starts it again with the same callback. Pausing a device
 * that is not running, or resuming one that is not paused, does nothing.
 */
export interface PcmPausable {
  /** Stops the clock; resolves once the device is released. */
  pause(): Promise<void>;
  /** Starts the clock again after pause(). */
  resume(): void;
}

export interface PcmCapture extends PcmPausable {
  readonly name: string;
  readonly format: PcmFormat;
  /** Starts the device; `onPeriod` gets exactly `periodFrames * channels` samples each period. */
  start(onPeriod: (samples: Int16Array) => void): void;
  /** Errors after start (device gone, repeated xruns) arrive here; a capture stays stopped after one. */
  onError(listener: (error: Error) => void): () => void;
  stop(): Promise<void>;
}

export interface PcmPlayback extends PcmPausable {
  readonly name: string;
  readonly format: PcmFormat;
  /**
   * Starts the device; `pull` is called once per period and must return exactly
   * `periodFrames * channels` samples (silence when it has nothing).
   */
  start(pull: () => Int16Array): void;
  onError(listener: (error: Error) => void): () => void;
  stop(): Promise<void>;
}
