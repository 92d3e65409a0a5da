// RFC 3261 §17.1.1 (Figure 5) with RFC 6026's Accepted state: the INVITE
// client transaction, over the fake network on a VirtualClock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NameAddr, getCSeq, getTopVia, sipUri } from '../../firmware/sip/message/index.js';
import type { SipResponse } from '../../firmware/sip/message/index.js';
import type { ClientFailure, ClientTransactionHandlers } from '../../firmware/sip/transaction/index.js';
import type { IncomingMessage } from '../../firmware/sip/transport/types.js';
import { answer, isRequestOf, request, rig, times, toTagOf } from './transaction-fixtures.js';
import type { Rig } from './transaction-fixtures.js';

interface Heard {
  provisional: SipResponse[];
  final: SipResponse[];
  failures: ClientFailure[];
  stray: SipResponse[];
}

function listen(r: Rig): Heard & { handlers: ClientTransactionHandlers } {
  const heard: Heard = { provisional: [], final: [], failures: [], stray: [] };
  r.layer.onStrayResponse((incoming) => heard.stray.push(incoming.message));
  return {
    ...heard,
    handlers: {
      onProvisional: (res: SipResponse) => heard.provisional.push(res),
      onFinal: (res: SipResponse) => heard.final.push(res),
      onFailure: (f: ClientFailure) => heard.failures.push(f),
    },
  };
}

