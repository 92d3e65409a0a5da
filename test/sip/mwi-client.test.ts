// The message-summary subscription of one account (RFC 3842, RFC 6665) on
// the fake network: the phone's MessageSummaryClient and core against a small
// notifier written here (the PBX), which answers SUBSCRIBE, challenges when
// asked to, and sends NOTIFYs in the subscription dialog or unsolicited.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { NonceCounter } from '../../firmware/sip/auth/nonce-counter.js';
import { Dialog } from '../../firmware/sip/dialog/index.js';
import { NameAddr, createRequest, createResponse, createTag, getCallId, getContacts, getExpires, getFrom, getTo, sipUri } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import { MessageSummaryClient, serveUnsolicitedMessageSummary } from '../../firmware/sip/mwi/message-summary-client.js';
import type { MessageSummaryEvent, MessageSummaryClientState } from '../../firmware/sip/mwi/message-summary-client.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { ServerTransaction } from '../../firmware/sip/transaction/index.js';
import { AuthenticatingSender } from '../../firmware/sip/ua/authenticating-sender.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import type { FakeTransport } from '../helpers/fake-transport.js';

const enc = new TextEncoder();
const AOR = sipUri({ user: 'alice', host: 'example.com' });
const PHONE = { host: '192.0.2.10', port: 5060 };
const PBX = { host: '192.0.2.1', port: 5060 };
const SUMMARY = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\n';

/** What the notifier answers a SUBSCRIBE with: a status and header lines, or nothing (let it time out). */
type Answer = { status: number; headers?: [string, string][] } | 'silence';

/** The PBX: answers SUBSCRIBE as told (200 with Expires by default), keeps the dialog, sends NOTIFYs. */
class Notifier {
  readonly layer: TransactionLayer;
  readonly subscribes: SipRequest[] = [];
  readonly notifyStatuses: number[] = [];
  /** Answers for the next SUBSCRIBEs, in order; then 200. */
  readonly answers: Answer[] = [];
  /** Challenge the first SUBSCRIBE without credentials (401). */
  challenge = false;
  /** Send a NOTIFY with the summary right after each 2xx (RFC 6665 §4.2.1.1: an immediate NOTIFY). */
  notifyOnSubscribe = true;
  dialog: Dialog | undefined;
  readonly #transport: FakeTransport;

  constructor(transport: FakeTransport, clock: VirtualClock) {
    this.#transport = transport;
    this.layer = new TransactionLayer(transport, clock);
    this.layer.onRequest((tx, incoming) => this.#receive(tx, incoming.message));
  }

  #receive(tx: ServerTransaction, request: SipRequest): void {
    if (request.method !== 'SUBSCRIBE') {
      tx.respond(createResponse(request, 200));
      return;
    }
    this.subscribes.push(request);
    if (this.challenge && !request.headers.has('Authorization')) {
      this.challenge = false;
      tx.respond(
        createResponse(request, 401, undefined, {
          toTag: createTag(),
          headers: [['WWW-Authenticate', 'Digest realm="example.com", nonce="5f0f1a", algorithm=MD5, qop="auth"']],
        }),
      );
      return;
    }
    const answer = this.answers.shift() ?? { status: 200 };
    if (answer === 'silence') return;
    const inDialog = getTo(request)?.tag !== undefined;
    const expires = getExpires(request) ?? 3600;
    const headers: [string, string][] = answer.headers ?? (answer.status < 300 ? [['Expires', String(Math.min(expires, 600))]] : []);
    const response = createResponse(request, answer.status, undefined, {
      toTag: inDialog ? undefined : createTag(),
      headers: [['Contact', `<sip:pbx@${PBX.host}:${PBX.port}>`], ...headers],
    });
    tx.respond(response);
    if (answer.status >= 300) return;
    if (!inDialog) this.dialog = Dialog.asUas(request, response, { transport: 'udp' });
    if (this.notifyOnSubscribe) this.notify(expires === 0 ? 'terminated;reason=timeout' : 'active;expires=600', expires === 0 ? undefined : SUMMARY);
  }

  /** A NOTIFY in the subscription dialog. */
  notify(state: string, body: string | undefined = SUMMARY): void {
    const dialog = this.dialog;
    if (dialog === undefined) throw new Error('no subscription dialog');
    const notify = dialog.createRequest('NOTIFY', {
      headers: [['Event', 'message-summary'], ['Subscription-State', state]],
      body: body === undefined ? undefined : { contentType: 'application/simple-message-summary', bytes: enc.encode(body) },
    });
    this.layer.sendRequest(notify, { protocol: 'udp', ...PHONE }, { onFinal: (r) => this.notifyStatuses.push(r.status) });
  }

