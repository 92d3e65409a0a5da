// Each account's RFC 4028 session timer (account.N.session_timer.*) and
// RFC 3262 reliable provisionals (account.N.100rel_enable), for the calls of
// that account only, from the configuration in force when a call starts.
//
// The choice as small functions; the UserAgentCore asking for it as an INVITE
// arrives (over the fake network); and the phone's own SIP stack — SipStack
// and the phone adapter, configured through a ConfigRuntime as main.ts does —
// on loopback UDP against a peer built of the same UA code, which answers
// REGISTER, takes the phone's calls and places calls to it. The stack runs on
// a VirtualClock (so a refresh due in 300 s is a step away); the sockets are real.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { ConfigRuntime } from '../../firmware/config/config-runtime.js';
import { checkSetting, type SettingEntry } from '../../firmware/config/setting-entry.js';
import type { IncomingCallView, OutgoingProgress, SipLeg } from '../../firmware/phone/phone-sip.js';
import { accountOfRequest, callSettingsOf } from '../../firmware/sip/account-call-settings.js';
import { NonceCounter } from '../../firmware/sip/auth/nonce-counter.js';
import { getCSeq, getCallId, getContacts, getTokens, parseMessage, sipUri } from '../../firmware/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { phoneSip, type RunningPhoneSip } from '../../firmware/sip/phone-adapter.js';
import { SipStack } from '../../firmware/sip/sip-stack.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import { SocketSipTransport } from '../../firmware/sip/transport/index.js';
import { AuthenticatingSender } from '../../firmware/sip/ua/authenticating-sender.js';
import type { IncomingCall } from '../../firmware/sip/ua/incoming-call.js';
import type { OutgoingCall } from '../../firmware/sip/ua/outgoing-call.js';
import { DEFAULT_ALLOW } from '../../firmware/sip/ua/capabilities.js';
import { getRSeq } from '../../firmware/sip/ua/prack-policy.js';
import { getSessionExpires } from '../../firmware/sip/ua/session-timer-policy.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import type { CallSettings } from '../../firmware/sip/ua/user-agent-core.js';
import { account } from './registration-fixtures.js';
import { PHONE, SDP_ANSWER, callerInvite, sendInvite, uasRig } from './uas-harness.js';
import type { UasRig } from './uas-harness.js';

function tokens(message: SipMessage, header: 'Supported' | 'Require'): string[] {
  return getTokens(message, header).map((t) => t.toLowerCase());
}

describe('callSettingsOf / accountOfRequest: what an account makes of a call', () => {
  it('session timer on: Session-Expires and refresher asked for; off: none asked for; 100rel as set', () => {
    assert.deepEqual(
      callSettingsOf(account({ sessionTimer: { enabled: true, expiresS: 600, refresher: 'uac' }, reliableProvisionals: true })),
      { reliableProvisionals: true, sessionTimer: { enabled: true, expires: 600, refresher: 'uac' }, contactUser: 'alice' },
    );
    assert.deepEqual(callSettingsOf(account({ userName: 'bob', sessionTimer: { enabled: false, expiresS: 1800, refresher: 'uas' } })), {
      reliableProvisionals: false,
      sessionTimer: { enabled: false, expires: 1800 },
      contactUser: 'bob',
    });
  });

  it('an INVITE is for the account named by its Request-URI user, else the first; none with no account', () => {
    const accounts = [account({ index: 1, userName: 'alice' }), account({ index: 2, userName: 'bob' })];
    const invite = (user: string): SipRequest => ({ ...callerInvite(), uri: sipUri({ user, host: PHONE.host }) });
    assert.equal(accountOfRequest(invite('bob'), accounts)?.index, 2);
    assert.equal(accountOfRequest(invite('alice'), accounts)?.index, 1);
    assert.equal(accountOfRequest(invite('nobody'), accounts)?.index, 1, 'as the phone adapter shows it: on account 1');
    assert.equal(accountOfRequest(invite('bob'), []), undefined);
  });
});

