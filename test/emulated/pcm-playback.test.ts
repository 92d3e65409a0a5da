import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { createWavPlayback } from '../../drivers/emulated/pcm-playback.js';
import { parseWav } from '../../drivers/pcm/wav.js';
import type { PcmFormat } from '../../drivers/bus/pcm.js';

const dir = mkdtempSync(join(tmpdir(), 'deskphone-pcm-playback-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NB: PcmFormat = { sampleRate: 8000, channels: 1, periodFrames: 160 };
const PERIOD_BYTES = 320;

/** A pull that numbers its samples, so the file can be checked sample by sample. */
function counter(format: PcmFormat): { pull: () => Int16Array; count: () => number } {
  let n = 0;
  return {
    pull: () => Int16Array.from({ length: format.periodFrames * format.channels }, () => (n++ % 30000) - 15000),
    count: () => n,
  };
}

function read(path: string): ReturnType<typeof parseWav> {
  return parseWav(new Uint8Array(readFileSync(path)), path);
}

describe('EmulatedPcmPlayback into a WAV file', () => {
  it('creates a valid, empty WAV before the first period', async () => {
    const path = join(dir, 'empty.wav');
    const playback = createWavPlayback({ spec: path, format: NB, clock: new VirtualClock() });
    const wav = read(path);
    assert.deepEqual(wav.format, { sampleRate: 8000, channels: 1 });
    assert.equal(wav.declaredDataBytes, 0);
    assert.equal(playback.state, 'idle');
    await playback.stop();
  });

  it('keeps the header valid mid-stream (checked before stop) and exact after stop', async () => {
    const path = join(dir, 'call.wav');
    const clock = new VirtualClock();
    const playback = createWavPlayback({ spec: path, format: NB, clock });
    const source = counter(NB);
    playback.start(source.pull);

    clock.advance(990); // pulls at 0, 20, … 980 ms: 50 periods = 1 s, so the header was just rewritten
    assert.equal(playback.periodsPlayed, 50);
    let wav = read(path);
    assert.equal(wav.declaredDataBytes, 50 * PERIOD_BYTES);
    assert.equal(statSync(path).size, 44 + 50 * PERIOD_BYTES);
    assert.deepEqual([...wav.samples.subarray(0, 3)], [-15000, -14999, -14998]);

    clock.advance(500); // 25 more periods written; the header still says 1 s, as a killed process would leave it
    wav = read(path);
    assert.equal(wav.declaredDataBytes, 50 * PERIOD_BYTES);
    assert.equal(wav.samples.length, 50 * 160, 'a reader sees the audio up to the last header update');
    assert.equal(statSync(path).size, 44 + 75 * PERIOD_BYTES);

    await playback.stop();
    wav = read(path);
    assert.equal(wav.declaredDataBytes, 75 * PERIOD_BYTES);
    assert.equal(wav.samples.length, source.count());
    assert.deepEqual(
      [...wav.samples],
      Array.from({ length: source.count() }, (_, i) => (i % 30000) - 15000),
    );
    assert.equal(clock.pendingCount, 0);
  });

  it('pauses: no pulls and no timers; resumes pulling at once, the file holding only what was played', async () => {
    const path = join(dir, 'paused.wav');
    const clock = new VirtualClock();
    const playback = createWavPlayback({ spec: path, format: NB, clock });
    let pulls = 0;
    playback.start(() => {
      pulls++;
      return new Int16Array(160).fill(pulls);
    });
    clock.advance(40);
    assert.equal(pulls, 3, 'at 0, 20 and 40 ms');
    await playback.pause();
    assert.equal(playback.state, 'paused');
    assert.equal(clock.pendingCount, 0);
    clock.advance(5000);
    assert.equal(pulls, 3);
    playback.resume();
    clock.advance(20);
    assert.equal(pulls, 5, 'one at resume, one a period later');
    await playback.stop();
    assert.equal(read(path).declaredDataBytes, 5 * 160 * 2);
  });

  it('paces pulls at start + n × period without drift over a minute', async () => {
    const path = join(dir, 'minute.wav');
    const clock = new VirtualClock(12_345);
    const wb: PcmFormat = { sampleRate: 16000, channels: 2, periodFrames: 320 };
    const playback = createWavPlayback({ spec: path, format: wb, clock });
    const at: number[] = [];
    playback.start(() => {
      at.push(clock.now() - 12_345);
      return new Int16Array(640);
    });
    clock.advance(60_000);
    assert.equal(at.length, 3001); // 0, 20, … 60000 ms
    assert.equal(at.at(-1), 60_000);
    assert.ok(at.every((t, i) => t === i * 20));
    await playback.stop();
    assert.equal(read(path).declaredDataBytes, 3001 * 640 * 2);
  });

  it('fails, through onError, on a period of the wrong size, and still finalises the file on stop', async () => {
    const path = join(dir, 'short-period.wav');
    const clock = new VirtualClock();
    const playback = createWavPlayback({ spec: path, format: NB, clock });
    const errors: Error[] = [];
    playback.onError((e) => errors.push(e));
    let n = 0;
    playback.start(() => new Int16Array(++n === 3 ? 100 : 160));
    clock.advance(200);
    assert.equal(playback.state, 'failed');
    assert.match(errors[0]?.message ?? '', /pull returned 100 samples; a period is 160/);
    await playback.stop();
    assert.equal(read(path).declaredDataBytes, 2 * PERIOD_BYTES);
  });

  it('refuses an --audio-out that is not a .wav path, creating nothing', () => {
    const path = join(dir, 'out.raw');
    assert.throws(() => createWavPlayback({ spec: path, format: NB, clock: new VirtualClock() }), /ending in \.wav/);
    assert.equal(existsSync(path), false);
  });
});
