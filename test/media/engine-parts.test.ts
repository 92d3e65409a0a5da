import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { createDefaultCodecRegistry } from '../../firmware/media/codecs/default-registry.js';
import type { EventCodecDescriptor } from '../../firmware/media/codecs/codec.js';
import { CommandDispatcher } from '../../firmware/media/engine/command-dispatch.js';
import { DtmfEventQueue } from '../../firmware/media/engine/dtmf-event-queue.js';
import { MediaEngine } from '../../firmware/media/engine/media-engine.js';
import { bindRtpPortPair, type MediaSocket, type SocketFactory } from '../../firmware/media/engine/media-socket.js';
import { clipToInt16, conferenceSendMix, downmixToMono, upmixFromMono } from '../../firmware/media/engine/mixer.js';
import { isMediaRequest, type MediaEvent } from '../../firmware/media/engine/protocol.js';
import { SampleFifo } from '../../firmware/media/engine/sample-fifo.js';
import { resolveCodecs, type StreamConfig } from '../../firmware/media/engine/stream-config.js';

/** Sockets that exist only as port numbers; `taken` ports refuse to bind. */
function fakeSockets(ports: number[], taken = new Set<number>()): SocketFactory & { closed: number[] } {
  const closed: number[] = [];
  return {
    closed,
    bind(_host: string, port: number): Promise<MediaSocket> {
      const p = port === 0 ? ports.shift() : port;
      if (p === undefined || taken.has(p)) return Promise.reject(new Error(`port ${p} in use`));
      return Promise.resolve({
        port: p,
        send: () => undefined,
        onMessage: () => undefined,
        onError: () => undefined,
        close: () => {
          closed.push(p);
          return Promise.resolve();
        },
      });
    },
  };
}

describe('mixer', () => {
  it('N−1: each leg gets the microphone and the other legs, never itself', () => {
    const mic = Int16Array.of(100, 100);
    const legs = new Map([
      ['p', Int16Array.of(10, 10)],
      ['q', Int16Array.of(1, 1)],
    ]);
    assert.deepEqual(conferenceSendMix(mic, 'p', legs), Int16Array.of(101, 101));
    assert.deepEqual(conferenceSendMix(mic, 'q', legs), Int16Array.of(110, 110));
  });

  it('clips instead of wrapping, and maps channels', () => {
    assert.deepEqual(clipToInt16(Float32Array.of(40000, -40000, 1.4), 1), Int16Array.of(32767, -32768, 1));
    assert.deepEqual(downmixToMono(Int16Array.of(100, 300, -2, 2), 2), Int16Array.of(200, 0));
    assert.deepEqual(upmixFromMono(Int16Array.of(5, 6), 2), Int16Array.of(5, 5, 6, 6));
  });
});

describe('SampleFifo', () => {
  it('hands out exactly what is asked, zero-padded, and drops the oldest when full', () => {
    const fifo = new SampleFifo(4);
    fifo.push(Int16Array.of(1, 2, 3));
    assert.deepEqual(fifo.take(2), Int16Array.of(1, 2));
    fifo.push(Int16Array.of(4, 5, 6, 7));
    assert.equal(fifo.dropped, 1);
    assert.deepEqual(fifo.take(5), Int16Array.of(4, 5, 6, 7, 0));
  });
});

describe('DtmfEventQueue (RFC 4733 §2.5.1 on the packet clock)', () => {
  const te = createDefaultCodecRegistry().lookup('telephone-event', 8000) as EventCodecDescriptor;

  it('one packet per 20 ms frame, end packet three times, then the timestamp skip', () => {
    const q = new DtmfEventQueue(te, 20);
    q.enqueue('9', 100);
    const frames = Array.from({ length: 8 }, () => q.frame(1000));
    assert.deepEqual(
      frames.map((f) => f.packets.length),
      [1, 1, 1, 1, 1, 1, 1, 0],
    );
    assert.deepEqual(
      frames.map((f) => f.active),
      [true, true, true, true, true, true, true, false],
    );
    assert.equal(frames[6]?.finishedUnits, 7 * 160);
    assert.ok(frames.slice(0, 7).every((f) => f.packets.every((p) => p.timestamp === 1000)));
  });

  it('refuses a key that is not DTMF', () => {
    assert.throws(() => new DtmfEventQueue(te, 20).enqueue('1x'), /"x" is not a DTMF key/);
  });
});

