/**
 * What a call costs the callee: a baresip caller playing a 440 Hz tone
 * (aufile) calls the phone, and another calls a baresip callee, through the
 * same Kamailio, with PCMU and then with Opus offered alone; both callees
 * answer by themselves. The two calls run at the same time (the machine has
 * two cores; CPU time is per process, so each callee is charged only its
 * own work).
 *
 * For each callee process, from /proc (process-usage.ts):
 *  - idle baseline: CPU seconds over an idle, registered interval before the
 *    call, scaled to the call's length, and the RSS then;
 *  - call: CPU seconds (utime + stime) from the call's establishment to its
 *    end, minus the idle baseline; the median of six equal windows each
 *    scaled to the whole call is shown with their min–max, so a one-off
 *    stall shows as spread rather than hiding in a total;
 *  - peak RSS during the call: VmHWM, reset to the current RSS when the call
 *    is established (clear_refs), read at the end; and its rise over idle.
 * Each callee is a fresh process per codec, so one codec's peak cannot leak
 * into the other's. baresip's microphone is a WAV its aufile module holds
 * whole in memory from the answer on (96 KB per second of call, callee.ts),
 * which its RSS figures include; the phone's microphone is silence.
 */
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { processUsage, resetPeakRss } from './process-usage.js';
import { COMPARISON_HEADER, comparisonRow } from './figures.js';
import { CALLEE_KINDS, startCallee, type Callee, type CalleeKind } from './callee.js';
import { startKamailio, type Kamailio } from '../../test/pbx/kamailio.js';
import { startBaresip, type Baresip } from '../../test/peers/baresip.js';

const CODECS = [
  { label: 'PCMU', baresip: 'PCMU' },
  { label: 'Opus', baresip: 'opus' },
] as const;
const CALLEE_USER: Readonly<Record<CalleeKind, string>> = { deskphone: '1003', baresip: '1004' };
const CALLER_USER: Readonly<Record<CalleeKind, string>> = { deskphone: 'carol', baresip: 'dave' };
const WINDOWS = 6;

interface CallCost {
  readonly idleCpuS: number;
  readonly idleRssMiB: number;
  /** Per window, scaled to the whole call, idle subtracted. */
  readonly callCpuS: readonly number[];
  readonly peakRssMiB: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU seconds per window over `windows` equal windows of `seconds` in all. */
async function cpuWindows(pid: number, seconds: number, windows: number): Promise<number[]> {
  const out: number[] = [];
  let before = processUsage(pid).cpuSeconds;
  for (let w = 0; w < windows; w++) {
    await sleep((seconds * 1000) / windows);
    const now = processUsage(pid).cpuSeconds;
    out.push(now - before);
    before = now;
  }
  return out;
}

async function measureCall(pbx: Kamailio, callee: Callee, caller: Baresip, idleSeconds: number, callSeconds: number): Promise<CallCost> {
  const idle = (await cpuWindows(callee.pid, idleSeconds, 1))[0] ?? 0;
  const idleRssMiB = processUsage(callee.pid).rssMiB;
  const idleCpuS = (idle / idleSeconds) * callSeconds;
  const from = caller.events().length;
  await caller.dial(`sip:${callee.user}@${pbx.realm}`);
  await caller.waitForEvent('CALL_ESTABLISHED', 15_000, from);
  resetPeakRss(callee.pid);
  const windows = await cpuWindows(callee.pid, callSeconds, WINDOWS);
  const peakRssMiB = processUsage(callee.pid).peakRssMiB;
  if (caller.events().slice(from).some((e) => e.type === 'CALL_CLOSED')) throw new Error(`the call to ${callee.kind} ended before ${callSeconds} s`);
  await caller.hangup();
  await caller.waitForEvent('CALL_CLOSED', 8000, from);
  return { idleCpuS, idleRssMiB, callCpuS: windows.map((w) => w * WINDOWS - idleCpuS), peakRssMiB };
}

async function costsFor(pbx: Kamailio, codec: string, idleSeconds: number, callSeconds: number): Promise<Map<CalleeKind, CallCost>> {
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const pairs = await Promise.all(
      CALLEE_KINDS.map(async (kind) => {
        const callee = await startCallee(kind, pbx, CALLEE_USER[kind], { codecs: [codec], micSeconds: callSeconds + 15 });
        started.push(callee);
        const caller = await startBaresip({
          user: CALLER_USER[kind],
          password: pbx.users.get(CALLER_USER[kind]) ?? '',
          pbx,
          codecs: [codec],
          source: { toneHz: 440, seconds: callSeconds + 10 },
        });
        started.push(caller);
        return { kind, callee, caller };
      }),
    );
    const costs = await Promise.all(pairs.map(async (p) => [p.kind, await measureCall(pbx, p.callee, p.caller, idleSeconds, callSeconds)] as const));
    return new Map(costs);
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
  }
}

export const callCostBenchmark: Benchmark = {
  name: 'CPU and memory of one call: the callee is the phone vs baresip, a baresip caller plays a tone (lower is better)',
  async run({ smoke }) {
    const callSeconds = smoke ? 1.5 : 60;
    const idleSeconds = smoke ? 0.5 : 10;
    const pbx = await startKamailio();
    const rows: string[][] = [];
    try {
      for (const codec of CODECS) {
        const costs = await costsFor(pbx, codec.baresip, idleSeconds, callSeconds);
        const of = (kind: CalleeKind): CallCost => {
          const c = costs.get(kind);
          if (c === undefined) throw new Error(`no ${codec.label} figures for ${kind}`);
          return c;
        };
        const row = (what: string, pick: (c: CallCost) => readonly number[], digits: number): string[] =>
          comparisonRow(`${codec.label}: ${what}`, pick(of('deskphone')), pick(of('baresip')), digits);
        rows.push(
          row(`CPU s over a ${callSeconds} s call, idle subtracted (${WINDOWS} windows)`, (c) => c.callCpuS, 3),
          row(`idle baseline, CPU s per ${callSeconds} s`, (c) => [c.idleCpuS], 3),
          row('peak RSS during the call (VmHWM), MiB', (c) => [c.peakRssMiB], 1),
          row('peak RSS rise over idle, MiB', (c) => [c.peakRssMiB - c.idleRssMiB], 1),
        );
      }
    } finally {
      await pbx.stop();
    }
    return formatTable(COMPARISON_HEADER, rows);
  },
};
