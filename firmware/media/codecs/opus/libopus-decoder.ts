/**
 * libopus's decoder, called through the WebAssembly build of libopus that
 * ships inside @evan/opus (its wasm/ folder, a public export of the
 * package), because the binding's own Decoder class always passes
 * decode_fec = 0 to opus_decode() and rejects a missing packet. Called
 * directly, opus_decode() offers all three things a jitter buffer needs
 * from one decoder state (RFC 6716 §4; libopus opus_decode docs):
 *  - a packet: decode it;
 *  - no packet (data NULL): packet-loss concealment for frame_size samples;
 *  - the NEXT packet with decode_fec = 1: the LBRR copy of the lost frame
 *    it carries (§2.1.7), or concealment when it carries none.
 * The three must share one state, which is why decoding as a whole moves
 * here rather than only FEC. Encoding stays on the native binding.
 *
 * One wasm instance per thread (the media worker has its own), shared by
 * every decoder of that thread; scratch buffers in its memory are shared
 * too, as calls never overlap on one thread.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/*
 * The few WebAssembly JS API members used here, typed locally: the
 * project's libs (ES2023, @types/node) do not declare the global.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, () => void>>) => WasmInstance;
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
}
const WebAssembly = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

interface LibopusExports {
  readonly memory: WasmMemory;
  malloc(size: number): number;
  free(ptr: number): void;
  opus_decoder_get_size(channels: number): number;
  opus_decoder_init(state: number, sampleRate: number, channels: number): number;
  opus_decode(state: number, data: number, length: number, pcm: number, frameSize: number, decodeFec: number): number;
  opus_decoder_ctl_get(state: number, request: number): number;
  opus_strerror(code: number): number;
}

const FUNCTIONS = ['malloc', 'free', 'opus_decoder_get_size', 'opus_decoder_init', 'opus_decode', 'opus_decoder_ctl_get', 'opus_strerror'] as const;

/** OPUS_GET_LAST_PACKET_DURATION_REQUEST (opus_defines.h). */
const GET_LAST_PACKET_DURATION = 4039;
/** The largest packet accepted: 48 frames of 1275 bytes would be more, but no RTP packet over UDP is. */
const MAX_OPUS_PACKET_BYTES = 8192;
/** 120 ms at 48 kHz: the longest audio one opus_decode() call returns. */
const MAX_FRAME_SAMPLES = 5760;

interface Instance {
  readonly exports: LibopusExports;
  readonly input: number;
  readonly output: number;
}

let instance: Instance | undefined;

function isExports(value: Record<string, unknown>): value is Record<string, unknown> & LibopusExports {
  return value.memory instanceof WebAssembly.Memory && FUNCTIONS.every((name) => typeof value[name] === 'function');
}

function compile(file: string): object {
  return new WebAssembly.Module(readFileSync(file));
}

/** The SIMD build when this engine takes it, else the plain one. */
function load(): Instance {
  const require = createRequire(import.meta.url);
  let file = require.resolve('@evan/opus/wasm/simd.wasm');
  let module: object;
  try {
    module = compile(file);
  } catch {
    file = require.resolve('@evan/opus/wasm/opus.wasm');
    module = compile(file);
  }
  const noop = (): void => undefined;
  const wasm = new WebAssembly.Instance(module, {
    wasi_snapshot_preview1: { fd_seek: noop, fd_write: noop, fd_close: noop, proc_exit: noop },
    // Views are re-made from memory.buffer at every call (viewOf), so growth needs no notice.
    env: { emscripten_notify_memory_growth: noop },
  });
  if (!isExports(wasm.exports)) throw new Error(`${file} does not export libopus's decoder API`);
  const exports = wasm.exports;
  return { exports, input: exports.malloc(MAX_OPUS_PACKET_BYTES), output: exports.malloc(MAX_FRAME_SAMPLES * 2 * 2) };
}

function libopus(): Instance {
  instance ??= load();
  return instance;
}

function cString(memory: WasmMemory, ptr: number): string {
  const bytes = new Uint8Array(memory.buffer, ptr);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? 0 : end));
}

function check(lib: Instance, code: number, what: string): number {
  if (code < 0) throw new Error(`libopus ${what}: ${cString(lib.exports.memory, lib.exports.opus_strerror(code))}`);
  return code;
}

const freeState = new FinalizationRegistry<number>((ptr) => instance?.exports.free(ptr));

export class LibopusDecoder {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly lib = libopus();
  private state: number;

  constructor(sampleRate: number, channels: 1 | 2) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.state = this.lib.exports.malloc(this.lib.exports.opus_decoder_get_size(channels));
    freeState.register(this, this.state, this);
    this.reset();
  }

  /** Decodes `payload` (the whole packet, however many frames it holds). */
  decode(payload: Uint8Array): Int16Array {
    if (payload.length === 0 || payload.length > MAX_OPUS_PACKET_BYTES) {
      throw new RangeError(`an Opus packet of ${payload.length} bytes is not decodable (1–${MAX_OPUS_PACKET_BYTES})`);
    }
    return this.run(payload, MAX_FRAME_SAMPLES, false);
  }

  /** libopus's packet-loss concealment for `frameSize` samples (a multiple of 2.5 ms). */
  conceal(frameSize: number): Int16Array {
    return this.run(undefined, frameSize, false);
  }

  /**
   * The frame before `nextPayload`, from the LBRR data `nextPayload` carries
   * (or concealment, inside libopus, when it carries none): `frameSize`
   * must be the lost frame's duration. Decode `nextPayload` itself after.
   */
  decodeFec(nextPayload: Uint8Array, frameSize: number): Int16Array {
    if (nextPayload.length === 0 || nextPayload.length > MAX_OPUS_PACKET_BYTES) return this.conceal(frameSize);
    return this.run(nextPayload, frameSize, true);
  }

  /** Back to the state of a new decoder (opus_decoder_init on the same memory). */
  reset(): void {
    check(this.lib, this.lib.exports.opus_decoder_init(this.state, this.sampleRate, this.channels), 'decoder init');
  }

  /** Samples per channel of the last packet decoded or concealed. */
  get lastPacketDuration(): number {
    return this.lib.exports.opus_decoder_ctl_get(this.state, GET_LAST_PACKET_DURATION);
  }

  private run(payload: Uint8Array | undefined, frameSize: number, fec: boolean): Int16Array {
    if (!Number.isInteger(frameSize) || frameSize <= 0 || frameSize > MAX_FRAME_SAMPLES) throw new RangeError(`cannot decode ${frameSize} samples`);
    const { exports, input, output } = this.lib;
    if (payload) new Uint8Array(exports.memory.buffer, input, payload.length).set(payload);
    const samples = check(
      this.lib,
      exports.opus_decode(this.state, payload ? input : 0, payload ? payload.length : 0, output, frameSize, fec ? 1 : 0),
      payload ? (fec ? 'FEC decode' : 'decode') : 'concealment',
    );
    // A copy out of wasm memory, which the next call reuses (and growth may move).
    return new Int16Array(exports.memory.buffer.slice(output, output + samples * this.channels * 2));
  }
}
