// A SIPp callee behind the bench Kamailio: SIPp listens first with its
// scenario, then register.xml binds the user's address-of-record to that
// SIPp's port (RFC 3261 section 10), so the proxy's lookup("location") routes
// calls for the user to it.
//
//   const bob = await startRegisteredUas(pbx, 'bob', { scenario: { file }, keys: { domain: pbx.realm } });
//   t.after(() => bob.stop());
//   const result = await bob.done;   // assert.ok(result.ok, describeSipp(result))
import type { Kamailio } from '../pbx/kamailio.js';
import { describeSipp, runSipp, startSipp, type SippOptions, type SippResult, type SippRun } from './sipp.js';

/** REGISTER `user` (its password from the PBX's accounts) with its Contact at contactPort. */
export function registerSippUser(pbx: Kamailio, user: string, contactPort: number): Promise<SippResult> {
  const password = pbx.users.get(user);
  if (password === undefined) throw new Error(`the PBX has no account ${user}`);
  return runSipp({
    scenario: 'register',
    target: { host: pbx.host, port: pbx.udpPort },
    auth: { user, password },
    keys: { user, domain: pbx.realm, expires: 300, contact_port: contactPort },
    timeoutMs: 8000,
  });
}

/**
 * Starts a SIPp UAS as `user` (-s user unless options say otherwise; key
 * domain = the PBX's realm unless given) and registers it; fails (and stops
 * SIPp) when the registration does.
 */
export async function startRegisteredUas(pbx: Kamailio, user: string, options: Omit<SippOptions, 'target'>): Promise<SippRun> {
  const uas = await startSipp({ service: user, ...options, keys: { domain: pbx.realm, ...options.keys } });
  const registration = await registerSippUser(pbx, user, uas.port);
  if (!registration.ok) {
    await uas.stop();
    throw new Error(`registering the SIPp UAS ${user}: ${describeSipp(registration)}`);
  }
  return uas;
}
