/**
 * An emulated PCM playback device: pulls one period from the consumer every
 * period of its Clock (period n is asked for at start + n × period, before
 * it would play) and hands it to a sink — for the simulated board, a WAV
 * file (--audio-out) whose header is brought up to date about once a second
 * and on stop, so it is a valid WAV even if the process is killed.
 */
import type { Clock } from '../bus/clock.js';
import type { PcmFormat, PcmPlayback } from '../bus/pcm.js';
import type { PcmDeviceState } from './pcm-capture.js';
import { checkPcmFormat, PeriodPacer } from './pcm-pacer.js';
import { parseAudioOutSpec } from './pcm-spec.js';
import type { AudioOutSpec } from './pcm-spec.js';
import { WavFileWriter } from './pcm-wav-writer.js';

export interface PcmSink {
  readonly description: string;
  write(samples: Int16Array): void;
  /** Makes everything written so far readable as a whole (for a WAV: rewrite the sizes). */
  checkpoint(): void;
  /** Final checkpoint and release; called once, by stop(). */
  close(): void;
}

export interface EmulatedPcmPlaybackOptions {
  readonly format: PcmFormat;
  readonly clock: Clock;
  readonly sink: PcmSink;
  readonly name?: string;
  /** How much audio may be written between checkpoints. */
  readonly checkpointEveryMs?: number;
  readonly maxCatchUpPeriods?: number;
}

/*
 * States and allowed transitions (as the capture device):
 *   idle → running → stopped;  running → failed (sink error or a wrong-sized period);
 *   running ⇄ paused (pause(), resume(): the sink gets nothing meanwhile);
 *   idle | paused | failed → stopped.  stopped is final.
 */
const ALLOWED: Readonly<Record<PcmDeviceState, readonly PcmDeviceState[]>> = {
  idle: ['running', 'stopped'],
  running: ['paused', 'stopped', 'failed'],
  paused: ['running', 'stopped'],
  failed: ['stopped'],
  stopped: [],
};

export class EmulatedPcmPlayback implements PcmPlayback {
  readonly name: string;
  readonly format: PcmFormat;
  private readonly sink: PcmSink;
  private readonly pacer: PeriodPacer;
  private readonly checkpointEvery: number;
  private readonly errorListeners = new Set<(error: Error) => void>();
  private currentState: PcmDeviceState = 'idle';
  private sinceCheckpoint = 0;
  private pulled = 0;
  private closed = false;

  constructor(options: EmulatedPcmPlaybackOptions) {
    checkPcmFormat(options.format);
    this.format = options.format;
    this.sink = options.sink;
    this.name = options.name ?? `emulated playback (${options.sink.description})`;
    this.pacer = new PeriodPacer({
      clock: options.clock,
      periodFrames: options.format.periodFrames,
      sampleRate: options.format.sampleRate,
      firstTickAfterPeriods: 0,
      maxCatchUpPeriods: options.maxCatchUpPeriods,
    });
    const everyMs = options.checkpointEveryMs ?? 1000;
    this.checkpointEvery = Math.max(1, Math.round(everyMs / this.pacer.periodMs));
  }

  get state(): PcmDeviceState {
    return this.currentState;
  }

  /** Periods pulled from the consumer so far. */
  get periodsPlayed(): number {
    return this.pulled;
  }

  start(pull: () => Int16Array): void {
    this.transition('running');
    const expected = this.format.periodFrames * this.format.channels;
    this.pacer.start(
      () => {
        try {
          const samples = pull();
          if (samples.length !== expected) {
            throw new Error(`pull returned ${samples.length} samples; a period is ${expected}`);
          }
          this.pulled++;
          this.sink.write(samples);
          if (++this.sinceCheckpoint >= this.checkpointEvery) {
            this.sinceCheckpoint = 0;
            this.sink.checkpoint();
          }
        } catch (e) {
          this.fail(e);
        }
      },
      // Periods the clock skipped past were never asked for; the file simply lacks them.
      () => undefined,
    );
  }

  pause(): Promise<void> {
    if (this.currentState === 'running') {
      this.pacer.stop();
      this.transition('paused');
    }
    return Promise.resolve();
  }

  /**
   * Periods are asked for again from now on. A WAV sink gets no silence for
   * the pause, as a recording device that was off would not either.
   */
  resume(): void {
    if (this.currentState !== 'paused') return;
    this.transition('running');
    this.pacer.resume();
  }

  onError(listener: (error: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  stop(): Promise<void> {
    this.pacer.stop();
    if (this.currentState !== 'stopped') this.transition('stopped');
    try {
      this.closeSink();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return Promise.resolve();
  }

  private closeSink(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
  }

  private fail(e: unknown): void {
    this.pacer.stop();
    this.transition('failed');
    const error = new Error(`${this.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    if (this.errorListeners.size === 0) throw error; // nobody listening: do not lose it
    for (const listener of this.errorListeners) listener(error);
  }

  private transition(to: PcmDeviceState): void {
    if (!ALLOWED[this.currentState].includes(to)) throw new Error(`${this.name}: cannot go from ${this.currentState} to ${to}`);
    this.currentState = to;
  }
}

/** A sink that writes a WAV file, valid at every checkpoint. */
export function wavFileSink(path: string, format: PcmFormat): PcmSink {
  const writer = new WavFileWriter(path, { sampleRate: format.sampleRate, channels: format.channels });
  return {
    description: path,
    write: (samples) => writer.append(samples),
    checkpoint: () => writer.updateHeader(),
    close: () => writer.close(),
  };
}

/** A playback device for an --audio-out spec; the file is created (with an empty, valid WAV header) now. */
export function createWavPlayback(options: {
  readonly spec: string | AudioOutSpec;
  readonly format: PcmFormat;
  readonly clock: Clock;
  readonly name?: string;
  readonly checkpointEveryMs?: number;
}): EmulatedPcmPlayback {
  checkPcmFormat(options.format);
  const spec = typeof options.spec === 'string' ? parseAudioOutSpec(options.spec) : options.spec;
  return new EmulatedPcmPlayback({
    format: options.format,
    clock: options.clock,
    sink: wavFileSink(spec.path, options.format),
    name: options.name,
    checkpointEveryMs: options.checkpointEveryMs,
  });
}
