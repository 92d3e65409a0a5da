/**
 * A synthetic load on the phone's main thread, for the send-pacing benchmark:
 * every `everyMs` the main thread spins for `busyMs` (a slow screen redraw, a
 * burst of SIP parsing, a provisioning file being applied), longer than one
 * 20 ms packet. The media engine runs in a worker thread with its own event
 * loop (DESIGN.md, "How data flows"), so its packets should leave on time
 * anyway; the benchmark shows whether they do.
 *
 * How it gets in: the phone has no option for this (nor should it), and the
 * bench starts it through test/helpers/phone-under-test.ts like every other
 * test. So the load is a preload module given in NODE_OPTIONS for that one
 * spawn: a data: URL of plain JavaScript (a worker thread runs preloads too,
 * before any TypeScript loader exists, so it cannot be a .ts file), which
 * starts the spinning interval only on the main thread and unrefs it, so
 * the phone still quits when told.
 */

export interface BusyLoad {
  /** How long each busy block lasts, ms. */
  readonly busyMs: number;
  /** How often a block starts, ms (busyMs / everyMs is the main thread's load). */
  readonly everyMs: number;
}

/** The module's source: plain JavaScript, main thread only. */
export function busyMainThreadSource(load: BusyLoad): string {
  if (!(load.busyMs > 0 && load.everyMs > load.busyMs)) throw new RangeError(`busy ${load.busyMs} ms every ${load.everyMs} ms: need 0 < busy < every`);
  return [
    "import { isMainThread } from 'node:worker_threads';",
    'if (isMainThread) {',
    `  const timer = setInterval(() => { const end = performance.now() + ${load.busyMs}; while (performance.now() < end); }, ${load.everyMs});`,
    '  timer.unref();',
    '}',
  ].join('\n');
}

/** The NODE_OPTIONS entry that preloads it (base64: no spaces or quotes for NODE_OPTIONS to split on). */
export function busyMainThreadNodeOptions(load: BusyLoad): string {
  return `--import=data:text/javascript;base64,${Buffer.from(busyMainThreadSource(load)).toString('base64')}`;
}

/**
 * Runs `spawnIt` with `option` added to NODE_OPTIONS, then puts NODE_OPTIONS
 * back before returning. Only what `spawnIt` spawns before its first await
 * sees the option — startPhoneUnderTest spawns the phone synchronously,
 * before it awaits anything — so nothing else the bench starts inherits it.
 */
export function withNodeOptions<T>(option: string, spawnIt: () => T): T {
  const before = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = before === undefined || before === '' ? option : `${before} ${option}`;
  try {
    return spawnIt();
  } finally {
    if (before === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = before;
  }
}
