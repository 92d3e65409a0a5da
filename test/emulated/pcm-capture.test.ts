import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { createEmulatedCapture, EmulatedPcmCapture } from '../../drivers/emulated/pcm-capture.js';
import { SilenceSource } from '../../drivers/emulated/pcm-sources.js';
import { encodeWav } from '../../drivers/pcm/wav.js';
import { goertzelPower, zeroCrossingFrequency } from '../../firmware/media/dsp/tone-analysis.js';
import type { PcmFormat } from '../../drivers/bus/pcm.js';

const dir = mkdtempSync(join(tmpdir(), 'deskphone-pcm-capture-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NB: PcmFormat = { sampleRate: 8000, channels: 1, periodFrames: 160 }; // 20 ms

/** A fixture WAV whose sample i is distinct and predictable: i*7 wrapped to 16 bits. */
function fixture(name: string, samples: number, format: { sampleRate: number; channels: number } = NB): string {
  const data = Int16Array.from({ length: samples }, (_, i) => ((i * 7 + 32768) % 65536) - 32768);
  const path = join(dir, name);
  writeFileSync(path, encodeWav(format, data));
  return path;
}

function expected(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (((from + k) * 7 + 32768) % 65536) - 32768);
}

describe('EmulatedPcmCapture', () => {
  it('delivers exactly N periods for N × 20 ms of virtual time, with the WAV samples in order', async () => {
    const path = fixture('ten-periods.wav', 1600);
    const clock = new VirtualClock();
    const capture = await createEmulatedCapture({ spec: path, format: NB, clock });
    const periods: Int16Array[] = [];
    const at: number[] = [];
    capture.start((samples) => {
      periods.push(samples);
      at.push(clock.now());
    });
    clock.advance(7 * 20);
    assert.equal(periods.length, 7);
    clock.advance(19);
    assert.equal(periods.length, 7, 'not before the period is complete');
    clock.advance(1);
    assert.equal(periods.length, 8);
    assert.deepEqual(at, [20, 40, 60, 80, 100, 120, 140, 160]);
    for (const p of periods) assert.equal(p.length, 160);
    assert.deepEqual(
      periods.flatMap((p) => [...p]),
      expected(0, 8 * 160),
    );
    await capture.stop();
    assert.equal(clock.pendingCount, 0, 'no timer left behind');
  });

  it('pads with silence after the end of a plain WAV', async () => {
    const path = fixture('short.wav', 200);
    const clock = new VirtualClock();
    const capture = await createEmulatedCapture({ spec: path, format: NB, clock });
    const periods: Int16Array[] = [];
    capture.start((s) => periods.push(s));
    clock.advance(60);
    assert.deepEqual([...(periods[1] ?? [])], [...expected(160, 40), ...new Array<number>(120).fill(0)]);
    assert.ok((periods[2] ?? []).every((s) => s === 0));
    await capture.stop();
  });

  it('loops a WAV given as loop:<file>', async () => {
    const path = fixture('loop.wav', 100);
    const clock = new VirtualClock();
    const capture = await createEmulatedCapture({ spec: `loop:${path}`, format: NB, clock });
    const periods: Int16Array[] = [];
    capture.start((s) => periods.push(s));
    clock.advance(20);
    assert.deepEqual([...(periods[0] ?? [])], [...expected(0, 100), ...expected(0, 60)]);
    await capture.stop();
  });

  it('refuses a WAV whose rate or channels differ from the capture, naming the file', async () => {
    const path = fixture('wideband.wav', 320, { sampleRate: 16000, channels: 1 });
    await assert.rejects(
      createEmulatedCapture({ spec: path, format: NB, clock: new VirtualClock() }),
      (e: unknown) => e instanceof Error && e.message.startsWith(path) && /16000 Hz, 1 channel.*8000 Hz.*does not resample/.test(e.message),
    );
    const stereo = fixture('stereo.wav', 320, { sampleRate: 8000, channels: 2 });
    await assert.rejects(createEmulatedCapture({ spec: stereo, format: NB, clock: new VirtualClock() }), /stereo\.wav: WAV is 8000 Hz, 2 channel/);
  });

  it('names a missing file', async () => {
    await assert.rejects(createEmulatedCapture({ spec: join(dir, 'absent.wav'), format: NB, clock: new VirtualClock() }), /absent\.wav/);
  });

  it('generates tone:<hz> at that frequency, continuous across periods', async () => {
    const clock = new VirtualClock();
    const wb: PcmFormat = { sampleRate: 16000, channels: 1, periodFrames: 320 };
    const capture = await createEmulatedCapture({ spec: 'tone:1000', format: wb, clock });
    const all: number[] = [];
    capture.start((s) => all.push(...s));
    clock.advance(1000);
    assert.equal(all.length, 16000);
    assert.ok(Math.abs(zeroCrossingFrequency(all, 16000) - 1000) < 2);
    assert.ok(goertzelPower(all, 1000, 16000) > 1000 * goertzelPower(all, 1100, 16000));
    await capture.stop();
  });

  it('refuses a tone at or above half the capture rate', async () => {
    await assert.rejects(createEmulatedCapture({ spec: 'tone:5000', format: NB, clock: new VirtualClock() }), /below 4000 Hz/);
  });

  it('reports a consumer that throws through onError and stays stopped', async () => {
    const clock = new VirtualClock();
    const capture = new EmulatedPcmCapture({ format: NB, clock, source: new SilenceSource(1) });
    const errors: Error[] = [];
    capture.onError((e) => errors.push(e));
    let calls = 0;
    capture.start(() => {
      calls++;
      throw new Error('encoder broke');
    });
    clock.advance(100);
    assert.equal(calls, 1);
    assert.match(errors[0]?.message ?? '', /encoder broke/);
    assert.equal(capture.state, 'failed');
    assert.equal(clock.pendingCount, 0);
    await capture.stop();
    assert.equal(capture.state, 'stopped');
  });

  it('pauses: no periods and no timers; resumes a period later where the source left off', async () => {
    const path = fixture('pause.wav', 1600);
    const clock = new VirtualClock();
    const capture = await createEmulatedCapture({ spec: path, format: NB, clock });
    const periods: Int16Array[] = [];
    capture.start((samples) => periods.push(samples));
    clock.advance(3 * 20);
    await capture.pause();
    assert.equal(capture.state, 'paused');
    assert.equal(clock.pendingCount, 0, 'a paused device sets no timer');
    clock.advance(10_000);
    assert.equal(periods.length, 3);
    capture.resume();
    assert.equal(capture.state, 'running');
    clock.advance(19);
    assert.equal(periods.length, 3, 'the first period after resume is complete a period later');
    clock.advance(1);
    assert.equal(periods.length, 4);
    assert.deepEqual([...(periods[3] ?? [])], expected(3 * 160, 160), 'the source went on from where it stopped');
    await capture.pause();
    await capture.stop();
    assert.equal(capture.state, 'stopped');
  });

  it('can be started only once', async () => {
    const capture = new EmulatedPcmCapture({ format: NB, clock: new VirtualClock(), source: new SilenceSource(1) });
    capture.start(() => undefined);
    assert.throws(() => capture.start(() => undefined), /cannot go from running to running/);
    await capture.stop();
  });
});
