/**
 * When each sample of a recording was written, for the mouth-to-ear
 * benchmark: a WAV file's position says nothing about time by itself, so
 * the bench watches the file grow (inotify, through fs.watch) and notes the
 * size at each change with process.hrtime — the same clock the far end
 * stamps its packets with.
 *
 * The two recorders write differently, so their timelines are built
 * differently:
 *  - the phone's --audio-out is its playback device: one 20 ms period is
 *    pulled and written every 20 ms of its clock (drivers/emulated/
 *    pcm-playback.ts), period n at start + n × 20 ms, just before it would
 *    play. Writes can only be late, never early, so the earliest-looking
 *    observation pins the start: start = min(t − (frames − period)/rate),
 *    and frame f plays at start + f/rate.
 *  - baresip's sndfile module writes each frame as it leaves the decoder,
 *    when a packet arrives (its jitter buffer hands one frame out per frame
 *    put in), not on a clock. So frame f was written at the first
 *    observation that shows it, plus its place within that write.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { bytesToSamples, parseWav } from '../../drivers/pcm/wav.js';

export interface Growth {
  /** hrtime, ns (as a number: differences of a few minutes are exact in a double). */
  readonly atNs: number;
  /** File size then. */
  readonly bytes: number;
}

export interface Recording {
  readonly sampleRate: number;
  /** Mono (the first channel). */
  readonly samples: Int16Array;
  readonly dataOffset: number;
}

/** A WAV file read whole, the data taken to the end of the file (the header's size may lag behind). */
export function readRecording(file: string): Recording {
  const bytes = readFileSync(file);
  const wav = parseWav(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  const frameBytes = 2 * wav.format.channels;
  const end = bytes.length - ((bytes.length - wav.dataOffset) % frameBytes);
  const all = bytesToSamples(bytes.subarray(wav.dataOffset, end));
  const samples = wav.format.channels === 1 ? all : all.filter((_, i) => i % wav.format.channels === 0);
  return { sampleRate: wav.format.sampleRate, samples, dataOffset: wav.dataOffset };
}

/** Frame index → write time (ns) of a clock-paced recorder writing `periodFrames` at a time. */
export function pacedTimeline(growth: readonly Growth[], dataOffset: number, sampleRate: number, periodFrames: number): (frame: number) => number {
  let start = Number.POSITIVE_INFINITY;
  for (const g of growth) {
    const frames = Math.floor((g.bytes - dataOffset) / 2);
    if (frames >= periodFrames) start = Math.min(start, g.atNs - ((frames - periodFrames) / sampleRate) * 1e9);
  }
  if (!Number.isFinite(start)) throw new Error('the recording never grew while it was watched');
  return (frame) => start + (frame / sampleRate) * 1e9;
}

/** Frame index → write time (ns) of a recorder that writes as frames arrive; NaN for frames never seen written. */
export function arrivalTimeline(growth: readonly Growth[], dataOffset: number, sampleRate: number): (frame: number) => number {
  const points = growth.map((g) => ({ atNs: g.atNs, frames: Math.max(0, Math.floor((g.bytes - dataOffset) / 2)) }));
  return (frame) => {
    let before = 0;
    for (const p of points) {
      if (p.frames > frame) return p.atNs + ((frame - before) / sampleRate) * 1e9;
      before = Math.max(before, p.frames);
    }
    return Number.NaN;
  };
}

/** Notes a file's size each time it changes. */
export class GrowthWatch {
  readonly growth: Growth[] = [];
  private readonly watcher: FSWatcher;

  constructor(readonly file: string) {
    const note = (): void => {
      const atNs = Number(process.hrtime.bigint());
      try {
        this.growth.push({ atNs, bytes: statSync(file).size });
      } catch {
        // removed under us: nothing to note
      }
    };
    this.watcher = watch(file, note);
    note();
  }

  close(): void {
    this.watcher.close();
  }
}

/** Watches a folder for recordings whose names end in `suffix`, and each one's growth. */
export class FolderWatch {
  private readonly files = new Map<string, GrowthWatch>();
  private readonly watcher: FSWatcher;

  constructor(readonly folder: string, suffix: string) {
    this.watcher = watch(folder, (_event, name) => {
      const file = name === null ? undefined : join(folder, basename(name));
      if (file === undefined || !file.endsWith(suffix) || this.files.has(file)) return;
      try {
        this.files.set(file, new GrowthWatch(file));
      } catch {
        // gone again before we looked
      }
    });
  }

  /** The newest recording seen so far, with its growth. */
  latest(): GrowthWatch | undefined {
    return [...this.files.values()].at(-1);
  }

  close(): void {
    this.watcher.close();
    for (const w of this.files.values()) w.close();
  }
}