  /** A NOTIFY outside any dialog (Asterisk's unsolicited MWI), to `user` at the phone. */
  unsolicited(user: string, body: string, event = 'message-summary'): void {
    const notify = createRequest({
      method: 'NOTIFY',
      uri: sipUri({ user, host: PHONE.host, port: PHONE.port }),
      from: new NameAddr({ uri: sipUri({ user: 'asterisk', host: 'example.com' }) }).withTag(createTag()),
      to: new NameAddr({ uri: sipUri({ user, host: 'example.com' }) }),
      callId: `mwi-${createTag()}`,
      cseq: 1,
      headers: [['Event', event], ['Subscription-State', 'active']],
      body: { contentType: 'application/simple-message-summary', bytes: enc.encode(body) },
    });
    this.layer.sendRequest(notify, { protocol: 'udp', ...PHONE }, { onFinal: (r) => this.notifyStatuses.push(r.status) });
  }

  dispose(): void {
    this.layer.dispose();
    void this.#transport.close();
  }
}

interface Rig {
  readonly clock: VirtualClock;
  readonly net: FakeNetwork;
  readonly core: UserAgentCore;
  readonly pbx: Notifier;
  readonly client: MessageSummaryClient;
  readonly summaries: MessageSummaryEvent[];
  readonly states: MessageSummaryClientState[];
  run(ms: number): Promise<void>;
  dispose(): void;
}

function rig(options: { expires?: number; contactUser?: string } = {}): Rig {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock, delayMs: 0 });
  const phone = net.endpoint(PHONE.host, PHONE.port);
  const layer = new TransactionLayer(phone, clock);
  // As the phone's stack: the user asked for, else its first account's.
  const core = new UserAgentCore({ layer, clock, contact: (_protocol, user) => sipUri({ user: user ?? 'alice', host: PHONE.host, port: PHONE.port }) });
  const pbx = new Notifier(net.endpoint(PBX.host, PBX.port), clock);
  const sender = new AuthenticatingSender({
    layer,
    credentials: { accountId: '1', username: 'alice', password: 'secret' },
    nonces: new NonceCounter(() => '0a4f113b'),
  });
  const client = new MessageSummaryClient({
    core,
    clock,
    sender,
    server: () => ({ protocol: 'udp', ...PBX }),
    aor: AOR,
    expires: options.expires,
    ...(options.contactUser === undefined ? {} : { contactUser: options.contactUser }),
    random: () => 0,
  });
  const summaries: MessageSummaryEvent[] = [];
  client.onSummary((s) => summaries.push(s));
  const states: MessageSummaryClientState[] = [client.state];
  client.onStateChange(({ to }) => states.push(to));
  return {
    clock,
    net,
    core,
    pbx,
    client,
    summaries,
    states,
    run: (ms) => clock.advanceAsync(ms),
    dispose: () => {
      client.dispose();
      core.dispose();
      layer.dispose();
      pbx.dispose();
      void phone.close();
    },
  };
}

function callIds(requests: readonly SipRequest[]): (string | undefined)[] {
  return requests.map((r) => getCallId(r));
}

