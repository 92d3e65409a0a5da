import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { g722 } from '../../firmware/media/codecs/g722/g722-codec.js';
import { opus } from '../../firmware/media/codecs/opus/opus-codec.js';
import { comfortNoiseRms } from '../../firmware/media/jitter/comfort-noise.js';
import { FRAME_MS, audioPacket, maxStep, rms, simulate, stream, voicedFrame, type SentPacket } from './jitter-fixtures.js';

/** A small deterministic wobble (0..6 ms) so the delay is not perfectly constant. */
const wobble = (i: number): number => ((i * 7) % 13) / 2;

function sequenceOf(playouts: readonly { sequenceNumber: number }[]): number[] {
  return playouts.map((p) => p.sequenceNumber);
}

function strictlyIncreasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x > (xs[i - 1] ?? -Infinity));
}

describe('jitter buffer: the pull contract', () => {
  it('returns exactly the samples asked for, silence before the first packet, then the stream in order', () => {
    const sim = simulate({ packets: stream(0, 250, (i) => 40 + wobble(i)), durationMs: 5000 });
    assert.equal(sim.output.length, 250 * 160);
    assert.equal(sim.output.subarray(0, 160).every((v) => v === 0), true);
    const seqs = sequenceOf(sim.playouts);
    assert.ok(strictlyIncreasing(seqs));
    assert.ok(seqs.length >= 240, `${seqs.length} played`);
    assert.equal(sim.stats.concealedSamples, 0);
    assert.equal(sim.stats.latePackets, 0);
  });

  it('comes down from the start guard as soon as there are packets enough to read the target', () => {
    const sim = simulate({ packets: stream(0, 250, (i) => 40 + wobble(i)), durationMs: 5000, traceStats: 5 });
    const at = (ms: number) => sim.trace.find((t) => t.atMs >= ms)?.stats;
    // 50 packets (1 s) under the guard of 60 ms; half a second later the delay is within a pull of the target.
    assert.ok((at(900)?.currentDelayMs ?? 0) >= 55, 'the guard holds while warming up');
    const settled = at(1500);
    assert.ok(settled && settled.currentDelayMs <= settled.targetDelayMs + FRAME_MS, `at 1.5 s: ${JSON.stringify(settled)}`);
  });

  it('serves 10 ms pulls as well as 20 ms ones', () => {
    const sim = simulate({ packets: stream(0, 100, (i) => 40 + wobble(i)), durationMs: 2000, pullMs: 10 });
    assert.equal(sim.output.length, 200 * 80);
    assert.equal(sim.stats.concealedSamples, 0);
    assert.ok(strictlyIncreasing(sequenceOf(sim.playouts)));
  });
});

