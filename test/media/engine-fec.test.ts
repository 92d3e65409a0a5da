import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { parseRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { connect, countToneFrames, createParty, pump, shutdownAll, type Party } from './engine-harness.js';

/**
 * Opus in-band FEC end to end through two media engines on real UDP: B asks
 * for FEC in its fmtp (useinbandfec=1, RFC 7587 §6.1), A's network loses
 * every 10th RTP packet it sends, and B's jitter buffer must rebuild those
 * frames from the LBRR copies in the packets after them rather than
 * conceal them — and still hear A's tone throughout.
 */
const open: Party[] = [];
after(() => shutdownAll(open));

/** Loses every `n`th RTP packet after the first 20 (RTCP, packet types 200–204 in the second byte, RFC 5761 §4, passes). */
function everyNthRtp(n: number): (datagram: Uint8Array) => boolean {
  let rtp = 0;
  return (d) => {
    const parsed = parseRtp(d);
    const type = d[1] ?? 0;
    if (!parsed.ok || (type >= 200 && type <= 204)) return false;
    rtp++;
    return rtp > 20 && rtp % n === 0;
  };
}

async function lossyCall(fmtp: string): Promise<{ fecMs: number; concealedMs: number; lost: number; heard: number }> {
  const clock = new VirtualClock();
  const a = await createParty(clock, 'a', 'tone:700', { dropSent: everyNthRtp(10) });
  const b = await createParty(clock, 'b', 'silence');
  open.push(a, b);
  await connect(a, b, 'call', { codec: 'opus', payloadType: 111, fmtp });
  await pump(clock, 4000);
  const [sb] = b.engine.stats('call');
  assert.ok(sb);
  const heard = countToneFrames(b.sink.samples(), 700);
  await shutdownAll([a, b]);
  return { fecMs: sb.fecRecoveredMs, concealedMs: sb.concealedMs, lost: sb.loss.cumulative, heard: heard.fraction };
}

describe('media engine: Opus in-band FEC', () => {
  it('rebuilds lost frames from the next packet when the peer sends FEC', async () => {
    const r = await lossyCall('useinbandfec=1');
    console.log(`# FEC: ${r.lost} packets lost, ${r.fecMs} ms recovered by FEC, ${r.concealedMs} ms concealed, tone in ${(100 * r.heard).toFixed(1)} % of frames`);
    assert.ok(r.lost >= 15, `${r.lost} lost`);
    // Each loss is one 20 ms frame; nearly all of it comes back from FEC.
    assert.ok(r.fecMs >= 0.8 * 20 * r.lost, `${r.fecMs} ms recovered of ${20 * r.lost} ms lost`);
    assert.ok(r.concealedMs <= 0.2 * 20 * r.lost, `${r.concealedMs} ms concealed`);
    assert.ok(r.heard >= 0.97, `tone in ${r.heard}`);
  });

  it('conceals them when the peer sends none', async () => {
    const r = await lossyCall('useinbandfec=0');
    console.log(`# no FEC: ${r.lost} packets lost, ${r.concealedMs} ms concealed`);
    assert.ok(r.lost >= 15);
    assert.equal(r.fecMs, 0);
    assert.ok(r.concealedMs >= 20 * r.lost * 0.9, `${r.concealedMs} ms concealed for ${r.lost} lost`);
  });
});
