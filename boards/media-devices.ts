/**
 * Which PCM devices the media worker opens for a board: the simulated board's
 * --audio-in / --audio-out, or the board's ALSA device.
 */
import type { DeviceSpec } from '../firmware/media/engine/protocol.js';
import type { BoardDescription } from './schema.js';
import type { PcmFormat } from '../drivers/bus/pcm.js';
import { partOf } from './assemble.js';

/** The board's PCM format: its pcm part's rate and channels, in periods of board.pcm.periodMs (20 ms default). */
export function boardPcmFormat(board: BoardDescription): PcmFormat {
  const pcm = partOf(board, 'pcm');
  const sampleRate = pcm?.sampleRate ?? 16000;
  const periodMs = board.pcm?.periodMs ?? 20;
  return { sampleRate, channels: pcm?.channels ?? 1, periodFrames: (sampleRate * periodMs) / 1000 };
}

export function mediaDevicesFor(board: BoardDescription, specs: { readonly audioIn: string; readonly audioOut?: string }): DeviceSpec | undefined {
  const format = boardPcmFormat(board);
  if (board.platform === 'emulated') {
    return { kind: 'emulated', format, audioIn: specs.audioIn, ...(specs.audioOut === undefined ? {} : { audioOut: specs.audioOut }) };
  }
  if (!board.pcm) return undefined;
  return { kind: 'alsa', format, captureDevice: board.pcm.alsaDevice, playbackDevice: board.pcm.alsaDevice };
}
