import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, TimerHandle } from '../../drivers/bus/clock.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import {
  ServiceWatchdog,
  feedIntervalMs,
  notifySettings,
  probeIntervalMs,
  shouldFeed,
  type NotifyOutcome,
  type NotifyRunner,
} from '../../firmware/watchdog.js';

/**
 * A VirtualClock whose reading can jump without firing timers, as the
 * wall clock does while the event loop is blocked: timers due during the
 * stall fire afterwards, late.
 */
class StallingClock implements Clock {
  readonly inner = new VirtualClock();
  private offset = 0;

  now(): number {
    return this.inner.now() + this.offset;
  }
  setTimer(ms: number, callback: () => void): TimerHandle {
    return this.inner.setTimer(ms, callback);
  }
  clearTimer(handle: TimerHandle | undefined): void {
    this.inner.clearTimer(handle);
  }
  /** The loop is blocked for `ms`: time passes, no timer runs. */
  stall(ms: number): void {
    this.offset += ms;
  }
  /** Runs due timers, letting each systemd-notify run settle (as the real loop would). */
  advance(ms: number): Promise<void> {
    return this.inner.advanceAsync(ms);
  }
}

interface Run {
  readonly args: readonly string[];
  readonly at: number;
}

function recordingRunner(clock: Clock, outcome: NotifyOutcome = { kind: 'sent' }): { runs: Run[]; run: NotifyRunner } {
  const runs: Run[] = [];
  return {
    runs,
    run: (args) => {
      runs.push({ args, at: clock.now() });
      return Promise.resolve(outcome);
    },
  };
}

const SYSTEMD_ENV = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '4242' };

function setup(env: Readonly<Record<string, string | undefined>> = SYSTEMD_ENV, outcome?: NotifyOutcome) {
  const clock = new StallingClock();
  const { runs, run } = recordingRunner(clock, outcome);
  const warnings: string[] = [];
  const watchdog = new ServiceWatchdog({ clock, env, pid: 4242, run, log: { warn: (line) => warnings.push(line) } });
  return { clock, runs, warnings, watchdog };
}

const feeds = (runs: readonly Run[]): number[] => runs.filter((r) => r.args.join(' ') === 'WATCHDOG=1').map((r) => r.at);

describe('systemd notify settings from the environment (sd_watchdog_enabled(3))', () => {
  it('is off without NOTIFY_SOCKET, whatever else is set', () => {
    assert.deepEqual(notifySettings({ WATCHDOG_USEC: '30000000' }, 1), { notify: false });
    assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '' }, 1), { notify: false });
  });

  it('reads WATCHDOG_USEC as milliseconds, feeding every half of it', () => {
    const s = notifySettings(SYSTEMD_ENV, 4242);
    assert.deepEqual(s, { notify: true, watchdogMs: 30_000 });
    assert.equal(feedIntervalMs(30_000), 15_000);
    assert.equal(probeIntervalMs(15_000), 1000);
    assert.equal(probeIntervalMs(2000), 500);
  });

  it('leaves the watchdog to the process WATCHDOG_PID names', () => {
    assert.deepEqual(notifySettings(SYSTEMD_ENV, 99), { notify: true });
    assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '30000000' }, 99), { notify: true, watchdogMs: 30_000 });
  });

  it('ignores a WATCHDOG_USEC that is not a positive integer', () => {
    for (const bad of ['0', '-5', '1.5', 'abc', '']) {
      assert.deepEqual(notifySettings({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: bad }, 1), { notify: true }, bad);
    }
  });

  it('feeds when the worst lag is at most one feed interval', () => {
    assert.equal(shouldFeed(15_000, 15_000), true);
    assert.equal(shouldFeed(15_001, 15_000), false);
  });
});

