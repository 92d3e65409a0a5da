/**
 * The main thread's side of the media engine: starts the worker, sends it
 * commands as requests with ids and a timeout each, and hands its events to
 * subscribers. The phone's call manager talks to this; the audio itself never
 * crosses the thread boundary.
 *
 * Locating the worker: next to this file. From the compiled tree that is
 * worker.js, loaded directly. From the TypeScript sources (tests, `npm
 * start` through tsx) it is worker.ts, which a worker thread cannot load by
 * itself: Node 20 does not apply a loader given in a Worker's execArgv
 * (`--import tsx` there still fails with ERR_UNKNOWN_FILE_EXTENSION), so the
 * thread starts with a two-line bootstrap that registers tsx's ESM loader
 * (tsx/esm/api register()) and then imports worker.ts.
 */
import { Worker } from 'node:worker_threads';
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import { SystemClock } from '../../../drivers/bus/system-clock.js';
import type { DtmfMethod } from './media-stream.js';
import {
  isWorkerMessage,
  type DeviceSpec,
  type MediaCommand,
  type MediaEvent,
  type MediaResult,
  type MediaResults,
  type StreamUpdate,
  type WireSrtpKeys,
  type WireStreamConfig,
} from './protocol.js';
import type { RemoteEndpoint, StreamCodec, StreamDirection, StreamTelephoneEvent } from './stream-config.js';
import type { MediaStreamStats } from './stream-stats.js';

export interface MediaClientOptions {
  /** How long a request may take before it is refused, ms. */
  readonly timeoutMs?: number;
  /** Posts a 'stats' event this often (ms) when given. */
  readonly statsIntervalMs?: number;
  /** For request timeouts; the system clock unless a test gives one. */
  readonly clock?: Clock;
}

interface Pending {
  readonly resolve: (result: MediaResults[MediaCommand['type']]) => void;
  readonly reject: (error: Error) => void;
  readonly timer: TimerHandle;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The worker's environment: the process's, with @evan/opus told to use its
 * WebAssembly build. Its native addon is not safe in a worker thread: the
 * process dies with SIGSEGV when a thread that loaded it ends (seen on Node
 * 20.20, linux-x64), and the worker ends at every shutdown.
 */
function workerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, OPUS_FORCE_WASM: '1' };
}

/** The worker thread, from compiled JavaScript or (through tsx) from the TypeScript source. */
function spawnMediaWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { env: workerEnv() });
  const entry = new URL('./worker.ts', here).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, env: workerEnv() });
}