describe('RTP/RTCP port pairs (RFC 3550 §11)', () => {
  it('uses an odd system pick as the RTCP half of the pair below it', async () => {
    const pair = await bindRtpPortPair(fakeSockets([40001]), '127.0.0.1', 0);
    assert.deepEqual([pair.rtp.port, pair.rtcp.port], [40000, 40001]);
  });

  it('tries again when the other half is taken', async () => {
    const sockets = fakeSockets([40002, 40010], new Set([40003]));
    const pair = await bindRtpPortPair(sockets, '127.0.0.1', 0);
    assert.deepEqual([pair.rtp.port, pair.rtcp.port], [40010, 40011]);
    assert.deepEqual(sockets.closed, [40002]);
  });

  it('refuses an odd RTP port', async () => {
    await assert.rejects(bindRtpPortPair(fakeSockets([]), '127.0.0.1', 5005), /must be even/);
  });
});

describe('stream configuration', () => {
  const registry = createDefaultCodecRegistry();
  const base: StreamConfig = {
    id: 's',
    local: { host: '127.0.0.1', port: 0 },
    remote: { host: '127.0.0.1', port: 4000 },
    codec: { name: 'g722', payloadType: 9 },
    direction: { send: true, recv: true },
  };

  it('finds codecs by name without case and telephone-event at the audio codec’s RTP clock', () => {
    const r = resolveCodecs(registry, { ...base, telephoneEvent: { payloadType: 101 } });
    assert.equal(r.audio.name, 'G722');
    assert.equal(r.event?.clockRate, 8000);
    assert.equal(resolveCodecs(registry, { ...base, codec: { name: 'opus', payloadType: 111 }, telephoneEvent: { payloadType: 101 } }).event?.clockRate, 48000);
  });

  it('refuses what the phone cannot do', () => {
    assert.throws(() => resolveCodecs(registry, { ...base, codec: { name: 'GSM', payloadType: 3 } }), /not available/);
    assert.throws(() => resolveCodecs(registry, { ...base, ptime: 25 }), /does not take 25 ms/);
    assert.throws(() => resolveCodecs(registry, { ...base, codec: { name: 'PCMU', payloadType: 128 } }), /payload type/);
  });

  it('an engine refuses a bad SRTP line before taking a port', async () => {
    const sockets = fakeSockets([40000]);
    const engine = new MediaEngine({ clock: new VirtualClock(), sockets, log: { warn: () => undefined } });
    await assert.rejects(engine.openStream({ ...base, srtp: { send: 'garbage', recv: 'garbage' } }), /SRTP send key/);
    assert.deepEqual(sockets.closed, []);
    await engine.shutdown();
  });
});

describe('worker protocol and dispatch', () => {
  it('accepts only well-formed requests', () => {
    assert.equal(isMediaRequest({ kind: 'request', requestId: 1, command: { type: 'mute', muted: true } }), true);
    assert.equal(isMediaRequest({ kind: 'request', requestId: 1, command: { type: 'format-disk' } }), false);
    assert.equal(isMediaRequest({ kind: 'request', command: { type: 'mute' } }), false);
    assert.equal(isMediaRequest(null), false);
  });

  it('runs commands in order, posts statistics on its timer, and stops them at shutdown', async () => {
    const clock = new VirtualClock();
    const engine = new MediaEngine({ clock, sockets: fakeSockets([40000, 40001]), log: { warn: () => undefined } });
    const events: MediaEvent[] = [];
    const dispatcher = new CommandDispatcher({ engine, clock, emit: (e) => events.push(e), openDevices: () => Promise.resolve({}) });
    const opened = dispatcher.run({
      type: 'open-stream',
      stream: { id: 's', local: { host: '127.0.0.1', port: 0 }, remote: { host: '127.0.0.1', port: 4000 }, codec: { name: 'PCMU', payloadType: 0 }, direction: { send: true, recv: true } },
    });
    // Sent before the open has finished: still runs after it, so the stream exists.
    const updated = dispatcher.run({ type: 'update-stream', streamId: 's', direction: { send: false, recv: true } });
    assert.deepEqual(await opened, { localPort: 40000 });
    assert.equal(await updated, null);
    await dispatcher.run({ type: 'open-devices', devices: { kind: 'emulated', format: { sampleRate: 16000, channels: 1, periodFrames: 320 }, audioIn: 'silence' }, statsIntervalMs: 1000 });
    clock.advance(3000);
    const stats = events.filter((e) => e.type === 'stats');
    assert.equal(stats.length, 3);
    assert.ok(events.some((e) => e.type === 'stream-opened' && e.localPort === 40000));
    await dispatcher.run({ type: 'shutdown' });
    clock.advance(3000);
    assert.equal(events.filter((e) => e.type === 'stats').length, 3);
    assert.equal(clock.pendingCount, 0, 'no timer left after shutdown');
    await assert.rejects(dispatcher.run({ type: 'mute', muted: true }), /shut down/);
  });
});
