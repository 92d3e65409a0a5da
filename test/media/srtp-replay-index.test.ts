import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { advanceRollover, estimateRoc, packetIndex } from '../../firmware/media/srtp/index-estimation.js';
import { ReplayWindow } from '../../firmware/media/srtp/replay-window.js';
import { rtpHeaderLength } from '../../firmware/media/srtp/rtp-header-length.js';
import { hex } from './srtp-fixtures.js';

describe('index estimation (RFC 3711 §3.3.1, Appendix A)', () => {
  it('keeps the ROC for a sequence number near s_l', () => {
    assert.equal(estimateRoc(5, 1000, 1001), 5);
    assert.equal(estimateRoc(5, 1000, 900), 5);
    assert.equal(estimateRoc(5, 40000, 40100), 5);
  });

  it('guesses ROC+1 when SEQ has wrapped past s_l', () => {
    assert.equal(estimateRoc(5, 65535, 0), 6);
    assert.equal(estimateRoc(5, 65000, 10), 6);
  });

  it('guesses ROC-1 for a late packet from before the wrap', () => {
    assert.equal(estimateRoc(6, 3, 65533), 5);
    assert.equal(estimateRoc(6, 100, 40000), 5);
  });

  it('gives -1 for a packet "before" index 0, which no sender can have sent', () => {
    assert.equal(estimateRoc(0, 10, 60000), -1);
  });

  it('forms i = 2^16 * v + SEQ', () => {
    assert.equal(packetIndex(0, 7), 7);
    assert.equal(packetIndex(3, 0xffff), 3 * 65536 + 0xffff);
  });

  it('advances ROC and s_l only forwards', () => {
    const state = { roc: 5, highestSeq: 65535 };
    assert.deepEqual(advanceRollover(state, 6, 0), { roc: 6, highestSeq: 0 });
    assert.deepEqual(advanceRollover({ roc: 6, highestSeq: 0 }, 6, 5), { roc: 6, highestSeq: 5 });
    assert.deepEqual(advanceRollover({ roc: 6, highestSeq: 5 }, 5, 65534), { roc: 6, highestSeq: 5 });
    assert.deepEqual(advanceRollover({ roc: 6, highestSeq: 5 }, 6, 3), { roc: 6, highestSeq: 5 });
  });
});

describe('replay window (RFC 3711 §3.3.2)', () => {
  it('defaults to 64 and refuses less', () => {
    assert.equal(new ReplayWindow().size, 64);
    assert.throws(() => new ReplayWindow(32), RangeError);
  });

  it('accepts anything before the first packet, then tells new, replay and too old apart', () => {
    const window = new ReplayWindow(64);
    assert.equal(window.check(1000), 'new');
    window.accept(1000);
    assert.equal(window.check(1000), 'replay');
    assert.equal(window.check(1001), 'new');
    assert.equal(window.check(1000 - 63), 'new');
    assert.equal(window.check(1000 - 64), 'too-old');
  });

  it('remembers out-of-order packets inside the window, once each', () => {
    const window = new ReplayWindow(64);
    window.accept(10);
    window.accept(20);
    assert.equal(window.check(15), 'new');
    window.accept(15);
    assert.equal(window.check(15), 'replay');
    assert.equal(window.check(10), 'replay');
    assert.equal(window.highestIndex, 20);
  });

  it('slides: a jump forward forgets what fell out and keeps what is still inside', () => {
    const window = new ReplayWindow(64);
    window.accept(100);
    window.accept(150);
    assert.equal(window.check(100), 'replay');
    window.accept(164);
    assert.equal(window.check(100), 'too-old');
    assert.equal(window.check(150), 'replay');
    window.accept(1000);
    assert.equal(window.check(150), 'too-old');
    assert.equal(window.check(999), 'new');
  });
});

describe('local RTP header length (RFC 3550 §5.1, §5.3.1)', () => {
  it('is 12 for a plain header, +4 per CSRC, +4+4n for an extension', () => {
    assert.equal(rtpHeaderLength(hex('80000001 00000000 00000001 AA')), 12);
    assert.equal(rtpHeaderLength(hex('82000001 00000000 00000001 11111111 22222222')), 20);
    assert.equal(rtpHeaderLength(hex('91000001 00000000 00000001 11111111 BEDE0002 00000000 00000000')), 28);
  });

  it('refuses another version, a short packet, or an extension running past the end', () => {
    assert.equal(rtpHeaderLength(hex('40000001 00000000 00000001')), undefined);
    assert.equal(rtpHeaderLength(hex('800000')), undefined);
    assert.equal(rtpHeaderLength(hex('81000001 00000000 00000001')), undefined);
    assert.equal(rtpHeaderLength(hex('90000001 00000000 00000001 BEDE0005 00000000')), undefined);
  });
});
