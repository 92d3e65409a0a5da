import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SMOKE_TRACE, TRACE_CATALOG } from '../../scripts/trace-gen/catalog.js';
import { DEFAULT_TRACE_DIR, MANIFEST_FILE, catalogSpecs, manifestEntry } from '../../scripts/trace-gen/generate.js';
import { generateTrace, type TraceSpec } from '../../scripts/trace-gen/models.js';
import { Xoshiro128 } from '../../scripts/trace-gen/prng.js';
import { formatTrace, parseTrace } from '../../scripts/trace-gen/trace-csv.js';
import { fixedBuffer, gridOracleDelayMs, oracleDelayMs, quantile } from '../../scripts/trace-gen/trace-analysis.js';
import { DEFAULT_REPLAY_BOARD, boardPullMs, jitterPullMs, replayTrace } from '../../scripts/jb-replay.js';
import { findBoard } from '../../boards/index.js';
import { boardPcmFormat } from '../../boards/media-devices.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TRACES = join(ROOT, DEFAULT_TRACE_DIR);

const quiet: TraceSpec = {
  name: 't',
  model: 't',
  description: '',
  seed: 1,
  durationS: 60,
  stationary: true,
  baseDelayMs: 30,
  jitter: { kind: 'gaussian', meanMs: 0, sigmaMs: 0 },
};

describe('seeded PRNG (xoshiro128**)', () => {
  it('is a pure function of its seed', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.nextU32()));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.nextU32()));
  });

  it('draws uniform and normal deviates with the right moments', () => {
    const r = new Xoshiro128(7);
    const n = 20_000;
    let u = 0;
    let z = 0;
    let z2 = 0;
    for (let i = 0; i < n; i++) {
      u += r.next();
      const g = r.normal();
      z += g;
      z2 += g * g;
    }
    assert.ok(Math.abs(u / n - 0.5) < 0.01);
    assert.ok(Math.abs(z / n) < 0.03);
    assert.ok(Math.abs(z2 / n - 1) < 0.05);
  });
});

describe('trace models', () => {
  it('clock drift makes transit grow by the ppm given', () => {
    const rows = generateTrace({ ...quiet, driftPpm: 200 });
    const first = rows[0];
    const last = rows[rows.length - 1];
    assert.ok(first?.arrivalMs !== undefined && last?.arrivalMs !== undefined);
    const growth = last.arrivalMs - last.sendMs - (first.arrivalMs - first.sendMs);
    assert.ok(Math.abs(growth - last.sendMs * 200e-6) < 1e-6, `grew ${growth} ms`);
  });

  it('spikes hold packets back and release them together, in order', () => {
    const rows = generateTrace({ ...quiet, spikes: { meanIntervalS: 10, minHeightMs: 200, maxHeightMs: 200 } });
    const owd = rows.map((r) => (r.arrivalMs ?? 0) - r.sendMs);
    assert.ok(Math.max(...owd) > 200 && Math.max(...owd) <= 230);
    const arrivals = rows.map((r) => r.arrivalMs ?? 0);
    assert.ok(arrivals.every((a, i) => i === 0 || a >= (arrivals[i - 1] ?? 0)), 'a spike does not reorder');
  });

  it('Gilbert–Elliott loss comes in bursts at about the stationary rate', () => {
    const loss = { goodToBad: 0.02, badToGood: 0.25, lossInGood: 0, lossInBad: 1 };
    const rows = generateTrace({ ...quiet, durationS: 600, loss });
    const lost = rows.map((r) => r.arrivalMs === undefined);
    const rate = lost.filter(Boolean).length / lost.length;
    // π_bad = p / (p + r) = 0.02 / 0.27.
    assert.ok(Math.abs(rate - 0.074) < 0.015, `loss rate ${rate}`);
    let bursts = 0;
    lost.forEach((l, i) => {
      if (l && !lost[i - 1]) bursts++;
    });
    assert.ok(lost.filter(Boolean).length / bursts > 3, 'mean burst length near 1 / badToGood = 4');
  });

  it('reordering holds some packets back past their successors', () => {
    const rows = generateTrace({ ...quiet, reorder: { probability: 0.05, minExtraMs: 30, maxExtraMs: 40 } });
    const overtaken = rows.filter((r, i) => (r.arrivalMs ?? 0) > (rows[i + 1]?.arrivalMs ?? Infinity)).length;
    assert.ok(overtaken > 80 && overtaken < 220, `${overtaken} overtaken`);
  });
});

