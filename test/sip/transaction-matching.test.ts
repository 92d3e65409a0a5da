// RFC 3261 §17.1.3 and §17.2.3 (matching), §9 (CANCEL), RFC 4475 §3.4
// (inv2543: an RFC 2543 peer), and transport errors, through the
// TransactionLayer over the fake network.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVia, getCSeq, getTopVia, parseMessage, parseVia } from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import {
  InviteServerTransaction,
  NonInviteServerTransaction,
  createAckForNon2xx,
  createCancel,
} from '../../firmware/sip/transaction/index.js';
import type { ClientFailure, ServerTransaction } from '../../firmware/sip/transaction/index.js';
import { flushMicrotasks } from '../../drivers/emulated/virtual-clock.js';
import { answer, isRequestOf, isStatus, peerRequest, request, rig } from './transaction-fixtures.js';
import type { Rig } from './transaction-fixtures.js';

const corpus = path.join(fileURLToPath(new URL('../..', import.meta.url)), '..', 'shared', 'conformance', 'rfc4475');

function torture(name: string): SipRequest {
  const r = parseMessage(new Uint8Array(readFileSync(path.join(corpus, `${name}.dat`))), { transport: 'udp' });
  if (!r.ok || r.message.kind !== 'request') assert.fail(`${name} should parse as a request`);
  return r.message;
}

/** Collects the server transactions the layer hands the TU, answering each with `respond`. */
function serverTu(r: Rig, respond?: (tx: ServerTransaction) => void): ServerTransaction[] {
  const seen: ServerTransaction[] = [];
  r.layer.onRequest((tx) => {
    seen.push(tx);
    respond?.(tx);
  });
  return seen;
}

function withHeader(response: SipResponse, name: string, value: string): SipResponse {
  return { ...response, headers: response.headers.clone().set(name, value) };
}

describe('matching responses to client transactions (§17.1.3)', () => {
  it('a response whose top Via branch differs matches nothing: it is stray and the INVITE keeps retransmitting', () => {
    const r = rig();
    const stray: SipResponse[] = [];
    r.layer.onStrayResponse((incoming) => stray.push(incoming.message));
    const provisional: SipResponse[] = [];
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), { onProvisional: (p) => provisional.push(p) });
    r.clock.advance(0);
    const invite = r.peer.received[0] ?? assert.fail('no INVITE');
    const via = getTopVia(invite.message) ?? assert.fail();
    const otherVia = formatVia(parseVia(formatVia(via).replace(sent.branch, 'z9hG4bKsomeone-else')));
    void r.peer.sendResponse(withHeader(answer(invite.message, 180, 'b'), 'Via', otherVia), invite);
    r.clock.advance(500);
    assert.equal(provisional.length, 0);
    assert.equal(stray.length, 1);
    assert.equal(sent.transaction.state, 'calling');
    assert.equal(r.fromPhone().filter(isRequestOf('INVITE')).length, 2);
    r.dispose();
  });

  it('a response with the same branch but another CSeq method matches nothing ("a CANCEL request constitutes a different transaction")', () => {
    const r = rig();
    const stray: SipResponse[] = [];
    r.layer.onStrayResponse((incoming) => stray.push(incoming.message));
    const finals: SipResponse[] = [];
    const sent = r.layer.sendRequest(request('INVITE', { cseq: 5 }), r.peer.target('udp'), { onFinal: (f) => finals.push(f) });
    r.clock.advance(0);
    const invite = r.peer.received[0] ?? assert.fail('no INVITE');
    void r.peer.sendResponse(withHeader(answer(invite.message, 200, 'b'), 'CSeq', '5 CANCEL'), invite);
    r.clock.advance(0);
    assert.equal(finals.length, 0);
    assert.equal(stray.length, 1);
    assert.equal(sent.transaction.state, 'calling');
    r.dispose();
  });

  it('CANCEL and INVITE share the branch (§9.1) yet each gets its own responses', () => {
    const r = rig();
    const inviteFinals: number[] = [];
    const cancelFinals: number[] = [];
    r.peer.onMessage((incoming) => {
      const m = incoming.message;
      if (m.kind !== 'request') return;
      if (m.method === 'INVITE') void r.peer.sendResponse(answer(m, 180, 'b'), incoming);
      if (m.method === 'CANCEL') {
        void r.peer.sendResponse(answer(m, 200, 'b'), incoming);
        const invite = r.peer.received.find((i) => i.message.kind === 'request' && i.message.method === 'INVITE');
        if (invite) void r.peer.sendResponse(answer(invite.message, 487, 'b'), invite);
      }
    });
    const inv = r.layer.sendRequest(request('INVITE', { cseq: 9 }), r.peer.target('udp'), {
      onFinal: (f) => inviteFinals.push(f.status),
    });
    r.clock.advance(0);
    assert.equal(inv.transaction.state, 'proceeding');

    // "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header
    // fields in the CANCEL request MUST be identical to those in the request
    // being cancelled, including tags. A CANCEL constructed by a client MUST
    // have only a single Via header field value matching the top Via value in
    // the request being cancelled."
    const cancel = createCancel(inv.request);
    assert.deepEqual(cancel.uri, inv.request.uri);
    for (const h of ['Call-ID', 'To', 'From']) assert.equal(cancel.headers.get(h), inv.request.headers.get(h));
    assert.deepEqual(getCSeq(cancel), { seq: 9, method: 'CANCEL' });
    assert.deepEqual(cancel.headers.getAll('Via'), [inv.request.headers.getAll('Via')[0]]);

    const can = r.layer.sendRequest(cancel, r.peer.target('udp'), { onFinal: (f) => cancelFinals.push(f.status) });
    assert.equal(can.branch, inv.branch);
    r.clock.advance(0);
    assert.deepEqual(cancelFinals, [200]);
    assert.deepEqual(inviteFinals, [487]);
    assert.equal(r.fromPhone().filter(isRequestOf('ACK')).length, 1, 'the 487 is ACKed by the INVITE transaction');
    r.dispose();
  });
});

