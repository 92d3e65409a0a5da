import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeepaliveSupervisor, type KeptAccount } from '../../firmware/sip/keepalive-supervisor.js';
import type { AccountConfig } from '../../firmware/config/view.js';
import { account as baseAccount } from './registration-fixtures.js';
import type { TransportTarget } from '../../firmware/sip/transport/types.js';

function account(index: number, kind: AccountConfig['natKeepAlive']['kind'], intervalSeconds = 30): AccountConfig {
  return baseAccount({ index, label: `a${index}`, displayName: '', userName: `u${index}`, authName: `u${index}`, password: 'x', servers: [], natKeepAlive: { kind, intervalSeconds } });
}

const udp1: TransportTarget = { protocol: 'udp', host: '127.0.0.1', port: 5060 };
const udp2: TransportTarget = { protocol: 'udp', host: '127.0.0.2', port: 5060 };

describe('NAT keep-alive supervisor', () => {
  it('runs one keep-alive per registered account on its binding’s flow, and none when off', () => {
    const started: string[] = [];
    const disposed: string[] = [];
    const sup = new KeepaliveSupervisor((target, acc) => {
      const name = `${acc.index}@${target.host}`;
      started.push(name);
      return { dispose: () => disposed.push(name) };
    });
    const kept = (acc: AccountConfig, target: TransportTarget | undefined): KeptAccount => ({ account: acc, bindingTarget: target, flowFailed: () => undefined });
    sup.update([kept(account(1, 'default'), udp1), kept(account(2, 'off'), udp1), kept(account(3, 'default'), undefined)]);
    assert.deepEqual(sup.active, [1]);
    sup.update([kept(account(1, 'default'), udp1)]);
    assert.deepEqual(started, ['1@127.0.0.1'], 'an unchanged binding keeps its keep-alive');
    sup.update([kept(account(1, 'default'), udp2)]);
    assert.deepEqual(started, ['1@127.0.0.1', '1@127.0.0.2'], 'a moved binding moves the keep-alive');
    assert.deepEqual(disposed, ['1@127.0.0.1']);
    sup.update([kept(account(1, 'default'), undefined)]);
    assert.deepEqual(sup.active, [], 'an unregistered account has none');
    assert.deepEqual(disposed, ['1@127.0.0.1', '1@127.0.0.2']);
  });

  it('tells the account its flow died, so it registers again', () => {
    let dead: ((reason: string) => void) | undefined;
    const sup = new KeepaliveSupervisor((_t, _a, onDead) => {
      dead = onDead;
      return { dispose: () => undefined };
    });
    const failures: string[] = [];
    sup.update([{ account: account(1, 'default'), bindingTarget: udp1, flowFailed: (r) => failures.push(r) }]);
    assert.ok(dead);
    dead('no pong within 10 s');
    assert.deepEqual(failures, ['no pong within 10 s']);
    assert.deepEqual(sup.active, []);
  });
});
