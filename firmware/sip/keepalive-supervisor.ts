/**
 * NAT keep-alives for registered accounts (account.N.nat.udp_update_enable /
 * udp_update_time): one keep-alive per account on the flow its binding
 * lives on, started when the account registers, moved when the binding
 * moves, stopped when it goes; a dead flow makes the account register again
 * (RFC 5626 §4.4.1).
 */
import type { AccountConfig } from '../config/view.js';
import type { TransportTarget } from './transport/types.js';

export interface KeptAccount {
  readonly account: AccountConfig;
  readonly bindingTarget: TransportTarget | undefined;
  flowFailed(reason: string): void;
}

export interface RunningKeepalive {
  dispose(): void;
}

export type KeepaliveFactory = (
  target: TransportTarget,
  account: AccountConfig,
  onDead: (reason: string) => void,
) => RunningKeepalive;

function keyOf(target: TransportTarget): string {
  return `${target.protocol}:${target.host}:${target.port}`;
}

export class KeepaliveSupervisor {
  private readonly running = new Map<number, { readonly key: string; readonly keepalive: RunningKeepalive }>();

  constructor(private readonly create: KeepaliveFactory) {}

  /** Brings the keep-alives in line with the accounts' current bindings. */
  update(accounts: readonly KeptAccount[]): void {
    const seen = new Set<number>();
    for (const kept of accounts) {
      const { account, bindingTarget } = kept;
      const wanted = bindingTarget !== undefined && account.natKeepAlive.kind !== 'off' && account.natKeepAlive.intervalSeconds > 0;
      const current = this.running.get(account.index);
      if (!wanted) continue;
      seen.add(account.index);
      const key = keyOf(bindingTarget);
      if (current?.key === key) continue;
      current?.keepalive.dispose();
      const keepalive = this.create(bindingTarget, account, (reason) => {
        this.stop(account.index);
        kept.flowFailed(reason);
      });
      this.running.set(account.index, { key, keepalive });
    }
    for (const index of [...this.running.keys()]) if (!seen.has(index)) this.stop(index);
  }

  /** Accounts with a keep-alive running, for tests and the status page. */
  get active(): number[] {
    return [...this.running.keys()].sort((a, b) => a - b);
  }

  dispose(): void {
    for (const index of [...this.running.keys()]) this.stop(index);
  }

  private stop(index: number): void {
    this.running.get(index)?.keepalive.dispose();
    this.running.delete(index);
  }
}
