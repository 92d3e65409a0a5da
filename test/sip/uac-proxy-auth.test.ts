// An outgoing call challenged by our own proxy (RFC 3261 §22.3): 407 →
// the INVITE again as a new transaction with Proxy-Authorization and CSeq + 1;
// the proxy checks the digest with the RFC 7616 formula written out in
// registration-fixtures.ts, never through firmware/sip/auth. And the
// digest-leak guard: a peer that is not our server gets no answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, formatUri, getCallId, getFrom } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { IncomingRequest, ServerTransaction } from '../../firmware/sip/transaction/index.js';
import { NOT_OUR_SERVER_REASON } from '../../firmware/sip/ua/authenticating-sender.js';
import { ANSWER, PROXY, branchOf, cseqOf, recordStates, uacRig } from './uac-harness.js';
import type { UacRig } from './uac-harness.js';
import { digestFields, expectedDigestResponse } from './registration-fixtures.js';

const REALM = 'example.com';
const NONCE = 'b3f1c2d4e5';

interface FakeProxy {
  readonly invites: SipRequest[];
  readonly acks: SipRequest[];
  /** The verdict of each credentials check, computed here. */
  readonly checks: { ok: boolean; why: string }[];
  dispose(): void;
}

/** Our proxy: challenges an INVITE without credentials, checks the answer, then plays the callee. */
function challengingProxy(rig: UacRig): FakeProxy {
  const end = rig.net.endpoint(PROXY.host, PROXY.port);
  const layer = new TransactionLayer(end, rig.clock);
  const invites: SipRequest[] = [];
  const acks: SipRequest[] = [];
  const checks: { ok: boolean; why: string }[] = [];
  layer.onAck((incoming: IncomingRequest) => acks.push(incoming.message));
  layer.onRequest((tx: ServerTransaction) => {
    const req = tx.request;
    if (req.method === 'BYE') {
      tx.respond(createResponse(req, 200));
      return;
    }
    invites.push(req);
    const credentials = req.headers.lines('Proxy-Authorization')[0];
    if (credentials === undefined) {
      tx.respond(
        createResponse(req, 407, undefined, {
          toTag: 'proxy407',
          headers: [['Proxy-Authenticate', `Digest realm="${REALM}", nonce="${NONCE}", algorithm=MD5, qop="auth"`]],
        }),
      );
      return;
    }
    const f = digestFields(credentials);
    const expected = expectedDigestResponse({
      algorithm: 'MD5',
      username: 'alice',
      realm: REALM,
      password: 'secret',
      method: 'INVITE',
      uri: formatUri(req.uri),
      nonce: NONCE,
      nc: f.get('nc') ?? '',
      cnonce: f.get('cnonce') ?? '',
    });
    let why = '';
    if (f.get('username') !== 'alice') why = 'username';
    else if (f.get('realm') !== REALM) why = 'realm';
    else if (f.get('nonce') !== NONCE) why = 'nonce';
    else if (f.get('uri') !== formatUri(req.uri)) why = 'uri';
    else if (f.get('response') !== expected) why = 'response';
    checks.push({ ok: why === '', why });
    if (why !== '') {
      tx.respond(createResponse(req, 403, undefined, { toTag: 'proxy403' }));
      return;
    }
    tx.respond(createResponse(req, 180, undefined, { toTag: 'callee' }));
    tx.respond(createResponse(req, 200, undefined, { toTag: 'callee', headers: [['Contact', '<sip:bob@192.0.2.1:5060>']], body: ANSWER }));
  });
  return {
    invites,
    acks,
    checks,
    dispose: () => {
      layer.dispose();
      void end.close();
    },
  };
}

describe('outgoing call: 407 from our proxy', () => {
  it('is answered with Proxy-Authorization in a new transaction, CSeq + 1, and the digest checks out', async () => {
    const rig = uacRig();
    const proxy = challengingProxy(rig);
    const call = rig.place({ server: () => ({ protocol: 'udp', ...PROXY }) });
    const states = recordStates(call);
    await rig.run(2000);

    assert.deepEqual(states, ['calling', 'early', 'confirmed']);
    assert.equal(proxy.invites.length, 2);
    const [first, second] = proxy.invites;
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(first.headers.has('Proxy-Authorization'), false);
    assert.deepEqual(proxy.checks, [{ ok: true, why: '' }], "the proxy's own digest check passed");
    assert.equal(cseqOf(second).seq, cseqOf(first).seq + 1, '§22.2: CSeq incremented');
    assert.notEqual(branchOf(second), branchOf(first), 'a new transaction (§8.1.3.5)');
    assert.equal(getCallId(second), getCallId(first), 'same Call-ID');
    assert.equal(getFrom(second)?.tag, getFrom(first)?.tag, 'same From tag');

    // The 407 is ACKed by the first INVITE's transaction; the 2xx by us, with the INVITE's credentials (§13.2.2.4).
    const acks = rig.requests(rig.phone, 'ACK').map((p) => p.message);
    assert.equal(acks.length, 2);
    const [ack407, ack200] = acks;
    assert.ok(ack407 !== undefined && ack200 !== undefined);
    assert.equal(branchOf(ack407), branchOf(first));
    assert.deepEqual(cseqOf(ack407), { seq: cseqOf(first).seq, method: 'ACK' });
    assert.deepEqual(cseqOf(ack200), { seq: cseqOf(second).seq, method: 'ACK' });
    assert.equal(formatUri(ack200.uri), 'sip:bob@192.0.2.1:5060');
    assert.deepEqual(ack200.headers.lines('Proxy-Authorization'), second.headers.lines('Proxy-Authorization'));
    assert.equal(proxy.acks.length, 1, 'the ACK for the 2xx reached the proxy as its own request');
    assert.equal(call.dialog?.localSeq, cseqOf(second).seq, 'the dialog counts on from the authenticated INVITE');

    call.hangup();
    await rig.run(1000);
    const bye = rig.requests(rig.phone, 'BYE')[0]?.message;
    assert.equal(bye === undefined ? undefined : cseqOf(bye).seq, cseqOf(second).seq + 1);
    proxy.dispose();
    rig.dispose();
  });

  it('is not answered when the INVITE went to a peer that is not our server (digest-leak guard)', async () => {
    const rig = uacRig();
    const proxy = challengingProxy(rig);
    const call = rig.place({ server: () => ({ protocol: 'udp', ...PROXY }), nextHopIsOurServer: false });
    await rig.run(2000);
    assert.equal(call.state, 'failed');
    assert.equal(call.failure?.status, 407);
    assert.equal(call.failure?.reason, NOT_OUR_SERVER_REASON);
    assert.equal(proxy.invites.length, 1, 'no second INVITE, no digest');
    proxy.dispose();
    rig.dispose();
  });
});
