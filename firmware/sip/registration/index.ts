/**
 * SIP registration, client side (RFC 3261 §10.2; back-off from RFC 5626 §4.5).
 *
 *   const registrations = new RegistrationManager({
 *     layer,                                   // TransactionLayer
 *     clock,
 *     localEndpoint: (p) => transport.localEndpoint(p),
 *     resolveTargets: (hop) => resolver(hop),  // RFC 3263: addresses to try, in order
 *   });
 *   registrations.configure(config.accounts);
 *   registrations.start();
 *   registrations.snapshot();                  // { accounts: [{ index, label, uri, registered, state, server, expiresInS, lastFailure }] }
 *   await registrations.stop();                // Expires: 0 for every binding, bounded
 */
export { RegistrationManager, NO_SERVICE } from './registration-manager.js';
export type { RegistrationManagerOptions, RegistrationSnapshot } from './registration-manager.js';
export {
  RegistrationClient,
  DEFAULT_UNREGISTER_TIMEOUT_MS,
  credentialsOf,
  formatServer,
  hopFor,
  registrationChanged,
} from './registration-client.js';
export type {
  RegistrationClientOptions,
  RegistrationFailure,
  RegistrationHop,
  RegistrationState,
  RegistrationStatus,
  ResolveTargets,
} from './registration-client.js';
export { REFRESH_LEAD_MS, refreshDelayMs } from './refresh-policy.js';
export { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffBoundMs, backoffDelayMs, retryAfterMs } from './backoff-policy.js';
export type { BackoffOptions } from './backoff-policy.js';
export { CYCLE_START, afterServerFailure, triesNextAddress } from './failover-policy.js';
export type { FailoverPosition, FailoverStep } from './failover-policy.js';
export { expiresAfter423, grantedExpires } from './granted-expiry.js';
export {
  DEFAULT_ALLOW,
  DEFAULT_SUPPORTED,
  DEFAULT_USER_AGENT,
  addressOfRecord,
  buildRegister,
  contactUri,
  registrarUri,
} from './register-request.js';
export type { RegisterInit } from './register-request.js';