export class MediaClient {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: MediaEvent) => void>();
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private nextId = 1;
  private exited: Promise<number>;
  private exitCode: number | undefined;

  private constructor(
    private readonly worker: Worker,
    options: MediaClientOptions,
  ) {
    this.clock = options.clock ?? new SystemClock();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    worker.on('message', (message: unknown) => this.onMessage(message));
    worker.on('error', (error) => {
      this.emit({ type: 'error', message: `media worker failed: ${error.message}` });
      this.failAll(new Error(`media worker failed: ${error.message}`));
    });
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.exitCode = code;
        this.failAll(new Error(`media worker exited (code ${code})`));
        resolve(code);
      });
    });
  }

  /** Starts the worker and opens its audio devices; rejects (and ends the worker) if they cannot open. */
  static async start(devices: DeviceSpec, options: MediaClientOptions = {}): Promise<MediaClient> {
    const client = new MediaClient(spawnMediaWorker(), options);
    try {
      await client.request({
        type: 'open-devices',
        devices,
        ...(options.statsIntervalMs === undefined ? {} : { statsIntervalMs: options.statsIntervalMs }),
      });
    } catch (e) {
      await client.worker.terminate();
      throw e;
    }
    return client;
  }

  /** The worker's exit code once it has ended. */
  get exitedWith(): number | undefined {
    return this.exitCode;
  }

  onEvent(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends one command; resolves with its result, rejects with the worker's reason or on timeout. */
  request<C extends MediaCommand>(command: C, timeoutMs = this.timeoutMs): Promise<MediaResult<C['type']>> {
    if (this.exitCode !== undefined) return Promise.reject(new Error('media worker has exited'));
    const requestId = this.nextId++;
    return new Promise<MediaResult<C['type']>>((resolve, reject) => {
      const timer = this.clock.setTimer(timeoutMs, () => {
        this.pending.delete(requestId);
        reject(new Error(`media worker: ${command.type} got no answer in ${timeoutMs} ms`));
      });
      this.pending.set(requestId, {
        // The worker answers each command type with that type's result.
        resolve: (result) => resolve(result as MediaResult<C['type']>),
        reject,
        timer,
      });
      this.worker.postMessage({ kind: 'request', requestId, command });
    });
  }

  /**
   * Opens a stream; resolves with its local RTP port. Leave `remote` out to
   * get the port for an offer: nothing is sent or accepted until setRemote()
   * or updateStream() names the peer.
   */
  openStream(stream: WireStreamConfig): Promise<{ readonly localPort: number }> {
    return this.request({ type: 'open-stream', stream });
  }

  /**
   * Everything an answer or a re-INVITE settled, as one change: applied
   * whole, or refused with the reason and the stream left as it was.
   */
  updateStream(streamId: string, change: StreamUpdate): Promise<null> {
    return this.request({ type: 'update-stream', streamId, ...change });
  }

  /** Where the peer is (the answer to our offer, a transfer): RTP and RTCP start to flow. */
  setRemote(streamId: string, remote: RemoteEndpoint): Promise<null> {
    return this.updateStream(streamId, { remote });
  }

  /** Hold and resume: with send off no RTP leaves (RTCP goes on). */
  setDirection(streamId: string, direction: StreamDirection): Promise<null> {
    return this.updateStream(streamId, { direction });
  }

  /**
   * A new codec on the running stream (same port, same SSRC): packet time and
   * telephone-event with it, as negotiated (null: no telephone-event).
   */
  changeCodec(
    streamId: string,
    codec: StreamCodec,
    options: { readonly ptime?: number; readonly telephoneEvent?: StreamTelephoneEvent | null } = {},
  ): Promise<null> {
    return this.updateStream(streamId, { codec, ...options });
  }

  /** New SRTP keys (crypto lines), or null for plain RTP from now on. */
  setSrtp(streamId: string, srtp: WireSrtpKeys | null): Promise<null> {
    return this.updateStream(streamId, { srtp });
  }

  closeStream(streamId: string): Promise<null> {
    return this.request({ type: 'close-stream', streamId });
  }

  playTone(country: string, tone: string): Promise<null> {
    return this.request({ type: 'play-tone', country, tone });
  }

  stopTone(): Promise<null> {
    return this.request({ type: 'stop-tone' });
  }

  ring(on: boolean, tone?: string, volume?: number): Promise<null> {
    return this.request({ type: 'ring', on, ...(tone === undefined ? {} : { tone }), ...(volume === undefined ? {} : { volume }) });
  }

  sendDtmf(streamId: string, digits: string, method: DtmfMethod, durationMs?: number): Promise<null> {
    return this.request({ type: 'send-dtmf', streamId, digits, method, ...(durationMs === undefined ? {} : { durationMs }) });
  }

  mute(muted: boolean): Promise<null> {
    return this.request({ type: 'mute', muted });
  }

  volume(gainDb: number): Promise<null> {
    return this.request({ type: 'volume', gainDb });
  }

  mix(streamIds: readonly string[]): Promise<null> {
    return this.request({ type: 'mix', streamIds });
  }

  async stats(streamId?: string): Promise<readonly MediaStreamStats[]> {
    return (await this.request({ type: 'stats', ...(streamId === undefined ? {} : { streamId }) })).streams;
  }

  /**
   * Shuts the engine down (streams send BYE, devices stop) and waits for the
   * thread to end by itself; terminates it if it does not within the timeout.
   * Resolves with the exit code (0: it ended cleanly, nothing left open).
   */
  async close(): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    try {
      await this.request({ type: 'shutdown' });
    } catch (e) {
      this.emit({ type: 'error', message: `media worker shutdown: ${e instanceof Error ? e.message : String(e)}` });
    }
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = this.clock.setTimer(this.timeoutMs, () => resolve('timeout'))));
    const outcome = await Promise.race([this.exited, timedOut]);
    this.clock.clearTimer(timer);
    if (outcome === 'timeout') {
      this.emit({ type: 'error', message: 'media worker did not end after shutdown: terminated' });
      await this.worker.terminate();
      return this.exited;
    }
    return outcome;
  }

  private onMessage(message: unknown): void {
    if (!isWorkerMessage(message)) return;
    if (message.kind === 'event') {
      this.emit(message.event);
      return;
    }
    const pending = this.pending.get(message.requestId);
    if (!pending) return;
    this.pending.delete(message.requestId);
    this.clock.clearTimer(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
  }

  private failAll(error: Error): void {
    for (const [id, p] of this.pending) {
      this.clock.clearTimer(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
  }

  private emit(event: MediaEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
