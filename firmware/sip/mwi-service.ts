/**
 * Message waiting for every account (RFC 3842): a message-summary client per
 * account, subscribing when account.N.subscribe_mwi asks and in any case
 * taking the unsolicited NOTIFYs many PBXs send without a subscription.
 * Follows configuration changes through the registrations' change events.
 */
import type { AccountConfig } from '../config/view.js';
import type { MessageWaiting } from '../phone/phone-sip.js';
import { MessageSummaryClient, serveUnsolicitedMessageSummary } from './mwi/message-summary-client.js';
import { addressOfRecord, registrarUri } from './registration/register-request.js';
import { sipUri } from './message/index.js';
import type { SipStack } from './sip-stack.js';

interface AccountMwi {
  readonly key: string;
  readonly client: MessageSummaryClient;
  /** Stops following the account's registration. */
  readonly off: () => void;
}

/** What makes a new client necessary: who subscribes, where, for how long. */
function clientKey(a: AccountConfig): string {
  return JSON.stringify([a.userName, a.displayName, a.servers[0]?.address, a.outboundProxy ?? null, a.mwi]);
}

export class MwiService {
  readonly #stack: SipStack;
  readonly #accounts = new Map<number, AccountMwi>();
  readonly #latest = new Map<number, MessageWaiting>();
  readonly #listeners = new Set<(accountIndex: number, waiting: MessageWaiting) => void>();
  readonly #offs: (() => void)[] = [];

  constructor(stack: SipStack) {
    this.#stack = stack;
    this.#offs.push(serveUnsolicitedMessageSummary(stack.core, () => [...this.#accounts.values()].map((a) => a.client)));
    this.#offs.push(stack.registrations.onChange(() => this.configure()));
    this.configure();
  }

  onChange(listener: (accountIndex: number, waiting: MessageWaiting) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  latest(accountIndex: number): MessageWaiting | undefined {
    return this.#latest.get(accountIndex);
  }

  /** Brings the clients in line with the accounts in force. */
  configure(): void {
    const accounts = this.#stack.config.accounts;
    for (const [index, mwi] of this.#accounts) {
      const now = accounts.find((a) => a.index === index);
      if (!now || clientKey(now) !== mwi.key) {
        mwi.off();
        mwi.client.dispose();
        this.#accounts.delete(index);
      }
    }
    for (const account of accounts) {
      if (this.#accounts.has(account.index)) continue;
      const registration = this.#stack.registrations.client(account.index);
      const server = account.servers[0];
      if (!registration || !server) continue;
      const registrar = registrarUri(server);
      const client = new MessageSummaryClient({
        core: this.#stack.core,
        clock: this.#stack.core.sessionContext.clock,
        sender: registration.sender,
        server: () => registration.callTarget(),
        aor: addressOfRecord(account, server),
        requestUri: sipUri({ user: account.userName, host: registrar.host, port: registrar.port }),
        ...(account.displayName ? { displayName: account.displayName } : {}),
        // The account's own user in the SUBSCRIBE's Contact, as in its REGISTER.
        contactUser: account.userName,
        expires: account.mwi.expiresS,
        userAgent: this.#stack.userAgent,
        log: (line) => console.error(`sip/mwi: account ${account.index}: ${line}`),
      });
      client.onSummary((s) => {
        const waiting: MessageWaiting = { waiting: s.waiting, newCount: s.newCount, oldCount: s.oldCount };
        this.#latest.set(account.index, waiting);
        for (const l of this.#listeners) l(account.index, waiting);
      });
      // Subscribe once registered, as desk phones do: before that the server
      // has no binding to route the SUBSCRIBE by (a proxy answers 480) or
      // has not yet authenticated us. A later registration (after a
      // failure, a new server) starts a subscription that is not running.
      let off = (): void => undefined;
      if (account.mwi.subscribe) {
        if (registration.state === 'registered' || registration.state === 'refreshing') client.start();
        off = registration.onChange((status) => {
          if (status.registered) client.start();
        });
      }
      this.#accounts.set(account.index, { key: clientKey(account), client, off });
    }
  }

  async stop(): Promise<void> {
    for (const off of this.#offs) off();
    for (const a of this.#accounts.values()) a.off();
    await Promise.all([...this.#accounts.values()].map((a) => a.client.stop().catch(() => undefined)));
    for (const a of this.#accounts.values()) a.client.dispose();
    this.#accounts.clear();
  }
}
