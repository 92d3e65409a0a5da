import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { bindRtpPortPair, type RtpPortPair } from '../../firmware/media/engine/media-socket.js';
import { parseRtcpCompound } from '../../firmware/media/rtp/rtcp-packet.js';
import { parseRtp } from '../../firmware/media/rtp/rtp-packet.js';
import { createParty, pump, shutdownAll, type Party } from './engine-harness.js';

interface Arrival {
  readonly atMs: number;
  readonly seq: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payloadType: number;
}

interface RtcpArrival {
  readonly atMs: number;
  readonly types: readonly string[];
}

const parties: Party[] = [];
const pairs: RtpPortPair[] = [];
after(async () => {
  await shutdownAll(parties);
  await Promise.all(pairs.flatMap((p) => [p.rtp.close(), p.rtcp.close()]));
});

/**
 * Hold as call-flows.md has it: "no RTP is sent by A while it holds". A's
 * stream points at a plain UDP socket pair of the test, which counts every
 * datagram that reaches the RTP port.
 */
/** A's PCMU stream towards a plain socket pair that notes every RTP and RTCP datagram it gets. */
async function callToWatcher(): Promise<{ clock: VirtualClock; a: Party; arrivals: Arrival[]; rtcp: RtcpArrival[] }> {
  const clock = new VirtualClock();
  const a = await createParty(clock, 'a', 'tone:1000');
  parties.push(a);
  const far = await bindRtpPortPair(dgramSocketFactory, '127.0.0.1', 0);
  pairs.push(far);
  const arrivals: Arrival[] = [];
  const rtcp: RtcpArrival[] = [];
  far.rtp.onMessage((datagram) => {
    const parsed = parseRtp(datagram);
    assert.ok(parsed.ok);
    const p = parsed.packet;
    arrivals.push({ atMs: clock.now(), seq: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker, payloadType: p.payloadType });
  });
  far.rtcp.onMessage((datagram) => {
    const parsed = parseRtcpCompound(datagram);
    assert.ok(parsed.ok);
    rtcp.push({ atMs: clock.now(), types: parsed.packets.map((p) => p.type) });
  });
  await a.engine.openStream({
    id: 'call',
    local: { host: '127.0.0.1', port: 0 },
    remote: { host: '127.0.0.1', port: far.rtp.port },
    codec: { name: 'PCMU', payloadType: 0 },
    direction: { send: true, recv: true },
  });
  return { clock, a, arrivals, rtcp };
}

describe('media engine: hold and resume', () => {
  it('sends no RTP at all while send is off, and resumes with continuous timestamps', async () => {
    const { clock, a, arrivals } = await callToWatcher();
    await pump(clock, 400);
    const beforeHold = arrivals.length;
    assert.ok(beforeHold >= 19, `${beforeHold} packets before hold`);

    a.engine.updateStream('call', { direction: { send: false, recv: true } });
    const holdStart = clock.now();
    await pump(clock, 1000);
    const duringHold = arrivals.filter((x) => x.atMs > holdStart);
    assert.equal(duringHold.length, 0, 'no RTP packet may leave while on hold');
    const [held] = a.engine.stats('call');
    assert.equal(held?.direction.send, false);

    a.engine.updateStream('call', { direction: { send: true, recv: true } });
    const resumed = clock.now();
    await pump(clock, 400);
    const afterResume = arrivals.filter((x) => x.atMs > resumed);
    assert.ok(afterResume.length >= 19, `${afterResume.length} packets after resume`);

    const last = arrivals[beforeHold - 1];
    const first = afterResume[0];
    assert.ok(last && first);
    // RFC 3551 §4.1: the first packet after silence starts a talkspurt (M bit).
    assert.equal(first.marker, true);
    assert.equal(afterResume.slice(1).some((x) => x.marker), false);
    // Sequence numbers go on where they stopped (nothing was sent in between)…
    assert.equal((first.seq - last.seq + 0x10000) % 0x10000, 1);
    // …and the timestamp counted the time on hold (8 units per ms at 8 kHz).
    const elapsedMs = first.atMs - last.atMs;
    assert.equal((first.timestamp - last.timestamp) >>> 0, elapsedMs * 8);
    console.log(`# hold: ${beforeHold} packets before, ${duringHold.length} during 1000 ms of hold, ${afterResume.length} in 400 ms after`);
  });

  it('a hold that comes with a codec change (one update-stream): no RTP, while RTCP goes on (RFC 3264 §5.1)', async () => {
    const { clock, a, arrivals: rtp, rtcp } = await callToWatcher();
    await pump(clock, 400);
    assert.ok(rtp.length >= 19);

    // The user's hold (nothing sent) and, in the same re-INVITE, G.722; then inactive.
    a.engine.updateStream('call', { direction: { send: false, recv: true }, codec: { name: 'G722', payloadType: 9 } });
    const holdStart = clock.now();
    await pump(clock, 6000);
    a.engine.updateStream('call', { direction: { send: false, recv: false } });
    await pump(clock, 6000);
    const held = (x: { atMs: number }): boolean => x.atMs > holdStart;
    assert.equal(rtp.filter(held).length, 0, 'no RTP packet may leave while on hold');
    const reports = rtcp.filter(held);
    assert.ok(reports.length >= 2, `${reports.length} RTCP compounds during 12 s of hold`);
    // A.7 we_sent: once a whole interval passed without RTP, the report is an RR, not an SR.
    assert.ok(reports.at(-1)?.types.includes('rr'), JSON.stringify(reports));
    assert.equal(a.engine.stats('call')[0]?.codec, 'G722');

    a.engine.updateStream('call', { direction: { send: true, recv: true } });
    const resumed = clock.now();
    await pump(clock, 400);
    const after = rtp.filter((x) => x.atMs > resumed);
    assert.ok(after.length >= 19, `${after.length} packets after resume`);
    assert.equal(after.every((x) => x.payloadType === 9), true, 'resumed in the codec the hold re-INVITE agreed');
    console.log(`# hold with codec change: 0 RTP and ${reports.length} RTCP compounds in 12 s of hold`);
  });
});
