import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DigitalIn } from '../../drivers/bus/gpio.js';
import { EmulatedGpioChip } from '../../drivers/emulated/gpio.js';
import { EmulatedKeyMatrix } from '../../drivers/emulated/key-matrix.js';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { GpioMatrixBackend } from '../../drivers/keypad/gpio-matrix-backend.js';
import type { ColumnSelection, MatrixBackend } from '../../drivers/keypad/matrix-backend.js';
import { MatrixScanner } from '../../drivers/keypad/matrix-scanner.js';
import type { KeyEvent, Keymap, MatrixScannerOptions } from '../../drivers/keypad/matrix-scanner.js';

// A 4x4 phone keypad. "1","2","5" are three corners of a rectangle whose fourth is "4".
const KEYMAP: Keymap = [
  ['1', '2', '3', 'up'],
  ['4', '5', '6', 'down'],
  ['7', '8', '9', 'vol_up'],
  ['star', '0', 'pound', 'vol_down'],
];

/**
 * The whole GPIO path: emulated chip lines, the diode-less matrix model on
 * them, the GPIO back end and the scanner. Row reads are spied on so a test
 * can see which columns were driven at the moment each row was read.
 */
function rig(options: Partial<MatrixScannerOptions> = {}) {
  const clock = new VirtualClock();
  const chip = new EmulatedGpioChip(clock, 'gpiochip0');
  const rowLines = [0, 1, 2, 3].map((r) => chip.input(5 + r, `row${r}`));
  const columns = [0, 1, 2, 3].map((c) => chip.output(20 + c, `col${c}`, 'floated'));
  const matrix = new EmulatedKeyMatrix({ keymap: KEYMAP, rows: rowLines, columns, clock });
  /** At each row read: the columns driven, as "c<index>=<level>". */
  const drivenAtRead: string[][] = [];
  const spiedRows: DigitalIn[] = rowLines.map((line) => ({
    name: line.name,
    read: () => {
      drivenAtRead.push(columns.flatMap((c, i) => (c.floated ? [] : [`c${i}=${c.level}`])));
      return line.read();
    },
    watch: (edge, listener) => line.watch(edge, listener),
    close: () => line.close(),
  }));
  const backend = new GpioMatrixBackend(spiedRows, columns);
  const scanner = new MatrixScanner(backend, clock, { keymap: KEYMAP, ...options });
  const events: KeyEvent[] = [];
  scanner.onKey((e) => events.push(e));
  /** Events as "kind key @time", easy to compare with an expectation list. */
  const log = (): string[] => events.map((e) => `${e.kind} ${e.key} @${e.timestampMs}`);
  const dispose = (): void => {
    scanner.dispose();
    matrix.dispose();
  };
  return { clock, columns, matrix, scanner, events, log, drivenAtRead, dispose };
}

