/**
 * Codec cost: microseconds of CPU per 20 ms frame for each of the phone's
 * audio codecs (ours: G.711 and G.722 in TypeScript, Opus through libopus
 * built to WebAssembly, as the media worker runs it), encode and decode separately, plus packet-loss
 * concealment, and the share of real time that one call's encode + decode
 * takes. One second of speech-like signal (a voiced harmonic series with a
 * little noise) is coded per round, so every frame differs.
 */
import { Worker } from 'node:worker_threads';
import type { Benchmark } from './registry.js';
import type { AudioCodecDescriptor } from '../../firmware/media/codecs/codec.js';
import { createDefaultCodecRegistry } from '../../firmware/media/codecs/default-registry.js';
import { consume, formatTable, measureRate } from './measure.js';

const FRAME_MS = 20;
const FRAMES = 50;

function speechLike(sampleRate: number, samples: number): Int16Array {
  const out = new Int16Array(samples);
  let seed = 0x2545f491;
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    const f0 = 120 + 30 * Math.sin(2 * Math.PI * 3 * t);
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round(4000 * v + ((seed >>> 20) - 2048));
  }
  return out;
}

interface Row {
  readonly encodeUs: number;
  readonly decodeUs: number;
  readonly concealUs: number;
}

function measureCodec(codec: AudioCodecDescriptor, smoke: boolean): Row {
  const n = (codec.sampleRate * FRAME_MS) / 1000;
  const signal = speechLike(codec.sampleRate, n * FRAMES);
  const frames = Array.from({ length: FRAMES }, (_, f) => signal.subarray(f * n, (f + 1) * n));
  const encoder = codec.createEncoder(codec.defaultFmtp);
  const payloads = frames.map((f) => encoder.encode(f));
  const decoder = codec.createDecoder();

  const encodeRate = measureRate(() => frames.reduce((s, f) => s + encoder.encode(f).length, 0), FRAMES, smoke);
  const decodeRate = measureRate(() => payloads.reduce((s, p) => s + (decoder.decode(p)[0] ?? 0), 0), FRAMES, smoke);
  // One lost frame in every five, each followed by a good one that is merged.
  const concealRate = measureRate(
    () => {
      let s = 0;
      for (let i = 0; i < 10; i++) {
        s += decoder.conceal(n)[0] ?? 0;
        s += decoder.decode(payloads[i] ?? new Uint8Array(0))[0] ?? 0;
      }
      return s;
    },
    10,
    smoke,
  );
  consume(payloads.length);
  const concealPlusDecodeUs = 1e6 / concealRate;
  const decodeUs = 1e6 / decodeRate;
  return { encodeUs: 1e6 / encodeRate, decodeUs, concealUs: Math.max(0, concealPlusDecodeUs - decodeUs) };
}

/** One row per codec: measured in this thread, with whichever Opus build it has loaded. */
export function codecRows(smoke: boolean, label = ''): string[][] {
  return createDefaultCodecRegistry()
    .audio()
    .map((codec) => {
      const r = measureCodec(codec, smoke);
      const both = r.encodeUs + r.decodeUs;
      return [
        `${codec.name}/${codec.clockRate} (${codec.sampleRate / 1000} kHz)${label}`,
        r.encodeUs.toFixed(1),
        r.decodeUs.toFixed(1),
        both.toFixed(1),
        r.concealUs.toFixed(1),
        ((both / (FRAME_MS * 1000)) * 100).toFixed(3),
      ];
    });
}

/**
 * The rows as the media worker runs the codecs: in a worker thread whose
 * environment tells @evan/opus to use its WebAssembly build (the native
 * addon crashes the process when a thread that loaded it ends, so the
 * phone's worker never loads it: media-client.ts). That is the Opus
 * encoder the phone really uses; decoding is libopus's wasm either way
 * (libopus-decoder.ts).
 */
function codecRowsInWorker(smoke: boolean): Promise<string[][]> {
  const entry = new URL('./codec-bench-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, env: { ...process.env, OPUS_FORCE_WASM: '1' }, workerData: { smoke } });
  return new Promise((resolve, reject) => {
    worker.once('message', (rows: string[][]) => {
      resolve(rows);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

export const codecBenchmark: Benchmark = {
  name: `Audio codecs as the media worker runs them (µs of CPU per ${FRAME_MS} ms frame; lower is better)`,
  async run({ smoke }) {
    const rows = await codecRowsInWorker(smoke);
    // For reference: Opus encoding through the native addon, which only the main thread can load.
    const native = codecRows(smoke, ', native libopus encoder (not used by the phone)').filter(([name]) => name?.startsWith('opus'));
    return formatTable(['codec', 'encode µs', 'decode µs', 'encode+decode µs', 'conceal µs', '% of real time'], [...rows, ...native]);
  },
};
