// The RFC 4475 torture messages a phone answers as their UAS
// (/work/shared/conformance/README.md, "answer N"), fed to the whole stack:
//
// - over the FakeNetwork: each file parsed, sent by a raw peer endpoint (so it
//   is serialized and parsed again on the way) into the phone's transaction
//   layer and UserAgentCore, and the response read back off the network;
// - over a real UDP socket: the file's own bytes as a datagram into a
//   SocketSipTransport with the same core on top, for the messages that
//   never parse (multi01, mcl01) or never validate (insuf) — those are
//   answered 400 by the transport, below the core, and the test checks that
//   400 really leaves the stack.
//
// The only edit to the corpus is, over UDP, the top Via's sent-by, rewritten
// to the test socket so the response comes back to it; the faults are
// elsewhere in each message and stay intact.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { getTo, getTokens, parseMessage, sipUri } from '../../firmware/sip/message/index.js';
import type { SipMessage, SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import { SocketSipTransport } from '../../firmware/sip/transport/sip-transport.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import { RawUdpPeer, recordingLogger } from './transport-fixtures.js';
import { uasRig } from './uas-harness.js';
import type { UasRig } from './uas-harness.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpus = path.join(repoRoot, '..', 'shared', 'conformance', 'rfc4475');

function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(corpus, `${name}.dat`)));
}

function parsed(name: string): SipMessage {
  const r = parseMessage(load(name), { transport: 'udp' });
  if (!r.ok) assert.fail(`${name} should parse: ${r.error.reason}`);
  return r.message;
}

/** Sends corpus file `name` from our server's address (so no source policy interferes); returns the phone's responses. */
function answersTo(rig: UasRig, name: string): SipResponse[] {
  void rig.server.send(parsed(name), rig.phone.target());
  rig.clock.advance(0);
  return rig.server.received.flatMap((m) => (m.message.kind === 'response' ? [m.message] : []));
}

function only(responses: SipResponse[]): SipResponse {
  assert.equal(responses.length, 1, `one response expected, got ${responses.map((r) => r.status).join(', ')}`);
  const r = responses[0];
  if (r === undefined) throw new Error('unreachable');
  return r;
}

function listOf(r: SipResponse, header: string): string[] {
  return getTokens(r, header);
}

describe('RFC 4475 messages answered by the UAS (over the fake network)', () => {
  it('insuf (§3.3.1): 400 naming the missing headers, from the core itself when no transport validated it', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'insuf'));
    assert.equal(r.status, 400);
    assert.equal(r.reason, 'Missing To, From, Call-ID headers');
    assert.equal(rig.calls.length, 0, 'no call is offered');
    rig.dispose();
  });

  for (const name of ['unkscm', 'novelsc']) {
    it(`${name} (§3.3.2/§3.3.3): 416 Unsupported URI Scheme`, () => {
      const rig = uasRig();
      const r = only(answersTo(rig, name));
      assert.equal(r.status, 416);
      assert.ok(getTo(r)?.tag !== undefined, 'a final response carries a To tag (§8.2.6.2)');
      rig.dispose();
    });
  }

  for (const name of ['unksm2', 'regaut01']) {
    it(`${name} (a REGISTER): 405 with Allow, the phone being no registrar`, () => {
      const rig = uasRig();
      const r = only(answersTo(rig, name));
      assert.equal(r.status, 405);
      const allow = listOf(r, 'Allow');
      assert.ok(allow.includes('INVITE') && allow.includes('OPTIONS'));
      assert.ok(!allow.includes('REGISTER'));
      rig.dispose();
    });
  }

  it('bext01 (§3.3.5): 420 with Unsupported listing both Require tokens (Proxy-Require ignored)', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'bext01'));
    assert.equal(r.status, 420);
    assert.deepEqual(listOf(r, 'Unsupported'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
    rig.dispose();
  });

  it('invut (§3.3.6): 415 with an Accept header naming application/sdp', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'invut'));
    assert.equal(r.status, 415);
    const accept = r.headers.get('Accept');
    assert.ok(accept?.includes('application/sdp'), `Accept: ${accept}`);
    assert.equal(rig.calls.length, 0);
    rig.dispose();
  });

  it('zeromf (§3.3.11): Max-Forwards 0 on an OPTIONS to us is answered 200 with Allow, Accept, Supported', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'zeromf'));
    assert.equal(r.status, 200);
    assert.ok(r.headers.has('Allow') && r.headers.has('Accept') && r.headers.has('Supported'));
    rig.dispose();
  });

  it('sdp01 (§3.3.15): an INVITE that accepts no SDP gets 406', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'sdp01'));
    assert.equal(r.status, 406);
    assert.equal(rig.calls.length, 0);
    rig.dispose();
  });

  it('inv2543 (§3.4): an RFC 2543 INVITE (no branch cookie, no From tag, no Max-Forwards) rings: 180 with a To tag', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'inv2543'));
    assert.equal(r.status, 180);
    assert.ok(getTo(r)?.tag !== undefined);
    assert.equal(rig.calls.length, 1);
    const call = rig.calls[0];
    assert.equal(call?.state, 'ringing');
    // §12.1.1: the remote tag of an RFC 2543 peer is null; the dialog still exists and is found.
    assert.equal(call?.dialog?.id.remoteTag, undefined);
    assert.equal(call?.dialog?.state, 'early');
    assert.equal(rig.core.dialogs.size, 1);
    // A retransmission of the INVITE is matched by RFC 2543 rules and gets the 180 again, no second call.
    void rig.server.send(parsed('inv2543'), rig.phone.target());
    rig.clock.advance(0);
    assert.deepEqual(rig.statusesFromPhone(rig.server), [180, 180]);
    assert.equal(rig.calls.length, 1);
    rig.dispose();
  });

  it('badbranch (§3.2): a branch that is only the magic cookie is served normally (200)', () => {
    const rig = uasRig();
    const r = only(answersTo(rig, 'badbranch'));
    assert.equal(r.status, 200);
    rig.dispose();
  });

  it('bcast (§3.3.10): a 200 for no transaction of ours is dropped; nothing is sent anywhere', () => {
    const rig = uasRig();
    answersTo(rig, 'bcast');
    assert.equal(rig.fromPhone().length, 0);
    assert.equal(rig.net.packets.filter((p) => p.to.host === '255.255.255.255').length, 0);
    rig.dispose();
  });
});

