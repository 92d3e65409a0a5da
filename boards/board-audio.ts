/**
 * The board's PCM devices. On the simulated board: capture from
 * --audio-in (a WAV, a tone or silence) and playback into --audio-out (a WAV
 * kept valid while it grows), both paced by the board clock. On Linux boards
 * the ALSA devices open when the media engine asks for them (the calls work),
 * not at boot: arecord/aplay running idle would hold the sound card for nothing.
 */
import type { Clock } from '../drivers/bus/clock.js';
import type { PcmCapture, PcmFormat, PcmPlayback } from '../drivers/bus/pcm.js';
import { createEmulatedCapture } from '../drivers/emulated/pcm-capture.js';
import { createWavPlayback } from '../drivers/emulated/pcm-playback.js';
import type { BoardDescription } from './schema.js';
import { partOf } from './assemble.js';

export interface BoardAudio {
  readonly format: PcmFormat;
  readonly capture?: PcmCapture;
  readonly playback?: PcmPlayback;
  /** Sets what the playback device plays each period; silence until then. */
  setPlaybackSource(pull: (() => Int16Array) | undefined): void;
  /** Receives each captured period; discarded until set. */
  setCaptureSink(sink: ((samples: Int16Array) => void) | undefined): void;
  stop(): Promise<void>;
}

export function boardPcmFormat(board: BoardDescription): PcmFormat {
  const pcm = partOf(board, 'pcm');
  const sampleRate = pcm?.sampleRate ?? 16000;
  const periodMs = board.pcm?.periodMs ?? 20;
  return { sampleRate, channels: pcm?.channels ?? 1, periodFrames: (sampleRate * periodMs) / 1000 };
}

export async function startBoardAudio(
  board: BoardDescription,
  clock: Clock,
  specs: { readonly audioIn: string; readonly audioOut?: string },
): Promise<BoardAudio | undefined> {
  if (board.platform !== 'emulated') return undefined;
  const format = boardPcmFormat(board);
  const silence = new Int16Array(format.periodFrames * format.channels);
  let pull: (() => Int16Array) | undefined;
  let sink: ((samples: Int16Array) => void) | undefined;

  const capture = await createEmulatedCapture({ spec: specs.audioIn, format, clock, name: 'sim capture' });
  const playback = specs.audioOut ? createWavPlayback({ spec: specs.audioOut, format, clock, name: 'sim playback' }) : undefined;
  for (const device of [capture, playback]) {
    device?.onError((e) => console.error(`audio: ${device.name}: ${e.message}`));
  }
  capture.start((samples) => sink?.(samples));
  playback?.start(() => pull?.() ?? silence);

  return {
    format,
    capture,
    playback,
    setPlaybackSource: (p) => (pull = p),
    setCaptureSink: (s) => (sink = s),
    async stop() {
      await capture.stop();
      await playback?.stop();
    },
  };
}
