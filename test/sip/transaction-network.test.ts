// Two TransactionLayers talking over the linked fake transports: the
// transaction layer's whole purpose — reliability over an unreliable
// transport (§17: "retransmissions ... over unreliable transports") — shown
// with packets lost, duplicated and delayed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, flushMicrotasks } from '../../drivers/emulated/virtual-clock.js';
import type { SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { ClientFailure, ServerTransaction } from '../../firmware/sip/transaction/index.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import type { FakePacket } from '../helpers/fake-transport.js';
import { answer, request } from './transaction-fixtures.js';

function label(p: FakePacket): string {
  return p.message.kind === 'request' ? p.message.method : String(p.message.status);
}

function twoPhones(delayMs = 0): {
  clock: VirtualClock;
  net: FakeNetwork;
  alice: TransactionLayer;
  bob: TransactionLayer;
  bobTarget: { protocol: 'udp'; host: string; port: number };
  dispose: () => void;
} {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock, delayMs });
  const a = net.endpoint('192.0.2.10', 5060);
  const b = net.endpoint('192.0.2.20', 5060);
  const alice = new TransactionLayer(a, clock);
  const bob = new TransactionLayer(b, clock);
  return {
    clock,
    net,
    alice,
    bob,
    bobTarget: { protocol: 'udp', host: '192.0.2.20', port: 5060 },
    dispose: () => {
      alice.dispose();
      bob.dispose();
      void a.close();
      void b.close();
    },
  };
}

describe('two transaction layers over a lossy network', () => {
  it('lost INVITEs and a lost final are recovered by Timer A and Timer G; the TUs see each message once', () => {
    const p = twoPhones();
    const seenByBob: ServerTransaction[] = [];
    p.bob.onRequest((tx) => {
      seenByBob.push(tx);
      p.clock.setTimer(1000, () => tx.respond(answer(tx.request, 486, 'bob-tag')));
    });
    const dropped: string[] = [];
    let invitesLost = 0;
    let finalsLost = 0;
    p.net.filter = (packet) => {
      const what = label(packet);
      if ((what === 'INVITE' && invitesLost++ < 2) || (what === '486' && finalsLost++ < 1)) {
        dropped.push(`${what}@${packet.sentAt}`);
        return 'drop';
      }
      return 'deliver';
    };
    const finals: SipResponse[] = [];
    const sent = p.alice.sendRequest(request('INVITE'), p.bobTarget, { onFinal: (f) => finals.push(f) });
    p.clock.advance(5_000);

    assert.deepEqual(dropped, ['INVITE@0', 'INVITE@500', '486@2500']);
    // The third INVITE (t=1.5 s) arrives; Bob's 100 Trying at 1.7 s stops Timer A.
    assert.deepEqual(
      p.net.packets.map((x) => `${label(x)}@${x.sentAt}`),
      ['INVITE@0', 'INVITE@500', 'INVITE@1500', '100@1700', '486@2500', '486@3000', 'ACK@3000'],
    );
    assert.equal(seenByBob.length, 1);
    assert.deepEqual(
      finals.map((f) => f.status),
      [486],
    );
    assert.equal(seenByBob[0]?.state, 'confirmed');
    assert.equal(sent.transaction.state, 'completed');
    p.dispose();
    assert.equal(p.clock.pendingCount, 0);
  });

  it('every packet duplicated: the duplicates are absorbed on both sides', () => {
    const p = twoPhones();
    const seenByBob: ServerTransaction[] = [];
    p.bob.onRequest((tx) => {
      seenByBob.push(tx);
      tx.respond(answer(tx.request, 200, 'bob-tag'));
    });
    p.net.filter = () => 'duplicate';
    const finals: SipResponse[] = [];
    const sent = p.alice.sendRequest(request('OPTIONS'), p.bobTarget, { onFinal: (f) => finals.push(f) });
    p.clock.advance(0);
    assert.equal(seenByBob.length, 1);
    assert.equal(finals.length, 1);
    assert.equal(sent.transaction.state, 'completed');
    p.dispose();
  });

  it('with a one-way delay the response arrives one round trip later and the timers keep their schedule', () => {
    const p = twoPhones(40);
    const observed: string[] = [];
    p.net.observe((x) => observed.push(`${label(x)}@${x.sentAt}`));
    p.bob.onRequest((tx) => tx.respond(answer(tx.request, 200, 'bob-tag')));
    let finalAt: number | undefined;
    p.alice.sendRequest(request('OPTIONS'), p.bobTarget, { onFinal: () => (finalAt = p.clock.now()) });
    p.clock.advance(1000);
    assert.equal(finalAt, 80);
    assert.deepEqual(observed, ['OPTIONS@0', '200@40']);
    p.dispose();
  });

  it('delivers in microtasks when the network has no clock', async () => {
    const clock = new VirtualClock();
    const net = new FakeNetwork();
    const a = net.endpoint('192.0.2.10', 5060);
    const b = net.endpoint('192.0.2.20', 5060);
    const alice = new TransactionLayer(a, clock);
    const bob = new TransactionLayer(b, clock);
    bob.onRequest((tx) => tx.respond(answer(tx.request, 200, 'bob-tag')));
    const results: (SipResponse | ClientFailure)[] = [];
    alice.sendRequest(request('OPTIONS'), { protocol: 'tcp', host: '192.0.2.20', port: 5060 }, {
      onFinal: (f) => results.push(f),
      onFailure: (f) => results.push(f),
    });
    assert.equal(results.length, 0, 'nothing is delivered synchronously');
    await flushMicrotasks();
    assert.equal((results[0] as SipResponse | undefined)?.status, 200);
    assert.deepEqual(alice.counts, { client: 0, server: 0 }, 'over TCP Timer K is zero');
    alice.dispose();
    bob.dispose();
    await a.close();
    await b.close();
    assert.equal(clock.pendingCount, 0);
  });
});