describe('service watchdog', () => {
  it('says READY=1 once, then WATCHDOG=1 every WATCHDOG_USEC/2', async () => {
    const { clock, runs, watchdog } = setup();
    await clock.advance(5000);
    assert.equal(runs.length, 0, 'nothing before the phone is up');
    watchdog.ready();
    watchdog.ready();
    assert.deepEqual(runs, [{ args: ['--ready'], at: 5000 }]);
    await clock.advance(46_000);
    assert.deepEqual(feeds(runs), [20_000, 35_000, 50_000]);
    assert.deepEqual(watchdog.counts, { fed: 3, skipped: 0 });
    watchdog.dispose();
  });

  it('withholds the keep-alive after the loop stalled longer than a feed interval', async () => {
    const { clock, runs, warnings, watchdog } = setup();
    watchdog.ready();
    await clock.advance(5000);
    clock.stall(16_000); // a synchronous 16 s hang between two feeds
    await clock.advance(10_000); // the feed due at 15 s runs at 31 s, the probes report the lag
    assert.deepEqual(feeds(runs), []);
    assert.deepEqual(watchdog.counts, { fed: 0, skipped: 1 });
    assert.match(warnings.join('\n'), /stalled for 16000 ms/);
    // The next feed is a whole interval after the late one: more than WatchdogSec since READY.
    await clock.advance(15_000);
    assert.deepEqual(feeds(runs), [46_000]);
    watchdog.dispose();
  });

  it('still feeds after a stall shorter than a feed interval', async () => {
    const { clock, runs, watchdog } = setup();
    watchdog.ready();
    await clock.advance(5000);
    clock.stall(9000);
    await clock.advance(10_000);
    assert.deepEqual(feeds(runs), [24_000]);
    assert.deepEqual(watchdog.counts, { fed: 1, skipped: 0 });
    watchdog.dispose();
  });

  it('forgets an old stall once a feed interval has passed cleanly', async () => {
    const { clock, runs, watchdog } = setup();
    watchdog.ready();
    await clock.advance(5000);
    clock.stall(20_000);
    await clock.advance(10_000); // skipped at 35 s
    await clock.advance(15_000); // clean interval: fed at 50 s
    await clock.advance(15_000); // fed at 65 s
    assert.deepEqual(feeds(runs), [50_000, 65_000]);
    assert.deepEqual(watchdog.counts, { fed: 2, skipped: 1 });
    watchdog.dispose();
  });

  it('only says READY=1 when WATCHDOG_USEC is absent', async () => {
    const { clock, runs, watchdog } = setup({ NOTIFY_SOCKET: '/run/systemd/notify' });
    watchdog.ready();
    await clock.advance(120_000);
    assert.deepEqual(
      runs.map((r) => r.args.join(' ')),
      ['--ready'],
    );
    assert.equal(clock.inner.pendingCount, 0);
    watchdog.dispose();
  });

  it('does nothing at all outside systemd', async () => {
    const { clock, runs, watchdog } = setup({});
    watchdog.ready();
    await clock.advance(120_000);
    watchdog.stopping();
    assert.deepEqual(runs, []);
    assert.equal(watchdog.settings.notify, false);
  });

  it('logs once and stops trying when systemd-notify is missing', async () => {
    const { clock, runs, warnings, watchdog } = setup(SYSTEMD_ENV, { kind: 'missing' });
    watchdog.ready();
    await clock.advance(60_000);
    assert.equal(runs.length, 1, 'only the READY=1 attempt');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /systemd-notify not found/);
    watchdog.dispose();
  });

  it('logs a failed systemd-notify and keeps feeding', async () => {
    const { clock, runs, warnings, watchdog } = setup(SYSTEMD_ENV, { kind: 'failed', detail: 'No such file or directory' });
    watchdog.ready();
    await clock.advance(15_000);
    await clock.advance(15_000);
    assert.deepEqual(feeds(runs), [15_000, 30_000]);
    assert.match(warnings.join('\n'), /systemd-notify --ready failed: No such file/);
    watchdog.dispose();
  });

  it('says STOPPING=1 on the way down and clears its timers', async () => {
    const { clock, runs, watchdog } = setup();
    watchdog.ready();
    assert.ok(clock.inner.pendingCount > 0);
    watchdog.stopping();
    assert.equal(watchdog.state, 'stopped');
    assert.equal(clock.inner.pendingCount, 0);
    await clock.advance(60_000);
    assert.deepEqual(
      runs.map((r) => r.args.join(' ')),
      ['--ready', 'STOPPING=1'],
    );
    watchdog.ready();
    assert.equal(runs.length, 2, 'a stopped watchdog stays stopped');
  });
});