/** The UAS harness with its core rebuilt with `defaults` and an incomingCallSettings that answers by Request-URI user. */
function accountsRig(defaults: CallSettings, byUser: (user: string | undefined) => CallSettings | undefined): UasRig & { asked: string[] } {
  const rig = uasRig({ noCallHandler: true });
  rig.core.dispose();
  const asked: string[] = [];
  const core = new UserAgentCore({
    layer: rig.phoneLayer,
    clock: rig.clock,
    contact: () => sipUri({ user: 'phone', host: PHONE.host, port: PHONE.port }),
    ...defaults,
    incomingCallSettings: (invite) => {
      const user = invite.uri.kind === 'sip' ? invite.uri.user : undefined;
      asked.push(user ?? '');
      return byUser(user);
    },
  });
  core.onIncomingCall((c) => {
    rig.calls.push(c);
    c.ring();
  });
  return {
    ...rig,
    core,
    asked,
    dispose: () => {
      core.dispose();
      rig.dispose();
    },
  };
}

function inviteTo(user: string, headers: [string, string][] = []): SipRequest {
  return { ...callerInvite({ headers }), uri: sipUri({ user, host: PHONE.host }) };
}

describe('UserAgentCore: incomingCallSettings, the account of an INVITE, asked as it arrives', () => {
  it('RFC 3262: Supported: 100rel gets a reliable 180 (RSeq) only when the account of the INVITE wants it; the core’s default for no account', () => {
    const rig = accountsRig({ reliableProvisionals: true }, (user) => (user === 'desk' ? { reliableProvisionals: false } : user === 'lab' ? { reliableProvisionals: true } : undefined));
    const desk = sendInvite(rig, inviteTo('desk', [['Supported', '100rel']]));
    const lab = sendInvite(rig, inviteTo('lab', [['Supported', '100rel']]));
    const other = sendInvite(rig, inviteTo('other', [['Supported', '100rel']]));
    const required = sendInvite(rig, inviteTo('desk', [['Require', '100rel']]));
    rig.clock.advance(0);
    const rseq = (call: typeof desk): number | undefined => {
      const ringing = call.provisionals.find((r) => r.status === 180);
      assert.ok(ringing !== undefined);
      return getRSeq(ringing);
    };
    assert.equal(rseq(desk), undefined, 'desk: 100rel off');
    assert.notEqual(rseq(lab), undefined, 'lab: 100rel on');
    assert.notEqual(rseq(other), undefined, 'no account: the core’s default (on here)');
    assert.notEqual(rseq(required), undefined, '§3: a Require: 100rel is honoured whatever the account says');
    assert.deepEqual(rig.asked, ['desk', 'lab', 'other', 'desk'], 'asked once per INVITE');
    rig.dispose();
  });

  it('RFC 4028 §9: the 2xx asks for the account’s timer, decided as the INVITE arrived — not what the settings say at accept()', () => {
    let lab: CallSettings = { sessionTimer: { enabled: true, expires: 600, refresher: 'uas' } };
    const rig = accountsRig({}, (user) => (user === 'lab' ? lab : undefined));
    const first = sendInvite(rig, inviteTo('lab'), { autoAck: true });
    const none = sendInvite(rig, inviteTo('other'), { autoAck: true });
    rig.clock.advance(0);
    // The account changes while both calls ring: they keep what they started with.
    lab = { sessionTimer: { enabled: false } };
    const answer = { contentType: 'application/sdp', bytes: SDP_ANSWER };
    for (const c of rig.calls) c.accept(answer);
    rig.clock.advance(0);
    const second = sendInvite(rig, inviteTo('lab'), { autoAck: true });
    rig.clock.advance(0);
    rig.calls[2]?.accept(answer);
    rig.clock.advance(0);
    const ok = (call: typeof first): SipResponse => {
      const r = call.finals.find((f) => f.status === 200);
      assert.ok(r !== undefined);
      return r;
    };
    assert.deepEqual(getSessionExpires(ok(first)), { seconds: 600, refresher: 'uas' });
    assert.equal(rig.calls[0]?.sessionTimer?.state, 'refresher', 'we refresh (refresher=uas)');
    assert.equal(getSessionExpires(ok(none)), undefined, 'no account: the core’s default (off)');
    assert.equal(getSessionExpires(ok(second)), undefined, 'the next call follows the change');
    rig.dispose();
  });
});

// ——— the phone's SIP stack ———

const PHONE_SDP = 'v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n';
const PEER_SDP = { contentType: 'application/sdp', bytes: new TextEncoder().encode('v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n') };

/** What the phone put on the wire and took off it (its stack's tap), parsed. */
interface WireMessage {
  readonly direction: 'in' | 'out';
  readonly message: SipMessage;
}