describe('matching requests to server transactions (§17.2.3, §9.2)', () => {
  it('a CANCEL is exposed to the TU with the INVITE server transaction it cancels (same branch, method CANCEL)', () => {
    const r = rig();
    const seen = serverTu(r, (tx) => {
      if (tx instanceof InviteServerTransaction) tx.respond(answer(tx.request, 180, 'alice-tag'));
    });
    peerSendsInvite(r, 'z9hG4bKcall-a');
    r.clock.advance(0);
    const cancel = peerRequest('CANCEL', { branch: 'z9hG4bKcall-a' });
    void r.peer.send(cancel, r.phone.target('udp'));
    r.clock.advance(0);
    const [invite, cancelTx] = seen;
    assert.ok(invite instanceof InviteServerTransaction);
    assert.ok(cancelTx instanceof NonInviteServerTransaction);
    assert.equal(cancelTx.request.method, 'CANCEL');
    assert.equal(cancelTx.cancels, invite);
    // The TU answers both: 200 to the CANCEL, 487 to the INVITE (§9.2).
    cancelTx.respond(answer(cancel, 200));
    invite.respond(answer(invite.request, 487));
    assert.equal(invite.state, 'completed');

    // A CANCEL whose branch matches no INVITE cancels nothing (the TU answers 481).
    void r.peer.send(peerRequest('CANCEL', { branch: 'z9hG4bKno-such-call' }), r.phone.target('udp'));
    r.clock.advance(0);
    const orphan = seen[2];
    assert.ok(orphan instanceof NonInviteServerTransaction);
    assert.equal(orphan.cancels, undefined);
    r.dispose();
  });

  it('the same branch from another sent-by is another transaction', () => {
    const r = rig();
    const seen = serverTu(r);
    const a = peerRequest('OPTIONS', { branch: 'z9hG4bKsame' });
    const b: SipRequest = { ...a, headers: a.headers.clone().set('Via', 'SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKsame') };
    void r.peer.send(a, r.phone.target('udp'));
    void r.peer.send(b, r.phone.target('udp'));
    r.clock.advance(0);
    assert.equal(seen.length, 2);
    r.dispose();
  });

  it('RFC 2543 peer (inv2543, no magic cookie): a retransmitted INVITE is matched by Request-URI, tags, Call-ID, CSeq and top Via, and absorbed', () => {
    const r = rig();
    const seen = serverTu(r, (tx) => tx.respond(answer(tx.request, 180, 'alice-tag')));
    const inv2543 = torture('inv2543');
    assert.equal(getTopVia(inv2543)?.branch, undefined);
    void r.peer.send(inv2543, r.phone.target('udp'));
    r.clock.advance(500);
    void r.peer.send(inv2543, r.phone.target('udp'));
    r.clock.advance(0);
    assert.equal(seen.length, 1, 'the retransmission is not a new request');
    assert.equal(r.fromPhone().filter(isStatus(180)).length, 2, 'the last provisional is sent again');

    // Another CSeq is another request.
    const next: SipRequest = { ...inv2543, headers: inv2543.headers.clone().set('CSeq', '57 INVITE') };
    void r.peer.send(next, r.phone.target('udp'));
    r.clock.advance(0);
    assert.equal(seen.length, 2);
    r.dispose();
  });

  it('RFC 2543 peer: the ACK for a non-2xx matches by the To tag of the response sent, and is absorbed', () => {
    const r = rig();
    const acks: SipRequest[] = [];
    r.layer.onAck((incoming) => acks.push(incoming.message));
    const seen = serverTu(r, (tx) => tx.respond(answer(tx.request, 486, 'alice-tag')));
    const inv2543 = torture('inv2543');
    void r.peer.send(inv2543, r.phone.target('udp'));
    r.clock.advance(0);
    const tx = seen[0];
    assert.ok(tx instanceof InviteServerTransaction);
    const response = r.fromPhone().find(isStatus(486))?.message;
    assert.ok(response?.kind === 'response');

    // An ACK with another To tag is not for this transaction.
    const wrongTag = createAckForNon2xx(inv2543, withHeader(response, 'To', `${response.headers.get('To') ?? ''}x`));
    void r.peer.send(wrongTag, r.phone.target('udp'));
    r.clock.advance(0);
    assert.equal(tx.state, 'completed');
    assert.equal(acks.length, 1);

    void r.peer.send(createAckForNon2xx(inv2543, response), r.phone.target('udp'));
    r.clock.advance(0);
    assert.equal(tx.state, 'confirmed');
    assert.equal(acks.length, 1);
    r.dispose();
  });

  it('RFC 2543 peer: a CANCEL finds its INVITE by the same fields', () => {
    const r = rig();
    const seen = serverTu(r);
    const inv2543 = torture('inv2543');
    void r.peer.send(inv2543, r.phone.target('udp'));
    r.clock.advance(0);
    const cancel: SipRequest = {
      ...inv2543,
      method: 'CANCEL',
      headers: inv2543.headers.clone().set('CSeq', '56 CANCEL'),
      body: new Uint8Array(0),
    };
    cancel.headers.remove('Content-Type');
    void r.peer.send(cancel, r.phone.target('udp'));
    r.clock.advance(0);
    const cancelTx = seen[1];
    assert.ok(cancelTx instanceof NonInviteServerTransaction);
    assert.equal(cancelTx.cancels, seen[0]);
    r.dispose();
  });
});

