import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { BusError } from '../../drivers/bus/errors.js';
import type { PcmFormat } from '../../drivers/bus/pcm.js';
import { VirtualClock, flushMicrotasks } from '../../drivers/emulated/virtual-clock.js';
import { samplesToBytes } from '../../drivers/pcm/wav.js';
import {
  DEFAULT_ALSA_RESTART_POLICY,
  classifyAlsaStderr,
  nextConsecutiveFailures,
  restartDelayMs,
  tooManyXruns,
} from '../../drivers/linux/alsa-policy.js';
import { AlsaCapture, AlsaPlayback, alsaArgs } from '../../drivers/linux/alsa-pcm.js';
import type { AlsaChildProcess, AlsaSpawn, AlsaTool } from '../../drivers/linux/alsa-process.js';
import { duePeriods } from '../../drivers/linux/playback-pacing.js';

const NARROWBAND: PcmFormat = { sampleRate: 8000, channels: 1, periodFrames: 160 };

/** A stand-in for an arecord/aplay child: tests write its stdout/stderr and end it. */
class FakeChild extends EventEmitter implements AlsaChildProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin: Writable | null;
  readonly written: Buffer[] = [];
  readonly signals: string[] = [];
  /** While true, stdin accepts nothing more (the pipe is full). */
  holdStdin = false;
  private release: (() => void) | undefined;

  constructor(
    readonly tool: AlsaTool,
    readonly args: readonly string[],
  ) {
    super();
    this.stdin =
      tool === 'aplay'
        ? new Writable({
            highWaterMark: 1,
            write: (chunk: Buffer, _encoding, callback) => {
              this.written.push(chunk);
              if (this.holdStdin) this.release = callback;
              else callback();
            },
          })
        : null;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    setImmediate(() => this.emit('close', null, signal));
    return true;
  }

  /** The pipe drains: the held write completes and 'drain' follows. */
  unblock(): void {
    this.holdStdin = false;
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async stderrLine(line: string): Promise<void> {
    this.stderr.write(`${line}\n`);
    await flushMicrotasks();
  }

  async exit(code: number): Promise<void> {
    this.emit('close', code, null);
    await flushMicrotasks();
  }
}

function fakeSpawner(onSpawn?: (child: FakeChild) => void): { spawn: AlsaSpawn; children: FakeChild[] } {
  const children: FakeChild[] = [];
  return {
    children,
    spawn: (tool, args) => {
      const child = new FakeChild(tool, args);
      children.push(child);
      onSpawn?.(child);
      return child;
    },
  };
}

function lastChild(children: readonly FakeChild[]): FakeChild {
  const child = children.at(-1);
  assert.ok(child, 'a process was spawned');
  return child;
}

describe('alsaArgs (aplay(1) options)', () => {
  it('asks for raw S16_LE at the board’s rate, channels, device, period and buffer time', () => {
    assert.deepEqual(alsaArgs({ device: 'plughw:CARD=wm8960soundcard,DEV=0', format: NARROWBAND }), [
      '-q',
      '-t',
      'raw',
      '-f',
      'S16_LE',
      '-r',
      '8000',
      '-c',
      '1',
      '-D',
      'plughw:CARD=wm8960soundcard,DEV=0',
      '--period-time=20000',
      '--buffer-time=80000',
    ]);
    const wide = alsaArgs({
      device: 'default',
      format: { sampleRate: 16000, channels: 2, periodFrames: 160 },
      bufferTimeUs: 60000,
    });
    assert.ok(wide.includes('--period-time=10000') && wide.includes('--buffer-time=60000'));
  });
});

describe('ALSA process policy', () => {
  const policy = DEFAULT_ALSA_RESTART_POLICY;

  it('backs off exponentially, capped', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelayMs(policy, n)),
      [100, 200, 400, 800, 1600, 3200, 3200, 3200],
    );
  });

  it('counts consecutive failures, forgiving a process that ran long enough', () => {
    assert.equal(nextConsecutiveFailures(policy, 3, 500), 4);
    assert.equal(nextConsecutiveFailures(policy, 3, policy.stableRunMs), 1);
  });

  it('calls xruns too many only within the window', () => {
    assert.equal(tooManyXruns(policy, [0, 1, 2, 3, 4], 5), true);
    assert.equal(tooManyXruns(policy, [0, 1, 2, 3, 4], 10_003), false);
    assert.equal(tooManyXruns(policy, [0, 1, 2, 3], 5), false);
  });

  it('reads arecord/aplay stderr lines', () => {
    assert.equal(classifyAlsaStderr('overrun!!! (at least 12.345 ms long)'), 'xrun');
    assert.equal(classifyAlsaStderr('underrun!!! (at least 0.512 ms long)'), 'xrun');
    assert.equal(classifyAlsaStderr('underrun !!!'), 'xrun');
    assert.equal(classifyAlsaStderr('arecord: main:831: audio open error: No such file or directory'), 'device-missing');
    assert.equal(classifyAlsaStderr("ALSA lib confmisc.c:855:(parse_card) cannot find card 'nope'"), 'device-missing');
    assert.equal(classifyAlsaStderr('ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM foo'), 'device-missing');
    assert.equal(classifyAlsaStderr('aplay: main:831: audio open error: Device or resource busy'), 'device-busy');
    assert.equal(classifyAlsaStderr('Recording WAVE'), 'other');
  });
});

