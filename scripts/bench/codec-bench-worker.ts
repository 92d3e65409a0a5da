/**
 * The codec benchmark's worker thread (codec-bench.ts): measures every
 * codec here, where @evan/opus was told to use its WebAssembly build, as
 * in the phone's media worker, and posts the table rows back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codecRows } from './codec-bench.js';

const smoke = typeof workerData === 'object' && workerData !== null && (workerData as { smoke?: unknown }).smoke === true;
parentPort?.postMessage(codecRows(smoke));
