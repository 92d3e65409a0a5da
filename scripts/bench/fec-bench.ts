/**
 * Opus in-band FEC through the jitter buffer, on the traces that lose
 * packets in the network (committed and held-out, as in jitter-bench.ts):
 * each replayed (scripts/jb-replay.ts) with the sender coding Opus at the
 * phone's default rate, once without FEC (useinbandfec=0: every lost frame
 * is concealed by libopus's PLC) and once with it (useinbandfec=1: libopus
 * adds an LBRR copy of each frame to the next packet, and the buffer
 * rebuilds a lost frame from it when that packet comes in time — for a
 * burst, its last frame). The peer is the same codec and buffer without
 * FEC, in the same run.
 *
 * Columns: the share of the call's audio lost in the network; concealed
 * audio as a share of the call, without and with FEC, and their ratio; how
 * much of the audio lost in the network or late FEC rebuilt; and the mean playout delay above the minimum
 * one-way delay without and with FEC — while the peer sends FEC and loses
 * frames the buffer holds one frame more, so that the packet carrying the
 * FEC arrives in time (jitter-buffer.ts, fecMarginMs).
 *
 * The smoke mode replays the short trace only (3 % loss): it checks that
 * the path runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './registry.js';
import { formatTable } from './measure.js';
import { replayTrace } from '../jb-replay.js';
import { catalogSpecs, DEFAULT_TRACE_DIR } from '../trace-gen/generate.js';
import { generateTrace } from '../trace-gen/models.js';
import { formatTrace, parseTrace, type TraceRow } from '../trace-gen/trace-csv.js';
import { HELD_OUT_SEED_OFFSET, loadManifest } from './jitter-bench.js';

const FRAME_MS = 20;
const TRACE_DIR = join(import.meta.dirname, '..', '..', DEFAULT_TRACE_DIR);

function lossyRow(name: string, trace: readonly TraceRow[]): string[] {
  const plain = replayTrace(trace, { codec: 'opus' });
  const fec = replayTrace(trace, { codec: 'opus-fec' });
  const callMs = plain.packets * FRAME_MS;
  const lostMs = plain.lost_in_network * FRAME_MS;
  return [
    name,
    ((lostMs / callMs) * 100).toFixed(2),
    ((plain.concealed_ms / callMs) * 100).toFixed(2),
    ((fec.concealed_ms / callMs) * 100).toFixed(2),
    (fec.concealed_ms / Math.max(1, plain.concealed_ms)).toFixed(2),
    // A late packet is as lost to the listener as one the network dropped, and FEC rebuilds it alike.
    ((fec.fec_recovered_ms / Math.max(1, lostMs + fec.late * FRAME_MS)) * 100).toFixed(1),
    (plain.mean_delay_ms - plain.min_one_way_ms).toFixed(1),
    (fec.mean_delay_ms - fec.min_one_way_ms).toFixed(1),
  ];
}

function lossy(trace: readonly TraceRow[]): boolean {
  return trace.some((r) => r.arrivalMs === undefined);
}

export const fecBenchmark: Benchmark = {
  name: 'Opus in-band FEC on the traces with network loss (concealed and lost: % of the call; delay above the minimum one-way delay, ms)',
  run({ smoke }) {
    const rows: string[][] = [];
    for (const entry of loadManifest(TRACE_DIR).filter((e) => e.smoke === smoke)) {
      const trace = parseTrace(readFileSync(join(TRACE_DIR, entry.file), 'utf8'));
      if (smoke || lossy(trace)) rows.push(lossyRow(entry.name, trace));
    }
    if (!smoke) {
      for (const [spec, short] of catalogSpecs(HELD_OUT_SEED_OFFSET)) {
        if (short) continue;
        const trace = parseTrace(formatTrace(generateTrace(spec)));
        if (lossy(trace)) rows.push(lossyRow(`${spec.name} (held-out, seed ${spec.seed})`, trace));
      }
    }
    return Promise.resolve(
      formatTable(
        ['trace', 'lost in network %', 'Opus concealed %', 'Opus + FEC concealed %', 'ratio', 'lost or late audio rebuilt by FEC %', 'Opus mean delay ms', 'Opus + FEC mean delay ms'],
        rows,
      ),
    );
  },
};