describe('AlsaCapture', () => {
  const stereoTiny: PcmFormat = { sampleRate: 8000, channels: 2, periodFrames: 4 }; // 8 samples, 16 bytes a period

  it('delivers exact periods however arecord’s output is split', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: stereoTiny, clock, spawn });
    const periods: number[][] = [];
    capture.start((p) => periods.push([...p]));
    const child = lastChild(children);
    assert.equal(child.tool, 'arecord');
    const bytes = samplesToBytes(Int16Array.from({ length: 16 }, (_, i) => i * 100 - 700));
    for (const [from, to] of [
      [0, 5],
      [5, 16],
      [16, 23],
      [23, 32],
    ] as const) {
      child.stdout.write(bytes.subarray(from, to));
      await flushMicrotasks();
    }
    assert.deepEqual(periods, [
      [-700, -600, -500, -400, -300, -200, -100, 0],
      [100, 200, 300, 400, 500, 600, 700, 800],
    ]);
    assert.equal(capture.stats.periods, 2);
    await capture.stop();
  });

  it('restarts arecord after an unexpected exit, after the back-off, and counts it', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: stereoTiny, clock, spawn });
    const periods: number[][] = [];
    const errors: Error[] = [];
    capture.onError((e) => errors.push(e));
    capture.start((p) => periods.push([...p]));
    const first = lastChild(children);
    first.stdout.write(Uint8Array.from([1, 2, 3])); // a partial period, lost with the process
    await flushMicrotasks();
    await first.exit(1);
    clock.advance(99);
    assert.equal(children.length, 1, 'still backing off');
    clock.advance(1);
    assert.equal(children.length, 2, 'respawned after 100 ms');
    assert.equal(capture.stats.restarts, 1);
    lastChild(children).stdout.write(samplesToBytes(Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8])));
    await flushMicrotasks();
    assert.deepEqual(periods, [[1, 2, 3, 4, 5, 6, 7, 8]], 'the new process starts on a period boundary');
    assert.deepEqual(errors, []);
    await capture.stop();
  });

  it('gives up after the bounded number of restarts, with growing waits', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: stereoTiny, clock, spawn });
    const errors: Error[] = [];
    capture.onError((e) => errors.push(e));
    capture.start(() => undefined);
    const spawnTimes: number[] = [clock.now()];
    for (let i = 0; i < 6; i++) {
      await lastChild(children).exit(1);
      const before = children.length;
      while (children.length === before && clock.now() < 10_000) clock.advance(10);
      if (children.length > before) spawnTimes.push(clock.now());
    }
    assert.equal(children.length, 6, 'the first run and five restarts');
    assert.deepEqual(
      spawnTimes.slice(1).map((t, i) => t - (spawnTimes[i] ?? 0)),
      [100, 200, 400, 800, 1600],
    );
    assert.equal(errors.length, 1);
    const error = errors[0];
    assert.ok(error instanceof BusError);
    assert.equal(error.kind, 'bus');
    assert.match(error.message, /arecord failed 6 times in a row/);
    assert.equal(clock.pendingCount, 0, 'no restart left pending');
    await capture.stop();
  });

  it('reports a missing ALSA device as not-found naming it, without restarting', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:CARD=nope', format: NARROWBAND, clock, spawn });
    const errors: Error[] = [];
    capture.onError((e) => errors.push(e));
    capture.start(() => undefined);
    const child = lastChild(children);
    await child.stderrLine("ALSA lib confmisc.c:855:(parse_card) cannot find card 'nope'");
    await child.stderrLine('arecord: main:831: audio open error: No such file or directory');
    await child.exit(1);
    clock.advance(60_000);
    assert.equal(children.length, 1);
    assert.equal(errors.length, 1);
    const error = errors[0];
    assert.ok(error instanceof BusError);
    assert.equal(error.kind, 'not-found');
    assert.equal(error.device, 'ALSA device hw:CARD=nope');
    assert.match(error.message, /audio open error: No such file or directory/);
    await capture.stop();
  });

  it('says to install alsa-utils when arecord is missing (spawn ENOENT)', async () => {
    const { spawn } = fakeSpawner((child) => {
      setImmediate(() => child.emit('error', Object.assign(new Error('spawn arecord ENOENT'), { code: 'ENOENT' })));
    });
    const capture = new AlsaCapture({ device: 'hw:0', format: NARROWBAND, clock: new VirtualClock(), spawn });
    const error = await new Promise<Error>((resolve) => {
      capture.onError(resolve);
      capture.start(() => undefined);
    });
    assert.ok(error instanceof BusError);
    assert.equal(error.kind, 'not-found');
    assert.match(error.message, /arecord is not installed.*install alsa-utils/);
    await capture.stop();
  });

  it('counts xruns, which arecord recovers from, and restarts it after a burst', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: NARROWBAND, clock, spawn });
    capture.start(() => undefined);
    const child = lastChild(children);
    for (let i = 0; i < 4; i++) {
      await child.stderrLine('overrun!!! (at least 3.210 ms long)');
      clock.advance(100);
    }
    assert.equal(capture.stats.xruns, 4);
    assert.deepEqual(child.signals, [], 'isolated xruns: the process carries on');
    await child.stderrLine('overrun!!! (at least 3.210 ms long)');
    assert.deepEqual(child.signals, ['SIGTERM']);
    await flushMicrotasks();
    clock.advance(100);
    assert.equal(children.length, 2);
    assert.equal(capture.stats.restarts, 1);
    await capture.stop();
  });

  it('pauses: arecord ends and no restart follows; resume starts a new arecord', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: NARROWBAND, clock, spawn });
    const errors: Error[] = [];
    capture.onError((e) => errors.push(e));
    capture.start(() => undefined);
    await capture.pause();
    assert.deepEqual(lastChild(children).signals, ['SIGTERM'], 'the device is released');
    clock.advance(60_000);
    assert.equal(children.length, 1, 'a paused stream is not restarted');
    assert.equal(clock.pendingCount, 0);
    capture.resume();
    assert.equal(children.length, 2, 'a new process on resume');
    assert.equal(capture.stats.restarts, 0, 'a resume is no restart');
    capture.resume();
    assert.equal(children.length, 2, 'resuming a running stream does nothing');
    await capture.stop();
    assert.deepEqual(errors, []);
  });

  it('resumed before the paused arecord has exited: one process at a time', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: NARROWBAND, clock, spawn });
    capture.start(() => undefined);
    const paused = capture.pause();
    capture.resume();
    assert.equal(children.length, 1, 'the old process is still on its way out');
    await paused;
    assert.equal(children.length, 2, 'the new one starts once it has gone');
    await capture.stop();
    assert.equal(clock.pendingCount, 0);
  });

  it('stops: ends the process, waits for it and leaves no timers', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const capture = new AlsaCapture({ device: 'hw:0', format: NARROWBAND, clock, spawn });
    capture.start(() => undefined);
    await capture.stop();
    assert.deepEqual(lastChild(children).signals, ['SIGTERM']);
    assert.equal(clock.pendingCount, 0);
  });

  it('on this machine: arecord on a nonexistent ALSA device fails with a clear not-found', async () => {
    // Real spawn. Without alsa-utils (as on this build machine) the ENOENT
    // path answers; with it, arecord's "cannot find card" does.
    const capture = new AlsaCapture({ device: 'hw:CARD=DeskphoneNoSuchCard', format: NARROWBAND });
    const error = await new Promise<Error>((resolve) => {
      capture.onError(resolve);
      capture.start(() => undefined);
    });
    await capture.stop();
    assert.ok(error instanceof BusError);
    assert.equal(error.kind, 'not-found');
    assert.match(error.message, /install alsa-utils|ALSA device hw:CARD=DeskphoneNoSuchCard/);
  });
});

