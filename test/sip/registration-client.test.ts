// Registration over the linked fake transports, on a virtual clock, against
// the fake registrar of registration-fixtures.ts (which checks every digest
// answer with the RFC 7616 formula computed in the test).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import type { AccountConfig } from '../../firmware/config/view.js';
import { getCSeq, getCallId } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import {
  RegistrationClient,
  RegistrationManager,
  backoffDelayMs,
  refreshDelayMs,
} from '../../firmware/sip/registration/index.js';
import type { RegistrationHop, RegistrationStatus } from '../../firmware/sip/registration/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { TransportTarget } from '../../firmware/sip/transport/types.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import type { FakeTransport } from '../helpers/fake-transport.js';
import { FakeRegistrar, account, digestFields, server } from './registration-fixtures.js';

const PRIMARY = '192.0.2.20';
const BACKUP = '192.0.2.30';

/** The "DNS" of these tests: names → addresses, in order (RFC 3263 is not under test here). */
const ZONE: Readonly<Record<string, readonly string[]>> = {
  'pbx.example.com': [PRIMARY],
  'backup.example.com': [BACKUP],
  // Two addresses, the first of which nobody answers on.
  'multi.example.com': ['192.0.2.99', PRIMARY],
};

interface Rig {
  readonly clock: VirtualClock;
  readonly net: FakeNetwork;
  readonly phone: FakeTransport;
  readonly layer: TransactionLayer;
  readonly resolved: RegistrationHop[];
  readonly options: {
    layer: TransactionLayer;
    clock: VirtualClock;
    localEndpoint: FakeTransport['localEndpoint'];
    resolveTargets: (hop: RegistrationHop) => Promise<readonly TransportTarget[]>;
    random: () => number;
    userAgent: string;
  };
  registrar(host: string, options?: Partial<ConstructorParameters<typeof FakeRegistrar>[0]>): FakeRegistrar;
  client(account: AccountConfig): RegistrationClient;
  /** REGISTERs the phone put on the network, with their send times and destinations. */
  registers(): { at: number; to: string; request: SipRequest }[];
  dispose(): void;
}

function rig(random = 0.5): Rig {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock });
  const phone = net.endpoint('192.0.2.10', 5060);
  const layer = new TransactionLayer(phone, clock);
  const registrars: FakeRegistrar[] = [];
  const clients: RegistrationClient[] = [];
  const resolved: RegistrationHop[] = [];
  const options = {
    layer,
    clock,
    localEndpoint: phone.localEndpoint.bind(phone),
    resolveTargets: (hop: RegistrationHop): Promise<readonly TransportTarget[]> => {
      resolved.push(hop);
      const addresses = ZONE[hop.address] ?? [hop.address];
      return Promise.resolve(addresses.map((host) => ({ protocol: 'udp' as const, host, port: hop.port === 0 ? 5060 : hop.port })));
    },
    random: () => random,
    userAgent: 'deskphone/test',
  };
  return {
    clock,
    net,
    phone,
    layer,
    resolved,
    options,
    registrar: (host, extra = {}) => {
      const r = new FakeRegistrar({ net, clock, host, users: { alice: 'secret' }, ...extra });
      registrars.push(r);
      return r;
    },
    client: (a) => {
      const c = new RegistrationClient({ ...options, account: a });
      clients.push(c);
      return c;
    },
    registers: () =>
      net.packets.flatMap((p) =>
        p.message.kind === 'request' && p.message.method === 'REGISTER' && p.from.host === '192.0.2.10'
          ? [{ at: p.sentAt, to: p.to.host, request: p.message }]
          : [],
      ),
    dispose: () => {
      for (const c of clients) c.dispose();
      layer.dispose();
      for (const r of registrars) r.dispose();
      void phone.close();
    },
  };
}

