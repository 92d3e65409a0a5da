/**
 * SIP over real UDP sockets on 127.0.0.1: RFC 3261 §18.1/§18.2 and RFC 3581.
 * Peers are either a second SocketSipTransport or a raw dgram socket that
 * writes the bytes itself.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NameAddr,
  Parameters,
  Via,
  createBranch,
  createRequest,
  createResponse,
  formatVia,
  getTopVia,
  parseMessage,
  serialize,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { SocketSipTransport } from '../../firmware/sip/transport/sip-transport.js';
import { dec, enc, nextMessage, rawRequest, recordingLogger, RawUdpPeer, until } from './transport-fixtures.js';

async function openUdpOnly(logger = recordingLogger()): Promise<SocketSipTransport> {
  return SocketSipTransport.open({ udp: { host: '127.0.0.1', port: 0 }, tcp: false, tls: false, logger });
}

function optionsFrom(transport: SocketSipTransport): SipRequest {
  const local = transport.localEndpoint('udp');
  const request = createRequest({
    method: 'OPTIONS',
    uri: sipUri({ user: 'bob', host: '127.0.0.1' }),
    from: new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }), params: new Parameters().set('tag', 'a1') }),
    to: new NameAddr({ uri: sipUri({ user: 'bob', host: 'example.com' }) }),
    callId: 'udp-roundtrip@example.com',
    cseq: 7,
  });
  request.headers.prepend('Via', formatVia(new Via({ transport: 'UDP', host: local.host, port: local.port, params: new Parameters().set('branch', createBranch()) })));
  return request;
}

describe('UDP transport', () => {
  it('binds port 0 to a free port and advertises the bound address', async () => {
    const t = await openUdpOnly();
    try {
      const port = t.ports.udp;
      assert.ok(port !== undefined && port > 0);
      assert.deepEqual(t.localEndpoint('udp'), { host: '127.0.0.1', port });
      assert.equal(t.isReliable('udp'), false);
      assert.equal(t.isReliable('tcp'), true);
    } finally {
      await t.close();
    }
  });

  it('carries a request and its response between two transports byte for byte', async () => {
    const alice = await openUdpOnly();
    const bob = await openUdpOnly();
    try {
      const request = optionsFrom(alice);
      const arriving = nextMessage(bob);
      await alice.send(request, { protocol: 'udp', host: '127.0.0.1', port: bob.ports.udp ?? 0 });
      const incoming = await arriving;
      // The sent-by is the packet source, so §18.2.1 adds nothing and the bytes are unchanged.
      assert.equal(dec.decode(serialize(incoming.message)), dec.decode(serialize(request)));
      assert.deepEqual(incoming.source, { protocol: 'udp', host: '127.0.0.1', port: alice.ports.udp });
      assert.equal(incoming.connectionId, undefined);

      const response = createResponse(incoming.message, 200, 'OK', { toTag: 'b1' });
      const back = nextMessage(alice);
      await bob.sendResponse(response, incoming);
      const answered = await back;
      assert.equal(dec.decode(serialize(answered.message)), dec.decode(serialize(response)));
      assert.equal(answered.message.kind === 'response' ? answered.message.status : 0, 200);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });

  it('stamps received and rport (RFC 3581) and answers to the packet source port', async () => {
    const phone = await openUdpOnly();
    const peer = await RawUdpPeer.open();
    try {
      const arriving = nextMessage(phone);
      // The Via claims a NATed private address and port that nobody listens on.
      await peer.send(rawRequest({ via: 'SIP/2.0/UDP 192.0.2.7:5999;rport;branch=z9hG4bKnat1' }), phone.ports.udp ?? 0);
      const incoming = await arriving;
      const via = getTopVia(incoming.message);
      assert.equal(via?.received, '127.0.0.1');
      assert.equal(via?.rport, peer.port);
      assert.equal(via?.host, '192.0.2.7');

      await phone.sendResponse(createResponse(incoming.message, 200, 'OK', { toTag: 't' }), incoming);
      const got = await peer.next();
      assert.match(got.text, /^SIP\/2\.0 200 OK\r\n/);
      assert.match(got.text, new RegExp(`Via: SIP/2\\.0/UDP 192\\.0\\.2\\.7:5999;rport=${peer.port};branch=z9hG4bKnat1;received=127\\.0\\.0\\.1\\r\\n`));
    } finally {
      await Promise.all([phone.close(), peer.close()]);
    }
  });

  it('without rport answers the sent-by port (§18.2.2) and adds no received for a matching address', async () => {
    const phone = await openUdpOnly();
    const sender = await RawUdpPeer.open();
    const listener = await RawUdpPeer.open();
    try {
      const arriving = nextMessage(phone);
      await sender.send(rawRequest({ via: `SIP/2.0/UDP 127.0.0.1:${listener.port};branch=z9hG4bKplain` }), phone.ports.udp ?? 0);
      const incoming = await arriving;
      const via = getTopVia(incoming.message);
      assert.equal(via?.received, undefined);
      assert.equal(via?.rport, undefined);

      await phone.sendResponse(createResponse(incoming.message, 486, 'Busy Here', { toTag: 't' }), incoming);
      const got = await listener.next();
      assert.match(got.text, /^SIP\/2\.0 486 Busy Here\r\n/);
      assert.equal(sender.received.length, 0);
    } finally {
      await Promise.all([phone.close(), sender.close(), listener.close()]);
    }
  });

  it('adds received when the sent-by is a domain name', async () => {
    const phone = await openUdpOnly();
    const peer = await RawUdpPeer.open();
    try {
      const arriving = nextMessage(phone);
      await peer.send(rawRequest({ via: `SIP/2.0/UDP pbx.example.com:${peer.port};branch=z9hG4bKdomain` }), phone.ports.udp ?? 0);
      const via = getTopVia((await arriving).message);
      assert.equal(via?.received, '127.0.0.1');
      assert.equal(via?.rport, undefined);
    } finally {
      await Promise.all([phone.close(), peer.close()]);
    }
  });

  it('answers a malformed request that has enough headers with 400 and the parser reason', async () => {
    const logger = recordingLogger();
    const phone = await openUdpOnly(logger);
    const peer = await RawUdpPeer.open();
    try {
      const bad = rawRequest({ via: 'SIP/2.0/UDP 192.0.2.7:5999;rport;branch=z9hG4bKbad', cseq: 'abc OPTIONS' });
      const parsed = parseMessage(enc.encode(bad), { transport: 'udp' });
      assert.equal(parsed.ok, false);
      const expectedReason = parsed.ok ? '' : parsed.error.reason;
      let delivered = 0;
      const off = phone.onMessage(() => delivered++);
      await peer.send(bad, phone.ports.udp ?? 0);
      const got = await peer.next();
      off();
      assert.equal(got.text.split('\r\n')[0], `SIP/2.0 400 ${expectedReason}`);
      // Answered to the source port thanks to rport, with the request's Call-ID and CSeq copied.
      assert.match(got.text, /\r\nCall-ID: call-1@example\.com\r\n/);
      assert.match(got.text, /\r\nCSeq: abc OPTIONS\r\n/);
      assert.equal(delivered, 0);
      assert.equal(logger.lines.length, 1);
      assert.match(logger.lines[0] ?? '', /answered 400/);
    } finally {
      await Promise.all([phone.close(), peer.close()]);
    }
  });

  it('answers a request missing To with 400 (§8.1.1 mandatory headers)', async () => {
    const phone = await openUdpOnly();
    const peer = await RawUdpPeer.open();
    try {
      const noTo = rawRequest({ via: 'SIP/2.0/UDP 192.0.2.7:5999;rport;branch=z9hG4bKnoto' }).replace(/To: [^\r]*\r\n/, '');
      await peer.send(noTo, phone.ports.udp ?? 0);
      const got = await peer.next();
      assert.equal(got.text.split('\r\n')[0], 'SIP/2.0 400 Missing To header');
    } finally {
      await Promise.all([phone.close(), peer.close()]);
    }
  });

  it('drops garbage with a one-line log and keeps working', async () => {
    const logger = recordingLogger();
    const phone = await openUdpOnly(logger);
    const peer = await RawUdpPeer.open();
    try {
      await peer.send(new Uint8Array([0x47, 0x45, 0x54, 0x20, 0x2f, 0x00, 0xff, 0x0a, 0x01]), phone.ports.udp ?? 0);
      await until(() => logger.lines.length === 1, 'the drop to be logged');
      assert.match(logger.lines[0] ?? '', /^sip\/udp: dropped 9 bytes from udp:127\.0\.0\.1:\d+: .+: GET \/\\x00\\xff$/);
      assert.ok(!(logger.lines[0] ?? '').includes('\n'));

      const arriving = nextMessage(phone);
      await peer.send(rawRequest({ via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKafter`, callId: 'after-garbage' }), phone.ports.udp ?? 0);
      const incoming = await arriving;
      assert.equal(incoming.message.headers.get('call-id'), 'after-garbage');
      assert.equal(peer.received.length, 0);
    } finally {
      await Promise.all([phone.close(), peer.close()]);
    }
  });

  it('ignores CRLF keep-alive datagrams without logging them', async () => {
    const logger = recordingLogger();
    const phone = await openUdpOnly(logger);
    const peer = await RawUdpPeer.open();
    try {
      const link = phone.keepaliveLink({ protocol: 'udp', host: '127.0.0.1', port: peer.port });
      let pongs = 0;
      const off = link.onPong(() => pongs++);
      await peer.send('\r\n\r\n', phone.ports.udp ?? 0);
      await until(() => pongs === 1, 'the keep-alive to be seen');
      off();
      assert.deepEqual(logger.lines, []);
      await link.ping();
      assert.equal((await peer.next()).text, '\r\n\r\n');
    } finally {
      await Promise.all([phone.close(), peer.close()]);
    }
  });

  it('rejects a send for a transport that is not enabled with TransportError', async () => {
    const phone = await openUdpOnly();
    try {
      await assert.rejects(phone.send(optionsFrom(phone), { protocol: 'tcp', host: '127.0.0.1', port: 5060 }), { name: 'TransportError' });
    } finally {
      await phone.close();
    }
  });
});