/** The peer: a registrar for every account, and a user agent that answers the phone's calls and calls it. */
interface Peer {
  readonly port: number;
  readonly core: UserAgentCore;
  /** The phone's INVITEs, as received. */
  readonly invites: SipRequest[];
  /** Calls the phone: an INVITE to `user` at the phone, with more header lines. */
  call(user: string, headers?: [string, string][]): OutgoingCall;
  close(): Promise<void>;
}

async function startPeer(clock: VirtualClock, phonePort: () => number): Promise<Peer> {
  const transport = await SocketSipTransport.open({ udp: { host: '127.0.0.1', port: 0 }, tcp: false, tls: false, advertisedHost: '127.0.0.1', clock });
  const port = transport.ports.udp ?? 0;
  const layer = new TransactionLayer(transport, clock);
  const contact = sipUri({ user: 'carol', host: '127.0.0.1', port });
  // A registrar too: REGISTER is served (§8.2.1 would answer it 405 otherwise).
  const core = new UserAgentCore({ layer, clock, contact: () => contact, capabilities: { allow: [...DEFAULT_ALLOW, 'REGISTER'] } });
  core.onRequest('REGISTER', (uas) => {
    const binding = uas.request.headers.get('Contact') ?? '';
    const removing = uas.request.headers.get('Expires') === '0' || /;\s*expires=0\b/i.test(binding);
    uas.respond(200, removing ? {} : { headers: [['Contact', `${binding.replace(/;\s*expires=\d+/i, '')};expires=3600`]] });
  });
  const invites: SipRequest[] = [];
  core.onIncomingCall((c: IncomingCall) => {
    invites.push(c.request);
    c.ring();
    c.accept(PEER_SDP);
  });
  const sender = new AuthenticatingSender({ layer, credentials: { accountId: 'peer', username: 'carol', password: 'secret' }, nonces: new NonceCounter(() => '0a4f113b') });
  return {
    port,
    core,
    invites,
    call: (user, headers = []) =>
      core.placeCall({
        from: { uri: sipUri({ user: 'carol', host: '127.0.0.1' }) },
        target: sipUri({ user, host: '127.0.0.1', port: phonePort() }),
        offer: PEER_SDP,
        sender,
        server: () => ({ protocol: 'udp', host: '127.0.0.1', port: phonePort() }),
        nextHopIsOurServer: false,
        headers,
      }),
    close: async () => {
      core.dispose();
      layer.dispose();
      await transport.close();
    },
  };
}

interface Bench {
  readonly clock: VirtualClock;
  readonly config: ConfigRuntime;
  readonly stack: SipStack;
  readonly sip: RunningPhoneSip;
  readonly peer: Peer;
  readonly wire: WireMessage[];
  readonly incoming: IncomingCallView[];
  /** Lets real I/O and due timers run until `ok` holds (real time, bounded). */
  until(what: string, ok: () => boolean): Promise<void>;
  /** The phone places a call from account `accountIndex` to the peer; resolves with its leg once answered. */
  dial(accountIndex: number): Promise<{ callId: string; leg: SipLeg }>;
  /** A change made on the phone or in the web UI: the local layer, applied live. */
  set(...pairs: [string, string][]): Promise<void>;
  /** Messages of one call (Call-ID) the phone sent. */
  sent(callId: string): SipMessage[];
  close(): Promise<void>;
}

const ACCOUNTS = (peerPort: number): string[] =>
  [1, 2].flatMap((n) => [
    `account.${n}.enable = 1`,
    `account.${n}.user_name = ${n === 1 ? 'alice' : 'bob'}`,
    `account.${n}.password = secret`,
    `account.${n}.sip_server.1.address = 127.0.0.1`,
    `account.${n}.sip_server.1.port = ${peerPort}`,
    // No keep-alives: the peer answers none, and the clock jumps minutes ahead.
    `account.${n}.nat.udp_update_enable = 0`,
  ]);

