import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedGpioChip } from '../../drivers/emulated/gpio.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { GpioMatrixBackend } from '../../drivers/keypad/gpio-matrix-backend.js';

function bench() {
  const clock = new VirtualClock();
  const chip = new EmulatedGpioChip(clock);
  const rows = [0, 1, 2].map((r) => chip.input(10 + r, `row${r}`));
  const columns = [0, 1, 2, 3].map((c) => chip.output(20 + c, `col${c}`, 1)); // start driven high on purpose
  const changes: string[] = [];
  columns.forEach((line) => line.onChange((s) => changes.push(`${line.name}:${s.floated ? 'Z' : s.level}`)));
  const backend = new GpioMatrixBackend(rows, columns);
  /** Each column as the world sees it: 'Z' floated, or the driven level. */
  const picture = (): string => columns.map((c) => (c.floated ? 'Z' : String(c.level))).join('');
  return { rows, columns, backend, changes, picture };
}

describe('GpioMatrixBackend', () => {
  it('floats every column at start, whatever the lines were doing', () => {
    const { picture, backend } = bench();
    assert.equal(picture(), 'ZZZZ');
    assert.equal(backend.rowCount, 3);
    assert.equal(backend.columnCount, 4);
  });

  it('drives only the selected column low and floats the others (never drives high)', () => {
    const { backend, picture } = bench();
    backend.selectColumn(2);
    assert.equal(picture(), 'ZZ0Z');
    backend.selectColumn(0);
    assert.equal(picture(), '0ZZZ');
    backend.selectColumn('all');
    assert.equal(picture(), '0000');
    backend.selectColumn('none');
    assert.equal(picture(), 'ZZZZ');
    assert.throws(() => backend.selectColumn(4), RangeError);
  });

  it('touches only the lines that change, releasing the old column before driving the new', () => {
    const { backend, changes } = bench();
    backend.selectColumn(1);
    changes.length = 0;
    backend.selectColumn(3);
    assert.deepEqual(changes, ['col1:Z', 'col3:0']);
    changes.length = 0;
    backend.selectColumn(3);
    assert.deepEqual(changes, []);
  });

  it('reads rows active low as a bitmask', () => {
    const { rows, backend } = bench();
    assert.equal(backend.readRows(), 0);
    rows[0]?.set(0);
    rows[2]?.set(0);
    assert.equal(backend.readRows(), 0b101);
  });

  it('reports row activity on falling edges only, until unsubscribed', () => {
    const { rows, backend } = bench();
    let wakes = 0;
    const stop = backend.onRowActivity(() => wakes++);
    rows[1]?.set(0);
    rows[1]?.set(1); // release: not activity
    rows[2]?.set(0);
    assert.equal(wakes, 2);
    stop();
    rows[0]?.set(0);
    assert.equal(wakes, 2);
    assert.deepEqual(rows.map((r) => r.watcherCount), [0, 0, 0]);
  });
});
