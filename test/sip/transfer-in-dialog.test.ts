// In-dialog non-INVITE requests (RFC 3261 §12.2.1.1) through the account's
// AuthenticatingSender: built by the dialog (route set, CSeq + 1), a 401/407
// from our server answered with CSeq + 1 (§22.2) that the dialog then counts
// on from, and the failures §8.1.3.1 and §12.2.1.2 name.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatUri, getCSeq, getNameAddrList } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { formatDtmfRelay, sendInDialogRequest } from '../../firmware/sip/ua/transfer/index.js';
import type { InDialogOutcome, TransferContext } from '../../firmware/sip/ua/transfer/index.js';
import { connectedCall, contextOf } from './transfer-harness.js';
import type { ConnectedCall } from './transfer-harness.js';
import { PROXY, cseqOf } from './uac-harness.js';

const seq = (m: SipRequest): number => getCSeq(m)?.seq ?? -1;

/** An INFO from the phone in the call, and its outcome once the network has had its say. */
async function info(c: ConnectedCall, ctx: TransferContext = c.phoneCtx): Promise<InDialogOutcome> {
  const pending = sendInDialogRequest(ctx, c.phoneDialog, 'INFO');
  await c.rig.run(100);
  return pending;
}

describe('sendInDialogRequest', () => {
  it('sends in the dialog: Request-URI the remote target, Route the route set, CSeq one past the INVITE, the final response back', async () => {
    const c = await connectedCall({ proxy: true });
    const received: SipRequest[] = [];
    c.onPeer((request) => {
      if (request.method !== 'INFO') return false;
      received.push(request.request);
      request.respond(200);
      return true;
    });
    const pending = sendInDialogRequest(c.phoneCtx, c.phoneDialog, 'INFO', { body: formatDtmfRelay({ signal: '4', durationMs: 160 }) });
    await c.rig.run(100);
    const outcome = await pending;
    assert.equal(outcome.kind, 'response');
    assert.equal(outcome.kind === 'response' ? outcome.response.status : 0, 200);
    assert.equal(outcome.kind === 'response' ? outcome.endDialog : true, false);

    const [info] = c.rig.requests(c.rig.phone, 'INFO');
    const [invite] = c.rig.requests(c.rig.phone, 'INVITE');
    assert.ok(info !== undefined && invite !== undefined);
    assert.equal(info.to.host, PROXY.host, 'first to the Record-Routing proxy');
    assert.equal(formatUri(info.message.uri), 'sip:bob@192.0.2.30:5060', 'the remote target (the 200’s Contact)');
    assert.deepEqual(getNameAddrList(info.message, 'Route').map((r) => formatUri(r.uri)), ['sip:192.0.2.1:5060;lr']);
    assert.equal(cseqOf(info.message).seq, cseqOf(invite.message).seq + 1);
    assert.equal(received.length, 1, 'the peer got it through the proxy');
    assert.equal(info.message.headers.get('Content-Type'), 'application/dtmf-relay');
    c.rig.dispose();
  });

  it('answers a 407 from our server with Proxy-Authorization and CSeq + 1; the next request counts on from there', async () => {
    const c = await connectedCall();
    const infos: SipRequest[] = [];
    c.onPeer((request) => {
      infos.push(request.request);
      if (request.request.headers.get('Proxy-Authorization') === undefined) {
        request.respond(407, { headers: [['Proxy-Authenticate', 'Digest realm="example.com", nonce="n0nce", algorithm=MD5, qop="auth"']] });
      } else {
        request.respond(200);
      }
      return true;
    });
    const outcome = await info(c);
    assert.ok(outcome.kind === 'response');
    assert.equal(outcome.response.status, 200);
    assert.equal(outcome.attempts, 2);
    assert.equal(infos.length, 2);
    const [challenged, answered] = infos;
    assert.ok(challenged !== undefined && answered !== undefined);
    assert.equal(seq(answered), seq(challenged) + 1, '§22.2: CSeq incremented on the resend');
    assert.match(answered.headers.get('Proxy-Authorization') ?? '', /^Digest .*realm="example.com"/);
    assert.equal(seq(outcome.request), seq(answered));

    // The peer has seen seq(answered): a next request numbered the same would not be "strictly increasing" (§12.2.1.1).
    await info(c);
    const third = infos[2];
    assert.ok(third !== undefined);
    assert.equal(seq(third), seq(answered) + 1);
    c.rig.dispose();
  });

  it('does not answer a challenge from a next hop that is not our server (the digest-leak guard)', async () => {
    const c = await connectedCall();
    c.onPeer((request) => {
      request.respond(401, { headers: [['WWW-Authenticate', 'Digest realm="example.com", nonce="n0nce", algorithm=MD5']] });
      return true;
    });
    const outcome = await info(c, contextOf(c.rig.phone, false));
    assert.ok(outcome.kind === 'response');
    assert.equal(outcome.response.status, 401);
    assert.equal(outcome.attempts, 1);
    assert.ok(outcome.authFailure !== undefined);
    assert.equal(c.rig.requests(c.rig.phone, 'INFO').length, 1);
    c.rig.dispose();
  });

  it('a 481 says the dialog should end (§12.2.1.2)', async () => {
    const c = await connectedCall();
    c.onPeer((request) => {
      request.respond(481);
      return true;
    });
    const outcome = await info(c);
    assert.ok(outcome.kind === 'response');
    assert.equal(outcome.response.status, 481);
    assert.equal(outcome.endDialog, true);
    c.rig.dispose();
  });

  it('no response at all: Timer F, treated as 408, and the dialog should end', async () => {
    const c = await connectedCall();
    c.rig.net.filter = (p) => (p.message.kind === 'request' && p.message.method === 'INFO' ? 'drop' : 'deliver');
    const pending = sendInDialogRequest(c.phoneCtx, c.phoneDialog, 'INFO');
    await c.rig.run(31_000);
    let settled = false;
    void pending.then(() => (settled = true));
    await c.rig.run(0);
    assert.equal(settled, false, 'still retransmitting before 64*T1');
    await c.rig.run(2_000);
    const outcome = await pending;
    assert.deepEqual(
      outcome.kind === 'failure' ? [outcome.status, outcome.endDialog, outcome.reason] : outcome.kind,
      [408, true, 'no response (Timer F)'],
    );
    assert.ok(c.rig.requests(c.rig.phone, 'INFO').length > 1, 'retransmitted over UDP');
    c.rig.dispose();
  });

  it('no route to the next hop is a 503; a terminated dialog sends nothing', async () => {
    const c = await connectedCall();
    const noRoute: TransferContext = { ...c.phoneCtx, targetOf: () => Promise.resolve(undefined) };
    const outcome = await sendInDialogRequest(noRoute, c.phoneDialog, 'INFO');
    assert.deepEqual(outcome.kind === 'failure' ? [outcome.status, outcome.endDialog] : outcome.kind, [503, false]);

    c.phoneCall.hangup();
    await c.rig.run(100);
    const after = await sendInDialogRequest(c.phoneCtx, c.phoneDialog, 'INFO');
    assert.equal(after.kind, 'not-sent');
    assert.equal(c.rig.requests(c.rig.phone, 'INFO').length, 0);
    await assert.rejects(sendInDialogRequest(c.phoneCtx, c.phoneDialog, 'INVITE'), RangeError);
    c.rig.dispose();
  });
});
