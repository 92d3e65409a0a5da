/**
 * Turns protocol commands into MediaEngine calls, one at a time and in the
 * order they came (an update must not overtake the open of its stream), and
 * keeps the periodic statistics going when asked. Knows nothing of threads:
 * worker.ts feeds it from the parent port; a test can feed it directly.
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import type { MediaDevices, MediaEngine } from './media-engine.js';
import type { DeviceSpec, MediaCommand, MediaEvent, MediaResults } from './protocol.js';

export interface CommandDispatcherOptions {
  readonly engine: MediaEngine;
  readonly clock: Clock;
  /** Creates the PCM devices a DeviceSpec names (in the worker: emulated or ALSA). */
  readonly openDevices: (spec: DeviceSpec) => Promise<MediaDevices>;
  readonly emit: (event: MediaEvent) => void;
}

/** Statistics every so often are for a display; more often than this is pointless load. */
const MIN_STATS_INTERVAL_MS = 100;

export class CommandDispatcher {
  private queue: Promise<unknown> = Promise.resolve();
  private statsTimer: TimerHandle | undefined;
  private statsIntervalMs = 0;
  private stopped = false;

  constructor(private readonly options: CommandDispatcherOptions) {}

  /** Runs `command` after every command before it; resolves with its result. */
  run(command: MediaCommand): Promise<MediaResults[MediaCommand['type']]> {
    const result = this.queue.then(() => this.execute(command));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async execute(command: MediaCommand): Promise<MediaResults[MediaCommand['type']]> {
    const { engine } = this.options;
    if (this.stopped) throw new Error('media engine is shut down');
    switch (command.type) {
      case 'open-devices': {
        const devices = await this.options.openDevices(command.devices);
        try {
          engine.openDevices(devices);
        } catch (e) {
          // Refused (an unsupported rate …): release what was created, a WAV file's handle say.
          await devices.capture?.stop();
          await devices.playback?.stop();
          throw e;
        }
        if (command.statsIntervalMs !== undefined) this.startStats(command.statsIntervalMs);
        return { sampleRate: command.devices.format.sampleRate };
      }
      case 'open-stream': {
        const { localPort } = await engine.openStream(command.stream);
        this.options.emit({ type: 'stream-opened', streamId: command.stream.id, localPort });
        return { localPort };
      }
      case 'update-stream': {
        const { type: _type, streamId, ...change } = command;
        engine.updateStream(streamId, change);
        return null;
      }
      case 'close-stream':
        await engine.closeStream(command.streamId);
        return null;
      case 'play-tone':
        engine.playTone(command.country, command.tone);
        return null;
      case 'stop-tone':
        engine.stopTone();
        return null;
      case 'ring':
        engine.ring(command.on, command.tone, command.volume);
        return null;
      case 'send-dtmf':
        engine.sendDtmf(command.streamId, command.digits, command.method, command.durationMs);
        return null;
      case 'mute':
        engine.setMute(command.muted);
        return null;
      case 'volume':
        engine.setVolume(command.gainDb);
        return null;
      case 'mix':
        engine.mixStreams(command.streamIds);
        return null;
      case 'stats':
        return { streams: engine.stats(command.streamId) };
      case 'shutdown':
        this.stopped = true;
        this.options.clock.clearTimer(this.statsTimer);
        this.statsTimer = undefined;
        await engine.shutdown();
        return null;
    }
  }

  private startStats(intervalMs: number): void {
    this.statsIntervalMs = Math.max(MIN_STATS_INTERVAL_MS, intervalMs);
    this.scheduleStats();
  }

  private scheduleStats(): void {
    this.statsTimer = this.options.clock.setTimer(this.statsIntervalMs, () => {
      if (this.stopped) return;
      this.options.emit({ type: 'stats', streams: this.options.engine.stats() });
      this.scheduleStats();
    });
  }
}
