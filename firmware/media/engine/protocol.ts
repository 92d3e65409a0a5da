/**
 * The messages between the main thread (MediaClient) and the media worker
 * (worker.ts), as discriminated unions of plain data: strings, numbers,
 * booleans, arrays and objects only, so they survive structured clone (and
 * JSON, for logs and traces) unchanged.
 *
 *   main → worker  { kind: 'request', requestId, command }
 *   worker → main  { kind: 'response', requestId, ok, result | error }
 *                  { kind: 'event', event }   (unsolicited)
 *
 * Every request gets exactly one response with its requestId; events are
 * what happens on their own (a DTMF digit received, a device failing, the
 * periodic statistics).
 */
import type { PcmFormat } from '../../../drivers/bus/pcm.js';
import type { DtmfMethod } from './media-stream.js';
import type { StreamChange, StreamConfig } from './stream-config.js';
import type { MediaStreamStats } from './stream-stats.js';

/** Which PCM devices the worker opens (it creates them itself, in its own thread). */
export type DeviceSpec =
  | {
      /** The simulated board: --audio-in (WAV, tone:<hz>, silence) and --audio-out (WAV). */
      readonly kind: 'emulated';
      readonly format: PcmFormat;
      readonly audioIn: string;
      readonly audioOut?: string;
    }
  | {
      /** A real sound card through alsa-utils (drivers/linux/alsa-pcm.ts). */
      readonly kind: 'alsa';
      readonly format: PcmFormat;
      readonly captureDevice: string;
      readonly playbackDevice: string;
    };

/** SRTP keys on the wire: RFC 4568 a=crypto lines, ours (send) and the peer's (recv). */
export interface WireSrtpKeys {
  readonly send: string;
  readonly recv: string;
}

/**
 * A stream as the worker takes it: SRTP keys as crypto lines only. `remote`
 * may be left out to learn the port for an offer before the answer names
 * the peer (nothing is sent or accepted until an update sets it).
 */
export type WireStreamConfig = Omit<StreamConfig, 'srtp'> & {
  readonly srtp?: WireSrtpKeys | null;
};

/**
 * A change to a running stream (stream-config.ts StreamChange), SRTP keys as
 * crypto lines: any of remote, direction, codec, ptime, telephoneEvent and
 * srtp, applied together or refused together; null removes telephone-event
 * or SRTP. The local port never changes.
 */
export type StreamUpdate = Omit<StreamChange, 'srtp'> & {
  readonly srtp?: WireSrtpKeys | null;
};

export type MediaCommand =
  | { readonly type: 'open-devices'; readonly devices: DeviceSpec; readonly statsIntervalMs?: number }
  | { readonly type: 'open-stream'; readonly stream: WireStreamConfig }
  | ({ readonly type: 'update-stream'; readonly streamId: string } & StreamUpdate)
  | { readonly type: 'close-stream'; readonly streamId: string }
  | { readonly type: 'play-tone'; readonly country: string; readonly tone: string }
  | { readonly type: 'stop-tone' }
  | { readonly type: 'ring'; readonly on: boolean; readonly tone?: string; readonly volume?: number }
  | {
      readonly type: 'send-dtmf';
      readonly streamId: string;
      readonly digits: string;
      readonly method: DtmfMethod;
      readonly durationMs?: number;
    }
  | { readonly type: 'mute'; readonly muted: boolean }
  | { readonly type: 'volume'; readonly gainDb: number }
  | { readonly type: 'mix'; readonly streamIds: readonly string[] }
  | { readonly type: 'stats'; readonly streamId?: string }
  | { readonly type: 'shutdown' };

export type MediaCommandType = MediaCommand['type'];

/** What each command answers with. */
export interface MediaResults {
  'open-devices': { readonly sampleRate: number };
  'open-stream': { readonly localPort: number };
  'update-stream': null;
  'close-stream': null;
  'play-tone': null;
  'stop-tone': null;
  ring: null;
  'send-dtmf': null;
  mute: null;
  volume: null;
  mix: null;
  stats: { readonly streams: readonly MediaStreamStats[] };
  shutdown: null;
}

export type MediaResult<T extends MediaCommandType> = MediaResults[T];

export type MediaEvent =
  | { readonly type: 'stream-opened'; readonly streamId: string; readonly localPort: number }
  | { readonly type: 'dtmf-received'; readonly streamId: string; readonly digit: string; readonly durationMs: number }
  | { readonly type: 'remote-bye'; readonly streamId: string; readonly reason?: string }
  | { readonly type: 'stats'; readonly streams: readonly MediaStreamStats[] }
  | { readonly type: 'error'; readonly message: string; readonly streamId?: string }
  /** A line of the engine's (rate-limited) log, for the phone's log. */
  | { readonly type: 'log'; readonly line: string };

export interface MediaRequest {
  readonly kind: 'request';
  readonly requestId: number;
  readonly command: MediaCommand;
}

export type MediaResponse =
  | { readonly kind: 'response'; readonly requestId: number; readonly ok: true; readonly result: MediaResults[MediaCommandType] }
  | { readonly kind: 'response'; readonly requestId: number; readonly ok: false; readonly error: string };

export interface MediaEventMessage {
  readonly kind: 'event';
  readonly event: MediaEvent;
}

export type WorkerMessage = MediaResponse | MediaEventMessage;

const COMMAND_TYPES: ReadonlySet<string> = new Set<MediaCommandType>([
  'open-devices',
  'open-stream',
  'update-stream',
  'close-stream',
  'play-tone',
  'stop-tone',
  'ring',
  'send-dtmf',
  'mute',
  'volume',
  'mix',
  'stats',
  'shutdown',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The envelope check the worker makes on what arrives: a request with a
 * numeric id and a known command type. The fields of each command are checked
 * where they are used (the engine refuses what it cannot do, with a reason).
 */
export function isMediaRequest(value: unknown): value is MediaRequest {
  if (!isRecord(value) || value.kind !== 'request' || typeof value.requestId !== 'number') return false;
  const command = value.command;
  return isRecord(command) && typeof command.type === 'string' && COMMAND_TYPES.has(command.type);
}

/** The main thread's check on what the worker posts. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (!isRecord(value)) return false;
  if (value.kind === 'response') return typeof value.requestId === 'number' && typeof value.ok === 'boolean';
  return value.kind === 'event' && isRecord(value.event) && typeof value.event.type === 'string';
}