async function startBench(settings: readonly string[]): Promise<Bench> {
  const clock = new VirtualClock();
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-account-calls-'));
  const holder: { stack?: SipStack } = {};
  const peer = await startPeer(clock, () => holder.stack?.transport.localEndpoint('udp').port ?? 0);
  const file = join(dir, 'phone.cfg');
  await writeFile(file, ['#!version:1.0.0.1', 'sip.listen_port = 0', ...ACCOUNTS(peer.port), ...settings, ''].join('\n'));
  const config = await ConfigRuntime.open(file, dir);
  const wire: WireMessage[] = [];
  const stack = await SipStack.start({
    config: config.current().view,
    clock,
    userAgent: 'deskphone/test',
    listenHost: '127.0.0.1',
    logger: { warn: () => undefined },
    tap: () => (direction, _local, _remote, _protocol, bytes) => {
      const parsed = parseMessage(bytes, { transport: 'udp' });
      if (parsed.ok) wire.push({ direction, message: parsed.message });
    },
  });
  holder.stack = stack;
  // As main.ts wires it: every change of the configuration goes to the running stack.
  const offConfig = config.onChange((next) => stack.applyConfig(next.view));
  const sip = phoneSip(stack, clock);
  const incoming: IncomingCallView[] = [];
  const offIncoming = sip.onIncomingCall((view) => incoming.push(view));
  const until = async (what: string, ok: () => boolean): Promise<void> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      await clock.advanceAsync(0);
      if (ok()) return;
      if (Date.now() > deadline) assert.fail(`${what}: not within 5 s\n${JSON.stringify(stack.registrations.snapshot())}\n${wire.map((w) => `${w.direction} ${w.message.kind === 'request' ? w.message.method : w.message.status}`).join('\n')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const bench: Bench = {
    clock,
    config,
    stack,
    sip,
    peer,
    wire,
    incoming,
    until,
    dial: async (accountIndex) => {
      const view = sip.placeCall({ accountIndex, target: `sip:carol@127.0.0.1:${peer.port}`, offerSdp: PHONE_SDP });
      let outcome: OutgoingProgress | undefined;
      view.onProgress((p) => {
        if (p.kind === 'answered' || p.kind === 'failed') outcome = p;
      });
      await until(`the call from account ${accountIndex} is answered`, () => outcome !== undefined);
      if (outcome?.kind !== 'answered') assert.fail(`the call from account ${accountIndex}: ${JSON.stringify(outcome)}`);
      return { callId: view.callId, leg: outcome.leg };
    },
    set: async (...pairs) => {
      const entries: SettingEntry[] = pairs.map(([key, raw]) => {
        const checked = checkSetting(key, raw);
        if (!checked.ok) assert.fail(checked.message);
        return checked.entry;
      });
      await config.applyLocal(entries);
    },
    sent: (callId) => wire.filter((w) => w.direction === 'out' && getCallId(w.message) === callId).map((w) => w.message),
    close: async () => {
      offIncoming();
      offConfig();
      await sip.stop();
      await stack.stop();
      await peer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await until('both accounts registered', () => stack.registrations.snapshot().accounts.filter((a) => a.registered).length === 2);
  return bench;
}

function requestsOf(messages: readonly SipMessage[], method: string): SipRequest[] {
  return messages.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
}

/** Responses to the INVITE (not to a PRACK or UPDATE of the same call) with `status`. */
function responsesOf(messages: readonly SipMessage[], status: number): SipResponse[] {
  return messages.filter((m): m is SipResponse => m.kind === 'response' && m.status === status && getCSeq(m)?.method === 'INVITE');
}

/** The user part of a message's (first) Contact. */
function contactUserOf(message: SipMessage): string | undefined {
  const contacts = getContacts(message);
  const uri = contacts === '*' ? undefined : contacts[0]?.uri;
  return uri?.kind === 'sip' ? uri.user : undefined;
}

function only<T>(list: readonly T[], what: string): T {
  assert.equal(list.length, 1, `one ${what}, got ${list.length}`);
  return firstOf(list, what);
}

function firstOf<T>(list: readonly T[], what: string): T {
  const [head] = list;
  if (head === undefined) assert.fail(`no ${what}`);
  return head;
}

/** Account 1 (alice) asks for nothing; account 2 (bob) asks for a 600 s timer that the caller refreshes, and sends 1xx reliably. */
const TWO_ACCOUNTS = [
  'account.1.session_timer.enable = 0',
  'account.1.100rel_enable = 0',
  'account.2.session_timer.enable = 1',
  'account.2.session_timer.expires = 600',
  'account.2.session_timer.refresher = 0',
  'account.2.100rel_enable = 1',
];

describe('the phone’s SIP stack: each call gets its own account’s session timer and 100rel', () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench(TWO_ACCOUNTS);
  });
  after(async () => {
    // Unset when before() failed.
    if ((bench as Bench | undefined) !== undefined) await bench.close();
  });

  it('outgoing: account 1’s INVITE asks for no timer, account 2’s for Session-Expires: 600;refresher=uac (RFC 4028 §7.1)', async () => {
    const one = await bench.dial(1);
    const two = await bench.dial(2);
    const inviteOne = only(requestsOf(bench.sent(one.callId), 'INVITE'), 'INVITE from account 1');
    const inviteTwo = only(requestsOf(bench.sent(two.callId), 'INVITE'), 'INVITE from account 2');
    assert.match(inviteOne.headers.get('From') ?? '', /sip:alice@/);
    assert.match(inviteTwo.headers.get('From') ?? '', /sip:bob@/);
    assert.equal(getSessionExpires(inviteOne), undefined, 'account 1: no Session-Expires');
    assert.equal(inviteOne.headers.get('Min-SE'), undefined);
    assert.deepEqual(getSessionExpires(inviteTwo), { seconds: 600, refresher: 'uac' });
    assert.equal(inviteTwo.headers.get('Min-SE'), '90');
    for (const invite of [inviteOne, inviteTwo]) {
      // §7.1: "It MUST do so even if the UAC is not requesting usage of the session timer"; RFC 3262 §4: the UAC supports 100rel.
      assert.ok(tokens(invite, 'Supported').includes('timer'));
      assert.ok(tokens(invite, 'Supported').includes('100rel'), 'the phone PRACKs reliable 1xx on every account');
      assert.ok(!tokens(invite, 'Require').includes('100rel'), 'and insists on them on none');
    }
    one.leg.hangup();
    two.leg.hangup();
    await bench.until('both calls ended', () => bench.peer.core.incomingCalls.length === 0);
  });

  it('incoming: Supported: 100rel gets a reliable 180 (Require: 100rel, RSeq) on account 2 only; Require: 100rel on both (RFC 3262 §3)', async () => {
    const callTo = async (user: string, headers: [string, string][] = []): Promise<{ ringing: SipResponse; view: IncomingCallView }> => {
      const before = bench.incoming.length;
      const call = bench.peer.call(user, headers);
      await bench.until(`the phone rings for ${user}`, () => bench.incoming.length > before && call.callId !== undefined && responsesOf(bench.sent(call.callId), 180).length > 0);
      const view = bench.incoming.at(-1);
      assert.ok(view !== undefined);
      return { ringing: firstOf(responsesOf(bench.sent(call.callId ?? ''), 180), '180'), view };
    };
    const alice = await callTo('alice');
    const bob = await callTo('bob');
    const aliceRequired = await callTo('alice', [['Require', '100rel']]);
    assert.deepEqual([alice.view.accountIndex, bob.view.accountIndex], [1, 2]);
    assert.equal(getRSeq(alice.ringing), undefined, 'account 1 (100rel off): an unreliable 180');
    assert.ok(!tokens(alice.ringing, 'Require').includes('100rel'));
    assert.notEqual(getRSeq(bob.ringing), undefined, 'account 2 (100rel on): RSeq');
    assert.ok(tokens(bob.ringing, 'Require').includes('100rel'));
    assert.notEqual(getRSeq(aliceRequired.ringing), undefined, 'a caller that requires 100rel is served on account 1 too');
    for (const { view } of [alice, bob, aliceRequired]) view.reject(486);
    await bench.until('the calls are over', () => bench.stack.core.incomingCalls.length === 0);
  });

  it('incoming: the 2xx of a call to account 2 asks for its 600 s timer; to account 1, none (RFC 4028 §9)', async () => {
    const answered = async (user: string): Promise<{ ok: SipResponse; leg: SipLeg }> => {
      const before = bench.incoming.length;
      const call = bench.peer.call(user);
      await bench.until(`the phone rings for ${user}`, () => bench.incoming.length > before);
      const leg = bench.incoming.at(-1)?.accept(PHONE_SDP);
      assert.ok(leg !== undefined);
      await bench.until(`the call to ${user} is up`, () => call.state === 'confirmed');
      return { ok: only(responsesOf(bench.sent(call.callId ?? ''), 200), `200 from ${user}`), leg };
    };
    const alice = await answered('alice');
    const bob = await answered('bob');
    assert.equal(getSessionExpires(alice.ok), undefined);
    // The caller (the peer) supports timers and named no refresher: ours, 'uac' — so Require: timer (§9).
    assert.deepEqual(getSessionExpires(bob.ok), { seconds: 600, refresher: 'uac' });
    assert.ok(tokens(bob.ok, 'Require').includes('timer'));
    alice.leg.hangup();
    bob.leg.hangup();
    await bench.until('both calls ended', () => bench.stack.core.incomingCalls.length === 0 && bench.peer.core.outgoingCalls.length === 0);
  });
});

describe('the phone’s SIP stack: the Contact of each call names its own account’s user', () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench(TWO_ACCOUNTS);
  });
  after(async () => {
    if ((bench as Bench | undefined) !== undefined) await bench.close();
  });

  it('outgoing: the INVITE from account 2 says Contact: <sip:bob@…>, from account 1 <sip:alice@…>; account 2’s UPDATE refresh keeps bob (§8.1.1.8, §12.1.2)', async () => {
    const one = await bench.dial(1);
    const two = await bench.dial(2);
    const inviteOne = only(requestsOf(bench.sent(one.callId), 'INVITE'), 'INVITE from account 1');
    const inviteTwo = only(requestsOf(bench.sent(two.callId), 'INVITE'), 'INVITE from account 2');
    assert.equal(contactUserOf(inviteOne), 'alice');
    assert.equal(contactUserOf(inviteTwo), 'bob', 'not account 1’s user');
    // The peer sees the same: what it puts in the Request-URI of its requests in these dialogs.
    assert.deepEqual(bench.peer.invites.slice(-2).map(contactUserOf), ['alice', 'bob']);
    // Account 2 refreshes its 600 s timer (refresher=uac: us) halfway, in the dialog: the local target is bob's.
    const since = bench.clock.now();
    await bench.clock.advanceAsync(300_000);
    await bench.until('account 2’s refresh is answered', () =>
      bench.wire.some((w) => w.direction === 'in' && w.message.kind === 'response' && getCallId(w.message) === two.callId && getCSeq(w.message)?.method === 'UPDATE'),
    );
    assert.ok(bench.clock.now() - since >= 300_000);
    const refresh = firstOf(requestsOf(bench.sent(two.callId), 'UPDATE'), 'UPDATE from account 2');
    assert.equal(contactUserOf(refresh), 'bob');
    one.leg.hangup();
    two.leg.hangup();
    await bench.until('both calls ended', () => bench.peer.core.incomingCalls.length === 0);
  });

  it('incoming: the 180 and 200 of a call to account 2 say Contact: <sip:bob@…>, to account 1 <sip:alice@…>; a call to no account’s user gets account 1’s', async () => {
    const answered = async (user: string): Promise<{ ringing: SipResponse; ok: SipResponse; leg: SipLeg }> => {
      const before = bench.incoming.length;
      const call = bench.peer.call(user);
      await bench.until(`the phone rings for ${user}`, () => bench.incoming.length > before && call.callId !== undefined && responsesOf(bench.sent(call.callId), 180).length > 0);
      const leg = bench.incoming.at(-1)?.accept(PHONE_SDP);
      assert.ok(leg !== undefined);
      await bench.until(`the call to ${user} is up`, () => call.state === 'confirmed');
      const sent = bench.sent(call.callId ?? '');
      return { ringing: firstOf(responsesOf(sent, 180), `180 for ${user}`), ok: only(responsesOf(sent, 200), `200 for ${user}`), leg };
    };
    const alice = await answered('alice');
    const bob = await answered('bob');
    const nobody = await answered('nobody');
    assert.deepEqual([contactUserOf(bob.ringing), contactUserOf(bob.ok)], ['bob', 'bob'], 'account 2’s call');
    assert.deepEqual([contactUserOf(alice.ringing), contactUserOf(alice.ok)], ['alice', 'alice'], 'account 1’s call');
    assert.deepEqual([contactUserOf(nobody.ringing), contactUserOf(nobody.ok)], ['alice', 'alice'], 'shown on account 1, and so its Contact');
    for (const { leg } of [alice, bob, nobody]) leg.hangup();
    await bench.until('the calls ended', () => bench.stack.core.incomingCalls.length === 0 && bench.peer.core.outgoingCalls.length === 0);
  });
});

describe('the phone’s SIP stack: a changed session timer applies to the next call, live', () => {
  it('account 1 turned off: the next INVITE asks for none, the call already up keeps refreshing at 300 s; turned on at 1200 s: the next asks for 1200', async () => {
    const bench = await startBench(['account.1.session_timer.enable = 1', 'account.1.session_timer.expires = 600', 'account.1.session_timer.refresher = 0']);
    try {
      const registers = requestsOf(bench.wire.filter((w) => w.direction === 'out').map((w) => w.message), 'REGISTER').length;
      const up = await bench.dial(1);
      const upSince = bench.clock.now();
      assert.deepEqual(getSessionExpires(only(requestsOf(bench.sent(up.callId), 'INVITE'), 'INVITE')), { seconds: 600, refresher: 'uac' });

      await bench.set(['account.1.session_timer.enable', '0']);
      assert.equal(bench.stack.config.accounts[0]?.sessionTimer.enabled, false, 'the change is in force');
      const next = await bench.dial(1);
      assert.equal(getSessionExpires(only(requestsOf(bench.sent(next.callId), 'INVITE'), 'INVITE')), undefined, 'the next call asks for no timer');

      // RFC 4028 §10: the call that was up refreshes halfway through its 600 s, with the interval it negotiated.
      await bench.clock.advanceAsync(upSince + 300_000 - bench.clock.now());
      await bench.until('the refresh is answered', () => bench.wire.some((w) => w.direction === 'in' && w.message.kind === 'response' && getCallId(w.message) === up.callId && getCSeq(w.message)?.method === 'UPDATE'));
      const refresh = requestsOf(bench.sent(up.callId), 'UPDATE')[0];
      assert.ok(refresh !== undefined, 'the call up before the change refreshes its timer');
      assert.deepEqual(getSessionExpires(refresh), { seconds: 600, refresher: 'uac' });
      assert.equal(requestsOf(bench.sent(next.callId), 'UPDATE').length + requestsOf(bench.sent(next.callId), 'INVITE').length, 1, 'the call without a timer sends no refresh');

      await bench.set(['account.1.session_timer.enable', '1'], ['account.1.session_timer.expires', '1200']);
      const third = await bench.dial(1);
      assert.deepEqual(getSessionExpires(only(requestsOf(bench.sent(third.callId), 'INVITE'), 'INVITE')), { seconds: 1200, refresher: 'uac' });
      assert.equal(
        requestsOf(bench.wire.filter((w) => w.direction === 'out').map((w) => w.message), 'REGISTER').length,
        registers,
        'no restart and no new registration: the calls simply follow the setting',
      );
      for (const { leg } of [up, next, third]) leg.hangup();
      await bench.until('the calls ended', () => bench.peer.core.incomingCalls.length === 0);
    } finally {
      await bench.close();
    }
  });

  it('100rel and the timer turned on while a call to account 1 rings: that call is answered as it started, the next one follows', async () => {
    const bench = await startBench([]);
    try {
      const ring = async (): Promise<{ call: OutgoingCall; view: IncomingCallView }> => {
        const before = bench.incoming.length;
        const call = bench.peer.call('alice');
        await bench.until('the phone rings', () => bench.incoming.length > before && call.callId !== undefined && responsesOf(bench.sent(call.callId), 180).length > 0);
        const view = bench.incoming.at(-1);
        assert.ok(view !== undefined);
        return { call, view };
      };
      const first = await ring();
      await bench.set(['account.1.100rel_enable', '1'], ['account.1.session_timer.enable', '1'], ['account.1.session_timer.expires', '900']);
      const firstLeg = first.view.accept(PHONE_SDP);
      await bench.until('the first call is up', () => first.call.state === 'confirmed');
      const second = await ring();
      const secondLeg = second.view.accept(PHONE_SDP);
      await bench.until('the second call is up', () => second.call.state === 'confirmed');

      const firstSent = bench.sent(first.call.callId ?? '');
      const secondSent = bench.sent(second.call.callId ?? '');
      assert.equal(getRSeq(firstOf(responsesOf(firstSent, 180), '180')), undefined, 'the first call rang unreliably');
      assert.equal(getSessionExpires(only(responsesOf(firstSent, 200), '200')), undefined, 'and is answered without the timer it did not start with');
      assert.notEqual(getRSeq(firstOf(responsesOf(secondSent, 180), '180')), undefined, 'the next call rings reliably (RSeq)');
      assert.deepEqual(getSessionExpires(only(responsesOf(secondSent, 200), '200')), { seconds: 900, refresher: 'uac' }, 'and its 2xx asks for 900 s');
      firstLeg.hangup();
      secondLeg.hangup();
      await bench.until('the calls ended', () => bench.stack.core.incomingCalls.length === 0 && bench.peer.core.outgoingCalls.length === 0);
    } finally {
      await bench.close();
    }
  });
});
