/**
 * Send pacing: how evenly the callee's RTP leaves, on the 20 ms grid PCMU
 * packets should keep. A SIPp caller offers the impairment relay's address
 * (media-call.ts), the relay impairs nothing, and stamps each of the
 * callee's packets as it arrives (on loopback, its send time to within the
 * kernel's latency); pacing.ts fits the grid and reports the error of each
 * packet against it, and how far the sender's clock drifts over the run.
 * The far end sends the callee a 1 kHz tone meanwhile, so its receive path
 * works as in a real call.
 *
 * Three callees: the phone, the phone with its main thread kept busy (30 ms
 * of spinning every 40 ms, busy-main-thread.ts: the media engine is a worker
 * thread, so its packets should not care), and baresip, to which no such
 * load applies. Each runs several calls; every figure is the median over
 * calls (min–max).
 */
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { COMPARISON_HEADER, comparisonRow, medianCell } from './figures.js';
import { startCallee, type CalleeKind } from './callee.js';
import type { BusyLoad } from './busy-main-thread.js';
import { mediaCallWithRetry } from './media-call.js';
import { PCMU_RATE } from './rtp-far-end.js';
import { startKamailio, type Kamailio } from '../../test/pbx/kamailio.js';
import { sineTone } from '../../test/peers/wav.js';
import type { PacingStats } from '../../test/tools/impairment-relay/pacing.js';
import type { RelayStats } from '../../test/tools/impairment-relay/relay.js';

export const BUSY_LOAD: BusyLoad = { busyMs: 30, everyMs: 40 };

/** The callee's RTP stream: its flow with the most packets towards the far end. */
export function calleePacing(stats: RelayStats): PacingStats {
  let best: PacingStats | null = null;
  for (const flow of Object.values(stats.directions['a-to-b'].flows)) {
    if (flow.pacing !== null && (best === null || flow.pacing.packets > best.packets)) best = flow.pacing;
  }
  if (best === null) throw new Error('the callee sent no RTP');
  return best;
}

async function pacingRuns(pbx: Kamailio, kind: CalleeKind, busy: BusyLoad | undefined, calls: number, seconds: number): Promise<PacingStats[]> {
  const callee = await startCallee(kind, pbx, kind === 'deskphone' ? '1005' : '1006', { micSeconds: seconds + 10, ...(busy ? { busy } : {}) });
  try {
    const runs: PacingStats[] = [];
    const tone = sineTone(1000, seconds - 1, PCMU_RATE, 0.3).samples;
    for (let i = 0; i < calls; i++) runs.push(calleePacing((await mediaCallWithRetry({ pbx, callee: callee.user, seconds, signal: tone })).stats));
    return runs;
  } finally {
    await callee.stop();
  }
}

const FIGURES: ReadonlyArray<readonly [string, (p: PacingStats) => number, number]> = [
  ['error vs the 20 ms grid, p50, ms', (p) => p.errorMs.p50, 3],
  ['error vs the 20 ms grid, p99, ms', (p) => p.errorMs.p99, 3],
  ['error vs the 20 ms grid, max, ms', (p) => p.errorMs.max, 2],
  ['clock drift over the call (size), ms', (p) => Math.abs(p.driftMs), 3],
];

export const sendPacingBenchmark: Benchmark = {
  name: 'RTP send pacing of the callee, seen at a pass-through relay (median of calls; lower is better)',
  async run({ smoke }) {
    const calls = smoke ? 1 : 3;
    const seconds = smoke ? 1.5 : 15;
    const pbx = await startKamailio();
    let phone: PacingStats[];
    let busy: PacingStats[];
    let peer: PacingStats[];
    try {
      phone = await pacingRuns(pbx, 'deskphone', undefined, calls, seconds);
      busy = await pacingRuns(pbx, 'deskphone', BUSY_LOAD, calls, seconds);
      peer = await pacingRuns(pbx, 'baresip', undefined, calls, seconds);
    } finally {
      await pbx.stop();
    }
    const load = `main thread busy ${BUSY_LOAD.busyMs} ms of every ${BUSY_LOAD.everyMs} ms`;
    const rows = [
      ...FIGURES.map(([what, pick, digits]) => comparisonRow(`${seconds} s calls: ${what}`, phone.map(pick), peer.map(pick), digits)),
      ...FIGURES.map(([what, pick, digits]) => [`${load}: ${what}`, medianCell(busy.map(pick), digits), '— (no such load)', '—']),
    ];
    return formatTable(COMPARISON_HEADER, rows);
  },
};
