/**
 * Call setup: a SIPp caller (test/sipp/uac-call.xml, answering the proxy's
 * 407) calls the same callee through Kamailio N times, one call at a time,
 * holding each call 100 ms; the callee is the phone (account.1.auto_answer)
 * or baresip (answermode=auto), registered to the same Kamailio. Timed on the
 * wire between SIPp and Kamailio (call-setup-times.ts says how and why):
 * authenticated INVITE → 180 Ringing, and INVITE → 200 OK. Every call counts,
 * the first one after start (a cold JIT) included.
 */
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { COMPARISON_HEADER, percentile, ratioCell } from './figures.js';
import { CALLEE_KINDS, startCallee, type CalleeKind } from './callee.js';
import { callSetupTimes, type CallSetupTimes } from './call-setup-times.js';
import { startSipTap } from './sip-tap.js';
import { runSippBatch } from './sipp-batch.js';
import { startKamailio, type Kamailio } from '../../test/pbx/kamailio.js';

const CALLER = 'alice';
const CALLEE_USER: Readonly<Record<CalleeKind, string>> = { deskphone: '1001', baresip: '1002' };
const HOLD_MS = 100;

async function timeCalls(pbx: Kamailio, kind: CalleeKind, calls: number): Promise<CallSetupTimes[]> {
  const callee = await startCallee(kind, pbx, CALLEE_USER[kind]);
  const tap = await startSipTap({ host: pbx.host, port: pbx.udpPort });
  try {
    const result = await runSippBatch({
      calls,
      ratePerSecond: 20,
      scenario: 'uac-call',
      target: tap.address,
      service: callee.user,
      auth: { user: CALLER, password: pbx.users.get(CALLER) ?? '' },
      keys: { user: CALLER, domain: pbx.realm },
      pauseMs: HOLD_MS,
      timeoutMs: 5000 + calls * 1000,
    });
    const times = callSetupTimes(tap.messages());
    if (times.length === 0) throw new Error(`no call reached ${kind}: sipp exit ${result.exitCode ?? result.signal}\n${result.errorsTail}`);
    return times;
  } finally {
    await tap.close();
    await callee.stop();
  }
}

function sorted(values: ReadonlyArray<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
}

/** `p50 (p25–p75)` or `p99 (max)` of one callee's calls. */
function cell(values: readonly number[], q: 50 | 99): string {
  if (values.length === 0) return '—';
  const p = percentile(values, q).toFixed(1);
  return q === 50
    ? `${p} (${percentile(values, 25).toFixed(1)}–${percentile(values, 75).toFixed(1)})`
    : `${p} (max ${(values[values.length - 1] ?? 0).toFixed(1)})`;
}

export const callSetupBenchmark: Benchmark = {
  name: 'Call setup through Kamailio: SIPp calls the phone vs baresip, both auto-answering (ms on the wire; lower is better)',
  async run({ smoke }) {
    const calls = smoke ? 5 : 200;
    const pbx = await startKamailio();
    const times = new Map<CalleeKind, CallSetupTimes[]>();
    try {
      for (const kind of CALLEE_KINDS) times.set(kind, await timeCalls(pbx, kind, calls));
    } finally {
      await pbx.stop();
    }
    const pick = (kind: CalleeKind, f: (t: CallSetupTimes) => number | undefined): number[] => sorted((times.get(kind) ?? []).map(f));
    const rows: string[][] = [];
    for (const [label, f] of [
      ['INVITE → 180 Ringing', (t: CallSetupTimes) => t.ringingMs],
      ['INVITE → 200 OK', (t: CallSetupTimes) => t.answeredMs],
    ] as const) {
      const phone = pick('deskphone', f);
      const peer = pick('baresip', f);
      const at = (v: readonly number[], q: number): number[] => (v.length === 0 ? [] : [percentile(v, q)]);
      rows.push([`${label}, p50 (p25–p75)`, cell(phone, 50), cell(peer, 50), ratioCell(at(phone, 50), at(peer, 50))]);
      rows.push([`${label}, p99 (max)`, cell(phone, 99), cell(peer, 99), ratioCell(at(phone, 99), at(peer, 99))]);
    }
    const answered = (kind: CalleeKind): string => `${pick(kind, (t) => t.answeredMs).length} of ${calls}`;
    rows.push([`calls answered`, answered('deskphone'), answered('baresip'), '—']);
    return formatTable(COMPARISON_HEADER, rows);
  },
};
