import type { Writable } from 'node:stream';
import type { Clock, TimerHandle } from '../bus/clock.js';
import { BusError } from '../bus/errors.js';
import type { PcmCapture, PcmFormat, PcmPlayback } from '../bus/pcm.js';
import { SystemClock } from '../bus/system-clock.js';
import { PeriodReframer } from '../pcm/reframer.js';
import { samplesToBytes } from '../pcm/wav.js';
import { DEFAULT_ALSA_RESTART_POLICY, type AlsaRestartPolicy } from './alsa-policy.js';
import {
  AlsaProcessRunner,
  spawnAlsaTool,
  type AlsaChildProcess,
  type AlsaRunnerHooks,
  type AlsaRunnerStats,
  type AlsaSpawn,
  type AlsaTool,
} from './alsa-process.js';
import { duePeriods } from './playback-pacing.js';

/**
 * PcmCapture / PcmPlayback through alsa-utils' arecord and aplay, raw S16_LE
 * over a pipe. No native addon: the same binaries a user tests the codec with.
 */
export interface AlsaPcmOptions {
  /** The ALSA PCM name, e.g. "plughw:CARD=wm8960soundcard,DEV=0" or "default". */
  readonly device: string;
  readonly format: PcmFormat;
  /** --period-time in µs; defaults to one period of `format`. */
  readonly periodTimeUs?: number;
  /** --buffer-time in µs; defaults to four periods. */
  readonly bufferTimeUs?: number;
  readonly clock?: Clock;
  /** How to start arecord/aplay (tests pass a fake). */
  readonly spawn?: AlsaSpawn;
  readonly restartPolicy?: AlsaRestartPolicy;
}

export interface AlsaPlaybackOptions extends AlsaPcmOptions {
  /** Periods written ahead of the wall clock (default 2). */
  readonly leadPeriods?: number;
}

export function periodMs(format: PcmFormat): number {
  return (format.periodFrames * 1000) / format.sampleRate;
}

/** The command line for `tool` (alsa-utils aplay(1) options). */
export function alsaArgs(options: AlsaPcmOptions): string[] {
  const { format } = options;
  const periodUs = options.periodTimeUs ?? Math.round(periodMs(format) * 1000);
  const bufferUs = options.bufferTimeUs ?? periodUs * 4;
  return [
    '-q',
    '-t',
    'raw',
    '-f',
    'S16_LE',
    '-r',
    String(format.sampleRate),
    '-c',
    String(format.channels),
    '-D',
    options.device,
    `--period-time=${periodUs}`,
    `--buffer-time=${bufferUs}`,
  ];
}

function samplesPerPeriod(format: PcmFormat): number {
  return format.periodFrames * format.channels;
}

function makeRunner(tool: AlsaTool, options: AlsaPcmOptions, clock: Clock, hooks: AlsaRunnerHooks): AlsaProcessRunner {
  return new AlsaProcessRunner(
    tool,
    alsaArgs(options),
    options.device,
    clock,
    options.spawn ?? spawnAlsaTool,
    options.restartPolicy ?? DEFAULT_ALSA_RESTART_POLICY,
    hooks,
  );
}

/**
 * Capture: arecord's stdout, re-framed into exact periods (drivers/pcm's
 * PeriodReframer: a pipe keeps no write boundaries); the device's clock paces
 * delivery.
 */
export class AlsaCapture implements PcmCapture {
  readonly name: string;
  readonly format: PcmFormat;
  private readonly reframer: PeriodReframer;
  private readonly runner: AlsaProcessRunner;
  private onPeriod: ((samples: Int16Array) => void) | undefined;
  private periodCount = 0;

  constructor(options: AlsaPcmOptions) {
    this.name = `arecord ${options.device}`;
    this.format = options.format;
    this.reframer = new PeriodReframer(samplesPerPeriod(options.format));
    this.runner = makeRunner('arecord', options, options.clock ?? new SystemClock(), {
      attach: (child) => this.attach(child),
      detach: () => undefined,
    });
  }

  /** Restarts, xruns and periods delivered so far. */
  get stats(): AlsaRunnerStats & { readonly periods: number } {
    return { ...this.runner.stats, periods: this.periodCount };
  }

  start(onPeriod: (samples: Int16Array) => void): void {
    if (this.onPeriod) throw new BusError('other', this.name, 'already started');
    this.onPeriod = onPeriod;
    this.runner.start();
  }

  onError(listener: (error: Error) => void): () => void {
    return this.runner.onError(listener);
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  /** arecord ends and releases the device; resume() starts a new one. */
  pause(): Promise<void> {
    return this.runner.pause();
  }

  resume(): void {
    this.runner.resume();
  }

  private attach(child: AlsaChildProcess): void {
    // A new process starts on a period boundary; a dead one's tail is dropped.
    this.reframer.flush();
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const period of this.reframer.pushBytes(chunk)) {
        this.periodCount++;
        this.onPeriod?.(period);
      }
    });
  }
}

