/**
 * The media worker's entry point: a thread with its own event loop for the
 * audio path (DESIGN.md: "A slow screen redraw or a burst of SIP parsing must
 * not make audio late"). It creates the real things — the PCM devices the
 * main thread names, node:dgram sockets, the system clock — runs a
 * MediaEngine on them, answers the main thread's requests in order and posts
 * the engine's events. After 'shutdown' it closes everything and lets the
 * thread end by itself: it exits only once no handle is left.
 */
import { parentPort } from 'node:worker_threads';
import { SystemClock } from '../../../drivers/bus/system-clock.js';
import { CommandDispatcher } from './command-dispatch.js';
import { dgramSocketFactory } from './dgram-sockets.js';
import { MediaEngine } from './media-engine.js';
import { isMediaRequest, type MediaEvent, type WorkerMessage } from './protocol.js';
// The worker is a composition root like main.ts: the board side opens the concrete PCM devices.
import { openWorkerDevices } from '../../../boards/media-worker-devices.js';

const port = parentPort;
if (!port) throw new Error('media worker: start it as a worker thread (MediaClient.start)');

const post = (message: WorkerMessage): void => port.postMessage(message);
const emit = (event: MediaEvent): void => post({ kind: 'event', event });

const clock = new SystemClock();
const engine = new MediaEngine({ clock, sockets: dgramSocketFactory, log: { warn: (line) => emit({ type: 'log', line }) } });
engine.onEvent((event) => emit(event));
const dispatcher = new CommandDispatcher({ engine, clock, emit, openDevices: (spec) => openWorkerDevices(spec, clock) });

port.on('message', (message: unknown) => {
  if (!isMediaRequest(message)) {
    emit({ type: 'error', message: 'media worker: a message that is not a request was ignored' });
    return;
  }
  const { requestId, command } = message;
  dispatcher.run(command).then(
    (result) => {
      post({ kind: 'response', requestId, ok: true, result });
      if (command.type === 'shutdown') port.close();
    },
    (error: unknown) => post({ kind: 'response', requestId, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
