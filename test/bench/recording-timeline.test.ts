import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrivalTimeline, pacedTimeline, readRecording } from '../../scripts/bench/recording-timeline.js';
import { buildWavHeader, samplesToBytes } from '../../drivers/pcm/wav.js';

const HEADER = 44;
const bytes = (frames: number): number => HEADER + 2 * frames;

describe('when each sample of a recording was written', () => {
  it('pins a paced recorder to its earliest write: late writes do not shift the timeline', () => {
    // 16 kHz, 320-frame periods written every 20 ms from t = 1 s; the third write was 7 ms late.
    const growth = [
      { atNs: 1.0e9, bytes: bytes(320) },
      { atNs: 1.02e9, bytes: bytes(640) },
      { atNs: 1.047e9, bytes: bytes(960) },
    ];
    const t = pacedTimeline(growth, HEADER, 16000, 320);
    assert.equal(t(0), 1.0e9);
    assert.equal(t(640), 1.04e9);
  });

  it('refuses a recording that never grew', () => {
    assert.throws(() => pacedTimeline([{ atNs: 1, bytes: HEADER }], HEADER, 16000, 320), /never grew/);
  });

  it('dates each frame of an arrival-driven recorder by the write that brought it', () => {
    // 8 kHz, 160-frame writes at 0, 25 and 140 ms (a stall before the third), the second observed twice.
    const growth = [
      { atNs: 0, bytes: bytes(160) },
      { atNs: 25e6, bytes: bytes(320) },
      { atNs: 26e6, bytes: bytes(320) },
      { atNs: 140e6, bytes: bytes(480) },
    ];
    const t = arrivalTimeline(growth, HEADER, 8000);
    assert.equal(t(0), 0);
    assert.equal(t(80), 10e6);
    assert.equal(t(160), 25e6);
    assert.equal(t(320), 140e6);
    assert.ok(Number.isNaN(t(480)));
  });

  it('reads a WAV to the end of the file even when its header says less (a recorder still writing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-timeline-'));
    try {
      const samples = Int16Array.from([1, 2, 3, 4, 5, 6]);
      const file = join(dir, 'heard.wav');
      writeFileSync(file, Buffer.concat([buildWavHeader({ sampleRate: 16000, channels: 1 }, 4), samplesToBytes(samples)]));
      const r = readRecording(file);
      assert.equal(r.sampleRate, 16000);
      assert.equal(r.dataOffset, HEADER);
      assert.deepEqual([...r.samples], [1, 2, 3, 4, 5, 6]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
