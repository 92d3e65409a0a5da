import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Level } from '../../drivers/bus/gpio.js';
import { EmulatedGpioChip } from '../../drivers/emulated/gpio.js';
import { EmulatedKeyMatrix } from '../../drivers/emulated/key-matrix.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import type { Keymap } from '../../drivers/keypad/matrix-scanner.js';

const KEYMAP: Keymap = [
  ['1', '2', '3', 'up'],
  ['4', '5', '6', 'down'],
  ['7', '8', '9', 'vol_up'],
  ['star', '0', 'pound', 'vol_down'],
];

function bench() {
  const clock = new VirtualClock();
  const chip = new EmulatedGpioChip(clock);
  const rows = [0, 1, 2, 3].map((r) => chip.input(10 + r, `row${r}`));
  const columns = [0, 1, 2, 3].map((c) => chip.output(20 + c, `col${c}`, 'floated'));
  const matrix = new EmulatedKeyMatrix({ keymap: KEYMAP, rows, columns, clock });
  const rowLevels = (): Level[] => rows.map((r) => r.read());
  return { clock, rows, columns, matrix, rowLevels };
}

describe('EmulatedKeyMatrix (diode-less electrical model)', () => {
  it('pulls a row low only through a pressed key to a driven-low column', () => {
    const { columns, matrix, rowLevels } = bench();
    columns[0]?.write(0);
    assert.deepEqual(rowLevels(), [1, 1, 1, 1], 'nothing pressed: pull-ups');
    matrix.press('2'); // row 0 to column 1, which floats
    assert.deepEqual(rowLevels(), [1, 1, 1, 1]);
    matrix.press('4'); // row 1 to column 0, driven low
    assert.deepEqual(rowLevels(), [1, 0, 1, 1]);
    columns[0]?.float();
    assert.deepEqual(rowLevels(), [1, 1, 1, 1], 'the row follows the column as it changes');
    matrix.release('4');
    assert.deepEqual(matrix.held, ['2']);
  });

  it('shows the phantom fourth corner when three corners of a rectangle are pressed', () => {
    const { columns, matrix, rowLevels } = bench();
    columns[0]?.write(0); // the scanner looks at column 0 alone
    matrix.press('1'); // r0 c0
    matrix.press('2'); // r0 c1
    assert.deepEqual(rowLevels(), [0, 1, 1, 1]);
    matrix.press('5'); // r1 c1: row 1 → 5 → column 1 → 2 → row 0 → 1 → column 0
    assert.deepEqual(rowLevels(), [0, 0, 1, 1], 'row 1 reads as if "4" (r1 c0) were pressed');
  });

  it('follows paths through any number of switches', () => {
    const { columns, matrix, rowLevels } = bench();
    columns[0]?.write(0);
    for (const k of ['1', '2', '5', '6', '9'] as const) matrix.press(k); // c0-r0-c1-r1-c2-r2
    assert.deepEqual(rowLevels(), [0, 0, 0, 1]);
    matrix.release('5'); // breaks the chain between row 0 and row 1
    assert.deepEqual(rowLevels(), [0, 1, 1, 1]);
  });

  it('gives a falling edge on a row when a key is pressed with every column driven', () => {
    const { columns, matrix, rows } = bench();
    for (const c of columns) c.write(0);
    const edges: string[] = [];
    rows.forEach((r) => r.watch('both', (e) => edges.push(`${r.name}:${e.level}`)));
    matrix.press('8');
    matrix.release('8');
    assert.deepEqual(edges, ['row2:0', 'row2:1']);
  });

  it('logs a short when pressed keys join a column driven low to one driven high', () => {
    const { clock, columns, matrix } = bench();
    columns[0]?.write(0);
    columns[1]?.write(1);
    matrix.press('1');
    assert.deepEqual(matrix.shorts, []);
    clock.advance(4);
    matrix.press('2'); // the same row: col0 and col1 now joined
    assert.deepEqual(matrix.shorts, [{ columns: ['col0', 'col1'], timestampMs: 4 }]);
    matrix.press('3'); // still the same short; not logged again
    assert.equal(matrix.shorts.length, 1);
  });

  it('taps a key for a given time on the clock and cancels taps on dispose', () => {
    const { clock, matrix } = bench();
    matrix.tap('0', 80);
    assert.deepEqual(matrix.held, ['0']);
    clock.advance(79);
    assert.deepEqual(matrix.held, ['0']);
    clock.advance(1);
    assert.deepEqual(matrix.held, []);
    matrix.tap('9', 50);
    matrix.dispose();
    assert.equal(clock.pendingCount, 0);
    assert.throws(() => matrix.press('ok'), /"ok" is not on this key matrix/);
  });
});