describe('MatrixScanner on an emulated diode-less matrix', () => {
  it('reports one press as one down and one up, each after the debounce time', () => {
    const { clock, matrix, events, log, dispose } = rig();
    clock.advance(50);
    matrix.press('5');
    clock.advance(19);
    assert.deepEqual(log(), [], 'nothing before the press has held 20 ms');
    clock.advance(81);
    assert.deepEqual(log(), ['down 5 @70']);
    clock.advance(3); // release off the 5 ms poll grid, at 153
    matrix.release('5');
    clock.advance(200);
    assert.equal(events.length, 2);
    const up = events[1];
    assert.equal(up?.kind, 'up');
    assert.equal(up?.key, '5');
    // Seen by the first scan after the release (at most one poll late), reported 20 ms after that.
    assert.ok(up.timestampMs >= 153 + 20 && up.timestampMs <= 153 + 20 + 5, `up at ${up.timestampMs}`);
    dispose();
  });

  it('turns a bouncing contact into a single down, dated from the last bounce', () => {
    const { clock, matrix, log, dispose } = rig();
    // Contact chatter: closed, open, closed, open, closed within 16 ms.
    const chatter: Array<[number, 'press' | 'release']> = [[0, 'press'], [3, 'release'], [7, 'press'], [12, 'release'], [16, 'press']];
    let at = 0;
    for (const [t, what] of chatter) {
      clock.advance(t - at);
      at = t;
      matrix[what]('8');
    }
    clock.advance(300);
    const downs = log().filter((l) => l.startsWith('down'));
    assert.equal(downs.length, 1, log().join(', '));
    assert.equal(log().filter((l) => l.startsWith('up')).length, 0);
    const t = Number(downs[0]?.split('@')[1]);
    assert.ok(t >= 16 + 20, `down at ${t}, sooner than 20 ms after the last bounce`);
    dispose();
  });

  it('honours a configured debounce time', () => {
    const { clock, matrix, log, dispose } = rig({ debounceMs: 50 });
    matrix.press('3');
    clock.advance(49);
    assert.deepEqual(log(), []);
    clock.advance(1);
    assert.deepEqual(log(), ['down 3 @50']);
    dispose();
  });

  it('reports two keys held at once in different rows and columns', () => {
    const { clock, matrix, scanner, log, dispose } = rig();
    matrix.press('1'); // r0 c0
    matrix.press('6'); // r1 c2
    clock.advance(40);
    assert.deepEqual(log(), ['down 1 @20', 'down 6 @20']);
    assert.deepEqual(scanner.pressed, ['1', '6']);
    matrix.release('1');
    matrix.release('6');
    clock.advance(40);
    // Released at 40, just after that scan ran: the scan at 45 sees it, reported 20 ms later.
    assert.deepEqual(log().slice(2), ['up 1 @65', 'up 6 @65']);
    dispose();
  });

  it('rejects a ghost: the third corner is ignored, the phantom fourth never reported, and it recovers', () => {
    const { clock, matrix, scanner, log, dispose } = rig();
    matrix.press('1');
    matrix.press('2'); // same row: fine
    clock.advance(40);
    assert.deepEqual(log(), ['down 1 @20', 'down 2 @20']);

    matrix.press('5'); // third corner; "4" now reads pressed electrically
    clock.advance(500);
    assert.deepEqual(log(), ['down 1 @20', 'down 2 @20'], 'neither "5" nor the phantom "4" reported');
    assert.deepEqual(scanner.pressed, ['1', '2'], 'the last good state is kept');
    assert.ok(scanner.ghostScans >= 90, `every scan while ambiguous was refused (${scanner.ghostScans})`);

    matrix.release('1'); // "2" and "5" share a column: unambiguous again
    clock.advance(40);
    assert.deepEqual(log().slice(2), ['up 1 @565', 'down 5 @565'], 'released at 540, seen at 545');
    assert.deepEqual(scanner.pressed, ['2', '5']);
    assert.ok(!log().some((l) => l.includes(' 4 ')), 'the phantom never appears');
    dispose();
  });

  it('keeps the last good state when the third corner is released instead', () => {
    const { clock, matrix, scanner, log, dispose } = rig();
    matrix.press('1');
    matrix.press('2');
    clock.advance(40);
    matrix.press('5');
    clock.advance(100);
    matrix.release('5');
    clock.advance(100);
    assert.deepEqual(log(), ['down 1 @20', 'down 2 @20']);
    assert.deepEqual(scanner.pressed, ['1', '2']);
    dispose();
  });

  it('reports a long press once, after longPressMs, and none for a short press', () => {
    const { clock, matrix, log, dispose } = rig();
    matrix.tap('9', 300);
    clock.advance(2000);
    assert.deepEqual(log(), ['down 9 @20', 'up 9 @320']);
    matrix.press('0');
    clock.advance(3000);
    matrix.release('0');
    clock.advance(100);
    assert.deepEqual(log().slice(2), ['down 0 @2020', 'long 0 @3020', 'up 0 @5025']);
    dispose();
  });

  it('auto-repeats vol_up while held instead of a long press, and stops on release', () => {
    const { clock, matrix, log, dispose } = rig({ repeatDelayMs: 400, repeatMs: 150 });
    matrix.press('vol_up');
    clock.advance(1000);
    assert.deepEqual(log(), ['down vol_up @20', 'repeat vol_up @420', 'repeat vol_up @570', 'repeat vol_up @720', 'repeat vol_up @870']);
    clock.advance(3);
    matrix.release('vol_up'); // at 1003: up reported at 1025, after the scan at 1005 saw it
    clock.advance(1000);
    // The key is still (debounced) down at 1020, so that repeat is due; none after the up.
    assert.deepEqual(log().slice(5), ['repeat vol_up @1020', 'up vol_up @1025']);
    dispose();
  });

  it('drives only the column being read (the others float), never high, so two keys in one row cannot short', () => {
    const { clock, matrix, drivenAtRead, log, dispose } = rig();
    matrix.press('1');
    matrix.press('3'); // one row, two columns
    clock.advance(40);
    matrix.release('1');
    matrix.release('3');
    clock.advance(200);
    assert.deepEqual(log(), ['down 1 @20', 'down 3 @20', 'up 1 @65', 'up 3 @65']);
    const scanReads = drivenAtRead.filter((d) => d.length !== 4);
    assert.ok(scanReads.length > 100, 'the scanner read rows while scanning');
    for (const driven of scanReads) assert.equal(driven.length, 1, `driven while reading: ${driven.join(' ')}`);
    // The only other reads are the idle checks with every column active.
    for (const driven of drivenAtRead.filter((d) => d.length === 4)) assert.deepEqual(driven, ['c0=0', 'c1=0', 'c2=0', 'c3=0']);
    assert.deepEqual(matrix.shorts, []);
    dispose();
  });

  it('stops polling when idle: every column active, no timer pending, no reads', () => {
    const { clock, columns, matrix, scanner, drivenAtRead, dispose } = rig();
    assert.equal(scanner.state, 'idle');
    assert.equal(clock.pendingCount, 0);
    matrix.tap('5', 60);
    clock.advance(1);
    assert.equal(scanner.state, 'scanning');
    assert.ok(clock.pendingCount > 0);
    clock.advance(60 + 20 + 100 + 5); // release, debounce, idle timeout, one poll of slack
    assert.equal(scanner.state, 'idle');
    assert.equal(clock.pendingCount, 0);
    assert.deepEqual(columns.map((c) => c.driven), [0, 0, 0, 0]);
    const reads = drivenAtRead.length;
    clock.advance(60_000);
    assert.equal(drivenAtRead.length, reads, 'no scans while idle');
    matrix.press('7'); // an edge wakes it again
    clock.advance(25);
    assert.equal(scanner.state, 'scanning');
    assert.deepEqual(scanner.pressed, ['7']);
    dispose();
  });

  it('clears its timers and floats the columns on dispose, and reports nothing after', () => {
    const { clock, columns, matrix, scanner, events, dispose } = rig();
    matrix.press('2');
    clock.advance(30); // down reported, long-press timer running
    assert.equal(events.length, 1);
    dispose();
    assert.equal(scanner.state, 'disposed');
    assert.equal(clock.pendingCount, 0);
    assert.deepEqual(columns.map((c) => c.floated), [true, true, true, true]);
    clock.advance(5000);
    assert.equal(events.length, 1);
  });
});