describe('transport errors (§8.1.3.1: "treated as a 503")', () => {
  it('a send that rejects ends the INVITE client transaction with a transport-error failure', async () => {
    const r = rig();
    const failures: ClientFailure[] = [];
    r.phone.failSends = true;
    const sent = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), { onFailure: (f) => failures.push(f) });
    await flushMicrotasks();
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.kind, 'transport-error');
    assert.equal(failures[0]?.treatAs, 503);
    assert.match(failures[0]?.kind === 'transport-error' ? failures[0].message : '', /send failed/);
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(r.layer.counts.client, 0);
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('a refused TCP connection ends a non-INVITE client transaction', async () => {
    const r = rig();
    const failures: ClientFailure[] = [];
    const sent = r.layer.sendRequest(request('REGISTER'), { protocol: 'tcp', host: '192.0.2.99', port: 5060 }, {
      onFailure: (f) => failures.push(f),
    });
    await flushMicrotasks();
    assert.equal(failures[0]?.kind, 'transport-error');
    assert.equal(sent.transaction.state, 'terminated');
    assert.equal(r.clock.pendingCount, 0);
    r.dispose();
  });

  it('a retransmission that fails ends the transaction too', async () => {
    const r = rig();
    const failures: ClientFailure[] = [];
    const sent = r.layer.sendRequest(request('OPTIONS'), r.peer.target('udp'), { onFailure: (f) => failures.push(f) });
    await r.clock.advanceAsync(0);
    assert.equal(failures.length, 0);
    r.phone.failSends = true;
    await r.clock.advanceAsync(500);
    assert.equal(failures[0]?.kind, 'transport-error');
    assert.equal(sent.transaction.state, 'terminated');
    r.dispose();
  });
});

describe('the ACK for a 2xx (sendAck)', () => {
  it('gets a Via with a new branch, and is re-sent unchanged for a retransmitted 2xx', () => {
    const r = rig();
    const inv = r.layer.sendRequest(request('INVITE'), r.peer.target('udp'), {});
    const ack = request('ACK');
    const first = r.layer.sendAck(ack, r.peer.target('udp'));
    const again = r.layer.sendAck(first.ack, r.peer.target('udp'));
    r.clock.advance(0);
    const acks = r.fromPhone().filter(isRequestOf('ACK'));
    assert.equal(acks.length, 2);
    const branch = getTopVia(first.ack)?.branch;
    assert.match(branch ?? '', /^z9hG4bK/);
    assert.notEqual(branch, inv.branch, '"its own transaction": not the INVITE’s branch');
    assert.deepEqual(acks[1]?.bytes, acks[0]?.bytes);
    assert.equal(again.ack.headers.getAll('Via').length, 1);
    r.dispose();
  });
});

function peerSendsInvite(r: Rig, branch: string): void {
  void r.peer.send(peerRequest('INVITE', { branch }), r.phone.target('udp'));
}