describe('MWI: subscribing (RFC 3842 §4, RFC 6665 §4.1.2)', () => {
  it('SUBSCRIBE to the AOR with Event, Accept and Expires; the 2xx makes it active; the first NOTIFY is reported', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    const [sub] = r.pbx.subscribes;
    assert.ok(sub !== undefined);
    assert.equal(sub.uri.kind === 'sip' && `${sub.uri.user}@${sub.uri.host}`, 'alice@example.com', 'Request-URI: the AOR');
    assert.equal(getFrom(sub)?.uri.kind === 'sip' && getFrom(sub)?.tag !== undefined, true);
    assert.equal(sub.headers.get('Event'), 'message-summary');
    assert.equal(sub.headers.get('Accept'), 'application/simple-message-summary');
    assert.equal(sub.headers.get('Expires'), '3600');
    assert.ok(sub.headers.has('Contact'));
    assert.equal(r.client.state, 'active');
    assert.deepEqual(r.pbx.notifyStatuses, [200]);
    const [first] = r.summaries;
    assert.ok(first !== undefined);
    assert.deepEqual([first.waiting, first.newCount, first.oldCount, first.newUrgent, first.oldUrgent, first.source], [true, 2, 8, 0, 2, 'subscription']);
    assert.equal(r.client.summary?.account, 'sip:alice@vmail.example.com');
    r.dispose();
  });

  it('answers the server’s 401 with the account’s credentials (the registration’s sender)', async () => {
    const r = rig();
    r.pbx.challenge = true;
    r.client.start();
    await r.run(100);
    assert.equal(r.pbx.subscribes.length, 2);
    assert.ok(r.pbx.subscribes[1]?.headers.get('Authorization')?.startsWith('Digest '));
    assert.equal(r.client.state, 'active');
    r.dispose();
  });

  it('refreshes in the dialog before the granted 600 s run out (same Call-ID and tags, higher CSeq)', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    await r.run(300_000);
    const [first, refresh] = r.pbx.subscribes;
    assert.ok(first !== undefined && refresh !== undefined, 'a refresh by 300 s (50 % of 600 s with random 0)');
    assert.equal(getCallId(refresh), getCallId(first));
    assert.equal(getFrom(refresh)?.tag, getFrom(first)?.tag);
    assert.ok(getTo(refresh)?.tag !== undefined, 'inside the dialog');
    assert.ok(Number(refresh.headers.get('CSeq')?.split(' ')[0]) > Number(first.headers.get('CSeq')?.split(' ')[0]));
    assert.equal(r.client.state, 'active');
    assert.equal(r.summaries.length, 2, 'the refresh brought a NOTIFY too');
    r.dispose();
  });

  it('the SUBSCRIBE’s Contact names the account’s user (contactUser), and so does the refresh in its dialog (§12.1.2 local target)', async () => {
    const contactUserOf = (request: SipRequest | undefined): string | undefined => {
      const contacts = request === undefined ? [] : getContacts(request);
      const uri = contacts === '*' ? undefined : contacts[0]?.uri;
      return uri?.kind === 'sip' ? uri.user : undefined;
    };
    const bob = rig({ contactUser: 'bob' });
    bob.client.start();
    await bob.run(100);
    await bob.run(300_000);
    assert.deepEqual(bob.pbx.subscribes.map(contactUserOf), ['bob', 'bob'], 'the initial SUBSCRIBE and its refresh');
    bob.dispose();
    const none = rig();
    none.client.start();
    await none.run(100);
    assert.equal(contactUserOf(none.pbx.subscribes[0]), 'alice', 'no contactUser: the core’s own choice');
    none.dispose();
  });

  it('a 423 is retried with the Min-Expires asked for', async () => {
    const r = rig({ expires: 60 });
    r.pbx.answers.push({ status: 423, headers: [['Min-Expires', '900']] });
    r.client.start();
    await r.run(100);
    assert.deepEqual(r.pbx.subscribes.map((s) => s.headers.get('Expires')), ['60', '900']);
    assert.equal(r.client.state, 'active');
    r.dispose();
  });
});

