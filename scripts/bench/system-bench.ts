/**
 * The phone against baresip on the same machine, same Kamailio, same run:
 * process start to REGISTER 200 OK (as Kamailio sees the binding), and the
 * idle registered footprint (CPU and resident memory over a quiet interval).
 * Boot is measured twice for the phone: as `npm start` runs it (TypeScript
 * through tsx, so start-up includes compiling) and as the release package
 * runs it on a board (node on the compiled dist/, built here first with
 * `tsc -p tsconfig.build.json`, as `npm run build` does). The smoke run
 * skips the build and measures the sources only.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { processUsage } from './process-usage.js';
import { COMPARISON_HEADER, comparisonRow } from './figures.js';
import { registeredIn, unregistered } from './callee.js';
import { startKamailio, type Kamailio } from '../../test/pbx/kamailio.js';
import { startBaresip } from '../../test/peers/baresip.js';
import { accountsCfg, startPhoneUnderTest } from '../../test/helpers/phone-under-test.js';
import { REPO_ROOT, type PhoneEntry } from '../../test/helpers/phone-process.js';

interface Sample {
  readonly bootMs: number;
  /** Only the runs that measured the idle footprint (it takes a minute each). */
  readonly idle?: { readonly cpuPercent: number; readonly rssMiB: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function idleFootprint(pid: number, seconds: number): Promise<{ cpuPercent: number; rssMiB: number } | undefined> {
  if (seconds === 0) return undefined;
  const before = processUsage(pid);
  await sleep(seconds * 1000);
  const after = processUsage(pid);
  return { cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100, rssMiB: after.rssMiB };
}

/** The release build into dist/, as `npm run build` makes it. */
function buildDist(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

async function phoneSample(pbx: Kamailio, idleSeconds: number, entry: PhoneEntry = 'sources'): Promise<Sample> {
  const t0 = performance.now();
  const phone = await startPhoneUnderTest(accountsCfg([{ user: '1001', password: 'pw-1001', server: '127.0.0.1', port: pbx.udpPort }]), { entry });
  try {
    const bootMs = await registeredIn(pbx, '1001', t0);
    const pid = phone.child.pid ?? 0;
    const idle = await idleFootprint(pid, idleSeconds);
    return { bootMs, ...(idle ? { idle } : {}) };
  } finally {
    await phone.stop();
    // The phone unregisters on quit; wait so the next run starts from no binding.
    await unregistered(pbx, '1001');
  }
}

async function baresipSample(pbx: Kamailio, idleSeconds: number): Promise<Sample> {
  const t0 = performance.now();
  const peer = await startBaresip({ user: '1002', password: 'pw-1002', pbx, register: true });
  try {
    const bootMs = await registeredIn(pbx, '1002', t0);
    const idle = await idleFootprint(peer.pid, idleSeconds);
    return { bootMs, ...(idle ? { idle } : {}) };
  } finally {
    await peer.stop();
    await unregistered(pbx, '1002');
  }
}

export const systemBenchmark: Benchmark = {
  name: 'System: the phone vs baresip, same Kamailio, same run (median of runs; lower is better)',
  async run({ smoke }) {
    // Issue #7: boot to registered is a median of 10; the idle footprint is taken over 60 s,
    // in the first three runs only (a minute each, both sides).
    const runs = smoke ? 1 : 10;
    const idleRuns = smoke ? 1 : 3;
    const idleSeconds = smoke ? 1 : 60;
    if (!smoke) buildDist();
    const pbx = await startKamailio();
    const phone: Sample[] = [];
    const built: Sample[] = [];
    const peer: Sample[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        const idle = i < idleRuns ? idleSeconds : 0;
        phone.push(await phoneSample(pbx, idle));
        if (!smoke) built.push(await phoneSample(pbx, 0, 'dist'));
        peer.push(await baresipSample(pbx, idle));
      }
    } finally {
      await pbx.stop();
    }
    const row = (what: string, pick: (s: Sample) => number | undefined, digits: number): string[] => {
      const values = (samples: Sample[]): number[] => samples.map(pick).filter((v): v is number => v !== undefined);
      return comparisonRow(what, values(phone), values(peer), digits);
    };
    return formatTable(
      COMPARISON_HEADER,
      [
        row('boot to REGISTER 200 OK (npm start: sources through tsx), ms', (s) => s.bootMs, 0),
        ...(smoke ? [] : [comparisonRow('boot to REGISTER 200 OK (release build: node dist/), ms', built.map((s) => s.bootMs), peer.map((s) => s.bootMs), 0)]),
        row(`idle registered CPU over ${idleSeconds} s, %`, (s) => s.idle?.cpuPercent, 2),
        row('idle registered RSS, MiB', (s) => s.idle?.rssMiB, 1),
      ],
    );
  },
};
