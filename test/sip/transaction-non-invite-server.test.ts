// RFC 3261 §17.2.2 (Figure 8): the non-INVITE server transaction, driven by a
// peer over the fake network on a VirtualClock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { NonInviteServerTransaction } from '../../firmware/sip/transaction/index.js';
import type { TransportProtocol } from '../../firmware/sip/transport/types.js';
import { answer, isStatus, peerRequest, rig, times } from './transaction-fixtures.js';
import type { Rig } from './transaction-fixtures.js';

const BRANCH = 'z9hG4bKoptions-1';

function tu(r: Rig): { transactions: NonInviteServerTransaction[]; tx: () => NonInviteServerTransaction } {
  const transactions: NonInviteServerTransaction[] = [];
  r.layer.onRequest((tx) => {
    assert.ok(tx instanceof NonInviteServerTransaction);
    transactions.push(tx);
  });
  return { transactions, tx: () => transactions[0] ?? assert.fail('no server transaction was created') };
}

function peerSends(r: Rig, message: SipRequest, protocol: TransportProtocol = 'udp'): void {
  void r.peer.send(message, r.phone.target(protocol));
}

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('in Trying a retransmitted request is absorbed silently ("any further request retransmissions are discarded")', () => {
    const r = rig();
    const t = tu(r);
    const options = peerRequest('OPTIONS', { branch: BRANCH });
    peerSends(r, options);
    r.clock.advance(500);
    peerSends(r, options);
    r.clock.advance(1000);
    peerSends(r, options);
    r.clock.advance(0);
    assert.equal(t.transactions.length, 1, 'the TU sees the request once');
    assert.equal(t.tx().state, 'trying');
    assert.equal(r.fromPhone().length, 0, 'no 100 Trying is sent for a non-INVITE');
    r.dispose();
  });

  it('in Proceeding a retransmission gets "the most recently sent provisional response"', () => {
    const r = rig();
    const t = tu(r);
    const subscribe = peerRequest('SUBSCRIBE', { branch: BRANCH });
    peerSends(r, subscribe);
    r.clock.advance(0);
    assert.equal(t.tx().respond(answer(subscribe, 100)), true);
    assert.equal(t.tx().state, 'proceeding');
    r.clock.advance(500);
    peerSends(r, subscribe);
    r.clock.advance(0);
    assert.deepEqual(times(r.fromPhone().filter(isStatus(100))), [0, 500]);
    r.dispose();
  });

  it('in Completed a retransmission gets the final response again; later finals from the TU are discarded; Timer J ends it', () => {
    const r = rig();
    const t = tu(r);
    const bye = peerRequest('BYE', { branch: BRANCH });
    peerSends(r, bye);
    r.clock.advance(0);
    assert.equal(t.tx().respond(answer(bye, 200)), true);
    assert.equal(t.tx().state, 'completed');
    // "Any other final responses passed by the TU to the server transaction
    // MUST be discarded while in the "Completed" state."
    assert.equal(t.tx().respond(answer(bye, 500)), false);
    // "the server transaction MUST pass the final response to the transport
    // layer for retransmission whenever a retransmission of the request is received."
    r.clock.advance(1500);
    peerSends(r, bye);
    r.clock.advance(0);
    assert.deepEqual(times(r.fromPhone().filter(isStatus(200))), [0, 1500]);
    assert.equal(r.fromPhone().filter(isStatus(500)).length, 0);

    // "it MUST set Timer J to fire in 64*T1 seconds for unreliable transports"
    r.clock.advance(32_000 - 1500 - 1);
    assert.equal(t.tx().state, 'completed');
    r.clock.advance(1);
    assert.equal(t.tx().state, 'terminated');
    assert.equal(r.layer.counts.server, 0);
    assert.equal(r.clock.pendingCount, 0);
    // Once it is gone, the same request is new to the layer.
    peerSends(r, bye);
    r.clock.advance(0);
    assert.equal(t.transactions.length, 2);
    r.dispose();
  });

  it('over TCP Timer J is zero: the final response ends the transaction', () => {
    const r = rig();
    const t = tu(r);
    const message = peerRequest('MESSAGE', { branch: BRANCH, protocol: 'tcp' });
    peerSends(r, message, 'tcp');
    r.clock.advance(0);
    t.tx().respond(answer(message, 202));
    assert.equal(t.tx().state, 'terminated');
    assert.equal(r.layer.counts.server, 0);
    r.dispose();
  });

  it('a request arriving with no TU listening is answered 503 rather than left to time out', () => {
    const r = rig();
    peerSends(r, peerRequest('OPTIONS', { branch: BRANCH }));
    r.clock.advance(0);
    assert.equal(r.fromPhone().filter(isStatus(503)).length, 1);
    r.dispose();
  });
});