/** A back end with a fixed row picture, to reach the moment the scanner goes idle. */
class FakeBackend implements MatrixBackend {
  readonly rowCount = 1;
  readonly columnCount = 1;
  rows = 0;
  private readonly listeners = new Set<() => void>();
  constructor(private readonly edgeOnSelectAll: boolean) {}
  selectColumn(column: ColumnSelection): void {
    if (column === 'all' && this.rows !== 0 && this.edgeOnSelectAll) for (const l of this.listeners) l();
  }
  readRows(): number {
    return this.rows;
  }
  onRowActivity(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

describe('MatrixScanner entering idle with a key already down', () => {
  for (const edgeOnSelectAll of [true, false]) {
    it(`starts scanning at once (${edgeOnSelectAll ? 'driving the columns raises an edge' : 'no edge comes'})`, () => {
      const clock = new VirtualClock();
      const backend = new FakeBackend(edgeOnSelectAll);
      backend.rows = 1; // held since before the scanner started
      const scanner = new MatrixScanner(backend, clock, { keymap: [['hold']] });
      const seen: string[] = [];
      scanner.onKey((e) => seen.push(`${e.kind} ${e.key}`));
      assert.equal(scanner.state, 'scanning');
      clock.advance(20);
      assert.deepEqual(seen, ['down hold']);
      scanner.dispose();
      assert.equal(clock.pendingCount, 0);
    });
  }
});

describe('MatrixScanner configuration checks', () => {
  it('refuses a keymap that does not fit the matrix, or names a key twice', () => {
    const clock = new VirtualClock();
    assert.throws(() => new MatrixScanner(new FakeBackend(false), clock, { keymap: [['1', '2']] }), /keymap row 0 has 2 columns but the key matrix has 1/);
    assert.throws(() => new MatrixScanner(new FakeBackend(false), clock, { keymap: [['1'], ['2']] }), /keymap has 2 rows but the key matrix has 1/);
    const chip = new EmulatedGpioChip(clock);
    const backend = new GpioMatrixBackend([chip.input(1), chip.input(2)], [chip.output(3)]);
    assert.throws(() => new MatrixScanner(backend, clock, { keymap: [['5'], ['5']] }), /key "5" twice: at row 0, column 0 and at row 1, column 0/);
    assert.throws(() => new MatrixScanner(backend, clock, { keymap: [['5'], ['6']], pollMs: 0 }), /pollMs must be > 0/);
  });
});
