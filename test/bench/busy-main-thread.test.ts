import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { busyMainThreadNodeOptions, busyMainThreadSource, withNodeOptions } from '../../scripts/bench/busy-main-thread.js';

/**
 * A child that measures how late a 5 ms timer fires, 20 times, on its main
 * thread and in a worker thread, and prints both worst cases as JSON.
 */
const PROBE = `
const { Worker } = require('node:worker_threads');
const probe = 'let worst = 0, n = 0; const tick = () => { const t = performance.now(); setTimeout(() => { worst = Math.max(worst, performance.now() - t - 5); if (++n < 20) tick(); else done(worst); }, 5); }; tick();';
const w = new Worker(probe.replace('done(worst)', 'require("node:worker_threads").parentPort.postMessage(worst)'), { eval: true });
w.once('message', (worker) => { new Function('done', probe)((main) => { console.log(JSON.stringify({ main, worker })); process.exit(0); }); });
`;

function runProbe(env: NodeJS.ProcessEnv): Promise<{ main: number; worker: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', PROBE], { env, timeout: 20_000 }, (error, stdout) => {
      if (error) reject(new Error(`probe failed: ${error.message}`));
      else resolve(JSON.parse(stdout) as { main: number; worker: number });
    });
  });
}

describe('the synthetic main-thread load for the send-pacing benchmark', () => {
  it('is plain JavaScript that spins only on the main thread, and refuses a load that never idles', () => {
    const source = busyMainThreadSource({ busyMs: 30, everyMs: 40 });
    assert.match(source, /if \(isMainThread\)/);
    assert.match(source, /performance\.now\(\) \+ 30/);
    assert.throws(() => busyMainThreadSource({ busyMs: 40, everyMs: 40 }), RangeError);
    const option = busyMainThreadNodeOptions({ busyMs: 30, everyMs: 40 });
    assert.doesNotMatch(option, /\s/);
    assert.equal(Buffer.from(option.split('base64,')[1] ?? '', 'base64').toString(), source);
  });

  it('makes the main thread late by up to a busy block and leaves a worker thread on time', async () => {
    const loaded = await runProbe({ ...process.env, NODE_OPTIONS: busyMainThreadNodeOptions({ busyMs: 30, everyMs: 40 }) });
    assert.ok(loaded.main > 10, `main thread late by ${loaded.main} ms`);
    assert.ok(loaded.worker < loaded.main, `worker late by ${loaded.worker} ms, main by ${loaded.main} ms`);
  });

  it('adds the option only for the spawn it wraps, then restores NODE_OPTIONS', () => {
    const before = process.env.NODE_OPTIONS;
    const seen = withNodeOptions('--import=data:text/javascript,0', () => process.env.NODE_OPTIONS);
    assert.ok(seen?.endsWith('--import=data:text/javascript,0'));
    assert.equal(process.env.NODE_OPTIONS, before);
  });
});