/** The peer answers every INVITE it receives with `statuses`, in order, as a UAS would. */
function peerAnswers(r: Rig, ...statuses: number[]): { resend: () => void; invites: IncomingMessage[] } {
  const invites: IncomingMessage[] = [];
  let last: SipResponse | undefined;
  let lastIncoming: IncomingMessage | undefined;
  r.peer.onMessage((incoming) => {
    if (incoming.message.kind !== 'request' || incoming.message.method !== 'INVITE') return;
    invites.push(incoming);
    if (invites.length > 1) return;
    for (const status of statuses) {
      last = answer(incoming.message, status, status === 100 ? undefined : 'bob-tag');
      lastIncoming = incoming;
      void r.peer.sendResponse(last, incoming);
    }
  });
  return {
    invites,
    resend: () => {
      if (last === undefined || lastIncoming === undefined) throw new Error('nothing to resend');
      void r.peer.sendResponse(last, lastIncoming);
    },
  };
}

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('over UDP retransmits at 0.5, 1, 2, 4, 8, 16 s and gives up at 32 s (Timer B) with a timeout the TU sees', () => {
    // "If an unreliable transport is being used, the client transaction MUST
    // start timer A with a value of T1. [...] When timer A fires, the client
    // transaction MUST retransmit the request by passing it to the transport
    // layer, and MUST reset the timer with a value of 2*T1." "If the client
    // transaction is still in the "Calling" state when timer B fires, the
    // client transaction SHOULD inform the TU that a timeout has occurred."
    const r = rig();
    const h = listen(r);
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), h.handlers);
    assert.equal(sent.transaction.state, 'calling');
    r.clock.advance(31_999);
    const invites = r.fromPhone().filter(isRequestOf('INVITE'));
    assert.deepEqual(times(invites), [0, 500, 1500, 3500, 7500, 15500, 31500]);
    // A retransmission is the same message passed to the transport once more.
    for (const p of invites) assert.deepEqual(p.bytes, invites[0]?.bytes);
    assert.deepEqual(h.failures, []);

    r.clock.advance(1);
    assert.deepEqual(h.failures, [{ kind: 'timeout', timer: 'B', treatAs: 408 }]);
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(r.layer.counts.client, 0);
    r.clock.advance(120_000);
    assert.equal(r.fromPhone().length, 7, 'nothing is sent after Timer B');
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('adds a Via with a fresh z9hG4bK branch, rport and the transport’s sent-by', () => {
    const r = rig();
    const a = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), {});
    const b = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), {});
    r.clock.advance(0);
    const via = getTopVia(r.peer.received[0]?.message ?? assert.fail('no INVITE arrived'));
    assert.equal(via?.transport, 'UDP');
    assert.equal(via?.host, '192.0.2.10');
    assert.equal(via?.port, 5060);
    assert.equal(via?.rport, null, 'an empty rport asks for the source port (RFC 3581)');
    assert.match(a.branch, /^z9hG4bK.{8,}/);
    assert.notEqual(a.branch, b.branch);
    r.dispose();
  });

  it('over TCP sends the INVITE once (no Timer A) and still times out at 64*T1', () => {
    // "If a reliable transport is being used, the client transaction SHOULD NOT start timer A"
    // "For any transport, the client transaction MUST start timer B with a value of 64*T1 seconds"
    const r = rig();
    const h = listen(r);
    r.layer.sendRequest(request('INVITE'), r.peer.target('tcp'), h.handlers);
    r.clock.advance(31_999);
    assert.equal(r.fromPhone().filter(isRequestOf('INVITE')).length, 1);
    assert.equal(h.failures.length, 0);
    r.clock.advance(1);
    assert.equal(h.failures[0]?.kind, 'timeout');
    r.dispose();
  });

  it('a 1xx moves it to Proceeding and stops the retransmissions ("SHOULD NOT retransmit the request any longer")', () => {
    const r = rig();
    const h = listen(r);
    peerAnswers(r, 100, 180);
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), h.handlers);
    r.clock.advance(0);
    assert.equal(sent.transaction.state, 'proceeding');
    assert.deepEqual(
      h.provisional.map((p) => p.status),
      [100, 180],
      'provisional responses are passed to the TU',
    );
    r.clock.advance(60_000);
    assert.equal(r.fromPhone().filter(isRequestOf('INVITE')).length, 1);
    assert.deepEqual(h.failures, [], 'Timer B belongs to Calling: a ringing call may ring on');
    r.dispose();
  });

  it('a non-2xx final: passed to the TU, an ACK generated with the headers §17.1.1.3 requires', () => {
    const r = rig();
    const h = listen(r);
    peerAnswers(r, 486);
    const route = [new NameAddr({ uri: sipUri({ host: 'proxy.example.com', params: [['lr', null]] }) })];
    const sent = r.layer.sendRequest(request('INVITE', { cseq: 7, route }), r.peer.target('udp'), h.handlers);
    r.clock.advance(0);
    assert.equal(sent.transaction.state, 'completed');
    assert.deepEqual(
      h.final.map((f) => f.status),
      [486],
    );

    const acks = r.fromPhone().filter(isRequestOf('ACK'));
    assert.equal(acks.length, 1);
    const ack = acks[0]?.message;
    const invite = sent.request;
    assert.ok(ack?.kind === 'request');
    // "The ACK request constructed by the client transaction MUST contain
    // values for the Call-ID, From, and Request-URI that are equal to the
    // values of those header fields in the request passed to the transport"
    assert.deepEqual(ack.uri, invite.uri);
    assert.equal(ack.headers.get('Call-ID'), invite.headers.get('Call-ID'));
    assert.equal(ack.headers.get('From'), invite.headers.get('From'));
    // "The To header field in the ACK MUST equal the To header field in the response being acknowledged"
    assert.equal(toTagOf(ack), 'bob-tag');
    // "The ACK MUST contain a single Via header field, and this MUST be equal
    // to the top Via header field of the original request."
    assert.deepEqual(ack.headers.getAll('Via'), [invite.headers.getAll('Via')[0]]);
    assert.equal(getTopVia(ack)?.branch, sent.branch);
    // "The CSeq header field in the ACK MUST contain the same value for the
    // sequence number as was present in the original request, but the method
    // parameter MUST be equal to "ACK"."
    assert.deepEqual(getCSeq(ack), { seq: 7, method: 'ACK' });
    // "If the INVITE request whose response is being acknowledged had Route
    // header fields, those header fields MUST appear in the ACK."
    assert.deepEqual(ack.headers.getAll('Route'), invite.headers.getAll('Route'));
    assert.equal(ack.headers.getAll('Route').length, 1);
    r.dispose();
  });

  it('a retransmitted non-2xx final is ACKed again but not passed up; Timer D then ends the transaction', () => {
    // "Any retransmissions of the final response that are received while in
    // the "Completed" state MUST cause the ACK to be re-passed to the
    // transport layer for retransmission, but the newly received response
    // MUST NOT be passed up to the TU."
    const r = rig();
    const h = listen(r);
    const peer = peerAnswers(r, 603);
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), h.handlers);
    r.clock.advance(0);
    peer.resend();
    r.clock.advance(0);
    const acks = r.fromPhone().filter(isRequestOf('ACK'));
    assert.equal(acks.length, 2);
    assert.deepEqual(acks[1]?.bytes, acks[0]?.bytes);
    assert.equal(h.final.length, 1);

    // Timer D: "at least 32 seconds for unreliable transports".
    r.clock.advance(31_999);
    assert.equal(sent.transaction.state, 'completed');
    r.clock.advance(1);
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(r.layer.counts.client, 0);
    peer.resend();
    r.clock.advance(0);
    assert.equal(r.fromPhone().filter(isRequestOf('ACK')).length, 2, 'after Terminated no ACK is generated');
    assert.equal(h.stray.length, 1, 'a response for no transaction goes to the core');
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('over TCP the ACK is still generated ("even if the transport is reliable") and Timer D is zero', () => {
    const r = rig();
    const h = listen(r);
    peerAnswers(r, 404);
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('tcp'), h.handlers);
    r.clock.advance(0);
    assert.equal(r.fromPhone().filter(isRequestOf('ACK')).length, 1);
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(h.final[0]?.status, 404);
    r.dispose();
  });

  it('a 2xx moves it to Accepted: passed to the TU, no ACK from the transaction, retransmitted 2xx passed up until Timer M', () => {
    const r = rig();
    const h = listen(r);
    const peer = peerAnswers(r, 180, 200);
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), h.handlers);
    r.clock.advance(0);
    assert.equal(sent.transaction.state, 'accepted');
    assert.deepEqual(
      h.final.map((f) => f.status),
      [200],
    );
    assert.equal(r.fromPhone().filter(isRequestOf('ACK')).length, 0, 'the ACK for a 2xx is the TU’s (§13.2.2.4)');

    // The UAS retransmits its 2xx until it sees the ACK (§13.3.1.4): each one reaches the TU to be re-ACKed.
    r.clock.advance(500);
    peer.resend();
    r.clock.advance(1000);
    peer.resend();
    r.clock.advance(0);
    assert.deepEqual(
      h.final.map((f) => f.status),
      [200, 200, 200],
    );
    assert.equal(r.fromPhone().filter(isRequestOf('INVITE')).length, 1);

    // Timer M = 64*T1 from entering Accepted.
    r.clock.advance(32_000 - 1500 - 1);
    assert.equal(sent.transaction.state, 'accepted');
    r.clock.advance(1);
    assert.equal(sent.transaction.state, 'terminated');
    peer.resend();
    r.clock.advance(0);
    assert.equal(h.final.length, 3);
    assert.equal(h.stray.length, 1, 'after Timer M a 2xx is stray, for the dialog layer to re-ACK');
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('in Accepted a 2xx from another fork (another To tag) is passed up as well', () => {
    const r = rig();
    const h = listen(r);
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), h.handlers);
    r.clock.advance(0);
    const invite = r.peer.received[0] ?? assert.fail('no INVITE');
    void r.peer.sendResponse(answer(invite.message, 200, 'fork-1'), invite);
    void r.peer.sendResponse(answer(invite.message, 200, 'fork-2'), invite);
    void r.peer.sendResponse(answer(invite.message, 486, 'fork-3'), invite);
    r.clock.advance(0);
    assert.equal(sent.transaction.state, 'accepted');
    assert.deepEqual(
      h.final.map((f) => toTagOf(f)),
      ['fork-1', 'fork-2'],
      'a non-2xx in Accepted is not passed up',
    );
    r.dispose();
  });

  it('dispose() leaves no timer pending', () => {
    const r = rig();
    r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), {});
    r.layer.sendRequest(request('OPTIONS'), r.peer.target('udp'), {});
    r.clock.advance(700);
    assert.ok(r.clock.pendingCount > 0);
    r.dispose();
    assert.equal(r.clock.pendingCount, 0);
    assert.deepEqual(r.layer.counts, { client: 0, server: 0 });
  });
});
