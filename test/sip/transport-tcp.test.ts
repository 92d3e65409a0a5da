/**
 * SIP over real TCP sockets on 127.0.0.1: RFC 3261 §18 framing, connection
 * reuse and idle close, §18.2.2 response routing, RFC 5626 ping/pong.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { createResponse, getTopVia } from '../../firmware/sip/message/index.js';
import { parseMessage } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { SocketSipTransport } from '../../firmware/sip/transport/sip-transport.js';
import type { SipTransportOptions } from '../../firmware/sip/transport/sip-transport.js';
import type { IncomingMessage } from '../../firmware/sip/transport/types.js';
import { TransportError } from '../../firmware/sip/transport/types.js';
import { closedTcpPort, enc, nextMessage, rawRequest, recordingLogger, RawTcpClient, RawTcpServer, until } from './transport-fixtures.js';

function openTcp(extra: Partial<SipTransportOptions> = {}): Promise<SocketSipTransport> {
  return SocketSipTransport.open({ udp: false, tcp: { host: '127.0.0.1', port: 0 }, tls: false, logger: recordingLogger(), ...extra });
}

function tcpPort(t: SocketSipTransport): number {
  const port = t.ports.tcp;
  assert.ok(port !== undefined && port > 0);
  return port;
}

function collect(t: SocketSipTransport): { readonly messages: IncomingMessage[]; readonly off: () => void } {
  const messages: IncomingMessage[] = [];
  return { messages, off: t.onMessage((m) => messages.push(m)) };
}

function request(callId: string): SipRequest {
  const parsed = parseMessage(enc.encode(rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK' + callId, callId })), { transport: 'stream' });
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('fixture did not parse');
  return parsed.message;
}

describe('TCP transport: framing', () => {
  it('delivers two messages written in one segment, in order', async () => {
    const phone = await openTcp();
    const client = await RawTcpClient.connect(tcpPort(phone));
    const got = collect(phone);
    try {
      const one = rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKone', callId: 'one', body: 'v=0\r\n' });
      const two = rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKtwo', callId: 'two' });
      await client.write(one + two);
      await until(() => got.messages.length === 2, 'two messages');
      assert.deepEqual(got.messages.map((m) => m.message.headers.get('call-id')), ['one', 'two']);
      assert.equal(new TextDecoder().decode(got.messages[0]?.message.body), 'v=0\r\n');
      assert.equal(got.messages[0]?.connectionId, got.messages[1]?.connectionId);
      assert.equal(got.messages[0]?.source.protocol, 'tcp');
      assert.equal(got.messages[0]?.source.port, client.localPort);
    } finally {
      got.off();
      client.close();
      await phone.close();
    }
  });

  it('reassembles one message split over many writes', async () => {
    const phone = await openTcp();
    const client = await RawTcpClient.connect(tcpPort(phone));
    const got = collect(phone);
    try {
      const text = rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKsplit', callId: 'split', body: 'hello body' });
      for (let i = 0; i < text.length; i += 13) {
        await client.write(text.slice(i, i + 13));
        assert.equal(got.messages.length, 0);
        await new Promise((r) => setImmediate(r));
      }
      await until(() => got.messages.length === 1, 'the message');
      assert.equal(got.messages[0]?.message.headers.get('call-id'), 'split');
      assert.equal(new TextDecoder().decode(got.messages[0]?.message.body), 'hello body');
    } finally {
      got.off();
      client.close();
      await phone.close();
    }
  });

  it('answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §3.5.1)', async () => {
    const phone = await openTcp();
    const client = await RawTcpClient.connect(tcpPort(phone));
    try {
      await client.write('\r\n\r\n');
      await until(() => client.text.length >= 2, 'the pong');
      assert.equal(client.text, '\r\n');
      assert.equal(phone.connectionCount('tcp'), 1);
    } finally {
      client.close();
      await phone.close();
    }
  });

  it('closes the connection cleanly on an oversized message and keeps serving others', async () => {
    const logger = recordingLogger();
    const phone = await openTcp({ logger, limits: { maxMessageBytes: 4096, maxHeaders: 64, maxLineBytes: 1024 } });
    const client = await RawTcpClient.connect(tcpPort(phone));
    try {
      await client.write(rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKbig', contentLength: '100000' }));
      await until(() => client.closed, 'the connection to close');
      assert.equal(client.ended, true, 'FIN, not a reset');
      assert.equal(client.errored, undefined);
      assert.equal(client.text, '');
      assert.match(logger.lines.join('\n'), /closing tcp-\d+ to tcp:127\.0\.0\.1:\d+: Message Too Large/);

      const other = await RawTcpClient.connect(tcpPort(phone));
      const arriving = nextMessage(phone);
      await other.write(rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKok', callId: 'still-here' }));
      assert.equal((await arriving).message.headers.get('call-id'), 'still-here');
      other.close();
    } finally {
      client.close();
      await phone.close();
    }
  });

  it('answers 400 when the head is readable but Content-Length is not, then closes', async () => {
    const phone = await openTcp();
    const client = await RawTcpClient.connect(tcpPort(phone));
    try {
      await client.write(rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKcl', contentLength: 'ten' }));
      await until(() => client.closed, 'the connection to close');
      assert.match(client.text, /^SIP\/2\.0 400 Malformed Content-Length header[^\r]*\r\n/);
      assert.equal(client.ended, true);
    } finally {
      client.close();
      await phone.close();
    }
  });
});

describe('TCP transport: connections', () => {
  it('reuses one connection for requests to the same target', async () => {
    const phone = await openTcp();
    const server = await RawTcpServer.listen();
    try {
      const target = { protocol: 'tcp' as const, host: '127.0.0.1', port: server.port };
      await Promise.all([phone.send(request('a'), target), phone.send(request('b'), target)]);
      await phone.send(request('c'), target);
      await until(() => (server.connections[0]?.text.match(/^OPTIONS /gm) ?? []).length === 3, 'three requests');
      assert.equal(server.connections.length, 1);
      assert.equal(phone.connectionCount('tcp'), 1);
    } finally {
      await phone.close();
      await server.close();
    }
  });

  it('sends requests to a peer over the connection the peer opened', async () => {
    const phone = await openTcp();
    const client = await RawTcpClient.connect(tcpPort(phone));
    try {
      const arriving = nextMessage(phone);
      await client.write(rawRequest({ via: 'SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKin' }));
      const incoming = await arriving;
      await phone.send(request('reverse'), incoming.source);
      await until(() => client.text.includes('Call-ID: reverse'), 'the request on the same connection');
      assert.equal(phone.connectionCount('tcp'), 1);
    } finally {
      client.close();
      await phone.close();
    }
  });

  it('sends a response on the connection its request came on, not to the sent-by', async () => {
    const phone = await openTcp();
    const client = await RawTcpClient.connect(tcpPort(phone));
    try {
      const arriving = nextMessage(phone);
      // Nothing listens on 5999: only the open connection can carry the answer.
      await client.write(rawRequest({ via: 'SIP/2.0/TCP 192.0.2.9:5999;rport;branch=z9hG4bKsame' }));
      const incoming = await arriving;
      assert.equal(getTopVia(incoming.message)?.received, '127.0.0.1');
      assert.equal(getTopVia(incoming.message)?.rport, client.localPort);
      await phone.sendResponse(createResponse(incoming.message, 200, 'OK', { toTag: 'x' }), incoming);
      await until(() => client.text.startsWith('SIP/2.0 200 OK\r\n'), 'the response');
    } finally {
      client.close();
      await phone.close();
    }
  });

  it('opens a new connection to received and the sent-by port when the request connection is gone', async () => {
    const phone = await openTcp();
    const upstream = await RawTcpServer.listen();
    const client = await RawTcpClient.connect(tcpPort(phone));
    try {
      const arriving = nextMessage(phone);
      await client.write(rawRequest({ via: `SIP/2.0/TCP pbx.example.com:${upstream.port};branch=z9hG4bKgone` }));
      const incoming = await arriving;
      client.close();
      await until(() => phone.connectionCount('tcp') === 0, 'the phone to see the close');
      await phone.sendResponse(createResponse(incoming.message, 200, 'OK', { toTag: 'x' }), incoming);
      await until(() => upstream.connections[0]?.text.startsWith('SIP/2.0 200 OK\r\n') === true, 'the response on a new connection');
    } finally {
      client.close();
      await phone.close();
      await upstream.close();
    }
  });

  it('rejects a send to a closed port with TransportError', async () => {
    const phone = await openTcp();
    try {
      const port = await closedTcpPort();
      await assert.rejects(phone.send(request('refused'), { protocol: 'tcp', host: '127.0.0.1', port }), (e: unknown) => {
        assert.ok(e instanceof TransportError);
        assert.deepEqual(e.target, { protocol: 'tcp', host: '127.0.0.1', port });
        assert.match(e.message, /ECONNREFUSED/);
        // A failed dial, so a request moved to TCP for its size may retry over UDP (§18.1.1).
        assert.equal(e.connectFailure, 'refused');
        return true;
      });
      assert.equal(phone.connectionCount('tcp'), 0);
    } finally {
      await phone.close();
    }
  });

  it('closes a connection after 32 s idle on the board clock, and not before', async () => {
    const clock = new VirtualClock();
    const phone = await openTcp({ clock });
    const server = await RawTcpServer.listen();
    try {
      await phone.send(request('idle'), { protocol: 'tcp', host: '127.0.0.1', port: server.port });
      await until(() => server.connections.length === 1, 'the connection');
      clock.advance(31_999);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.connections[0]?.ended, false);
      assert.equal(phone.connectionCount('tcp'), 1);
      clock.advance(1);
      await until(() => server.connections[0]?.ended === true, 'the idle close');
      await until(() => phone.connectionCount('tcp') === 0, 'the phone to forget it');
    } finally {
      await phone.close();
      await server.close();
    }
  });

  it('counts idle time from the last traffic and spares a held connection', async () => {
    const clock = new VirtualClock();
    const phone = await openTcp({ clock, idleTimeoutMs: 1000 });
    const server = await RawTcpServer.listen();
    const target = { protocol: 'tcp' as const, host: '127.0.0.1', port: server.port };
    try {
      await phone.send(request('first'), target);
      clock.advance(800);
      await phone.send(request('second'), target);
      clock.advance(800);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.connections[0]?.ended, false, '1.6 s after opening but only 0.8 s idle');

      const link = phone.keepaliveLink(target);
      clock.advance(5000);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.connections[0]?.ended, false, 'held');
      link.release?.();
      clock.advance(1000);
      await until(() => server.connections[0]?.ended === true, 'close after release');
      assert.equal(server.connections.length, 1);
    } finally {
      await phone.close();
      await server.close();
    }
  });
});

describe('listening', () => {
  it('listens for TCP on the port UDP got when both are left to the system (§18.2.1)', async () => {
    const phone = await SocketSipTransport.open({ udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 }, tls: false, logger: recordingLogger() });
    try {
      assert.ok(phone.ports.udp !== undefined && phone.ports.udp > 0);
      assert.equal(phone.ports.tcp, phone.ports.udp);
      assert.deepEqual(phone.localEndpoint('tcp'), { host: '127.0.0.1', port: phone.ports.udp });
      assert.equal(phone.localEndpoint('tls').port, 5061, 'a TLS client without listener names the default port');
    } finally {
      await phone.close();
    }
  });

  it('rejects opening on a port in use and leaves nothing open', async () => {
    const server = await RawTcpServer.listen();
    try {
      await assert.rejects(
        SocketSipTransport.open({ udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: server.port }, tls: false, logger: recordingLogger() }),
        { code: 'EADDRINUSE' },
      );
    } finally {
      await server.close();
    }
  });
});
