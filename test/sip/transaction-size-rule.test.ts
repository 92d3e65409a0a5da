// RFC 3261 §18.1.1, the message size rule, over real sockets on 127.0.0.1:
// the phone's TransactionLayer on a SocketSipTransport, the peer another
// SocketSipTransport (UDP and TCP, or UDP alone). "If a request is within 200
// bytes of the path MTU, or if it is larger than 1300 bytes and the path MTU
// is unknown, the request MUST be sent using an RFC 2914 congestion
// controlled transport protocol, such as TCP. If this causes a change in the
// transport protocol from the one indicated in the top Via, the value in the
// top Via MUST be changed." — and back to UDP when the connection cannot be made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import {
  NameAddr,
  createCallId,
  createRequest,
  createResponse,
  createTag,
  getTopVia,
  serialize,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { TransactionLayer, createCancel } from '../../firmware/sip/transaction/index.js';
import type { ClientFailure, ServerTransaction } from '../../firmware/sip/transaction/index.js';
import { NO_TCP_MEMORY_MS } from '../../firmware/sip/transport/size-rule.js';
import { SocketSipTransport } from '../../firmware/sip/transport/sip-transport.js';
import type { IncomingMessage, TransportTarget } from '../../firmware/sip/transport/types.js';
import { freePort } from '../helpers/ports.js';
import { RawUdpPeer, enc, recordingLogger, until } from './transport-fixtures.js';

const HOST = '127.0.0.1';

interface Phone {
  readonly clock: VirtualClock;
  readonly transport: SocketSipTransport;
  readonly layer: TransactionLayer;
  readonly log: string[];
  close(): Promise<void>;
}

/** The phone under test: UDP and (unless `tcp` is false) TCP on one free port, its layer on a VirtualClock. */
async function openPhone(options: { readonly tcp?: boolean } = {}): Promise<Phone> {
  const clock = new VirtualClock();
  const logger = recordingLogger();
  const transport = await SocketSipTransport.open({
    udp: { host: HOST, port: 0 },
    tcp: options.tcp === false ? false : { host: HOST, port: 0 },
    tls: false,
    clock,
    logger,
  });
  const layer = new TransactionLayer(transport, clock, { logger });
  return {
    clock,
    transport,
    layer,
    log: logger.lines,
    close: async () => {
      layer.dispose();
      await transport.close();
    },
  };
}

interface Peer {
  readonly transport: SocketSipTransport;
  /** Every message the peer's sockets delivered, in order. */
  readonly received: IncomingMessage[];
  /** The UDP target the phone is given: where its TU would send. */
  readonly target: TransportTarget;
  requests(method: string): IncomingMessage[];
  close(): Promise<void>;
}

/**
 * The far end: UDP and TCP on one port, or (tcp: false) UDP alone on a port
 * that is also free for TCP, so a connect to it is refused.
 */
async function openPeer(options: { readonly tcp: boolean }): Promise<Peer> {
  const transport = options.tcp
    ? await SocketSipTransport.open({ udp: { host: HOST, port: 0 }, tcp: { host: HOST, port: 0 }, tls: false, logger: recordingLogger() })
    : await SocketSipTransport.open({ udp: { host: HOST, port: await freePort('udp+tcp') }, tcp: false, tls: false, logger: recordingLogger() });
  const received: IncomingMessage[] = [];
  transport.onMessage((m) => received.push(m));
  const port = transport.ports.udp;
  assert.ok(port !== undefined);
  if (options.tcp) assert.equal(transport.ports.tcp, port, 'the peer listens for TCP on its UDP port (§18.2.1)');
  return {
    transport,
    received,
    target: { protocol: 'udp', host: HOST, port },
    requests: (method) => received.filter((m) => m.message.kind === 'request' && m.message.method === method),
    close: () => transport.close(),
  };
}

/** A request from the phone without a Via (the layer adds it), its body padded to `bodyBytes`. */
function request(method: string, bodyBytes: number, init: { readonly callId?: string; readonly cseq?: number } = {}): SipRequest {
  return createRequest({
    method,
    uri: sipUri({ user: 'bob', host: HOST }),
    from: new NameAddr({ uri: sipUri({ user: 'alice', host: HOST }) }).withTag(createTag()),
    to: new NameAddr({ uri: sipUri({ user: 'bob', host: HOST }) }),
    callId: init.callId ?? createCallId(HOST),
    cseq: init.cseq ?? 1,
    contact: [new NameAddr({ uri: sipUri({ user: 'alice', host: HOST }) })],
    body: { contentType: 'text/plain', bytes: enc.encode('x'.repeat(bodyBytes)) },
  });
}

/** A body that puts the request well over 1300 bytes, and one that keeps it well under. */
const LARGE = 1200;
const SMALL = 100;