describe('jitter buffer on crafted traces', () => {
  it('rides out a delay spike by waiting (no loss), then comes back down', () => {
    // 24 s steady, then the link stalls 300 ms: packets 1200–1214 arrive together.
    const stallEnd = 1200 * FRAME_MS + 300;
    const packets = stream(0, 2400, (i) => {
      const normal = 40 + wobble(i);
      const sent = i * FRAME_MS;
      return sent >= 1200 * FRAME_MS && sent < stallEnd ? Math.max(normal, stallEnd + 40 + (i - 1200) * 0.1 - sent) : normal;
    });
    const sim = simulate({ packets, durationMs: 48_000, traceStats: 1 });
    assert.equal(sim.stats.latePackets, 0);
    const concealedMs = sim.stats.concealedSamples / 8;
    assert.ok(concealedMs > 200 && concealedMs <= 340, `concealed ${concealedMs} ms`);
    const delayAt = (ms: number): number => sim.trace.find((t) => t.atMs >= ms)?.stats.currentDelayMs ?? NaN;
    const before = delayAt(23_000);
    assert.ok(delayAt(24_400) > before + 200, `just after the spike ${delayAt(24_400)} vs ${before}`);
    assert.ok(delayAt(44_000) < before + 25, `20 s later ${delayAt(44_000)} vs ${before}`);
    assert.ok(strictlyIncreasing(sequenceOf(sim.playouts)));
  });

  it('follows a level shift up without losing packets and settles at the new level', () => {
    const packets = stream(0, 1500, (i) => (i < 500 ? 40 : 120) + wobble(i));
    const sim = simulate({ packets, durationMs: 30_500 });
    assert.ok(sim.stats.latePackets <= 1, `${sim.stats.latePackets} late`);
    const delays = sim.playouts.map((p) => p.playoutMs - ((p.sequenceNumber - 1000) & 0xffff) * FRAME_MS);
    const settled = delays.slice(700, 1400);
    assert.ok(Math.min(...settled) >= 120, 'every packet played after it arrived');
    assert.ok(Math.max(...settled) <= 120 + 6 + 40, `settled delays up to ${Math.max(...settled)}`);
  });

  it('follows a level shift down within seconds (the target is not held by the old route)', () => {
    const packets = stream(0, 1500, (i) => (i < 500 ? 120 : 40) + wobble(i));
    const sim = simulate({ packets, durationMs: 30_500 });
    assert.equal(sim.stats.latePackets, 0);
    const delayOf = (seqIndex: number): number => {
      const p = sim.playouts.find((e) => ((e.sequenceNumber - 1000) & 0xffff) === seqIndex);
      return p ? p.playoutMs - seqIndex * FRAME_MS : NaN;
    };
    assert.ok(delayOf(400) >= 120);
    assert.ok(delayOf(750) <= 40 + 6 + 40, `5 s after the shift: ${delayOf(750)} ms`);
    assert.ok(sim.stats.removedSamples >= 60 * 8, `${sim.stats.removedSamples / 8} ms removed`);
    // All that accelerating left no click: no step larger than the signal's own (plus µ-law's rounding).
    const own = maxStep(voicedFrame(0, 3200));
    assert.ok(maxStep(sim.output, 4000, sim.output.length) <= own * 1.05, `step ${maxStep(sim.output, 4000, sim.output.length)} vs ${own}`);
  });

  it('plays reordered packets in order and does not count them late when within the target', () => {
    // Every tenth packet is held 25 ms and arrives after the one behind it.
    const packets = stream(0, 1000, (i) => 40 + (i % 10 === 5 ? 25 : 0));
    const arrivalOrder = [...packets].sort((a, b) => a.arrivalMs - b.arrivalMs).map((p) => p.packet.sequenceNumber);
    assert.ok(!strictlyIncreasing(arrivalOrder), 'the trace really is reordered');
    const sim = simulate({ packets, durationMs: 20_500 });
    assert.equal(sim.stats.latePackets, 0);
    const seqs = sequenceOf(sim.playouts);
    assert.ok(strictlyIncreasing(seqs));
    assert.ok(seqs.length >= 990);
  });

  it('drops duplicates and plays each packet once', () => {
    const packets: SentPacket[] = stream(0, 500, (i) => 40 + wobble(i));
    const copies = packets.filter((_, i) => i % 5 === 0).map((p) => ({ arrivalMs: p.arrivalMs + 5, packet: p.packet }));
    const sim = simulate({ packets: [...packets, ...copies], durationMs: 10_500 });
    assert.equal(sim.stats.duplicatePackets, copies.length);
    const seqs = sequenceOf(sim.playouts);
    assert.equal(new Set(seqs).size, seqs.length);
    assert.equal(sim.stats.latePackets, 0);
  });

  for (const ppm of [200, -200]) {
    it(`keeps the delay bounded over 10 minutes of ${ppm > 0 ? '+' : ''}${ppm} ppm clock drift`, () => {
      const minutes = 10;
      const n = (minutes * 60_000) / FRAME_MS;
      const sim = simulate({ packets: stream(0, n, (i) => 40 + wobble(i)), durationMs: minutes * 60_000, playbackPpm: ppm, traceStats: 5 });
      const settled = sim.trace.filter((t) => t.atMs > 5000);
      const buffered = settled.map((t) => t.stats.bufferedMs);
      assert.ok(Math.max(...buffered) < 80, `buffered up to ${Math.max(...buffered)} ms`);
      assert.equal(sim.stats.latePackets, 0);
      // 200 ppm of 10 minutes is 120 ms to make up (playback fast) or shed (slow).
      const made = (ppm > 0 ? sim.stats.insertedSamples : sim.stats.removedSamples) / 8;
      assert.ok(made > 60 && made < 300, `stretched ${made} ms`);
      assert.ok(sim.stats.concealedSamples / 8 < 200, `concealed ${sim.stats.concealedSamples / 8} ms`);
    });
  }

  it('conceals loss bursts for as long as they last, without changing the delay', () => {
    const lost = (i: number): boolean => [100, 200, 300, 400, 500].some((b) => i >= b && i < b + 5);
    const sim = simulate({ packets: stream(0, 600, (i) => (lost(i) ? undefined : 40 + wobble(i))), durationMs: 12_500 });
    assert.equal(sim.stats.lostPackets, 25);
    const concealedMs = sim.stats.concealedSamples / 8;
    assert.ok(Math.abs(concealedMs - 500) <= 60, `concealed ${concealedMs} ms for 500 ms lost`);
    assert.equal(sim.stats.latePackets, 0);
    assert.equal(sim.stats.concealmentEvents, 5);
  });

  it('resets on an SSRC change and plays the new source, dropping the old one’s stragglers', () => {
    const a = stream(0, 200, (i) => 40 + wobble(i), { ssrc: 0xaaaa });
    const b = stream(200, 400, (i) => 40 + wobble(i), { ssrc: 0xbbbb, firstSeq: 7, firstTs: 12_345 });
    const straggler: SentPacket = { arrivalMs: 200 * FRAME_MS + 100, packet: audioPacket(199, { ssrc: 0xaaaa }) };
    const sim = simulate({ packets: [...a, ...b, straggler], durationMs: 8500 });
    assert.equal(sim.stats.streamResets, 1);
    assert.equal(sim.stats.latePackets, 0);
    assert.ok(sim.stats.discardedPackets >= 1);
    const newSource = sim.playouts.filter((p) => p.sequenceNumber >= 7 + 200 && p.sequenceNumber < 7 + 400);
    assert.ok(newSource.length >= 180, `${newSource.length} packets of the new source played`);
    assert.ok(strictlyIncreasing(sequenceOf(newSource)));
  });

  for (const jump of [80_000, -50_000]) {
    it(`absorbs a timestamp jump of ${jump / 8000} s with the sequence running on`, () => {
      const packets = stream(0, 300, (i) => 40 + wobble(i)).map((p, i) =>
        i < 150 ? p : { ...p, packet: { ...p.packet, timestamp: (p.packet.timestamp + jump) >>> 0 } },
      );
      const sim = simulate({ packets, durationMs: 6500 });
      assert.equal(sim.stats.timestampJumps, 1);
      assert.equal(sim.stats.latePackets, 0);
      assert.ok(sim.stats.concealedSamples <= 320, `concealed ${sim.stats.concealedSamples} samples`);
      assert.ok(strictlyIncreasing(sequenceOf(sim.playouts)));
      assert.ok(sim.playouts.length >= 290);
    });
  }

  it('fills a DTX pause with comfort noise at the CN packet’s level, not fading concealment', () => {
    const talk1 = stream(0, 100, () => 40);
    const cn: SentPacket = {
      arrivalMs: 100 * FRAME_MS + 40,
      packet: { ...audioPacket(100), payloadType: 13, payload: Uint8Array.from([50]) },
    };
    // Talk resumes a second later: the next sequence number, the timestamp 50 frames on.
    const talk2 = stream(150, 300, () => 40).map((p) => ({
      ...p,
      packet: { ...p.packet, sequenceNumber: (p.packet.sequenceNumber - 49) & 0xffff, marker: p.packet.sequenceNumber === 1150 },
    }));
    const sim = simulate({ packets: [...talk1, cn, ...talk2], durationMs: 6500 });
    assert.ok(sim.stats.comfortNoiseSamples >= 0.9 * 8000, `${sim.stats.comfortNoiseSamples} samples of noise`);
    assert.ok(sim.stats.concealedSamples <= 160, `concealed ${sim.stats.concealedSamples}`);
    assert.equal(sim.stats.timestampJumps, 0, 'a DTX pause is not a timestamp jump');
    const expected = comfortNoiseRms(50);
    const early = rms(sim.output, 2300 * 8, 2500 * 8);
    const late = rms(sim.output, 2800 * 8, 3000 * 8);
    for (const level of [early, late]) assert.ok(Math.abs(level / expected - 1) < 0.3, `noise rms ${level} vs ${expected}`);
    assert.ok(sim.playouts.some((p) => p.sequenceNumber === 1101), 'talk resumed');
    assert.equal(sim.stats.latePackets, 0);
  });
});

