// RFC 3261 §17.1.2 (Figure 6): the non-INVITE client transaction, over the
// fake network on a VirtualClock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipResponse } from '../../firmware/sip/message/index.js';
import type { ClientFailure, ClientTransactionHandlers } from '../../firmware/sip/transaction/index.js';
import { answer, isRequestOf, request, rig, times } from './transaction-fixtures.js';
import type { Rig } from './transaction-fixtures.js';

function tu(r: Rig): {
  provisional: SipResponse[];
  final: SipResponse[];
  failures: ClientFailure[];
  stray: SipResponse[];
  handlers: ClientTransactionHandlers;
} {
  const provisional: SipResponse[] = [];
  const final: SipResponse[] = [];
  const failures: ClientFailure[] = [];
  const stray: SipResponse[] = [];
  r.layer.onStrayResponse((incoming) => stray.push(incoming.message));
  return {
    provisional,
    final,
    failures,
    stray,
    handlers: {
      onProvisional: (res) => provisional.push(res),
      onFinal: (res) => final.push(res),
      onFailure: (f) => failures.push(f),
    },
  };
}

/** The peer answers the first request it gets with `status`, `afterMs` later; returns a resend function. */
function peerAnswers(r: Rig, status: number, afterMs = 0): () => void {
  let resend = (): void => assert.fail('the peer has not answered yet');
  r.peer.onMessage((incoming) => {
    if (incoming.message.kind !== 'request' || r.peer.received.length > 1) return;
    const res = answer(incoming.message, status, status >= 200 ? 'bob-tag' : undefined);
    resend = () => void r.peer.sendResponse(res, incoming);
    r.clock.setTimer(afterMs, resend);
  });
  return () => resend();
}

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('Timer E doubles from T1 up to T2 (0.5, 1, 2, 4, 4, 4 … s) and Timer F times out at 64*T1', () => {
    // "If an unreliable transport is in use, the client transaction MUST set
    // timer E to fire in T1 seconds. If timer E fires while still in this
    // state, the timer is reset, but this time with a value of MIN(2*T1, T2).
    // When the timer fires again, it is reset to a MIN(4*T1, T2)."
    const r = rig();
    const h = tu(r);
    const sent = r.layer.sendRequest(request('OPTIONS'), r.peer.target('udp'), h.handlers);
    assert.equal(sent.transaction.state, 'trying');
    r.clock.advance(31_999);
    assert.deepEqual(
      times(r.fromPhone()),
      [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    );
    assert.deepEqual(h.failures, []);
    // "If Timer F fires while the client transaction is still in the "Trying"
    // state, the client transaction SHOULD inform the TU about the timeout"
    r.clock.advance(1);
    assert.deepEqual(h.failures, [{ kind: 'timeout', timer: 'F', treatAs: 408 }]);
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('in Proceeding retransmits every T2 ("Timer E MUST be reset with a value of T2 seconds") until Timer F', () => {
    const r = rig();
    const h = tu(r);
    peerAnswers(r, 100, 600);
    const sent = r.layer.sendRequest(request('REGISTER'), r.peer.target('udp'), h.handlers);
    r.clock.advance(600);
    assert.equal(sent.transaction.state, 'proceeding');
    assert.equal(h.provisional.length, 1, 'the 1xx is passed to the TU');
    r.clock.advance(31_399);
    assert.deepEqual(
      times(r.fromPhone().filter(isRequestOf('REGISTER'))),
      [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500],
    );
    r.clock.advance(1);
    assert.equal(h.failures[0]?.kind, 'timeout', 'Timer F fires in Proceeding too');
    assert.equal(sent.transaction.state, 'terminated');
    r.dispose();
  });

  it('a final response completes it: passed to the TU once, retransmissions stop, Timer K (T4) ends it', () => {
    const r = rig();
    const h = tu(r);
    const resend = peerAnswers(r, 200, 700);
    const sent = r.layer.sendRequest(request('BYE'), r.peer.target('udp'), h.handlers);
    r.clock.advance(700);
    assert.equal(sent.transaction.state, 'completed');
    assert.deepEqual(
      h.final.map((f) => f.status),
      [200],
    );
    // Retransmitted finals are absorbed in Completed: not passed up again, not stray.
    resend();
    r.clock.advance(4_999);
    assert.equal(h.final.length, 1);
    assert.equal(h.stray.length, 0);
    assert.deepEqual(times(r.fromPhone()), [0, 500], 'no retransmission after the final');
    // "it MUST set Timer K to fire in T4 seconds for unreliable transports"
    assert.equal(sent.transaction.state, 'completed');
    r.clock.advance(1);
    assert.equal(sent.transaction.state, 'terminated');
    resend();
    r.clock.advance(0);
    assert.equal(h.stray.length, 1);
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('over TCP: no Timer E, and Timer K is zero', () => {
    const r = rig();
    const h = tu(r);
    peerAnswers(r, 404, 10_000);
    const sent = r.layer.sendRequest(request('OPTIONS'), r.peer.target('tcp'), h.handlers);
    r.clock.advance(10_000);
    assert.equal(r.fromPhone().length, 1);
    assert.equal(h.final[0]?.status, 404);
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(r.layer.counts.client, 0);
    r.dispose();
  });

  it('refuses to run an ACK as a transaction', () => {
    const r = rig();
    assert.throws(() => r.layer.sendRequest(request('ACK'), r.peer.target('udp'), {}), /sendAck/);
    r.dispose();
  });
});