function size(message: SipRequest): number {
  return serialize(message).byteLength;
}

/** Lets real socket I/O happen between clock advances. */
function settle(ms = 50): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('§18.1.1 a large request for a UDP target goes over TCP', () => {
  it('to the same address and port, its top Via saying TCP with the TCP sent-by; never retransmitted, Timer F still ends it', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: true });
    try {
      const failures: ClientFailure[] = [];
      const sent = phone.layer.sendRequest(request('MESSAGE', LARGE), peer.target, { onFailure: (f) => failures.push(f) });
      assert.ok(size(sent.request) > 1300, `the request is ${size(sent.request)} bytes`);
      await until(() => peer.requests('MESSAGE').length === 1, 'the MESSAGE');

      const got = peer.requests('MESSAGE')[0];
      assert.equal(got?.source.protocol, 'tcp');
      assert.equal(got?.source.host, HOST);
      const via = getTopVia(got.message);
      assert.equal(via?.transport, 'TCP');
      assert.equal(via?.host, HOST);
      assert.equal(via?.port, phone.transport.ports.tcp);
      assert.equal(via?.branch, sent.branch);
      assert.equal(getTopVia(sent.request)?.transport, 'TCP', 'the request as the TU holds it says TCP too');
      assert.deepEqual(sent.target, peer.target, "the TU's target is unchanged");

      // §17.1.2.2: Timer E only "If an unreliable transport is in use" — on UDP it would have fired 9 times by now.
      phone.clock.advance(31_999);
      await settle();
      assert.equal(peer.requests('MESSAGE').length, 1);
      assert.equal(sent.transaction.state, 'trying');
      assert.deepEqual(failures, []);
      phone.clock.advance(1);
      assert.deepEqual(failures, [{ kind: 'timeout', timer: 'F', treatAs: 408 }]);
      assert.deepEqual(phone.log, [], 'nothing to warn about');
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it('a request of 1300 bytes or less stays on UDP, with a UDP Via, and Timer E retransmits it', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: true });
    try {
      const sent = phone.layer.sendRequest(request('MESSAGE', SMALL), peer.target, {});
      assert.ok(size(sent.request) <= 1300);
      await until(() => peer.requests('MESSAGE').length === 1, 'the MESSAGE');
      const got = peer.requests('MESSAGE')[0];
      assert.equal(got?.source.protocol, 'udp');
      assert.equal(getTopVia(got.message)?.transport, 'UDP');
      assert.equal(getTopVia(got.message)?.port, phone.transport.ports.udp);
      phone.clock.advance(500);
      await until(() => peer.requests('MESSAGE').length === 2, 'the Timer E retransmission');
      assert.equal(peer.requests('MESSAGE')[1]?.source.protocol, 'udp');
      assert.equal(phone.transport.connectionCount('tcp'), 0);
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it('an INVITE rings on a connection held past the idle timeout; its 486 is ACKed on TCP with the same Via', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: true });
    try {
      const statuses: number[] = [];
      const sent = phone.layer.sendRequest(request('INVITE', LARGE), peer.target, {
        onProvisional: (r) => statuses.push(r.status),
        onFinal: (r) => statuses.push(r.status),
      });
      await until(() => peer.requests('INVITE').length === 1, 'the INVITE');
      const invite = peer.requests('INVITE')[0];
      assert.equal(invite.source.protocol, 'tcp');
      // Timer A would have fired at 0.5, 1.5, 3.5 s: not on TCP.
      phone.clock.advance(4000);
      await settle();
      assert.equal(peer.requests('INVITE').length, 1);

      await peer.transport.sendResponse(createResponse(invite.message, 180, undefined, { toTag: 'bob' }), invite);
      await until(() => statuses.length === 1, 'the 180');
      // The idle timeout is 32 s; the INVITE client transaction holds its connection while it waits.
      phone.clock.advance(60_000);
      await settle();
      assert.equal(phone.transport.connectionCount('tcp'), 1, 'still open after a minute of ringing');

      await peer.transport.sendResponse(createResponse(invite.message, 486, undefined, { toTag: 'bob' }), invite);
      await until(() => peer.requests('ACK').length === 1, 'the ACK');
      const ack = peer.requests('ACK')[0];
      assert.equal(ack.source.protocol, 'tcp');
      // §17.1.1.3: "this MUST be equal to the top Via header field of the original request" (the peer added received/rport).
      assert.equal(getTopVia(ack.message)?.transport, 'TCP');
      assert.equal(getTopVia(ack.message)?.port, phone.transport.ports.tcp);
      assert.equal(getTopVia(ack.message)?.branch, sent.branch);
      assert.deepEqual(statuses, [180, 486]);
      assert.equal(sent.transaction.state, 'terminated', 'Timer D is zero on a reliable transport');

      // Released: the connection now closes as idle.
      phone.clock.advance(32_000);
      await until(() => phone.transport.connectionCount('tcp') === 0, 'the idle close');
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it("a CANCEL follows its INVITE's Via to TCP, so the peer matches it to the INVITE (§9.1, §9.2)", async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: true });
    const peerLayer = new TransactionLayer(peer.transport, new VirtualClock());
    try {
      let ringing: ServerTransaction | undefined;
      let cancelled: ServerTransaction | undefined;
      peerLayer.onRequest((tx) => {
        if (tx.request.method === 'INVITE') {
          ringing = tx;
          tx.respond(createResponse(tx.request, 180, undefined, { toTag: 'bob' }));
        } else if (tx.request.method === 'CANCEL' && 'cancels' in tx && tx.cancels === ringing && ringing !== undefined) {
          cancelled = ringing;
          tx.respond(createResponse(tx.request, 200));
          ringing.respond(createResponse(ringing.request, 487, undefined, { toTag: 'bob' }));
        } else {
          tx.respond(createResponse(tx.request, 481));
        }
      });
      const statuses: number[] = [];
      const sent = phone.layer.sendRequest(request('INVITE', LARGE), peer.target, {
        onProvisional: (r) => statuses.push(r.status),
        onFinal: (r) => statuses.push(r.status),
      });
      await until(() => statuses.includes(180), 'the 180');
      const cancelStatuses: number[] = [];
      phone.layer.sendRequest(createCancel(sent.request), sent.target, { onFinal: (r) => cancelStatuses.push(r.status) });
      await until(() => cancelStatuses.length === 1 && statuses.includes(487), 'the 200 to the CANCEL and the 487');

      assert.deepEqual(cancelStatuses, [200]);
      assert.ok(cancelled !== undefined, 'the peer found the INVITE the CANCEL cancels');
      const cancel = peer.requests('CANCEL')[0];
      assert.equal(cancel.source.protocol, 'tcp');
      assert.equal(getTopVia(cancel.message)?.transport, 'TCP');
      assert.equal(getTopVia(cancel.message)?.branch, sent.branch);
      await until(() => peer.requests('ACK').length === 1, 'the ACK of the 487');
      assert.equal(peer.requests('ACK')[0]?.source.protocol, 'tcp');
    } finally {
      peerLayer.dispose();
      await phone.close();
      await peer.close();
    }
  });

  it('a large ACK for a 2xx goes over TCP too; a small one over UDP', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: true });
    try {
      const large = phone.layer.sendAck(request('ACK', LARGE), peer.target);
      await large.sent;
      const small = phone.layer.sendAck(request('ACK', SMALL), peer.target);
      await small.sent;
      await until(() => peer.requests('ACK').length === 2, 'both ACKs');
      const [first, second] = [...peer.requests('ACK')].sort((a, b) => size(b.message as SipRequest) - size(a.message as SipRequest));
      assert.equal(first?.source.protocol, 'tcp');
      assert.equal(getTopVia(first.message)?.transport, 'TCP');
      assert.equal(getTopVia(large.ack)?.transport, 'TCP');
      assert.equal(second?.source.protocol, 'udp');
      assert.equal(getTopVia(small.ack)?.transport, 'UDP');
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it('a response is never moved: a large answer to a request over UDP goes back over UDP', async () => {
    const phone = await openPhone();
    const raw = await RawUdpPeer.open();
    try {
      phone.layer.onRequest((tx) => {
        const ok = createResponse(tx.request, 200, undefined, { toTag: 'a', body: { contentType: 'text/plain', bytes: enc.encode('y'.repeat(LARGE)) } });
        tx.respond(ok);
      });
      const port = phone.transport.ports.udp!;
      await raw.send(
        'OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n' +
          `Via: SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKbig;rport\r\n` +
          'Max-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;tag=b\r\nTo: <sip:alice@127.0.0.1>\r\n' +
          'Call-ID: big-answer\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
        port,
      );
      const got = await raw.next();
      assert.match(got.text, /^SIP\/2\.0 200 OK\r\n/);
      assert.ok(enc.encode(got.text).byteLength > 1300);
      assert.equal(phone.transport.connectionCount('tcp'), 0);
    } finally {
      await phone.close();
      await raw.close();
    }
  });
});

