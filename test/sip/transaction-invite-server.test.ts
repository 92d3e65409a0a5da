// RFC 3261 §17.2.1 (Figure 7) with RFC 6026's Accepted state: the INVITE
// server transaction, driven by a peer over the fake network on a VirtualClock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { InviteServerTransaction, createAckForNon2xx } from '../../firmware/sip/transaction/index.js';
import type { ServerFailure, ServerTransaction } from '../../firmware/sip/transaction/index.js';
import type { TransportProtocol } from '../../firmware/sip/transport/types.js';
import { answer, isStatus, peerRequest, rig, times, toTagOf } from './transaction-fixtures.js';
import type { Rig } from './transaction-fixtures.js';

const BRANCH = 'z9hG4bKinvite-1';

interface Uas {
  readonly transactions: InviteServerTransaction[];
  readonly acks: SipRequest[];
  readonly failures: ServerFailure[];
  /** The INVITE server transaction the phone created. */
  tx(): InviteServerTransaction;
}

/** The phone's TU: records what the layer hands it; `respond` answers each new INVITE. */
function uas(r: Rig, respond?: (tx: ServerTransaction) => void): Uas {
  const transactions: InviteServerTransaction[] = [];
  const acks: SipRequest[] = [];
  const failures: ServerFailure[] = [];
  r.layer.onRequest((tx) => {
    assert.ok(tx instanceof InviteServerTransaction);
    transactions.push(tx);
    tx.onFailure((f) => failures.push(f));
    respond?.(tx);
  });
  r.layer.onAck((incoming) => acks.push(incoming.message));
  return {
    transactions,
    acks,
    failures,
    tx: () => transactions[0] ?? assert.fail('no INVITE server transaction was created'),
  };
}

/** The peer sends `message` to the phone. */
function peerSends(r: Rig, message: SipRequest, protocol: TransportProtocol = 'udp'): void {
  void r.peer.send(message, r.phone.target(protocol));
}

