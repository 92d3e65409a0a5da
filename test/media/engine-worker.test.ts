import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { MediaClient } from '../../firmware/media/engine/media-client.js';
import { bindRtpPortPair, type RtpPortPair } from '../../firmware/media/engine/media-socket.js';
import type { MediaEvent } from '../../firmware/media/engine/protocol.js';
import { parseRtcpCompound } from '../../firmware/media/rtp/rtcp-packet.js';
import { parseRtp } from '../../firmware/media/rtp/rtp-packet.js';

const dir = mkdtempSync(join(tmpdir(), 'media-worker-'));
const clients: MediaClient[] = [];
const pairs: RtpPortPair[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(pairs.flatMap((p) => [p.rtp.close(), p.rtcp.close()]));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The real thing: MediaClient starts worker.ts in a worker thread, which opens
 * emulated devices (silence in, a WAV file out) on the system clock and real
 * UDP sockets. A plain socket pair of the test is the far end.
 */
describe('media worker', () => {
  it('starts, streams RTP at the capture pace, reports statistics and shuts down cleanly', async () => {
    const wav = join(dir, 'out.wav');
    const client = await MediaClient.start(
      { kind: 'emulated', format: { sampleRate: 16000, channels: 1, periodFrames: 320 }, audioIn: 'silence', audioOut: wav },
      { timeoutMs: 10_000 },
    );
    clients.push(client);
    const events: MediaEvent[] = [];
    client.onEvent((e) => events.push(e));

    const far = await bindRtpPortPair(dgramSocketFactory, '127.0.0.1', 0);
    pairs.push(far);
    const arrivals: { atMs: number; seq: number }[] = [];
    far.rtp.onMessage((d) => {
      const parsed = parseRtp(d);
      if (parsed.ok) arrivals.push({ atMs: performance.now(), seq: parsed.packet.sequenceNumber });
    });
    let bye = false;
    far.rtcp.onMessage((d) => {
      const parsed = parseRtcpCompound(d);
      if (parsed.ok && parsed.packets.some((p) => p.type === 'bye')) bye = true;
    });

    // First a stream with Opus (the worker runs @evan/opus's WebAssembly build),
    // then PCMU; each far end notes when its packets arrive.
    const farOpus = await bindRtpPortPair(dgramSocketFactory, '127.0.0.1', 0);
    pairs.push(farOpus);
    const opusArrivals: { atMs: number; bytes: number }[] = [];
    farOpus.rtp.onMessage((d) => {
      const parsed = parseRtp(d);
      if (parsed.ok && parsed.packet.payloadType === 111) opusArrivals.push({ atMs: performance.now(), bytes: parsed.packet.payload.length });
    });
    const opusAsked = performance.now();
    await client.openStream({
      id: 'opus',
      local: { host: '127.0.0.1', port: 0 },
      remote: { host: '127.0.0.1', port: farOpus.rtp.port },
      codec: { name: 'opus', payloadType: 111 },
      direction: { send: true, recv: true },
    });
    const opusOpen = performance.now();
    const asked = performance.now();
    const { localPort } = await client.openStream({
      id: 'call',
      local: { host: '127.0.0.1', port: 0 },
      remote: { host: '127.0.0.1', port: far.rtp.port },
      codec: { name: 'PCMU', payloadType: 0 },
      direction: { send: true, recv: true },
    });
    const open = performance.now();
    assert.equal(localPort % 2, 0, 'RTP on an even port (RFC 3550 §11)');
    await sleep(2300);
    const end = performance.now();

    // The capture device's own clock paces the packets: one per 20 ms period
    // since the stream opened — never more; fewer only by what a busy machine
    // delays (a late period is delivered late, not lost), at most half a second.
    const pace = (times: readonly number[], askedMs: number, openMs: number, what: string): number => {
      const count = times.filter((t) => t < end).length;
      assert.ok(count <= (end - askedMs) / 20 + 2, `${what}: ${count} packets is faster than the capture clock`);
      assert.ok(count >= (end - openMs) / 20 - 25, `${what}: ${count} packets in ${(end - openMs).toFixed(0)} ms`);
      return (count * 1000) / (end - openMs);
    };
    const pcmuRate = pace(arrivals.map((a) => a.atMs), asked, open, 'PCMU');
    const opusRate = pace(opusArrivals.map((a) => a.atMs), opusAsked, opusOpen, 'Opus');
    assert.ok(opusArrivals.every((a) => a.bytes > 0));
    const gaps = arrivals.slice(1).map((a, i) => a.atMs - (arrivals[i]?.atMs ?? 0)).sort((x, y) => x - y);
    const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
    console.log(`# worker: PCMU ${pcmuRate.toFixed(1)} packets/s (median gap ${median.toFixed(1)} ms), Opus ${opusRate.toFixed(1)} packets/s`);
    assert.ok(median > 15 && median < 25, `median gap ${median} ms`);
    // Sequence numbers without a gap: one packet per period, none skipped.
    const seqs = arrivals.map((a) => a.seq);
    assert.ok(seqs.slice(1).every((q, i) => q === (((seqs[i] ?? 0) + 1) & 0xffff)));

    const [stats] = await client.stats('call');
    assert.ok(stats);
    assert.equal(stats.codec, 'PCMU');
    assert.ok(stats.packetsSent >= arrivals.length, `${stats.packetsSent} sent`);
    assert.ok(events.some((e) => e.type === 'stream-opened' && e.localPort === localPort));
    await assert.rejects(client.updateStream('nope', { direction: { send: false, recv: false } }), /no stream nope/);

    const code = await client.close();
    assert.equal(code, 0, 'the worker ended by itself: no timer or socket left open');
    await sleep(20);
    assert.ok(bye, 'closing sent RTCP BYE');
    await assert.rejects(client.stats(), /exited/);
    // The playback device wrote a WAV file (header + silence) while it ran.
    const file = readFileSync(wav);
    assert.equal(file.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.ok(file.length > 44 + 16000, `${file.length} bytes of WAV`);
  });

  it('refuses devices it cannot open, and the worker does not stay behind', async () => {
    await assert.rejects(
      MediaClient.start({ kind: 'emulated', format: { sampleRate: 44100, channels: 1, periodFrames: 441 }, audioIn: 'silence' }),
      /44100/,
    );
  });
});
