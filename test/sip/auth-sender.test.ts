// The authenticating request sender (RFC 3261 §22.2, §22.3) over linked
// fake transports: a hand-scripted server TransactionLayer challenges, and
// each digest answer is checked against the RFC 7616 formula computed in
// the test (registration-fixtures.ts), not by the code under test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { NonceCounter } from '../../firmware/sip/auth/nonce-counter.js';
import {
  NameAddr,
  createRequest,
  createResponse,
  formatUri,
  getCSeq,
  getCallId,
  getFrom,
  getTopVia,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { ServerTransaction, SentRequest } from '../../firmware/sip/transaction/index.js';
import { AuthenticatingSender, NOT_OUR_SERVER_REASON } from '../../firmware/sip/ua/authenticating-sender.js';
import type { AuthenticatedOutcome } from '../../firmware/sip/ua/authenticating-sender.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import { digestFields, expectedDigestResponse } from './registration-fixtures.js';
import type { Algorithm } from './registration-fixtures.js';

const REALM = 'example.com';
const PASSWORD = 'secret';

type Responder = (tx: ServerTransaction) => void;

function setup(): {
  clock: VirtualClock;
  net: FakeNetwork;
  sender: AuthenticatingSender;
  script: Responder[];
  seen: SipRequest[];
  target: { protocol: 'udp'; host: string; port: number };
  fromPhone: () => SipRequest[];
  run: (request: SipRequest, nextHopIsOurServer?: boolean, attempts?: SentRequest[]) => Promise<AuthenticatedOutcome>;
  dispose: () => void;
} {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock });
  const phoneEnd = net.endpoint('192.0.2.10', 5060);
  const serverEnd = net.endpoint('192.0.2.20', 5060);
  const phone = new TransactionLayer(phoneEnd, clock);
  const server = new TransactionLayer(serverEnd, clock);
  const script: Responder[] = [];
  const seen: SipRequest[] = [];
  server.onRequest((tx) => {
    seen.push(tx.request);
    script.shift()?.(tx);
  });
  const sender = new AuthenticatingSender({
    layer: phone,
    credentials: { accountId: '1', username: 'alice', password: PASSWORD },
    nonces: new NonceCounter(() => 'c0ffee'),
  });
  const target = { protocol: 'udp' as const, host: '192.0.2.20', port: 5060 };
  return {
    clock,
    net,
    sender,
    script,
    seen,
    target,
    fromPhone: () =>
      net.packetsBetween(phoneEnd, serverEnd).flatMap((p) => (p.message.kind === 'request' ? [p.message] : [])),
    run: async (request, nextHopIsOurServer = true, attempts = []) => {
      const outcome = sender.send(request, target, { nextHopIsOurServer, onAttempt: (s) => attempts.push(s) });
      await clock.advanceAsync(40_000);
      return outcome;
    },
    dispose: () => {
      phone.dispose();
      server.dispose();
      void phoneEnd.close();
      void serverEnd.close();
    },
  };
}

function request(method: string, cseq = 1, host = 'example.com'): SipRequest {
  const alice = new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }) });
  return createRequest({
    method,
    uri: method === 'REGISTER' ? sipUri({ host }) : sipUri({ user: 'bob', host }),
    from: alice.withTag('alicetag'),
    to: method === 'REGISTER' ? alice : new NameAddr({ uri: sipUri({ user: 'bob', host }) }),
    callId: 'call-1@192.0.2.10',
    cseq,
    contact: [new NameAddr({ uri: sipUri({ user: 'alice', host: '192.0.2.10', port: 5060 }) })],
  });
}

function challenge(status: 401 | 407, nonce: string, algorithms: readonly string[] = ['MD5', 'SHA-256'], extra = ''): Responder {
  const header = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
  return (tx) =>
    tx.respond(
      createResponse(tx.request, status, undefined, {
        toTag: 'srv',
        headers: algorithms.map((a): [string, string] => [header, `Digest realm="${REALM}", nonce="${nonce}", algorithm=${a}, qop="auth"${extra}`]),
      }),
    );
}

const ok: Responder = (tx) => tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'srv' }));