describe('jitter buffer with other codecs', () => {
  it('handles G.722, whose RTP clock runs at half its sample rate', () => {
    const sim = simulate({ codec: g722, packets: stream(0, 100, (i) => (i === 50 ? undefined : 40 + wobble(i)), { codec: g722 }), durationMs: 2500 });
    assert.equal(sim.output.length % 320, 0, 'whole 20 ms pulls of 16 kHz audio');
    assert.ok(sim.playouts.length >= 95);
    assert.equal(sim.stats.lostPackets, 1);
    assert.equal(sim.stats.concealedSamples, 320);
    assert.equal(sim.stats.latePackets, 0);
  });

  it('treats a payload the decoder refuses as lost, and plays on', () => {
    const packets = stream(0, 50, (i) => 40 + wobble(i), { codec: opus }).map((p, i) =>
      i === 20 ? { ...p, packet: { ...p.packet, payload: Uint8Array.from([0xff, 0xff]) } } : p,
    );
    const sim = simulate({ codec: opus, packets, durationMs: 1500 });
    assert.equal(sim.stats.discardedPackets, 1);
    assert.equal(sim.stats.concealedSamples, 960);
    assert.ok(sim.playouts.length >= 45);
  });

  /**
   * Opus packets from one encoder asked for FEC (LBRR needs the frames before
   * it; the test signal is voiced around frame 25), frame `lost` missing, the
   * ones after it `lateMs` later.
   */
  function opusWithFec(count: number, lost: number, lateMs = 0): SentPacket[] {
    const encoder = opus.createEncoder('useinbandfec=1');
    return Array.from({ length: count }, (_, i) => ({
      arrivalMs: i * FRAME_MS + 40 + wobble(i) + (i > lost ? lateMs : 0),
      packet: audioPacket(i, { codec: opus }, encoder.encode(voicedFrame(i * 960, 960, 48000))),
    })).filter((_, i) => i !== lost);
  }

  it('recovers a lost Opus frame from the next packet’s in-band FEC instead of concealing it', () => {
    const sim = simulate({ codec: opus, packets: opusWithFec(60, 24), durationMs: 1800 });
    assert.equal(sim.stats.samplesRecoveredByFec, 960);
    assert.equal(sim.stats.concealedSamples, 0);
    assert.equal(sim.stats.lostPackets, 1, 'still a packet lost in the network');
    assert.ok(strictlyIncreasing(sequenceOf(sim.playouts)));
  });

  it('holds a frame more while the peer sends FEC and frames are lost, so FEC arrives in time', () => {
    // One frame in 20 lost past the warm-up (5 %), each time one whose next packet carries FEC (the voiced test signal's LBRR comes and goes with its period of 20 frames).
    const encoder = opus.createEncoder('useinbandfec=1');
    const packets = Array.from({ length: 400 }, (_, i) => ({
      arrivalMs: i * FRAME_MS + 40 + wobble(i),
      packet: audioPacket(i, { codec: opus }, encoder.encode(voicedFrame(i * 960, 960, 48000))),
    })).filter((_, i) => i < 60 || i % 20 !== 5);
    const sim = simulate({ codec: opus, packets, durationMs: 8200, pullMs: 10, traceStats: 10 });
    const lostMs = 20 * sim.stats.lostPackets;
    const recoveredMs = sim.stats.samplesRecoveredByFec / 48;
    assert.ok(sim.stats.lostPackets >= 15);
    // The very first loss may come before the margin.
    assert.ok(recoveredMs >= 0.8 * lostMs, `${recoveredMs} of ${lostMs} ms recovered by FEC`);
    const late = sim.trace.filter((t) => t.atMs >= 4000);
    assert.ok(late.every((t) => t.stats.targetDelayMs >= 20), 'the target carries the frame of margin');
    // Without FEC there is nothing to wait for: the same losses leave the target below a frame.
    const plain = simulate({ packets: stream(0, 400, (i) => (i >= 60 && i % 20 === 5 ? undefined : 40 + wobble(i))), durationMs: 8200, pullMs: 10, traceStats: 10 });
    assert.ok(plain.trace.filter((t) => t.atMs >= 4000).every((t) => t.stats.targetDelayMs < 20), 'PCMU: no margin');
  });

  it('takes the rest of a frame from FEC when the next packet comes after its start was concealed', () => {
    // The packet after the lost one comes 0–58 ms later than usual: before the
    // lost frame is due (all FEC), while it plays (its start concealed, the
    // rest FEC, 10 ms pulls), or after (concealed, then a stall).
    const outcomes = Array.from({ length: 30 }, (_, k) => {
      const sim = simulate({ codec: opus, packets: opusWithFec(60, 24, 2 * k), durationMs: 1900, pullMs: 10 });
      return { fec: sim.stats.samplesRecoveredByFec, concealed: sim.stats.concealedSamples };
    });
    assert.ok(outcomes.some((o) => o.fec === 960 && o.concealed === 0), JSON.stringify(outcomes));
    const partial = outcomes.filter((o) => o.fec > 0 && o.fec < 960);
    assert.ok(partial.length > 0, `some arrivals split the frame: ${JSON.stringify(outcomes)}`);
    for (const o of partial) assert.ok(o.concealed >= 960 - o.fec, 'what FEC did not cover was concealed');
    assert.ok(outcomes.some((o) => o.fec === 0 && o.concealed >= 960), `too late for FEC: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.every((o) => o.fec % 120 === 0), 'split on the 2.5 ms concealment grid');
  });

  it('conceals a lost Opus frame with the codec’s own concealment', () => {
    const sim = simulate({ codec: opus, packets: stream(0, 50, (i) => (i === 25 ? undefined : 40 + wobble(i)), { codec: opus }), durationMs: 1500 });
    assert.equal(sim.output.length % 960, 0, 'whole 20 ms pulls of 48 kHz audio');
    assert.ok(sim.playouts.length >= 45);
    assert.equal(sim.stats.lostPackets, 1);
    assert.equal(sim.stats.concealedSamples, 960);
  });
});