/** Responses the peer received with this status. */
function received(r: Rig, status: number): SipResponse[] {
  return r.fromPhone()
    .filter(isStatus(status))
    .map((p) => p.message as SipResponse);
}

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('sends 100 Trying itself after 200 ms when the TU is silent ("MUST generate a 100 (Trying) response")', () => {
    const r = rig();
    const tu = uas(r);
    peerSends(r, peerRequest('INVITE', { branch: BRANCH }));
    r.clock.advance(199);
    assert.equal(tu.transactions.length, 1, '"The request MUST be passed to the TU."');
    assert.equal(tu.tx().state, 'proceeding');
    assert.equal(r.fromPhone().length, 0);
    r.clock.advance(1);
    assert.deepEqual(times(r.fromPhone().filter(isStatus(100))), [200]);
    // "the insertion of tags in the To header field of the response (when
    // none was present in the request) is downgraded from MAY to SHOULD NOT."
    assert.equal(toTagOf(received(r, 100)[0] ?? assert.fail()), undefined);
    r.dispose();
  });

  it('sends no 100 when the TU answers within 200 ms', () => {
    const r = rig();
    uas(r, (tx) => {
      r.clock.setTimer(150, () => tx.respond(answer(tx.request, 180, 'alice-tag')));
    });
    peerSends(r, peerRequest('INVITE', { branch: BRANCH }));
    r.clock.advance(5_000);
    assert.deepEqual(
      r.fromPhone().map((p) => (p.message.kind === 'response' ? p.message.status : 0)),
      [180],
    );
    r.dispose();
  });

  it('a retransmitted INVITE is absorbed and the most recent provisional response sent again', () => {
    // "If a request retransmission is received while in the "Proceeding"
    // state, the most recent provisional response that was received from the
    // TU MUST be passed to the transport layer for retransmission."
    const r = rig();
    const tu = uas(r, (tx) => {
      tx.respond(answer(tx.request, 100));
      tx.respond(answer(tx.request, 180, 'alice-tag'));
    });
    const invite = peerRequest('INVITE', { branch: BRANCH });
    peerSends(r, invite);
    r.clock.advance(500);
    peerSends(r, invite);
    r.clock.advance(0);
    assert.equal(tu.transactions.length, 1, 'the retransmission is not a new request for the TU');
    assert.deepEqual(times(r.fromPhone().filter(isStatus(180))), [0, 500]);
    assert.equal(r.fromPhone().filter(isStatus(100)).length, 1);
    r.dispose();
  });

  it('a non-2xx final is retransmitted on Timer G (0.5, 1, 2, 4, 4 … s) until the ACK, which is absorbed (Confirmed, Timer I)', () => {
    const r = rig();
    const tu = uas(r, (tx) => tx.respond(answer(tx.request, 486, 'alice-tag')));
    const invite = peerRequest('INVITE', { branch: BRANCH });
    peerSends(r, invite);
    r.clock.advance(12_000);
    assert.equal(tu.tx().state, 'completed');
    // "If timer G fires, the response is passed to the transport layer once
    // more for retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds."
    assert.deepEqual(times(r.fromPhone().filter(isStatus(486))), [0, 500, 1500, 3500, 7500, 11500]);

    // "while in the "Completed" state, if a request retransmission is received,
    // the server SHOULD pass the response to the transport for retransmission."
    peerSends(r, invite);
    r.clock.advance(0);
    assert.equal(r.fromPhone().filter(isStatus(486)).length, 7);

    // "If an ACK is received while the server transaction is in the
    // "Completed" state, the server transaction MUST transition to the
    // "Confirmed" state."
    const final = received(r, 486)[0] ?? assert.fail();
    const ack = createAckForNon2xx(invite, final);
    peerSends(r, ack);
    r.clock.advance(0);
    assert.equal(tu.tx().state, 'confirmed');
    assert.equal(tu.acks.length, 0, 'the ACK for a non-2xx stays in the transaction');
    r.clock.advance(4_000);
    assert.equal(r.fromPhone().filter(isStatus(486)).length, 7, '"any retransmissions of the response will cease"');

    // "The purpose of the "Confirmed" state is to absorb any additional ACK messages"
    peerSends(r, ack);
    r.clock.advance(0);
    assert.equal(tu.acks.length, 0);
    // Timer I: "T4 seconds for unreliable transports".
    r.clock.advance(999);
    assert.equal(tu.tx().state, 'confirmed');
    r.clock.advance(1);
    assert.equal(tu.tx().state, 'terminated');
    assert.equal(r.layer.counts.server, 0);
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('Timer H (64*T1) without an ACK ends it and "MUST indicate to the TU that a transaction failure has occurred"', () => {
    const r = rig();
    const tu = uas(r, (tx) => tx.respond(answer(tx.request, 603, 'alice-tag')));
    peerSends(r, peerRequest('INVITE', { branch: BRANCH }));
    r.clock.advance(31_999);
    assert.deepEqual(tu.failures, []);
    assert.deepEqual(
      times(r.fromPhone().filter(isStatus(603))),
      [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    );
    r.clock.advance(1);
    assert.deepEqual(tu.failures, [{ kind: 'timeout', timer: 'H' }]);
    assert.equal(tu.tx().state, 'terminated');
    r.clock.advance(10_000);
    assert.equal(r.fromPhone().filter(isStatus(603)).length, 11);
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('over TCP: no Timer G, and the ACK ends it at once (Timer I is zero)', () => {
    const r = rig();
    const tu = uas(r, (tx) => tx.respond(answer(tx.request, 480, 'alice-tag')));
    const invite = peerRequest('INVITE', { branch: BRANCH, protocol: 'tcp' });
    peerSends(r, invite, 'tcp');
    r.clock.advance(10_000);
    assert.equal(r.fromPhone().filter(isStatus(480)).length, 1);
    assert.equal(r.fromPhone().filter(isStatus(100)).length, 0);
    peerSends(r, createAckForNon2xx(invite, received(r, 480)[0] ?? assert.fail()), 'tcp');
    r.clock.advance(0);
    assert.equal(tu.tx().state, 'terminated');
    r.dispose();
  });

  it('a 2xx moves it to Accepted (RFC 6026): retransmitted INVITEs absorbed, the TU’s 2xx retransmissions sent, ACKs to the TU, Timer L', () => {
    const r = rig();
    const tu = uas(r, (tx) => tx.respond(answer(tx.request, 200, 'alice-tag')));
    const invite = peerRequest('INVITE', { branch: BRANCH });
    peerSends(r, invite);
    r.clock.advance(0);
    const tx = tu.tx();
    assert.equal(tx.state, 'accepted');
    assert.equal(r.fromPhone().filter(isStatus(200)).length, 1);

    // A retransmitted INVITE in Accepted is absorbed: not a new request for the TU, nothing resent.
    r.clock.advance(500);
    peerSends(r, invite);
    r.clock.advance(0);
    assert.equal(tu.transactions.length, 1);
    assert.equal(r.fromPhone().length, 1);

    // The TU retransmits its 2xx itself (§13.3.1.4); the transaction passes it on, and refuses a late non-2xx.
    assert.equal(tx.respond(answer(invite, 200, 'alice-tag')), true);
    assert.equal(tx.respond(answer(invite, 500, 'alice-tag')), false);
    r.clock.advance(0);
    assert.equal(r.fromPhone().filter(isStatus(200)).length, 2);
    assert.equal(r.fromPhone().filter(isStatus(500)).length, 0);

    // The ACK for a 2xx is a transaction of its own (new branch): it goes to the TU…
    peerSends(r, peerRequest('ACK', { branch: 'z9hG4bKack-for-2xx' }));
    // …and so does one that reuses the INVITE's branch and matches the Accepted transaction.
    peerSends(r, peerRequest('ACK', { branch: BRANCH }));
    r.clock.advance(0);
    assert.equal(tu.acks.length, 2);
    assert.equal(tx.state, 'accepted');

    // Timer L = 64*T1 from entering Accepted.
    r.clock.advance(32_000 - 500 - 1);
    assert.equal(tx.state, 'accepted');
    r.clock.advance(1);
    assert.equal(tx.state, 'terminated');
    assert.equal(r.layer.counts.server, 0);
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('a transport error while sending a final response ends it and tells the TU', async () => {
    const r = rig();
    const tu = uas(r, (tx) => {
      r.phone.failSends = true;
      tx.respond(answer(tx.request, 486, 'alice-tag'));
    });
    peerSends(r, peerRequest('INVITE', { branch: BRANCH }));
    await r.clock.advanceAsync(0);
    assert.equal(tu.failures[0]?.kind, 'transport-error');
    assert.equal(tu.tx().state, 'terminated');
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('dispose() leaves no timer pending', () => {
    const r = rig();
    uas(r, (tx) => tx.respond(answer(tx.request, 486, 'alice-tag')));
    peerSends(r, peerRequest('INVITE', { branch: BRANCH }));
    peerSends(r, peerRequest('INVITE', { branch: 'z9hG4bKother', callId: 'call-2' }));
    r.clock.advance(100);
    assert.ok(r.clock.pendingCount > 0);
    r.dispose();
    assert.equal(r.clock.pendingCount, 0);
  });
});