describe('committed traces', () => {
  const manifest = JSON.parse(readFileSync(join(TRACES, MANIFEST_FILE), 'utf8')) as ReturnType<typeof manifestEntry>[];

  it('regenerate bit for bit from their seeds, and the manifest describes them', () => {
    for (const spec of [...TRACE_CATALOG, SMOKE_TRACE]) {
      assert.ok(formatTrace(generateTrace(spec)) === readFileSync(join(TRACES, `${spec.name}.csv`), 'utf8'), spec.name);
    }
    assert.deepEqual(manifest, [...TRACE_CATALOG.map((s) => manifestEntry(s, false)), manifestEntry(SMOKE_TRACE, true)]);
  });

  it('are three minutes each, with a manifest entry per file, and stay under about 2 MB', () => {
    let bytes = 0;
    for (const e of manifest) {
      const text = readFileSync(join(TRACES, e.file), 'utf8');
      bytes += statSync(join(TRACES, e.file)).size;
      assert.equal(text.trimEnd().split('\n').length - 1, e.packets, e.file);
      if (!e.smoke) assert.equal(e.packets, 9000);
    }
    assert.ok(manifest.length >= 10);
    assert.ok(bytes < 2.1e6, `${bytes} bytes`);
  });
});

describe('trace format and analysis', () => {
  it('reads rows in any order, with lost packets as empty arrivals', () => {
    const rows = parseTrace('seq,send_ms,arrival_ms\n2,40,95\n0,0,50\n1,20,\n');
    assert.deepEqual(rows, [
      { seq: 0, sendMs: 0, arrivalMs: 50 },
      { seq: 1, sendMs: 20, arrivalMs: undefined },
      { seq: 2, sendMs: 40, arrivalMs: 95 },
    ]);
  });

  it('refuses a wrong header, a repeated seq or a bad number, naming the line', () => {
    assert.throws(() => parseTrace('seq,send,arrival\n'), /first line/);
    assert.throws(() => parseTrace('seq,send_ms,arrival_ms\n0,0,1\n0,20,21\n'), /line 3: seq 0 appears twice/);
    assert.throws(() => parseTrace('seq,send_ms,arrival_ms\n0,0,x\n'), /line 2: bad arrival_ms/);
  });

  it('the oracle is the 99th percentile of one-way delay above its minimum', () => {
    // One-way delays 10, 11, … 109 ms.
    const rows = Array.from({ length: 100 }, (_, i) => ({ seq: i, sendMs: i * 20, arrivalMs: i * 20 + 10 + ((i * 37) % 100) }));
    assert.equal(quantile([3, 1, 2], 0.5), 2);
    assert.equal(oracleDelayMs(rows), 98);
  });

  it('the pull-grid bound is the oracle for a buffer pulled every P ms from the first arrival', () => {
    // One-way delays alternate 10 and 17 ms: the oracle is 7 ms above the minimum.
    const rows = Array.from({ length: 200 }, (_, i) => ({ seq: i, sendMs: i * 20, arrivalMs: i * 20 + (i % 2 === 0 ? 10 : 17) }));
    assert.equal(oracleDelayMs(rows), 7);
    // Pulls at 10 + 20k: a packet sent at s is heard at a pull, 10 + 20k − s ∈ {10, 30, …}; 17 needs 30.
    assert.equal(gridOracleDelayMs(rows, 20), 20);
    assert.equal(gridOracleDelayMs(rows, 10), 10);
    assert.equal(gridOracleDelayMs(rows, 1), 7);
  });

  it('a fixed buffer counts what arrives after first arrival + fixed delay as late', () => {
    const rows = [
      { seq: 0, sendMs: 0, arrivalMs: 30 },
      { seq: 1, sendMs: 20, arrivalMs: 50 },
      { seq: 2, sendMs: 40, arrivalMs: 200 },
      { seq: 3, sendMs: 60, arrivalMs: undefined },
    ];
    const f = fixedBuffer(rows, 60);
    assert.equal(f.latePct, (1 / 3) * 100);
    // Played packets are heard 30 + 60 ms after sending; the floor is 30.
    assert.equal(f.meanDelayMs, 60);
  });
});