describe('MWI: NOTIFY and the end of a subscription (RFC 6665 §4.1.3)', () => {
  it('each NOTIFY is answered 200 and reported; Messages-Waiting: no turns the lamp off', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    r.pbx.notify('active;expires=500', 'Messages-Waiting: no\r\n');
    await r.run(100);
    assert.deepEqual(r.pbx.notifyStatuses, [200, 200]);
    assert.deepEqual(r.summaries.map((s) => s.waiting), [true, false]);
    r.dispose();
  });

  it('terminated;reason=deactivated → a new subscription at once (new Call-ID)', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    r.pbx.notify('terminated;reason=deactivated', undefined);
    await r.run(100);
    assert.equal(r.pbx.subscribes.length, 2);
    const [a, b] = callIds(r.pbx.subscribes);
    assert.notEqual(a, b);
    const second = r.pbx.subscribes[1];
    assert.ok(second !== undefined && getTo(second)?.tag === undefined, 'outside any dialog');
    assert.equal(r.client.state, 'active');
    r.dispose();
  });

  it('terminated;reason=rejected → no more subscribing', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    r.pbx.notify('terminated;reason=rejected', undefined);
    await r.run(4_000_000);
    assert.equal(r.pbx.subscribes.length, 1);
    assert.equal(r.client.state, 'failed');
    r.dispose();
  });

  it('a refresh answered 481 → a new subscription at once', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    r.pbx.answers.push({ status: 481 });
    await r.run(300_000);
    const ids = callIds(r.pbx.subscribes);
    assert.equal(ids.length, 3, 'the first, the refresh (481), a new one');
    assert.equal(ids[1], ids[0]);
    assert.notEqual(ids[2], ids[0]);
    assert.deepEqual(r.states.slice(-3), ['refreshing', 'subscribing', 'active']);
    r.dispose();
  });

  it('no answer (Timer F) → back off and subscribe again; 489 → give up', async () => {
    const r = rig();
    r.pbx.answers.push('silence');
    r.client.start();
    await r.run(32_100);
    assert.equal(r.client.state, 'retry-wait');
    await r.run(60_000);
    assert.equal(r.client.state, 'active', 'subscribed after the back-off (30-60 s)');
    r.dispose();

    const r2 = rig();
    r2.pbx.answers.push({ status: 489 });
    r2.client.start();
    await r2.run(4_000_000);
    assert.equal(r2.pbx.subscribes.length, 1);
    assert.equal(r2.client.state, 'failed');
    r2.dispose();
  });

  it('a NOTIFY that overtakes the 2xx is taken, not refused 481 (RFC 6665 §4.1.2.4)', async () => {
    const r = rig();
    // The first 2xx to the SUBSCRIBE is lost: the NOTIFY sent right after it arrives first.
    let lost = false;
    r.net.filter = (p) => {
      if (lost || p.message.kind !== 'response' || p.message.status !== 200 || !(p.message.headers.get('CSeq') ?? '').endsWith('SUBSCRIBE')) return 'deliver';
      lost = true;
      return 'drop';
    };
    r.client.start();
    await r.run(100);
    assert.deepEqual(r.pbx.notifyStatuses, [200], 'the early NOTIFY got 200');
    assert.equal(r.summaries.length, 1);
    assert.equal(r.client.state, 'subscribing');
    // The SUBSCRIBE's retransmission (Timer E) gets the 2xx again from the notifier's transaction.
    await r.run(1_000);
    assert.equal(r.client.state, 'active');
    r.dispose();
  });

  it('stop(): SUBSCRIBE Expires: 0 in the dialog; the final NOTIFY gets 200; stopped', async () => {
    const r = rig();
    r.client.start();
    await r.run(100);
    const stopped = r.client.stop();
    await r.run(100);
    await stopped;
    const last = r.pbx.subscribes.at(-1);
    assert.ok(last !== undefined);
    assert.equal(last.headers.get('Expires'), '0');
    assert.ok(getTo(last)?.tag !== undefined, 'inside the dialog');
    assert.deepEqual(r.pbx.notifyStatuses, [200, 200], 'the terminating NOTIFY was answered in the dialog');
    assert.equal(r.client.state, 'stopped');
    r.dispose();
  });
});

describe('MWI: unsolicited NOTIFY (no subscription, as many PBXs send)', () => {
  it('an out-of-dialog message-summary NOTIFY to the account is answered 200 and reported; other events still reach onRequest', async () => {
    const r = rig();
    serveUnsolicitedMessageSummary(r.core, () => [r.client]);
    const others: string[] = [];
    r.core.onRequest('NOTIFY', (uas) => {
      others.push(uas.request.headers.get('Event') ?? '');
      uas.respond(200);
    });
    r.pbx.unsolicited('alice', 'Messages-Waiting: yes\r\nVoice-Message: 5/1\r\n');
    r.pbx.unsolicited('alice', '', 'check-sync');
    await r.run(100);
    assert.deepEqual(r.pbx.notifyStatuses, [200, 200]);
    assert.deepEqual(r.summaries.map((s) => [s.source, s.newCount, s.oldCount]), [['unsolicited', 5, 1]]);
    assert.deepEqual(others, ['check-sync']);
    r.dispose();
  });

  it('with several accounts the NOTIFY goes to the one it names; with none, 481', async () => {
    const r = rig();
    const bob = new MessageSummaryClient({
      core: r.core,
      clock: r.clock,
      sender: { send: () => Promise.reject(new Error('not used')) },
      server: () => undefined,
      aor: sipUri({ user: 'bob', host: 'example.com' }),
    });
    const bobs: MessageSummaryEvent[] = [];
    bob.onSummary((s) => bobs.push(s));
    let clients: MessageSummaryClient[] = [r.client, bob];
    serveUnsolicitedMessageSummary(r.core, () => clients);
    r.pbx.unsolicited('bob', 'Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n');
    await r.run(100);
    assert.equal(bobs.length, 1);
    assert.equal(r.summaries.length, 0);
    clients = [];
    r.pbx.unsolicited('carol', 'Messages-Waiting: yes\r\n');
    await r.run(100);
    assert.deepEqual(r.pbx.notifyStatuses, [200, 481]);
    bob.dispose();
    r.dispose();
  });
});

