import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { RateLimitedLog } from '../../firmware/media/rate-limited-log.js';

function setup(maxLines = 2, intervalMs = 1000, maxKeys?: number) {
  const clock = new VirtualClock();
  const lines: string[] = [];
  const options = maxKeys === undefined ? { maxLines, intervalMs } : { maxLines, intervalMs, maxKeys };
  const log = new RateLimitedLog(clock, { warn: (l) => lines.push(l) }, options);
  return { clock, lines, log };
}

describe('RateLimitedLog', () => {
  it('writes at most N lines per interval for a key and counts the rest', () => {
    const { log, lines } = setup(2, 1000);
    const written = [1, 2, 3, 4, 5].map((i) => log.warn('bad', `bad ${i}`));
    assert.deepEqual(written, [true, true, false, false, false]);
    assert.deepEqual(lines, ['bad 1', 'bad 2']);
    assert.equal(log.suppressedCount('bad'), 3);
  });

  it('keeps a separate budget per key', () => {
    const { log, lines } = setup(1, 1000);
    log.warn('a', 'a1');
    log.warn('a', 'a2');
    log.warn('b', 'b1');
    assert.deepEqual(lines, ['a1', 'b1']);
  });

  it('reports the suppressed count on the first line of the next interval', () => {
    const { log, lines, clock } = setup(1, 1000);
    log.warn('k', 'one');
    log.warn('k', 'two');
    log.warn('k', 'three');
    clock.advance(999);
    assert.equal(log.warn('k', 'still held'), false);
    clock.advance(1);
    assert.equal(log.warn('k', 'four'), true);
    assert.deepEqual(lines, ['one', 'four (+3 suppressed)']);
    assert.equal(log.suppressedCount('k'), 0);
  });

  it('flushes the counts still held back', () => {
    const { log, lines } = setup(1, 1000);
    log.warn('k', 'one');
    log.warn('k', 'two');
    log.warn('quiet', 'only');
    log.flush();
    assert.deepEqual(lines, ['one', 'only', 'k: 1 more suppressed']);
    assert.equal(log.suppressedCount('k'), 0);
  });

  it('remembers a bounded number of keys', () => {
    const { log, lines } = setup(1, 1000, 2);
    log.warn('a', 'a1');
    log.warn('b', 'b1');
    log.warn('c', 'c1'); // forgets 'a'
    log.warn('a', 'a2'); // a fresh budget again
    assert.deepEqual(lines, ['a1', 'b1', 'c1', 'a2']);
  });
});