describe('§18.1.1 when TCP is not possible', () => {
  it('nothing listens on TCP: after the refused connect the request goes over UDP, its Via saying UDP, same branch; Timer E runs; one line is logged', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: false });
    try {
      const finals: number[] = [];
      const sent = phone.layer.sendRequest(request('MESSAGE', LARGE), peer.target, { onFinal: (r) => finals.push(r.status) });
      assert.equal(getTopVia(sent.request)?.transport, 'TCP', 'first it goes for TCP');
      await until(() => peer.requests('MESSAGE').length === 1, 'the MESSAGE over UDP');

      const got = peer.requests('MESSAGE')[0];
      assert.equal(got.source.protocol, 'udp');
      const via = getTopVia(got.message);
      assert.equal(via?.transport, 'UDP');
      assert.equal(via?.port, phone.transport.ports.udp);
      assert.equal(via?.branch, sent.branch);
      assert.equal(getTopVia(sent.request)?.transport, 'UDP', 'the request as the TU holds it is the one that went');
      assert.equal(phone.log.length, 1, phone.log.join('\n'));
      assert.match(phone.log[0] ?? '', /MESSAGE of \d+ bytes could not go over TCP \(.*ECONNREFUSED.*\); sending it over UDP to udp:127\.0\.0\.1:\d+/);

      // Now unreliable: Timer E (§17.1.2.2) retransmits over UDP.
      phone.clock.advance(500);
      await until(() => peer.requests('MESSAGE').length === 2, 'the Timer E retransmission');
      assert.equal(peer.requests('MESSAGE')[1]?.source.protocol, 'udp');
      assert.equal(getTopVia(peer.requests('MESSAGE')[1].message)?.transport, 'UDP');

      // The peer's answer, matched by branch, completes the transaction.
      await peer.transport.sendResponse(createResponse(got.message, 200, undefined, { toTag: 'b' }), got);
      await until(() => finals.length === 1, 'the 200');
      assert.deepEqual(finals, [200]);
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it('an INVITE that falls back starts Timer A', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: false });
    try {
      phone.layer.sendRequest(request('INVITE', LARGE), peer.target, {});
      await until(() => peer.requests('INVITE').length === 1, 'the INVITE over UDP');
      phone.clock.advance(500);
      await until(() => peer.requests('INVITE').length === 2, 'the Timer A retransmission');
      phone.clock.advance(1000);
      await until(() => peer.requests('INVITE').length === 3, 'the second, 2*T1 later');
      assert.ok(peer.requests('INVITE').every((m) => m.source.protocol === 'udp' && getTopVia(m.message)?.transport === 'UDP'));
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it('the refusal is remembered: the next large request goes straight to UDP with a warning; after NO_TCP_MEMORY_MS TCP is tried again', async () => {
    const phone = await openPhone();
    const peer = await openPeer({ tcp: false });
    try {
      phone.layer.sendRequest(request('MESSAGE', LARGE), peer.target, {});
      await until(() => peer.requests('MESSAGE').length === 1, 'the first MESSAGE');
      assert.equal(phone.log.filter((l) => l.includes('could not go over TCP')).length, 1);

      phone.clock.advance(60_000);
      const second = phone.layer.sendRequest(request('MESSAGE', LARGE), peer.target, {});
      assert.equal(getTopVia(second.request)?.transport, 'UDP', 'no TCP attempt this time');
      await until(() => peer.requests('MESSAGE').some((m) => getTopVia(m.message)?.branch === second.branch), 'the second MESSAGE');
      assert.equal(phone.log.filter((l) => l.includes('could not go over TCP')).length, 1, 'no second refused attempt');
      assert.match(phone.log.at(-1) ?? '', /MESSAGE of \d+ bytes exceeds the §18\.1\.1 UDP limit; udp:127\.0\.0\.1:\d+ would not take TCP 60 s ago, sending it over UDP anyway/);

      phone.clock.advance(NO_TCP_MEMORY_MS - 60_000);
      const third = phone.layer.sendRequest(request('MESSAGE', LARGE), peer.target, {});
      assert.equal(getTopVia(third.request)?.transport, 'TCP', 'remembered no longer: TCP again');
      await until(() => phone.log.filter((l) => l.includes('could not go over TCP')).length === 2, 'the second refusal');
      await until(() => peer.requests('MESSAGE').some((m) => getTopVia(m.message)?.branch === third.branch), 'the third MESSAGE over UDP');
    } finally {
      await phone.close();
      await peer.close();
    }
  });

  it('with TCP disabled the large request goes over UDP, with the warning', async () => {
    const phone = await openPhone({ tcp: false });
    const peer = await openPeer({ tcp: true });
    try {
      const sent = phone.layer.sendRequest(request('MESSAGE', LARGE), peer.target, {});
      await until(() => peer.requests('MESSAGE').length === 1, 'the MESSAGE');
      assert.equal(peer.requests('MESSAGE')[0]?.source.protocol, 'udp');
      assert.equal(getTopVia(sent.request)?.transport, 'UDP');
      assert.deepEqual(phone.log.length, 1);
      assert.match(phone.log[0] ?? '', /MESSAGE of \d+ bytes exceeds the §18\.1\.1 UDP limit; TCP is not enabled, sending it over UDP anyway/);
    } finally {
      await phone.close();
      await peer.close();
    }
  });
});
