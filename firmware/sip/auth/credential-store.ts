/**
 * Which challenges an account's credentials may answer: the defence against
 * the SIP "digest leak".
 *
 * The attack: the phone sends a request straight to a peer — typically a BYE
 * to the Contact of a call the attacker placed — and the peer answers 401 with
 * our own provider's realm. A phone that answers every 401 whose realm it
 * knows hands the attacker a digest response to crack offline, or to replay
 * against the provider. The response only ever needs to go to the server the
 * credentials are for.
 *
 * Policy (each rule is one `if` in mayAnswerChallenge()):
 * 1. The challenged request must have gone to our configured registrar or
 *    outbound proxy (the caller knows the request's next hop; this file does
 *    not look at addresses). Otherwise refuse, whatever the realm says: the
 *    realm is chosen by whoever sent the 401.
 * 2. If the account has a realm configured, the challenge's realm must equal
 *    it exactly (RFC 7235 §2.2: realm values are case-sensitive).
 * 3. If the account has no realm configured, a challenge from our server is
 *    answered whatever its realm (RFC 3261 §22.1: the realm names the
 *    protection space, and the server names it).
 */
import type { DigestCredentials } from './digest.js';

export interface AccountCredentials {
  readonly accountId: string;
  readonly username: string;
  readonly password: string;
  /** The realm the credentials are for; undefined = whatever realm our server names. */
  readonly realm?: string;
}

export interface ChallengeContext {
  /** Whether the challenged request's next hop was this account's registrar or outbound proxy. */
  readonly nextHopIsOurServer: boolean;
  /** The realm of the challenge being considered. */
  readonly challengeRealm: string;
  /** Where the request went, for the refusal message only (e.g. "sip:10.0.0.9:5060"). */
  readonly nextHop?: string;
  /** The challenged request's method, for the refusal message only. */
  readonly method?: string;
}

export type CredentialDecision =
  | { readonly answer: true; readonly credentials: DigestCredentials }
  | { readonly answer: false; readonly reason: string };

export function mayAnswerChallenge(account: AccountCredentials, context: ChallengeContext): CredentialDecision {
  const what = context.method === undefined ? 'the request' : `the ${context.method}`;
  if (!context.nextHopIsOurServer) {
    const where = context.nextHop === undefined ? 'a peer' : context.nextHop;
    return {
      answer: false,
      reason:
        `refusing to answer a challenge (realm "${context.challengeRealm}") to ${what} sent to ${where}, ` +
        `which is not account ${account.accountId}'s registrar or outbound proxy: ` +
        'answering would leak a digest of our credentials',
    };
  }
  if (account.realm !== undefined && context.challengeRealm !== account.realm) {
    return {
      answer: false,
      reason:
        `refusing to answer a challenge for realm "${context.challengeRealm}" to ${what}: ` +
        `account ${account.accountId} has credentials only for realm "${account.realm}"`,
    };
  }
  return { answer: true, credentials: { username: account.username, password: account.password } };
}

/** The configured accounts; every lookup goes through mayAnswerChallenge(). */
export class CredentialStore {
  private readonly accounts = new Map<string, AccountCredentials>();

  constructor(accounts: Iterable<AccountCredentials> = []) {
    for (const account of accounts) this.set(account);
  }

  set(account: AccountCredentials): void {
    this.accounts.set(account.accountId, account);
  }

  remove(accountId: string): void {
    this.accounts.delete(accountId);
  }

  /** The realm to narrow chooseChallenge() to, if the account has one. */
  realmOf(accountId: string): string | undefined {
    return this.accounts.get(accountId)?.realm;
  }

  credentialsFor(accountId: string, context: ChallengeContext): CredentialDecision {
    const account = this.accounts.get(accountId);
    if (account === undefined) return { answer: false, reason: `no credentials configured for account ${accountId}` };
    return mayAnswerChallenge(account, context);
  }
}