/** Checks one credentials value the way a server would, with the formula written out in the fixtures. */
function verify(request: SipRequest, header: 'Authorization' | 'Proxy-Authorization'): Map<string, string> {
  const lines = request.headers.lines(header);
  assert.equal(lines.length, 1, `one ${header}`);
  const f = digestFields(lines[0] ?? '');
  assert.equal(f.get('username'), 'alice');
  assert.equal(f.get('realm'), REALM);
  assert.equal(f.get('uri'), formatUri(request.uri));
  assert.equal(f.get('qop'), 'auth');
  const algorithm = f.get('algorithm') as Algorithm;
  const expected = expectedDigestResponse({
    algorithm,
    username: 'alice',
    realm: REALM,
    password: PASSWORD,
    method: request.method,
    uri: formatUri(request.uri),
    nonce: f.get('nonce') ?? '',
    nc: f.get('nc') ?? '',
    cnonce: f.get('cnonce') ?? '',
  });
  assert.equal(f.get('response'), expected, 'digest response per RFC 7616 §3.4.1');
  return f;
}

describe('AuthenticatingSender: answering our server (RFC 3261 §22.2)', () => {
  it('answers a 401 offering MD5 and SHA-256 with SHA-256, as a new transaction with CSeq + 1', async () => {
    const t = setup();
    t.script.push(challenge(401, 'n1'), ok);
    const attempts: SentRequest[] = [];
    const outcome = await t.run(request('REGISTER', 5), true, attempts);
    assert.equal(outcome.kind, 'final');
    assert.equal(outcome.kind === 'final' ? outcome.response.status : 0, 200);
    assert.equal(outcome.attempts, 2);
    assert.equal(attempts.length, 2);

    const [first, second] = t.seen;
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(first.headers.has('Authorization'), false);
    assert.deepEqual([getCSeq(first)?.seq, getCSeq(second)?.seq], [5, 6]);
    assert.notEqual(getTopVia(first)?.branch, getTopVia(second)?.branch, 'a new transaction: a new branch');
    assert.equal(getCallId(second), getCallId(first));
    assert.equal(getFrom(second)?.tag, 'alicetag');
    const f = verify(second, 'Authorization');
    assert.equal(f.get('algorithm'), 'SHA-256', 'the strongest challenge was answered');
    assert.equal(f.get('nonce'), 'n1');
    assert.equal(f.get('nc'), '00000001');
    t.dispose();
  });

  it('answers a 407 to an INVITE with Proxy-Authorization; the 407 is ACKed by the transaction', async () => {
    const t = setup();
    t.script.push(challenge(407, 'p1', ['MD5']), (tx) =>
      tx.respond(
        createResponse(tx.request, 200, undefined, { toTag: 'bob', headers: [['Contact', '<sip:bob@192.0.2.20>']] }),
      ),
    );
    const outcome = await t.run(request('INVITE', 1));
    assert.equal(outcome.kind === 'final' ? outcome.response.status : 0, 200);
    assert.deepEqual(
      t.fromPhone().map((r) => `${r.method} ${getCSeq(r)?.seq}`),
      ['INVITE 1', 'ACK 1', 'INVITE 2'],
    );
    const resent = t.seen[1];
    assert.ok(resent !== undefined);
    assert.equal(resent.headers.has('Authorization'), false);
    assert.equal(verify(resent, 'Proxy-Authorization').get('algorithm'), 'MD5');
    t.dispose();
  });

  it('stale=true: answers again with the new nonce, and that is not a failure', async () => {
    const t = setup();
    t.script.push(challenge(401, 'n1'), challenge(401, 'n2', ['SHA-256'], ', stale=true'), ok);
    const outcome = await t.run(request('REGISTER'));
    assert.equal(outcome.kind === 'final' ? outcome.response.status : 0, 200);
    assert.equal(outcome.kind === 'final' ? outcome.authFailure : 'x', undefined);
    assert.equal(outcome.attempts, 3);
    const third = t.seen[2];
    assert.ok(third !== undefined);
    const f = verify(third, 'Authorization');
    assert.equal(f.get('nonce'), 'n2');
    assert.equal(f.get('nc'), '00000001', 'a new nonce counts from 1 again');
    assert.equal(getCSeq(third)?.seq, 3);
    t.dispose();
  });

  it('the same nonce again (not stale): the credentials are wrong; reported, not retried', async () => {
    const t = setup();
    t.script.push(challenge(401, 'n1'), challenge(401, 'n1'), ok);
    const outcome = await t.run(request('REGISTER'));
    assert.equal(outcome.kind, 'final');
    if (outcome.kind !== 'final') return;
    assert.equal(outcome.response.status, 401);
    assert.equal(outcome.authFailure?.credentialsRejected, true);
    assert.match(outcome.authFailure?.reason ?? '', /credentials rejected/);
    assert.equal(outcome.attempts, 2);
    await t.clock.advanceAsync(120_000);
    assert.equal(t.seen.length, 2, 'no third REGISTER');
    assert.deepEqual(t.sender.cachedRealms, [], 'rejected credentials are not pre-sent later');
    t.dispose();
  });

  it('a challenge it cannot answer comes back with the reason', async () => {
    const t = setup();
    t.script.push(challenge(401, 'n1', ['AKAv1-MD5']));
    const outcome = await t.run(request('REGISTER'));
    assert.equal(outcome.kind === 'final' ? outcome.response.status : 0, 401);
    assert.equal(outcome.kind === 'final' ? outcome.authFailure?.credentialsRejected : true, false);
    assert.match(outcome.kind === 'final' ? (outcome.authFailure?.reason ?? '') : '', /AKAv1-MD5/);
    assert.equal(t.seen.length, 1);
    t.dispose();
  });

  it('a timeout ends as a failure to treat as 408 (§8.1.3.1)', async () => {
    const t = setup();
    t.script.push(() => undefined);
    const outcome = await t.run(request('OPTIONS'));
    assert.equal(outcome.kind, 'failure');
    if (outcome.kind !== 'failure') return;
    assert.equal(outcome.failure.treatAs, 408);
    assert.equal(outcome.failure.kind === 'timeout' ? outcome.failure.timer : '', 'F');
    t.dispose();
  });
});