/** New REGISTER transactions only (Timer E retransmissions share their branch). */
function distinct(list: { at: number; to: string; request: SipRequest }[]): { at: number; to: string; request: SipRequest }[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = r.request.headers.get('Via') ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('RegistrationClient: registering (RFC 3261 §10.2) with digest authentication', () => {
  it('registers, answering the SHA-256 challenge of MD5 + SHA-256, and reads the granted expiry of its own Contact', async () => {
    const t = rig();
    const registrar = t.registrar(PRIMARY, { maxExpires: 600 });
    const client = t.client(account());
    const statuses: RegistrationStatus[] = [];
    client.onChange((s) => statuses.push(s));
    client.start();
    await t.clock.advanceAsync(1_000);

    assert.equal(client.state, 'registered');
    const status = client.status();
    assert.deepEqual(
      { ...status, lastFailure: null },
      {
        index: 1,
        label: 'Alice',
        uri: 'sip:alice@pbx.example.com',
        registered: true,
        state: 'registered',
        server: '192.0.2.20:5060;transport=udp',
        // The registrar granted 600 of the 3600 asked for; its 200 also lists another device's contact (expires=77).
        expiresInS: 599,
        lastFailure: null,
      },
    );
    assert.deepEqual(statuses.map((s) => s.state).filter((s, i, a) => a[i - 1] !== s), ['registering', 'registered']);

    // Two REGISTERs: the unauthenticated one, challenged, and the answer (CSeq + 1, §22.2).
    const sent = distinct(t.registers());
    assert.equal(sent.length, 2);
    assert.deepEqual(sent.map((r) => getCSeq(r.request)?.seq), [1, 2]);
    assert.equal(registrar.checks.length, 1);
    assert.deepEqual(
      registrar.checks.map((c) => [c.algorithm, c.ok, c.why]),
      [['SHA-256', true, '']],
    );
    const binding = registrar.bindings.get('sip:alice@pbx.example.com');
    assert.equal(binding?.contact, '<sip:alice@192.0.2.10:5060;transport=udp>');

    // §10.2 on the wire.
    const wire = sent[1]?.request;
    assert.ok(wire !== undefined);
    assert.equal(wire.uri.kind === 'sip' ? `${wire.uri.scheme}:${wire.uri.host}` : '', 'sip:pbx.example.com');
    assert.match(wire.headers.get('To') ?? '', /^(?:"?Alice"? )?<sip:alice@pbx\.example\.com>$/);
    assert.match(wire.headers.get('From') ?? '', /^(?:"?Alice"? )?<sip:alice@pbx\.example\.com>;tag=\w+$/);
    assert.equal(wire.headers.get('Contact'), '<sip:alice@192.0.2.10:5060;transport=udp>;expires=3600');
    assert.equal(wire.headers.get('Expires'), '3600');
    assert.equal(wire.headers.get('Max-Forwards'), '70');
    assert.equal(wire.headers.get('User-Agent'), 'deskphone/test');
    assert.ok(wire.headers.has('Allow') && wire.headers.has('Supported'));
    t.dispose();
  });

  it('refreshes at the policy time, before expiry, with the same Call-ID, a higher CSeq and the cached nonce', async () => {
    const t = rig(0.5);
    const registrar = t.registrar(PRIMARY, { maxExpires: 600 });
    const client = t.client(account());
    client.start();
    await t.clock.advanceAsync(1_000);
    const registeredAt = distinct(t.registers())[1]?.at ?? -1;
    const refreshAt = registeredAt + refreshDelayMs(600, 0.5);
    assert.equal(refreshDelayMs(600, 0.5), 420_000, '600 s granted: 50 % + 0.5 × (90 % − 50 %)');

    await t.clock.advanceAsync(refreshAt - t.clock.now() - 1);
    assert.equal(distinct(t.registers()).length, 2, 'nothing sent before the refresh time');
    await t.clock.advanceAsync(1_000);
    const sent = distinct(t.registers());
    assert.equal(sent.length, 3, 'one refresh, pre-authorized: no second challenge');
    assert.equal(sent[2]?.at, refreshAt);
    assert.ok(refreshAt < registeredAt + 600_000, 'before the binding expires');
    assert.deepEqual(new Set(sent.map((r) => getCallId(r.request))).size, 1, 'same Call-ID (§10.2.4)');
    assert.deepEqual(sent.map((r) => getCSeq(r.request)?.seq), [1, 2, 3]);
    assert.deepEqual(
      registrar.checks.map((c) => [c.nc, c.ok]),
      [
        ['00000001', true],
        ['00000002', true],
      ],
      'the refresh re-used the nonce with nc 2',
    );
    assert.equal(client.state, 'registered');
    assert.equal(client.status().expiresInS, 599);

    // And so on: the next refresh, again at the policy time.
    await t.clock.advanceAsync(refreshDelayMs(600, 0.5));
    assert.equal(distinct(t.registers()).length, 4);
    t.dispose();
  });

  it('a dead keep-alive flow registers again at once (RFC 5626 §4.4.1), not at the next refresh', async () => {
    const t = rig(0.5);
    t.registrar(PRIMARY, { maxExpires: 600 });
    const client = t.client(account());
    client.start();
    await t.clock.advanceAsync(1_000);
    assert.equal(client.state, 'registered');
    assert.deepEqual(client.bindingTarget, { protocol: 'udp', host: PRIMARY, port: 5060 });
    const before = distinct(t.registers()).length;
    const deadAt = t.clock.now();
    client.flowFailed('no pong within 10 s');
    await t.clock.advanceAsync(1_000);
    const sent = distinct(t.registers());
    assert.equal(sent.length, before + 1, 'one new REGISTER');
    assert.ok((sent.at(-1)?.at ?? Infinity) - deadAt < 100, 'sent straight away');
    assert.equal(client.state, 'registered');
    assert.match(client.status().lastFailure?.reason ?? '', /keep-alive: no pong/);
    t.dispose();
  });

  it('423 Interval Too Brief: asks again with the Min-Expires of the response (§10.2.8)', async () => {
    const t = rig();
    const registrar = t.registrar(PRIMARY, { minExpires: 1800 });
    const client = t.client(account({ servers: [server({ expiresSeconds: 300 })] }));
    client.start();
    await t.clock.advanceAsync(1_000);
    assert.equal(client.state, 'registered');
    const sent = distinct(t.registers());
    assert.deepEqual(
      sent.map((r) => [r.request.headers.get('Expires'), r.request.headers.get('Contact')?.replace(/^.*;expires=/, '')]),
      [
        ['300', '300'],
        ['300', '300'],
        ['1800', '1800'],
      ],
    );
    assert.equal(client.status().expiresInS, 1799);
    assert.equal(client.status().lastFailure?.status, 423);
    assert.equal(registrar.bindings.size, 1);
    t.dispose();
  });

  it('a wrong password: 401, then 401 with the same nonce → failed with the reason, and no retry loop', async () => {
    const t = rig();
    const registrar = t.registrar(PRIMARY);
    const client = t.client(account({ password: 'wrong' }));
    client.start();
    await t.clock.advanceAsync(1_000);
    assert.equal(client.state, 'failed');
    const failure = client.status().lastFailure;
    assert.equal(failure?.status, 401);
    assert.match(failure?.reason ?? '', /credentials rejected/);
    assert.equal(client.status().registered, false);
    assert.deepEqual(
      registrar.checks.map((c) => c.why),
      ['wrong response'],
    );

    await t.clock.advanceAsync(6 * 3600_000);
    assert.equal(distinct(t.registers()).length, 2, 'stopped until the configuration changes');

    // A configuration change registers again.
    client.updateConfig(account({ password: 'secret' }));
    await t.clock.advanceAsync(1_000);
    assert.equal(client.state, 'registered');
    t.dispose();
  });

  it('stale=true on a refresh: answered with the new nonce, not counted as a failure', async () => {
    const t = rig(0);
    const registrar = t.registrar(PRIMARY, { maxExpires: 600 });
    const client = t.client(account());
    client.start();
    await t.clock.advanceAsync(1_000);
    registrar.expireNonces();
    await t.clock.advanceAsync(refreshDelayMs(600, 0) + 1_000);
    assert.equal(client.state, 'registered');
    assert.equal(client.status().lastFailure, null);
    assert.deepEqual(
      registrar.checks.map((c) => [c.nc, c.why]),
      [
        ['00000001', ''],
        ['00000002', 'stale nonce'],
        ['00000001', ''],
      ],
    );
    assert.equal(distinct(t.registers()).length, 4);
    t.dispose();
  });
});

describe('RegistrationClient: no answer, back-off (RFC 5626 §4.5) and failover to server 2', () => {
  it('Timer F on each attempt; retry_counts on server 1, then server 2; back off after the cycle; primary first again', async () => {
    const t = rig(0.5);
    // Nothing listens on the primary's address; the backup registrar takes requests but does not answer yet.
    const backup = t.registrar(BACKUP);
    backup.answering = false;
    const client = t.client(
      account({
        servers: [server({ retryCounts: 1 }), server({ index: 2, address: 'backup.example.com', retryCounts: 0 })],
      }),
    );
    const states: string[] = [];
    client.onChange((s) => {
      if (states.at(-1) !== s.state) states.push(s.state);
    });
    client.start();

    const b1 = backoffDelayMs(1, 0.5);
    const b2 = backoffDelayMs(2, 0.5);
    assert.deepEqual([b1, b2], [45_000, 90_000], 'W = 60 s then 120 s; half-way between 50 % and 100 %');
    const F = 32_000;
    // Cycle 1: P, P (retry_counts 1), B; back off b1. Cycle 2: the same; back off b2. Cycle 3: B answers.
    const cycle2 = 3 * F + b1;
    const cycle3 = cycle2 + 3 * F + b2;

    await t.clock.advanceAsync(3 * F - 1);
    assert.equal(client.state, 'registering');
    await t.clock.advanceAsync(1);
    assert.equal(client.state, 'retry-wait');
    assert.equal(client.status().lastFailure?.status, 408);
    assert.match(client.status().lastFailure?.reason ?? '', /no response from 192\.0\.2\.30:5060;transport=udp \(Timer F\)/);

    await t.clock.advanceAsync(cycle3 - t.clock.now());
    backup.answering = true;
    await t.clock.advanceAsync(2 * F + 1_000);

    assert.equal(client.state, 'registered');
    assert.equal(client.status().server, '192.0.2.30:5060;transport=udp');
    assert.equal(client.status().uri, 'sip:alice@backup.example.com');
    assert.deepEqual(
      distinct(t.registers()).map((r) => `${r.to === PRIMARY ? 'P' : 'B'}@${r.at / 1000}`),
      [
        'P@0',
        'P@32',
        'B@64',
        `P@${cycle2 / 1000}`,
        `P@${(cycle2 + F) / 1000}`,
        `B@${(cycle2 + 2 * F) / 1000}`,
        `P@${cycle3 / 1000}`,
        `P@${(cycle3 + F) / 1000}`,
        `B@${(cycle3 + 2 * F) / 1000}`,
        `B@${(cycle3 + 2 * F) / 1000}`,
      ],
    );
    assert.deepEqual(states, ['registering', 'retry-wait', 'registering', 'retry-wait', 'registering', 'registered']);
    assert.ok(backup.bindings.has('sip:alice@backup.example.com'));
    t.dispose();
  });

  it('tries the next address of the same server first (RFC 3263 §4.3)', async () => {
    const t = rig();
    t.registrar(PRIMARY);
    const client = t.client(account({ servers: [server({ address: 'multi.example.com', retryCounts: 0 })] }));
    client.start();
    await t.clock.advanceAsync(32_000 + 1_000);
    assert.equal(client.state, 'registered');
    assert.deepEqual(
      distinct(t.registers()).map((r) => `${r.to}@${r.at}`),
      ['192.0.2.99@0', '192.0.2.20@32000', '192.0.2.20@32000'],
    );
    t.dispose();
  });

  it('registers through the outbound proxy when one is configured, still as the account at its server', async () => {
    const t = rig();
    const proxy = t.registrar(BACKUP);
    const client = t.client(account({ outboundProxy: { host: BACKUP, port: 5060 } }));
    client.start();
    await t.clock.advanceAsync(1_000);
    assert.equal(client.state, 'registered');
    assert.deepEqual(t.resolved.at(-1), { address: BACKUP, port: 5060, transport: 'udp' });
    assert.ok(proxy.bindings.has('sip:alice@pbx.example.com'), 'Request-URI and AOR name the server, the packets went to the proxy');
    t.dispose();
  });
});

describe('RegistrationClient: unregistering on shutdown', () => {
  it('sends Expires: 0 for our Contact; the registrar removes the binding', async () => {
    const t = rig();
    const registrar = t.registrar(PRIMARY);
    const client = t.client(account());
    client.start();
    await t.clock.advanceAsync(1_000);
    assert.equal(registrar.bindings.size, 1);

    const stopped = client.stop();
    assert.equal(client.state, 'unregistering');
    await t.clock.advanceAsync(1_000);
    await stopped;
    assert.equal(client.state, 'unregistered');
    assert.equal(registrar.bindings.size, 0, 'binding removed');
    const last = distinct(t.registers()).at(-1)?.request;
    assert.equal(last?.headers.get('Expires'), '0');
    assert.equal(last?.headers.get('Contact'), '<sip:alice@192.0.2.10:5060;transport=udp>;expires=0');
    assert.ok(last !== undefined);
    assert.equal(getCSeq(last)?.seq, 3);
    assert.ok(digestFields(last?.headers.get('Authorization') ?? '').has('response'), 'pre-authorized');
    assert.equal(client.status().registered, false);
    t.dispose();
  });

  it('does not wait longer than the bound for a registrar that does not answer', async () => {
    const t = rig();
    const registrar = t.registrar(PRIMARY);
    const client = t.client(account());
    client.start();
    await t.clock.advanceAsync(1_000);
    registrar.answering = false;
    let done = false;
    void client.stop().then(() => (done = true));
    await t.clock.advanceAsync(3_999);
    assert.equal(done, false);
    await t.clock.advanceAsync(1);
    assert.equal(done, true);
    assert.equal(client.state, 'unregistered');
    assert.match(client.status().lastFailure?.reason ?? '', /un-REGISTER/);
    t.dispose();
  });

  it('with no binding there is nothing to send', async () => {
    const t = rig();
    const client = t.client(account());
    await client.stop();
    assert.equal(client.state, 'unregistered');
    assert.equal(t.registers().length, 0);
    t.dispose();
  });
});

describe('RegistrationManager: every account, one snapshot', () => {
  it('six accounts register at once, each with its own Call-ID, and all appear in the snapshot', async () => {
    const t = rig();
    const users: Record<string, string> = {};
    const accounts: AccountConfig[] = [];
    for (let n = 1; n <= 6; n++) {
      users[`user${n}`] = `pw${n}`;
      accounts.push(account({ index: n, label: `Line ${n}`, userName: `user${n}`, authName: `user${n}`, password: `pw${n}` }));
    }
    const registrar = t.registrar(PRIMARY, { users });
    const manager = new RegistrationManager(t.options);
    const labels: string[] = [];
    manager.onChange(() => {
      if (labels.at(-1) !== manager.serviceLabel()) labels.push(manager.serviceLabel());
    });
    manager.configure(accounts);
    assert.equal(manager.serviceLabel(), 'No service');
    manager.start();
    await t.clock.advanceAsync(1_000);

    const snapshot = manager.snapshot();
    assert.equal(snapshot.accounts.length, 6);
    assert.deepEqual(
      snapshot.accounts.map((a) => [a.index, a.label, a.uri, a.registered, a.state, a.server, a.expiresInS, a.lastFailure]),
      [1, 2, 3, 4, 5, 6].map((n) => [
        n,
        `Line ${n}`,
        `sip:user${n}@pbx.example.com`,
        true,
        'registered',
        '192.0.2.20:5060;transport=udp',
        3599,
        null,
      ]),
    );
    assert.equal(registrar.bindings.size, 6);
    assert.equal(new Set([...registrar.bindings.values()].map((b) => b.callId)).size, 6);
    // The console prints it as one JSON line.
    const json: unknown = JSON.parse(JSON.stringify(snapshot));
    assert.deepEqual(json, snapshot);
    assert.equal(manager.serviceLabel(), 'Line 1');
    assert.deepEqual(labels, ['No service', 'Line 1']);

    await Promise.all([manager.stop(), t.clock.advanceAsync(1_000)]);
    assert.equal(registrar.bindings.size, 0);
    assert.equal(manager.serviceLabel(), 'No service');
    manager.dispose();
    t.dispose();
  });

  it('a configuration change re-registers the changed account only; a removed account is unregistered', async () => {
    const t = rig();
    const registrar = t.registrar(PRIMARY, { users: { alice: 'secret', bob: 'pw' } });
    const manager = new RegistrationManager(t.options);
    const bob = account({ index: 2, label: 'Bob', displayName: '', userName: 'bob', authName: 'bob', password: 'pw' });
    manager.configure([account(), bob]);
    manager.start();
    await t.clock.advanceAsync(1_000);
    const before = distinct(t.registers()).length;

    manager.configure([account({ label: 'Desk' }), { ...bob, servers: [server({ expiresSeconds: 1200 })] }]);
    await t.clock.advanceAsync(1_000);
    const after = distinct(t.registers()).slice(before);
    assert.deepEqual(
      after.map((r) => [r.request.headers.get('To'), r.request.headers.get('Expires')]),
      [['<sip:bob@pbx.example.com>', '1200']],
      'only bob registered again; the label change only shows',
    );
    assert.equal(manager.snapshot().accounts[0]?.label, 'Desk');

    manager.configure([account({ label: 'Desk' })]);
    await t.clock.advanceAsync(1_000);
    assert.deepEqual([...registrar.bindings.keys()], ['sip:alice@pbx.example.com']);
    assert.deepEqual(manager.snapshot().accounts.map((a) => a.index), [1]);
    manager.dispose();
    t.dispose();
  });
});
