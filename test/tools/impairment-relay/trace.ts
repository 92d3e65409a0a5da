/**
 * Network traces in the jitter-buffer trace format, and the impairment that
 * replays one.
 *
 * The format: CSV with the header `seq,send_ms,arrival_ms`, one row per
 * 20 ms packet; `seq` counts up by one in send order; `send_ms` is the
 * sender's time and `arrival_ms` the receiver's, on the same clock up to a
 * constant offset (which cancels out below); an empty `arrival_ms` means the
 * packet was lost. Rows may come in any order.
 */
import { parseDecimal } from './decimal.js';
import type { Decision, ImpairmentFactory } from './decision.js';

export interface TraceRow {
  readonly seq: number;
  readonly sendMs: number;
  /** undefined: lost. */
  readonly arrivalMs: number | undefined;
}

/** Rows sorted by seq, with the replay decision of each. */
export interface Trace {
  readonly rows: readonly TraceRow[];
  /** decisions[i] is what the relay does to the i-th packet of a cycle. */
  readonly decisions: readonly Decision[];
}

const HEADER = ['seq', 'send_ms', 'arrival_ms'] as const;

function parseField(text: string, line: number, column: string): number {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`trace line ${line}: ${column} "${text}" is not a number`);
  return value;
}

/**
 * Reads a trace. Columns are found by header name, so extra columns (a
 * trace tool's notes) are ignored; blank lines and `#` comments are skipped.
 * Throws on a missing, repeated or non-consecutive seq: a gap would make
 * "the N-th packet" ambiguous.
 */
export function parseTrace(csv: string): Trace {
  const lines = csv.split(/\r?\n/);
  let headerIndex = -1;
  let columns: number[] = [];
  const rows: TraceRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] ?? '').trim();
    if (text === '' || text.startsWith('#')) continue;
    const cells = text.split(',').map((c) => c.trim());
    if (headerIndex < 0) {
      headerIndex = i;
      columns = HEADER.map((name) => cells.indexOf(name));
      const missing = HEADER.filter((_, k) => (columns[k] ?? -1) < 0);
      if (missing.length > 0) throw new Error(`trace header "${text}" lacks ${missing.join(', ')} (want ${HEADER.join(',')})`);
      continue;
    }
    const cell = (k: number): string => cells[columns[k] ?? -1] ?? '';
    const arrival = cell(2);
    rows.push({
      seq: parseField(cell(0), i + 1, 'seq'),
      sendMs: parseField(cell(1), i + 1, 'send_ms'),
      arrivalMs: arrival === '' ? undefined : parseField(arrival, i + 1, 'arrival_ms'),
    });
  }
  if (headerIndex < 0) throw new Error('trace is empty (no header)');
  if (rows.length === 0) throw new Error('trace has no packets');
  rows.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1];
    const row = rows[i];
    if (prev !== undefined && row !== undefined && row.seq !== prev.seq + 1) {
      throw new Error(row.seq === prev.seq ? `trace: seq ${row.seq} appears twice` : `trace: seq jumps from ${prev.seq} to ${row.seq}`);
    }
  }
  return { rows, decisions: traceDecisions(rows) };
}

/**
 * Delay of each packet relative to the fastest one: (arrival − send) − min
 * over the trace of (arrival − send). The minimum is the path's fixed
 * latency plus the clock offset, neither of which the relay should add on
 * top of the loopback it runs on.
 */
export function traceDecisions(rows: readonly TraceRow[]): Decision[] {
  let base = Number.POSITIVE_INFINITY;
  for (const r of rows) if (r.arrivalMs !== undefined) base = Math.min(base, r.arrivalMs - r.sendMs);
  return rows.map((r) => (r.arrivalMs === undefined ? { drop: true, delayMs: 0 } : { drop: false, delayMs: r.arrivalMs - r.sendMs - base }));
}

/** Replays the trace on each flow from its first packet, cycling when the flow is longer. */
export function traceImpairment(trace: Trace): ImpairmentFactory {
  return () => {
    let index = 0;
    return {
      next: () => {
        const decision = trace.decisions[index % trace.decisions.length];
        index++;
        if (decision === undefined) throw new Error('trace has no packets');
        return decision;
      },
    };
  };
}
