import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchArgs } from '../../scripts/bench/sipp-batch.js';
import { sippArgs } from '../../test/sipp/sipp.js';

describe('SIPp batch command line', () => {
  it("is sipp.ts's own with -m 1 turned into N calls, one at a time, at a given rate", () => {
    const single = sippArgs({
      scenarioFile: '/x/uac-call.xml',
      port: 5061,
      mediaPort: 6000,
      controlPort: 7000,
      workDir: '/tmp/w',
      options: { scenario: 'uac-call', target: { host: '127.0.0.1', port: 5060 }, service: '1001' },
    });
    const args = batchArgs(single, 200, 20);
    const m = args.indexOf('-m');
    assert.deepEqual(args.slice(m, m + 6), ['-m', '200', '-l', '1', '-r', '20']);
    assert.equal(args.filter((a) => a === '-m').length, 1);
    assert.equal(args.length, single.length + 4);
    assert.ok(args.includes('-trace_msg') && args.includes('1001'));
  });

  it('refuses a command line without -m', () => {
    assert.throws(() => batchArgs(['-sf', 'x.xml'], 5, 10), /without -m/);
  });
});