/**
 * Playback: one period pulled and written to aplay's stdin per period of the
 * process's monotonic clock, keeping `leadPeriods` (~2) written ahead.
 *
 * The limitation of pacing through a pipe: aplay does not tell us where the
 * device is (no snd_pcm_delay()), so the schedule follows the system clock,
 * not the codec's crystal. Between the two clocks' drift (tens of ppm) and the
 * pipe's own buffer (64 KiB by default — seconds of 8 kHz audio, invisible to
 * us), "2 periods ahead" is what we intend, not what we can measure: if the
 * codec runs slow the surplus collects in the pipe (latency creeps by about
 * 3 ms a minute at 50 ppm) until write() reports back-pressure, when pulls
 * pause until 'drain'; if it runs fast the device underruns now and then and
 * aplay recovers. Exact pacing needs the device's own position, i.e. a native
 * ALSA binding; this back end trades that for having no native code.
 */
export class AlsaPlayback implements PcmPlayback {
  readonly name: string;
  readonly format: PcmFormat;
  private readonly clock: Clock;
  private readonly runner: AlsaProcessRunner;
  private readonly lead: number;
  private readonly periodMs: number;
  private pull: (() => Int16Array) | undefined;
  private stdin: Writable | undefined;
  private blocked = false;
  private nextDueMs = 0;
  private tickTimer: TimerHandle | undefined;
  private periodCount = 0;
  private resyncCount = 0;
  private wrongLengthWarned = false;

  constructor(options: AlsaPlaybackOptions) {
    this.name = `aplay ${options.device}`;
    this.format = options.format;
    this.clock = options.clock ?? new SystemClock();
    this.lead = options.leadPeriods ?? 2;
    this.periodMs = periodMs(options.format);
    this.runner = makeRunner('aplay', options, this.clock, {
      attach: (child) => this.attach(child),
      detach: () => this.detach(),
    });
  }

  /** Restarts, xruns, periods written and schedule restarts after stalls. */
  get stats(): AlsaRunnerStats & { readonly periods: number; readonly resyncs: number } {
    return { ...this.runner.stats, periods: this.periodCount, resyncs: this.resyncCount };
  }

  start(pull: () => Int16Array): void {
    if (this.pull) throw new BusError('other', this.name, 'already started');
    this.pull = pull;
    this.runner.start();
  }

  onError(listener: (error: Error) => void): () => void {
    return this.runner.onError(listener);
  }

  async stop(): Promise<void> {
    this.clearTick();
    await this.runner.stop();
  }

  /** aplay ends and releases the device (what it had queued still plays out); resume() starts a new one. */
  async pause(): Promise<void> {
    this.clearTick();
    await this.runner.pause();
  }

  resume(): void {
    this.runner.resume();
  }

  private attach(child: AlsaChildProcess): void {
    const stdin = child.stdin;
    if (!stdin) return;
    this.stdin = stdin;
    this.blocked = false;
    // EPIPE when aplay dies mid-write: the runner learns of it from 'exit'.
    stdin.on('error', () => undefined);
    this.writePeriods(this.lead);
    this.nextDueMs = this.clock.now() + this.periodMs;
    this.scheduleTick();
  }

  private detach(): void {
    this.clearTick();
    this.stdin = undefined;
  }

  private tick(): void {
    this.tickTimer = undefined;
    if (!this.stdin) return;
    const step = duePeriods(this.nextDueMs, this.clock.now(), this.periodMs, this.lead);
    this.nextDueMs = step.nextDueMs;
    if (step.resynced) this.resyncCount++;
    this.writePeriods(step.count);
    this.scheduleTick();
  }

  private scheduleTick(): void {
    this.clearTick();
    this.tickTimer = this.clock.setTimer(Math.max(0, this.nextDueMs - this.clock.now()), () => this.tick());
  }

  private clearTick(): void {
    this.clock.clearTimer(this.tickTimer);
    this.tickTimer = undefined;
  }

  private writePeriods(count: number): void {
    for (let i = 0; i < count; i++) {
      const stdin = this.stdin;
      // Back-pressure: the pipe is full, so the device is behind us; skip the
      // pull rather than queue more (see the class comment).
      if (!stdin || this.blocked || !this.pull) return;
      const bytes = samplesToBytes(this.fitPeriod(this.pull()));
      this.periodCount++;
      if (!stdin.write(bytes)) {
        this.blocked = true;
        stdin.once('drain', () => {
          if (stdin === this.stdin) this.blocked = false;
        });
      }
    }
  }

  /** The contract is exactly one period; a wrong length is padded or cut so the stream stays aligned. */
  private fitPeriod(samples: Int16Array): Int16Array {
    const want = samplesPerPeriod(this.format);
    if (samples.length === want) return samples;
    if (!this.wrongLengthWarned) {
      this.wrongLengthWarned = true;
      console.warn(`${this.name}: pull() returned ${samples.length} samples, not ${want}; padding/cutting`);
    }
    const fitted = new Int16Array(want);
    fitted.set(samples.subarray(0, want));
    return fitted;
  }
}