describe('valid RFC 4475 §3.1.1 requests get the answer the method calls for', () => {
  const cases: [string, number][] = [
    // wsinv has a To tag: a re-INVITE for a dialog the phone does not have (§12.2.2).
    ['wsinv', 481],
    ['esc01', 180],
    ['lwsdisp', 200],
    ['semiuri', 200],
    ['transports', 200],
    ['intmeth', 501],
    ['escnull', 405],
    ['mpart01', 405],
  ];
  for (const [name, status] of cases) {
    it(`${name} → ${status}`, () => {
      const rig = uasRig();
      assert.equal(only(answersTo(rig, name)).status, status);
      rig.dispose();
    });
  }
});

/** The file's bytes with the top Via's sent-protocol and sent-by pointing at 127.0.0.1:port over UDP. */
function viaToLocal(bytes: Uint8Array, port: number): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const rewritten = text.replace(/^(Via|v)[ \t]*:[ \t]*SIP\/2\.0\/[A-Za-z]+[ \t]+[^;\r\n]+/im, `Via: SIP/2.0/UDP 127.0.0.1:${port}`);
  assert.notEqual(rewritten, text, 'the Via was rewritten');
  return new Uint8Array(Buffer.from(rewritten, 'latin1'));
}

describe('RFC 4475 messages as datagrams into the real UDP transport and the core', () => {
  const clock = new VirtualClock();
  const logger = recordingLogger();
  let transport: SocketSipTransport;
  let layer: TransactionLayer;
  let core: UserAgentCore;
  let peer: RawUdpPeer;

  before(async () => {
    transport = await SocketSipTransport.open({ udp: { host: '127.0.0.1', port: 0 }, tcp: false, tls: false, logger, clock });
    layer = new TransactionLayer(transport, clock);
    core = new UserAgentCore({ layer, clock, contact: () => sipUri({ host: '127.0.0.1', port: transport.ports.udp }) });
    peer = await RawUdpPeer.open();
  });

  after(async () => {
    core.dispose();
    layer.dispose();
    await transport.close();
    await peer.close();
  });

  async function exchange(name: string): Promise<SipResponse> {
    const port = transport.ports.udp;
    if (port === undefined) throw new Error('no UDP port');
    await peer.send(viaToLocal(load(name), peer.port), port);
    const got = await peer.next();
    const r = parseMessage(new Uint8Array(Buffer.from(got.text, 'latin1')), { transport: 'udp' });
    if (!r.ok) assert.fail(`the answer to ${name} does not parse: ${r.error.reason}`);
    if (r.message.kind !== 'response') assert.fail('a request came back');
    return r.message;
  }

  it('multi01 (§3.3.8): several To, From, Call-ID, CSeq → 400', async () => {
    const r = await exchange('multi01');
    assert.equal(r.status, 400);
    assert.match(r.reason, /Multiple|multiple/);
  });

  it('mcl01 (§3.3.9): two Content-Length values → 400', async () => {
    const r = await exchange('mcl01');
    assert.equal(r.status, 400);
    assert.match(r.reason, /Content-Length/);
  });

  it('insuf (§3.3.1): → 400 "Missing To, From, Call-ID headers"', async () => {
    const r = await exchange('insuf');
    assert.equal(r.status, 400);
    assert.equal(r.reason, 'Missing To, From, Call-ID headers');
  });

  it('zeromf through the same path reaches the core: 200 with Allow', async () => {
    const r = await exchange('zeromf');
    assert.equal(r.status, 200);
    assert.ok(r.headers.has('Allow'));
  });

  it('bext01 through the same path: 420 listing both tokens', async () => {
    const r = await exchange('bext01');
    assert.equal(r.status, 420);
    assert.deepEqual(getTokens(r, 'Unsupported'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
  });
});
