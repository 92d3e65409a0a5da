import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_DROPOUT,
  MAX_MISORDER,
  SequenceTracker,
  seqAdd,
  seqDiff,
  seqLessThan,
  timestampAdd,
  timestampDiff,
  timestampLessThan,
} from '../../firmware/media/rtp/sequence.js';

/** A tracker that has passed probation, with `first` as its base. */
function validFrom(first: number): SequenceTracker {
  const t = new SequenceTracker(seqAdd(first, -1));
  assert.equal(t.update(seqAdd(first, -1)), 'probation');
  assert.equal(t.update(first), 'in-order');
  assert.equal(t.valid, true);
  return t;
}

describe('16-bit sequence arithmetic (RFC 1982 serial numbers)', () => {
  it('wraps 65535 → 0 forwards and backwards', () => {
    assert.equal(seqAdd(65535, 1), 0);
    assert.equal(seqAdd(0, -1), 65535);
    assert.equal(seqDiff(0, 65535), 1);
    assert.equal(seqDiff(65535, 0), -1);
    assert.equal(seqDiff(5, 65530), 11);
  });

  it('orders across the wrap: 65535 comes before 0', () => {
    assert.equal(seqLessThan(65535, 0), true);
    assert.equal(seqLessThan(0, 65535), false);
    assert.equal(seqLessThan(65000, 100), true);
    assert.equal(seqLessThan(7, 7), false);
  });

  it('leaves exactly half the space unordered, as RFC 1982 §3.2 does', () => {
    assert.equal(seqLessThan(0, 32768), false);
    assert.equal(seqLessThan(32768, 0), false);
    assert.equal(seqLessThan(0, 32767), true);
  });
});

describe('32-bit timestamp arithmetic', () => {
  it('wraps at 2^32', () => {
    assert.equal(timestampAdd(0xffffffff, 1), 0);
    assert.equal(timestampAdd(0xffffff00, 0x200), 0x100);
    assert.equal(timestampDiff(0x10, 0xffffffb0), 0x60);
    assert.equal(timestampDiff(0xffffffb0, 0x10), -0x60);
  });

  it('orders across the wrap', () => {
    assert.equal(timestampLessThan(0xffffff60, 0x10), true);
    assert.equal(timestampLessThan(0x10, 0xffffff60), false);
    assert.equal(timestampLessThan(0, 0x80000000), false);
    assert.equal(timestampLessThan(0x80000000, 0), false);
  });
});

describe('SequenceTracker: RFC 3550 A.1 probation', () => {
  it('holds the first packet back and accepts the second in sequence', () => {
    const t = new SequenceTracker(1000);
    assert.equal(t.update(1000), 'probation');
    assert.equal(t.valid, false);
    assert.equal(t.update(1001), 'in-order');
    assert.equal(t.valid, true);
    // init_seq() on the packet that ends probation: it is the base and the first counted.
    assert.equal(t.baseSeq, 1001);
    assert.equal(t.received, 1);
  });

  it('restarts probation when the second packet is not the successor', () => {
    const t = new SequenceTracker(1000);
    assert.equal(t.update(1000), 'probation');
    assert.equal(t.update(1005), 'probation');
    assert.equal(t.valid, false);
    assert.equal(t.update(1006), 'in-order');
    assert.equal(t.baseSeq, 1006);
  });

  it('passes probation across 65535 → 0 (the successor is taken modulo 2^16)', () => {
    const t = new SequenceTracker(65535);
    assert.equal(t.update(65535), 'probation');
    assert.equal(t.update(0), 'in-order');
    assert.equal(t.valid, true);
  });
});

describe('SequenceTracker: extended sequence numbers', () => {
  it('counts a cycle at 65535 → 0', () => {
    const t = validFrom(65534);
    assert.equal(t.update(65535), 'in-order');
    assert.equal(t.update(0), 'in-order');
    assert.equal(t.cycles, 65536);
    assert.equal(t.extendedMax, 65536);
    assert.equal(t.update(1), 'in-order');
    assert.equal(t.extendedMax, 65537);
  });

  it('keeps counting across several wraps, gaps included', () => {
    const start = 65000;
    const t = validFrom(start);
    const step = 97; // a gap of 96 lost packets each time, well under MAX_DROPOUT
    const steps = Math.ceil((3.5 * 65536) / step);
    let seq = start;
    for (let i = 0; i < steps; i++) {
      seq = seqAdd(seq, step);
      assert.equal(t.update(seq), 'in-order');
    }
    const expected = start + steps * step;
    assert.equal(t.extendedMax, expected);
    assert.equal(t.cycles, Math.floor(expected / 65536) * 65536);
    assert.equal(t.cycles / 65536, 4);
    assert.equal(t.received, steps + 1);
  });

  it('extends a late packet relative to the highest, even across a wrap', () => {
    const t = validFrom(65530);
    for (let s = 65531; s <= 65535; s++) t.update(s);
    t.update(0);
    t.update(1);
    assert.equal(t.extend(65533), 65533);
    assert.equal(t.extend(1), 65537);
    assert.equal(t.update(65534), 'late');
    assert.equal(t.extendedMax, 65537, 'a late packet does not move the highest');
  });

  it('counts duplicates and late packets as received (A.1)', () => {
    const t = validFrom(100);
    t.update(101);
    t.update(103);
    assert.equal(t.update(102), 'late');
    assert.equal(t.update(102), 'late');
    assert.equal(t.update(103), 'in-order', 'a duplicate of the highest is "in order" with a gap of 0');
    assert.equal(t.received, 6);
    assert.equal(t.extendedMax, 103);
  });

  it('takes a gap just under MAX_DROPOUT as in order', () => {
    const t = validFrom(10);
    assert.equal(t.update(10 + MAX_DROPOUT - 1), 'in-order');
    assert.equal(t.extendedMax, 10 + MAX_DROPOUT - 1);
  });

  it('takes a packet less than MAX_MISORDER behind as late, and MAX_MISORDER behind as a jump', () => {
    const t = validFrom(5000);
    assert.equal(t.update(5000 - MAX_MISORDER + 1), 'late');
    assert.equal(t.update(5000 - MAX_MISORDER), 'jump');
  });
});

describe('SequenceTracker: a sender restart (A.1 bad_seq)', () => {
  it('holds a single large jump, then re-syncs on its successor', () => {
    const t = validFrom(1000);
    for (let s = 1001; s <= 1010; s++) t.update(s);
    const before = t.received;
    assert.equal(t.update(40000), 'jump');
    assert.equal(t.received, before, 'an unconfirmed jump is not counted');
    assert.equal(t.extendedMax, 1010);
    const epoch = t.epoch;
    assert.equal(t.update(40001), 'restart');
    assert.equal(t.baseSeq, 40001);
    assert.equal(t.maxSeq, 40001);
    assert.equal(t.cycles, 0);
    assert.equal(t.received, 1);
    assert.equal(t.epoch, epoch + 1);
    assert.equal(t.update(40002), 'in-order');
  });

  it('ignores a stray jump when the old stream carries on', () => {
    const t = validFrom(1000);
    assert.equal(t.update(30000), 'jump');
    assert.equal(t.update(1001), 'in-order');
    assert.equal(t.update(1002), 'in-order');
    assert.equal(t.update(30005), 'jump', 'not the successor of the first jump: held again');
    assert.equal(t.update(1003), 'in-order');
    assert.equal(t.baseSeq, 1000);
    assert.equal(t.received, 4);
    assert.equal(t.extendedMax, 1003);
  });
});