describe('AuthenticatingSender: pre-authorization and the digest leak', () => {
  it('sends the cached nonce up front on the next request to our server, nc incremented', async () => {
    const t = setup();
    t.script.push(challenge(401, 'n1'), ok, ok);
    await t.run(request('REGISTER', 1));
    const outcome = await t.run(request('REGISTER', 3));
    assert.equal(outcome.kind === 'final' ? outcome.response.status : 0, 200);
    assert.equal(outcome.attempts, 1, 'no challenge round trip');
    const refresh = t.seen[2];
    assert.ok(refresh !== undefined);
    const f = verify(refresh, 'Authorization');
    assert.deepEqual([f.get('nonce'), f.get('nc'), f.get('algorithm')], ['n1', '00000002', 'SHA-256']);
    t.dispose();
  });

  it('does not answer a 401 from a peer that is not our server, and sends it no cached credentials', async () => {
    const t = setup();
    // First a real challenge from our server, so there are credentials that could leak.
    t.script.push(challenge(401, 'n1'), ok);
    await t.run(request('REGISTER'));
    // The peer (the far end of a call, say) challenges a BYE with our own realm.
    t.script.push(challenge(401, 'evil', ['MD5']), ok);
    const outcome = await t.run(request('BYE', 2, '192.0.2.20'), false);
    assert.equal(outcome.kind, 'final');
    if (outcome.kind !== 'final') return;
    assert.equal(outcome.response.status, 401);
    assert.equal(outcome.authFailure?.reason, NOT_OUR_SERVER_REASON);
    assert.equal(outcome.authFailure?.reason, 'challenge from a peer that is not our server: not answered');
    const byes = t.seen.filter((r) => r.method === 'BYE');
    assert.equal(byes.length, 1, 'the BYE was not resent');
    assert.equal(byes[0]?.headers.has('Authorization'), false, 'no cached credentials went to the peer');
    t.dispose();
  });

  it('a 2xx retransmitted after the outcome reaches onLaterFinal (the dialog layer ACKs it)', async () => {
    const t = setup();
    const later: SipResponse[] = [];
    let server: ServerTransaction | undefined;
    let answer: SipResponse | undefined;
    t.script.push((tx) => {
      server = tx;
      answer = createResponse(tx.request, 200, undefined, { toTag: 'bob', headers: [['Contact', '<sip:bob@192.0.2.20>']] });
      tx.respond(answer);
    });
    const outcome = t.sender.send(request('INVITE'), t.target, {
      nextHopIsOurServer: true,
      onLaterFinal: (r) => later.push(r),
    });
    await t.clock.advanceAsync(1_000);
    assert.equal((await outcome).kind, 'final');
    assert.equal(later.length, 0);
    // The UAS core retransmits its 2xx until it sees an ACK (§13.3.1.4); nobody ACKs here.
    assert.ok(server !== undefined && answer !== undefined);
    server.respond(answer);
    await t.clock.advanceAsync(1_000);
    assert.equal(later.length, 1, 'the retransmitted 2xx is passed up');
    assert.ok(later.every((r) => r.status === 200));
    t.dispose();
  });
});