describe('held-out traces', () => {
  it('are the committed models with every seed moved, and differ from the committed traces', () => {
    const held = catalogSpecs(1000);
    assert.equal(held.length, TRACE_CATALOG.length + 1);
    for (const [[spec], original] of held.map((h, i) => [h, [...TRACE_CATALOG, SMOKE_TRACE][i]] as const)) {
      assert.ok(original);
      assert.deepEqual({ ...spec, seed: original.seed }, original);
      assert.equal(spec.seed, original.seed + 1000);
    }
    const first = held[0]?.[0];
    assert.ok(first && formatTrace(generateTrace(first)) !== readFileSync(join(TRACES, `${first.name}.csv`), 'utf8'));
  });
});

describe('jb-replay pulls as the media engine does', () => {
  it('pulls one device period when it is whole codec samples, else 10 ms pieces, and defaults to the board’s period', () => {
    assert.equal(jitterPullMs(20), 20);
    assert.equal(jitterPullMs(5), 5);
    assert.equal(jitterPullMs(16 / 3), 10, 'an odd ALSA period goes through the FIFO in 10 ms pulls');
    const board = findBoard(DEFAULT_REPLAY_BOARD);
    assert.ok(board);
    const format = boardPcmFormat(board.description);
    assert.equal(boardPullMs(DEFAULT_REPLAY_BOARD), (format.periodFrames * 1000) / format.sampleRate);
    assert.throws(() => boardPullMs('no-such-board'), /no board named/);
  });
});

describe('jb-replay against the pull-grid bound (committed traces)', () => {
  const replay = (name: string): { readonly oursMs: number; readonly boundMs: number; readonly latePct: number } => {
    const rows = parseTrace(readFileSync(join(TRACES, `${name}.csv`), 'utf8'));
    const r = replayTrace(rows);
    return { oursMs: r.mean_delay_ms - r.min_one_way_ms, boundMs: gridOracleDelayMs(rows, r.pull_ms), latePct: r.late_loss_pct };
  };

  it('sits on the bound on a Gaussian path: no misalignment left over, a startup of a second', () => {
    const r = replay('gauss-low');
    assert.ok(r.oursMs <= r.boundMs + 0.5, `${r.oursMs} ms vs ${r.boundMs}`);
    assert.equal(r.latePct, 0);
  });

  it('stays near the bound on a heavy tail within the 1 % budget: a target wandering across a pull boundary does not cost a pull', () => {
    const r = replay('pareto-mild');
    assert.ok(r.oursMs <= r.boundMs + 2, `${r.oursMs} ms vs ${r.boundMs}`);
    assert.ok(r.latePct <= 1);
  });

  it('rides out rare spikes instead of holding their height: close to the bound that writes them off', () => {
    const r = replay('spikes-rare');
    assert.ok(r.oursMs <= r.boundMs + 5, `${r.oursMs} ms vs ${r.boundMs}`);
    assert.equal(r.latePct, 0);
  });
});

describe('jb-replay CLI', () => {
  it('replays a trace through the buffer and prints one JSON line with the measurements', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/jb-replay.ts', join(DEFAULT_TRACE_DIR, 'short-gauss.csv')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1);
    const r = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    for (const k of ['packets', 'lost_in_network', 'late', 'late_loss_pct', 'mean_delay_ms', 'p95_delay_ms', 'concealed_ms', 'stretched_ms', 'pull_ms']) {
      assert.equal(typeof r[k], 'number', k);
    }
    const num = (k: string): number => Number(r[k]);
    const rows = parseTrace(readFileSync(join(TRACES, 'short-gauss.csv'), 'utf8'));
    assert.equal(num('packets'), rows.length);
    assert.equal(num('lost_in_network'), rows.filter((x) => x.arrivalMs === undefined).length);
    assert.ok(num('mean_delay_ms') >= 30 && num('mean_delay_ms') <= num('p95_delay_ms') + 20);
    // Every packet lost in the network had to be concealed (20 ms each).
    assert.ok(num('concealed_ms') >= num('lost_in_network') * 20);
  });
});
