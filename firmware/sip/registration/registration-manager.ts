/**
 * The registrations of all accounts: one RegistrationClient per enabled
 * account (the configuration has six, account.1 … account.6; nothing here
 * limits the number), kept in step with the configuration, with one
 * snapshot for the console's `state` JSON and change events for the screen.
 *
 *   const registrations = new RegistrationManager({ layer, clock, localEndpoint, resolveTargets });
 *   registrations.onChange((snapshot) => lcd.status(registrations.serviceLabel()));
 *   registrations.configure(config.accounts);   // again on every config change
 *   registrations.start();
 *   …
 *   await registrations.stop();                // un-REGISTER every account, bounded
 *   registrations.dispose();
 */
import type { AccountConfig } from '../../config/view.js';
import { RegistrationClient } from './registration-client.js';
import type { RegistrationClientOptions, RegistrationStatus } from './registration-client.js';

export type RegistrationManagerOptions = Omit<RegistrationClientOptions, 'account'>;

/** What the console's `state` command prints under `accounts`. */
export interface RegistrationSnapshot {
  readonly accounts: readonly RegistrationStatus[];
}

/** What the idle screen shows when no account is registered. */
export const NO_SERVICE = 'No service';

export class RegistrationManager {
  readonly #options: RegistrationManagerOptions;
  /** By account index (N of account.N). */
  readonly #clients = new Map<number, { readonly client: RegistrationClient; readonly off: () => void }>();
  readonly #listeners = new Set<(snapshot: RegistrationSnapshot) => void>();
  #started = false;
  #disposed = false;

  constructor(options: RegistrationManagerOptions) {
    this.#options = options;
  }

  /**
   * The enabled accounts. New ones get a client (started if the manager
   * is); changed ones re-register (RegistrationClient.updateConfig); ones no
   * longer listed are unregistered and dropped.
   */
  configure(accounts: readonly AccountConfig[]): void {
    if (this.#disposed) return;
    const wanted = new Set(accounts.map((a) => a.index));
    for (const [index, entry] of this.#clients) {
      if (wanted.has(index)) continue;
      this.#clients.delete(index);
      entry.off();
      const client = entry.client;
      // A removed account's binding is removed too; nothing waits for it.
      void client.stop().then(
        () => client.dispose(),
        () => client.dispose(),
      );
    }
    for (const account of accounts) {
      const existing = this.#clients.get(account.index);
      if (existing !== undefined) {
        existing.client.updateConfig(account);
        continue;
      }
      const client = new RegistrationClient({ ...this.#options, account });
      const off = client.onChange(() => this.#emit());
      this.#clients.set(account.index, { client, off });
      if (this.#started) client.start();
    }
    this.#emit();
  }

  start(): void {
    if (this.#disposed) return;
    this.#started = true;
    for (const { client } of this.#sorted()) client.start();
  }

  /** Every account in account order. */
  snapshot(): RegistrationSnapshot {
    return { accounts: this.#sorted().map(({ client }) => client.status()) };
  }

  /** The client of account N, if configured (tests, diagnostics). */
  client(index: number): RegistrationClient | undefined {
    return this.#clients.get(index)?.client;
  }

  /** The label of the first registered account, or "No service". */
  serviceLabel(): string {
    const first = this.snapshot().accounts.find((a) => a.registered);
    return first === undefined ? NO_SERVICE : first.label;
  }

  /** Calls `listener` with the snapshot after any account changed; returns an unsubscribe. */
  onChange(listener: (snapshot: RegistrationSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Unregisters every account at once; each wait is bounded by the client's unregister timeout. */
  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all(this.#sorted().map(({ client }) => client.stop()));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const { client, off } of this.#clients.values()) {
      off();
      client.dispose();
    }
    this.#clients.clear();
    this.#listeners.clear();
  }

  #sorted(): { readonly client: RegistrationClient; readonly off: () => void }[] {
    return [...this.#clients.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  }

  #emit(): void {
    if (this.#listeners.size === 0) return;
    const snapshot = this.snapshot();
    for (const listener of [...this.#listeners]) listener(snapshot);
  }
}
