/** RFC 5626 §3.5.1/§4.4.1 keep-alive timing on a VirtualClock, and once over a real TCP flow. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import type { KeepaliveLink } from '../../firmware/sip/transport/keepalive.js';
import { Keepalive, keepaliveDelay } from '../../firmware/sip/transport/keepalive.js';
import { parseMessage } from '../../firmware/sip/message/index.js';
import { SocketSipTransport } from '../../firmware/sip/transport/sip-transport.js';
import { enc, rawRequest, recordingLogger, RawTcpServer, until } from './transport-fixtures.js';

/** A link that records ping times and lets the test deliver pongs. */
function fakeLink(clock: VirtualClock, reliable: boolean, pingFails = false) {
  const pings: number[] = [];
  const listeners = new Set<() => void>();
  let released = 0;
  const link: KeepaliveLink = {
    reliable,
    ping: () => {
      pings.push(clock.now());
      return pingFails ? Promise.reject(new Error('connection reset')) : Promise.resolve();
    },
    onPong: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    release: () => {
      released++;
    },
  };
  return { link, pings, pong: () => listeners.forEach((l) => l()), listeners, released: () => released };
}

function deaths(): { readonly reasons: string[]; readonly onDead: (r: string) => void } {
  const reasons: string[] = [];
  return { reasons, onDead: (r) => reasons.push(r) };
}

describe('keep-alive on a stream flow', () => {
  it('pings every interval while pongs come back', () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, true);
    const d = deaths();
    const k = new Keepalive({ clock, link: f.link, onDead: d.onDead, random: () => 0 });
    k.start();
    clock.advance(29_999);
    assert.deepEqual(f.pings, []);
    clock.advance(1);
    assert.deepEqual(f.pings, [30_000]);
    assert.equal(k.state, 'awaiting-pong');
    clock.advance(2_000);
    f.pong();
    assert.equal(k.state, 'waiting');
    clock.advance(30_000);
    assert.deepEqual(f.pings, [30_000, 62_000]);
    f.pong();
    clock.advance(60_000);
    assert.equal(f.pings.length, 3);
    assert.deepEqual(d.reasons, ['no pong within 10000 ms']);
    k.dispose();
  });

  it('reports the flow dead 10 s after a ping without pong, once, and stops', () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, true);
    const d = deaths();
    const k = new Keepalive({ clock, link: f.link, onDead: d.onDead, random: () => 0 });
    k.start();
    clock.advance(30_000 + 9_999);
    assert.deepEqual(d.reasons, []);
    clock.advance(1);
    assert.deepEqual(d.reasons, ['no pong within 10000 ms']);
    assert.equal(k.state, 'dead');
    f.pong();
    clock.advance(120_000);
    assert.equal(f.pings.length, 1);
    assert.equal(d.reasons.length, 1);
    assert.equal(clock.pendingCount, 0);
    k.dispose();
  });

  it('reports the flow dead when the ping cannot be written', async () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, true, true);
    const d = deaths();
    const k = new Keepalive({ clock, link: f.link, onDead: d.onDead, random: () => 0 });
    k.start();
    await clock.advanceAsync(30_000);
    assert.deepEqual(d.reasons, ['ping failed: connection reset']);
    assert.equal(clock.pendingCount, 0);
    k.dispose();
  });

  it('spreads pings over 80–100 % of the interval', () => {
    assert.equal(keepaliveDelay(30_000, 0), 30_000);
    assert.equal(keepaliveDelay(30_000, 0.5), 27_000);
    assert.ok(keepaliveDelay(30_000, 0.999_999) > 24_000);
    const clock = new VirtualClock();
    const f = fakeLink(clock, true);
    const k = new Keepalive({ clock, link: f.link, onDead: () => undefined, random: () => 0.5 });
    k.start();
    clock.advance(27_000);
    assert.deepEqual(f.pings, [27_000]);
    k.dispose();
  });

  it('does nothing with interval 0', () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, true);
    const k = new Keepalive({ clock, link: f.link, intervalMs: 0, onDead: () => undefined });
    k.start();
    assert.equal(k.state, 'stopped');
    assert.equal(clock.pendingCount, 0);
    clock.advance(600_000);
    assert.deepEqual(f.pings, []);
    k.dispose();
  });

  it('dispose() clears its timers, unsubscribes and releases the flow', () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, true);
    const k = new Keepalive({ clock, link: f.link, intervalMs: 15_000, onDead: () => undefined, random: () => 0 });
    k.start();
    clock.advance(15_000);
    assert.equal(clock.pendingCount, 1, 'the pong timer');
    k.dispose();
    assert.equal(clock.pendingCount, 0);
    assert.equal(f.listeners.size, 0);
    assert.equal(f.released(), 1);
    assert.equal(k.state, 'disposed');
  });
});

