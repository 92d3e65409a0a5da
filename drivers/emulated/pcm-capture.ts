/**
 * An emulated PCM capture device: delivers one period from its source every
 * period of its Clock — in real time on a SystemClock, in test time on a
 * VirtualClock. Period n arrives at start + (n+1) × period (the moment its
 * last frame would have been captured), paced by PeriodPacer.
 */
import type { Clock } from '../bus/clock.js';
import type { PcmCapture, PcmFormat } from '../bus/pcm.js';
import { checkPcmFormat, PeriodPacer } from './pcm-pacer.js';
import { openPcmSource } from './pcm-sources.js';
import type { PcmSource } from './pcm-sources.js';
import { parseAudioInSpec } from './pcm-spec.js';
import type { AudioInSpec } from './pcm-spec.js';

export interface EmulatedPcmCaptureOptions {
  readonly format: PcmFormat;
  readonly clock: Clock;
  readonly source: PcmSource;
  readonly name?: string;
  /** See PeriodPacerOptions.maxCatchUpPeriods. */
  readonly maxCatchUpPeriods?: number;
}

/*
 * States and allowed transitions:
 *   idle    → running   start()
 *   running → stopped   stop()
 *   running → failed    the consumer's callback threw (reported through onError)
 *   running → paused    pause(): no periods; the source waits where it was
 *   paused  → running   resume()
 *   idle | paused | failed → stopped   stop()
 * A capture is started once; stopped and failed are final.
 */
export type PcmDeviceState = 'idle' | 'running' | 'paused' | 'stopped' | 'failed';

const ALLOWED: Readonly<Record<PcmDeviceState, readonly PcmDeviceState[]>> = {
  idle: ['running', 'stopped'],
  running: ['paused', 'stopped', 'failed'],
  paused: ['running', 'stopped'],
  failed: ['stopped'],
  stopped: [],
};

export class EmulatedPcmCapture implements PcmCapture {
  readonly name: string;
  readonly format: PcmFormat;
  private readonly source: PcmSource;
  private readonly pacer: PeriodPacer;
  private readonly errorListeners = new Set<(error: Error) => void>();
  private currentState: PcmDeviceState = 'idle';
  private delivered = 0;
  private skipped = 0;

  constructor(options: EmulatedPcmCaptureOptions) {
    checkPcmFormat(options.format);
    this.format = options.format;
    this.source = options.source;
    this.name = options.name ?? `emulated capture (${options.source.description})`;
    this.pacer = new PeriodPacer({
      clock: options.clock,
      periodFrames: options.format.periodFrames,
      sampleRate: options.format.sampleRate,
      firstTickAfterPeriods: 1,
      maxCatchUpPeriods: options.maxCatchUpPeriods,
    });
  }

  get state(): PcmDeviceState {
    return this.currentState;
  }

  /** Periods handed to the consumer so far. */
  get periodsDelivered(): number {
    return this.delivered;
  }

  /** Periods dropped because the clock came back too late (an overrun, as ALSA would call it). */
  get periodsSkipped(): number {
    return this.skipped;
  }

  start(onPeriod: (samples: Int16Array) => void): void {
    this.transition('running');
    const frames = this.format.periodFrames;
    this.pacer.start(
      () => {
        const samples = this.source.read(frames);
        this.delivered++;
        try {
          onPeriod(samples);
        } catch (e) {
          this.fail(e);
        }
      },
      (periods) => {
        // The source moves on as real audio would have: those frames are lost.
        this.source.read(frames * periods);
        this.skipped += periods;
      },
    );
  }

  pause(): Promise<void> {
    if (this.currentState === 'running') {
      this.pacer.stop();
      this.transition('paused');
    }
    return Promise.resolve();
  }

  /** Periods come again, the first one a period from now (as a device just started). */
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
    return Promise.resolve();
  }

  private fail(e: unknown): void {
    this.pacer.stop();
    this.transition('failed');
    const error = new Error(`${this.name}: period consumer failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    if (this.errorListeners.size === 0) throw error; // nobody listening: do not lose it
    for (const listener of this.errorListeners) listener(error);
  }

  private transition(to: PcmDeviceState): void {
    if (!ALLOWED[this.currentState].includes(to)) throw new Error(`${this.name}: cannot go from ${this.currentState} to ${to}`);
    this.currentState = to;
  }
}

/** A capture for an --audio-in spec (string or parsed), with its source opened and checked. */
export async function createEmulatedCapture(options: {
  readonly spec: string | AudioInSpec;
  readonly format: PcmFormat;
  readonly clock: Clock;
  readonly name?: string;
}): Promise<EmulatedPcmCapture> {
  const spec = typeof options.spec === 'string' ? parseAudioInSpec(options.spec) : options.spec;
  const source = await openPcmSource(spec, options.format);
  return new EmulatedPcmCapture({ format: options.format, clock: options.clock, source, name: options.name });
}
