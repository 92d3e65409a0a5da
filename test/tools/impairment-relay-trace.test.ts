import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace, traceImpairment } from './impairment-relay/trace.js';

// A trace whose clocks differ by 1000 ms and whose fastest packet took 30 ms:
// relay delays are (arrival − send) − 1030.
const TRACE = `seq,send_ms,arrival_ms
2,40,1090
0,0,1030
1,20,
3,60,1100
4,80,
`;

describe('trace format', () => {
  it('sorts rows by seq, marks empty arrival_ms as lost and delays relative to the fastest packet', () => {
    const trace = parseTrace(TRACE);
    assert.deepEqual(
      trace.rows.map((r) => r.seq),
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(trace.decisions, [
      { drop: false, delayMs: 0 },
      { drop: true, delayMs: 0 },
      { drop: false, delayMs: 20 },
      { drop: false, delayMs: 10 },
      { drop: true, delayMs: 0 },
    ]);
  });

  it('finds columns by header name, ignores extra columns, CRLF, blank lines and # comments', () => {
    const trace = parseTrace('# from a Wi-Fi capture\r\narrival_ms,note,seq,send_ms\r\n\r\n1050,x,0,0\r\n,late,1,20\r\n');
    assert.deepEqual(trace.decisions, [
      { drop: false, delayMs: 0 },
      { drop: true, delayMs: 0 },
    ]);
  });

  it('refuses a missing header column, a gap or repeat in seq, and non-numbers', () => {
    assert.throws(() => parseTrace('seq,send_ms\n0,0\n'), /lacks arrival_ms/);
    assert.throws(() => parseTrace('seq,send_ms,arrival_ms\n0,0,5\n2,40,45\n'), /jumps from 0 to 2/);
    assert.throws(() => parseTrace('seq,send_ms,arrival_ms\n0,0,5\n0,0,5\n'), /appears twice/);
    assert.throws(() => parseTrace('seq,send_ms,arrival_ms\n0,zero,5\n'), /send_ms "zero" is not a number/);
    assert.throws(() => parseTrace('seq,send_ms,arrival_ms\n'), /no packets/);
  });

  it('replays from the start for each flow and cycles when the flow is longer than the trace', () => {
    const factory = traceImpairment(parseTrace(TRACE));
    const flow = factory(0);
    const twelve = Array.from({ length: 12 }, () => flow.next());
    assert.deepEqual(
      twelve.map((d) => (d.drop ? 'x' : d.delayMs)),
      [0, 'x', 20, 10, 'x', 0, 'x', 20, 10, 'x', 0, 'x'],
    );
    assert.deepEqual(factory(99).next(), { drop: false, delayMs: 0 }, 'a second flow starts at row 0');
  });
});
