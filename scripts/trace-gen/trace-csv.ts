/**
 * The trace format: CSV with the header `seq,send_ms,arrival_ms`, one row
 * per 20 ms packet; `seq` counts up by one in send order, `send_ms` is the
 * sender's time of the frame, `arrival_ms` the receiver's arrival time (on
 * one clock up to a constant offset), empty for a packet lost in the
 * network. Rows may come in any order; the reader sorts them by seq.
 */

export interface TraceRow {
  readonly seq: number;
  readonly sendMs: number;
  /** Undefined for a packet lost in the network. */
  readonly arrivalMs: number | undefined;
}

export const TRACE_HEADER = 'seq,send_ms,arrival_ms';

/** Parses a trace; throws with the line number on anything malformed. */
export function parseTrace(text: string): TraceRow[] {
  const lines = text.split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== TRACE_HEADER) {
    throw new Error(`trace: the first line must be "${TRACE_HEADER}", not "${lines[0] ?? ''}"`);
  }
  const rows: TraceRow[] = [];
  const seen = new Set<number>();
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== 3) throw new Error(`trace line ${i + 1}: expected 3 fields, got ${cells.length}`);
    const seq = Number(cells[0]);
    const sendMs = Number(cells[1]);
    const arrivalText = (cells[2] ?? '').trim();
    const arrivalMs = arrivalText === '' ? undefined : Number(arrivalText);
    if (!Number.isInteger(seq) || seq < 0) throw new Error(`trace line ${i + 1}: bad seq "${cells[0] ?? ''}"`);
    if (!Number.isFinite(sendMs)) throw new Error(`trace line ${i + 1}: bad send_ms "${cells[1] ?? ''}"`);
    if (arrivalMs !== undefined && !Number.isFinite(arrivalMs)) throw new Error(`trace line ${i + 1}: bad arrival_ms "${arrivalText}"`);
    if (seen.has(seq)) throw new Error(`trace line ${i + 1}: seq ${seq} appears twice`);
    seen.add(seq);
    rows.push({ seq, sendMs, arrivalMs });
  }
  rows.sort((a, b) => a.seq - b.seq);
  return rows;
}

/**
 * Writes rows in the order given, times rounded to whole milliseconds (a
 * twentieth of the packet spacing: finer adds bytes to the committed traces,
 * not information).
 */
export function formatTrace(rows: readonly TraceRow[]): string {
  const out = [TRACE_HEADER];
  for (const r of rows) {
    const arrival = r.arrivalMs === undefined ? '' : String(Math.round(r.arrivalMs));
    out.push(`${r.seq},${Math.round(r.sendMs)},${arrival}`);
  }
  return `${out.join('\n')}\n`;
}