describe('AlsaPlayback', () => {
  const format: PcmFormat = { sampleRate: 8000, channels: 1, periodFrames: 4 }; // 4 frames at 8 kHz: 0.5 ms a period
  const periodMs = 0.5;

  function counterPull(): { pull: () => Int16Array; calls: () => number } {
    let n = 0;
    return {
      pull: () => {
        n++;
        return Int16Array.from([n, -n, n, -n]);
      },
      calls: () => n,
    };
  }

  it('pauses: no more pulls, aplay ends; resume primes the lead again', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const playback = new AlsaPlayback({ device: 'hw:0', format, clock, spawn });
    const source = counterPull();
    playback.start(source.pull);
    clock.advance(periodMs * 4);
    assert.equal(source.calls(), 6);
    await playback.pause();
    assert.deepEqual(lastChild(children).signals, ['SIGTERM']);
    clock.advance(periodMs * 100);
    assert.equal(source.calls(), 6, 'nothing pulled while paused');
    assert.equal(clock.pendingCount, 0);
    playback.resume();
    assert.equal(children.length, 2);
    assert.equal(source.calls(), 8, 'two periods ahead again');
    clock.advance(periodMs);
    assert.equal(source.calls(), 9);
    await playback.stop();
    assert.equal(clock.pendingCount, 0);
  });

  it('writes two periods ahead at start, then one per period of the clock', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const playback = new AlsaPlayback({ device: 'hw:0', format, clock, spawn });
    const source = counterPull();
    playback.start(source.pull);
    const child = lastChild(children);
    assert.equal(child.tool, 'aplay');
    assert.equal(source.calls(), 2);
    clock.advance(periodMs);
    assert.equal(source.calls(), 3);
    clock.advance(periodMs * 10);
    assert.equal(source.calls(), 13);
    await flushMicrotasks();
    assert.deepEqual([...(child.written[0] ?? [])], [...samplesToBytes(Int16Array.from([1, -1, 1, -1]))]);
    assert.equal(Buffer.concat(child.written).length, 13 * 8);
    await playback.stop();
    assert.equal(clock.pendingCount, 0);
  });

  it('stops pulling while the pipe is full and resumes on drain', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner((child) => {
      child.holdStdin = true;
    });
    const playback = new AlsaPlayback({ device: 'hw:0', format, clock, spawn });
    const source = counterPull();
    playback.start(source.pull);
    const child = lastChild(children);
    assert.equal(source.calls(), 1, 'the first write filled the pipe');
    clock.advance(periodMs * 5);
    assert.equal(source.calls(), 1, 'no pulls while back-pressured');
    child.unblock();
    await flushMicrotasks();
    clock.advance(periodMs);
    assert.equal(source.calls(), 2);
    await playback.stop();
  });

  it('pads a short pull to a whole period', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const playback = new AlsaPlayback({ device: 'hw:0', format, clock, spawn, leadPeriods: 1 });
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      playback.start(() => Int16Array.from([5]));
    } finally {
      console.warn = warn;
    }
    await flushMicrotasks();
    assert.deepEqual([...(lastChild(children).written[0] ?? [])], [5, 0, 0, 0, 0, 0, 0, 0]);
    await playback.stop();
  });

  it('counts aplay’s underruns and restarts aplay when it dies', async () => {
    const clock = new VirtualClock();
    const { spawn, children } = fakeSpawner();
    const playback = new AlsaPlayback({ device: 'hw:0', format, clock, spawn });
    const source = counterPull();
    playback.start(source.pull);
    await lastChild(children).stderrLine('underrun!!! (at least 1.000 ms long)');
    assert.equal(playback.stats.xruns, 1);
    await lastChild(children).exit(1);
    const pullsBefore = source.calls();
    clock.advance(99);
    assert.equal(source.calls(), pullsBefore, 'no pulls while aplay is down');
    clock.advance(1);
    assert.equal(children.length, 2);
    assert.equal(source.calls(), pullsBefore + 2, 'the new aplay is primed with the lead');
    await playback.stop();
    assert.equal(clock.pendingCount, 0);
  });
});

describe('duePeriods (playback pacing)', () => {
  it('writes nothing before the next period is due', () => {
    assert.deepEqual(duePeriods(40, 39.9, 20, 2), { count: 0, nextDueMs: 40, resynced: false });
  });

  it('writes each period that fell due, keeping the schedule', () => {
    assert.deepEqual(duePeriods(40, 40, 20, 2), { count: 1, nextDueMs: 60, resynced: false });
    assert.deepEqual(duePeriods(40, 65, 20, 2), { count: 2, nextDueMs: 80, resynced: false });
  });

  it('after a stall longer than the lead, re-primes the lead and restarts the schedule', () => {
    assert.deepEqual(duePeriods(40, 140, 20, 2), { count: 2, nextDueMs: 160, resynced: true });
  });
});
