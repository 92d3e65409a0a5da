/**
 * Which account a call belongs to, and the choices that account's settings
 * make for it: reliable provisional responses (account.N.100rel_enable,
 * RFC 3262), the session timer (account.N.session_timer.*, RFC 4028) and the
 * user part of our Contact (account.N.user_name, as in its REGISTER).
 * Read from the configuration in force when the call starts — an outgoing
 * call's when the phone places it (phone-adapter.ts), an incoming call's as
 * its INVITE arrives, before the 180 (sip-stack.ts) — and kept by the call
 * to its end: a change applies to the next call.
 */
import type { AccountConfig } from '../config/view.js';
import type { SipRequest } from './message/index.js';
import type { CallSettings } from './ua/user-agent-core.js';

/** The account an INVITE is for: the one whose user name is the Request-URI's user part, else the first. */
export function accountForRequestUser(user: string | undefined, accounts: readonly { index: number; userName: string }[]): number {
  return accounts.find((a) => user !== undefined && a.userName === user)?.index ?? accounts[0]?.index ?? 1;
}

/** The configured account an incoming request is for (accountForRequestUser); undefined when none is configured. */
export function accountOfRequest(request: SipRequest, accounts: readonly AccountConfig[]): AccountConfig | undefined {
  const user = request.uri.kind === 'sip' ? request.uri.user : undefined;
  const index = accountForRequestUser(user, accounts);
  return accounts.find((a) => a.index === index);
}

/**
 * What an account's settings make of one call. Session timer off: no
 * Session-Expires asked for (a peer's is still honoured, RFC 4028 §9). The
 * 100rel choice concerns the 1xx an incoming call sends; an outgoing INVITE
 * lists 100rel in Supported whatever it is (the phone PRACKs every reliable 1xx).
 * The Contact of the call — the INVITE's, or the 1xx/2xx answering one, and
 * so every refresh in its dialog — names the account's user, as its REGISTER
 * does: PBXs (Asterisk, FreeSWITCH) match in-dialog requests and features to it.
 */
export function callSettingsOf(account: AccountConfig): Required<CallSettings> {
  const t = account.sessionTimer;
  return {
    reliableProvisionals: account.reliableProvisionals,
    sessionTimer: t.enabled ? { enabled: true, expires: t.expiresS, refresher: t.refresher } : { enabled: false, expires: t.expiresS },
    contactUser: account.userName,
  };
}