describe('keep-alive on a UDP flow', () => {
  it('sends a CRLFCRLF datagram every interval and expects nothing back', () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, false);
    const d = deaths();
    const k = new Keepalive({ clock, link: f.link, onDead: d.onDead, intervalMs: 20_000, random: () => 0 });
    k.start();
    clock.advance(100_000);
    assert.deepEqual(f.pings, [20_000, 40_000, 60_000, 80_000, 100_000]);
    assert.deepEqual(d.reasons, []);
    k.dispose();
  });

  it('has the layer above send OPTIONS instead, and dies when one goes unanswered', async () => {
    const clock = new VirtualClock();
    const f = fakeLink(clock, false);
    const d = deaths();
    const answers = [true, false];
    const sent: number[] = [];
    const k = new Keepalive({
      clock,
      link: f.link,
      onDead: d.onDead,
      random: () => 0,
      sendOptions: () => {
        sent.push(clock.now());
        return Promise.resolve(answers.shift() ?? false);
      },
    });
    k.start();
    await clock.advanceAsync(30_000);
    assert.deepEqual(sent, [30_000]);
    assert.equal(k.state, 'waiting');
    await clock.advanceAsync(30_000);
    assert.deepEqual(sent, [30_000, 60_000]);
    assert.deepEqual(d.reasons, ['OPTIONS keep-alive unanswered']);
    assert.deepEqual(f.pings, [], 'no CRLF datagrams in OPTIONS mode');
    k.dispose();
  });
});

describe('keep-alive over a real TCP flow', () => {
  it('pings the server, sees its pong, and holds the connection open past the idle time', async () => {
    const clock = new VirtualClock();
    const phone = await SocketSipTransport.open({ udp: false, tcp: { host: '127.0.0.1', port: 0 }, tls: false, clock, logger: recordingLogger() });
    const server = await RawTcpServer.listen();
    server.answerPings = true;
    const target = { protocol: 'tcp' as const, host: '127.0.0.1', port: server.port };
    const d = deaths();
    const parsed = parseMessage(enc.encode(rawRequest({ method: 'REGISTER', via: 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKreg' })), { transport: 'stream' });
    assert.ok(parsed.ok);
    const k = new Keepalive({ clock, link: phone.keepaliveLink(target), onDead: d.onDead, random: () => 0 });
    try {
      await phone.send(parsed.message, target);
      // Let the REGISTER arrive first, so the ping is a chunk of its own for the raw server.
      await until(() => server.connections[0]?.text.endsWith('Content-Length: 0\r\n\r\n') === true, 'the REGISTER');
      k.start();
      clock.advance(30_000);
      assert.equal(k.state, 'awaiting-pong');
      await until(() => k.state === 'waiting', 'the pong');
      assert.ok(server.connections[0]?.text.endsWith('\r\n\r\n\r\n\r\n'), 'a CRLFCRLF ping after the REGISTER');
      // 40 s after the REGISTER: past the 32 s idle time, but held for the keep-alive.
      clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.connections[0]?.ended, false);
      assert.equal(phone.connectionCount('tcp'), 1);
      assert.deepEqual(d.reasons, []);
    } finally {
      k.dispose();
      await phone.close();
      await server.close();
    }
  });
});
