import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mulawDecode } from '../../firmware/media/codecs/g711/mulaw.js';
import { parseRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { pcmuPackets, RtpFarEnd } from '../../scripts/bench/rtp-far-end.js';
import { calleePacing } from '../../scripts/bench/send-pacing-bench.js';
import { UdpPeer } from '../../test/tools/impairment-relay/udp-peer.js';
import type { RelayStats } from '../../test/tools/impairment-relay/relay.js';

describe('the far end of the media benchmarks', () => {
  it('cuts a signal into PCMU packets of 160 samples (RFC 3551 PT 0), the first marked, the last padded', () => {
    const signal = Int16Array.from({ length: 400 }, (_, i) => (i % 50) * 100);
    const packets = pcmuPackets(signal, 0x1234).map((p) => {
      const r = parseRtp(p);
      assert.ok(r.ok);
      return r.packet;
    });
    assert.deepEqual(packets.map((p) => [p.sequenceNumber, p.timestamp, p.marker, p.payloadType, p.ssrc]), [
      [0, 0, true, 0, 0x1234],
      [1, 160, false, 0, 0x1234],
      [2, 320, false, 0, 0x1234],
    ]);
    const decoded = mulawDecode(packets[1]?.payload ?? new Uint8Array(0));
    assert.ok(Math.abs((decoded[10] ?? 0) - (signal[170] ?? 0)) < 100);
    assert.deepEqual([...mulawDecode(packets[2]?.payload ?? new Uint8Array(0)).subarray(80)].every((v) => Math.abs(v) < 10), true);
  });

  it('sends them on a 20 ms grid and says when each left', async () => {
    const sink = await UdpPeer.open();
    const far = await RtpFarEnd.open();
    try {
      const sent = await far.play(new Int16Array(160 * 5), sink.address);
      await sink.waitFor(5);
      assert.equal(sent.length, 5);
      for (let i = 1; i < sent.length; i++) assert.ok((sent[i] ?? 0n) > (sent[i - 1] ?? 0n));
      // On a grid from the first packet, not 20 ms after whenever the last one left (a late one is not followed by late ones).
      const spanMs = Number((sent[4] ?? 0n) - (sent[0] ?? 0n)) / 1e6;
      assert.ok(spanMs > 75 && spanMs < 95, `four periods took ${spanMs} ms`);
    } finally {
      await far.close();
      await sink.close();
    }
  });

  it("takes the callee's pacing from its biggest RTP flow towards the far end", () => {
    const pacing = (packets: number) => ({ packets, periodMs: 20, actualPeriodMs: 20, driftPpm: 0, driftMs: 0, errorMs: { p50: packets, p99: 0, max: 0 } });
    const flows = { rtcp: { packets: 3, logTruncated: false, pacing: null }, 'rtp:a': { packets: 2, logTruncated: false, pacing: pacing(2) }, 'rtp:b': { packets: 90, logTruncated: false, pacing: pacing(90) } };
    const stats = { directions: { 'a-to-b': { flows } } } as unknown as RelayStats;
    assert.equal(calleePacing(stats).errorMs.p50, 90);
    assert.throws(() => calleePacing({ directions: { 'a-to-b': { flows: {} } } } as unknown as RelayStats), /no RTP/);
  });
});
