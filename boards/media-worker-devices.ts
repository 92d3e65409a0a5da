/**
 * The media worker's PCM devices, made from a DeviceSpec in the worker's own
 * thread (so their clocks and pipes live on its event loop, not the main
 * thread's).
 *
 * This file is the media thread's board wiring, as boards/assemble.ts is the
 * main thread's: it lives in boards/ because it names concrete drivers.
 * Emulated devices are imported as usual; the ALSA back end
 * (drivers/linux, which spawns arecord/aplay) only when a spec asks for it,
 * so the simulated board never loads it.
 */
import type { Clock } from '../drivers/bus/clock.js';
import { createEmulatedCapture } from '../drivers/emulated/pcm-capture.js';
import { createWavPlayback } from '../drivers/emulated/pcm-playback.js';
import type { MediaDevices } from '../firmware/media/engine/media-engine.js';
import type { DeviceSpec } from '../firmware/media/engine/protocol.js';

export async function openWorkerDevices(spec: DeviceSpec, clock: Clock): Promise<MediaDevices> {
  switch (spec.kind) {
    case 'emulated': {
      const capture = await createEmulatedCapture({ spec: spec.audioIn, format: spec.format, clock, name: 'media capture' });
      const playback = spec.audioOut === undefined ? undefined : createWavPlayback({ spec: spec.audioOut, format: spec.format, clock, name: 'media playback' });
      return { capture, ...(playback ? { playback } : {}) };
    }
    case 'alsa': {
      const { AlsaCapture, AlsaPlayback } = await import('../drivers/linux/alsa-pcm.js');
      return {
        capture: new AlsaCapture({ device: spec.captureDevice, format: spec.format, clock }),
        playback: new AlsaPlayback({ device: spec.playbackDevice, format: spec.format, clock }),
      };
    }
  }
}
