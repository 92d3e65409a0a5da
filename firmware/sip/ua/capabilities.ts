/**
 * What the phone, as a UAS, serves and understands: the lists it checks
 * requests against (RFC 3261 §8.2) and advertises in Allow, Supported,
 * Accept, Accept-Encoding and Accept-Language (§11.2, §13.3.1.4).
 */

/**
 * Methods the phone knows of (RFC 3261 and the extensions registered with
 * IANA that a phone meets). A known method it does not serve gets 405 with
 * Allow; an unknown one 501 (§8.2.1, §21.5.2).
 */
export const KNOWN_METHODS: readonly string[] = [
  'ACK',
  'BYE',
  'CANCEL',
  'INFO',
  'INVITE',
  'MESSAGE',
  'NOTIFY',
  'OPTIONS',
  'PRACK',
  'PUBLISH',
  'REFER',
  'REGISTER',
  'SUBSCRIBE',
  'UPDATE',
];

/**
 * Methods the phone serves. Not REGISTER (a phone is no registrar), PUBLISH
 * (no event state compositor), SUBSCRIBE (it subscribes, nobody subscribes to
 * it), nor MESSAGE. PRACK acknowledges the reliable provisional responses an
 * incoming call sends (RFC 3262 §3, reliable-provisional-sender.ts).
 */
export const DEFAULT_ALLOW: readonly string[] = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE', 'NOTIFY', 'REFER', 'PRACK'];

/**
 * Body types the phone understands: SDP (RFC 4566), DTMF in INFO
 * (application/dtmf-relay), REFER progress (message/sipfrag, RFC 3420),
 * message waiting (RFC 3842), and multipart/mixed carrying SDP.
 */
export const DEFAULT_ACCEPT: readonly string[] = [
  'application/sdp',
  'application/dtmf-relay',
  'message/sipfrag',
  'application/simple-message-summary',
  'multipart/mixed',
];

/** No content coding is implemented; identity is always understood (§20.2). */
export const DEFAULT_ACCEPT_ENCODING: readonly string[] = ['identity'];

export const DEFAULT_ACCEPT_LANGUAGE: readonly string[] = ['en'];

/**
 * Option tags the calls implement: 100rel (RFC 3262: reliable provisional
 * responses sent and PRACKed, reliable-provisional-sender.ts, prack-policy.ts)
 * and timer (RFC 4028 session timers, session-timer.ts). RFC 4028 §7.1: "A
 * UAC which supports the session timer extension defined here MUST include a
 * Supported header field in each request (except ACK), listing the option tag
 * 'timer'. It MUST do so even if the UAC is not requesting usage of the
 * session timer for this session." Listing them here also stops the §8.2.2.3
 * check answering 420 to an INVITE with Require: 100rel or Require: timer.
 * 'replaces' (RFC 3891 §6.1): the phone can be the target of an attended
 * transfer, so an INVITE with Require: replaces is served too.
 */
export const DEFAULT_SUPPORTED: readonly string[] = ['100rel', 'timer', 'replaces'];

export interface UasCapabilities {
  readonly allow: readonly string[];
  readonly supported: readonly string[];
  readonly accept: readonly string[];
  readonly acceptEncoding: readonly string[];
  readonly acceptLanguage: readonly string[];
}

export function capabilities(overrides: Partial<UasCapabilities> = {}): UasCapabilities {
  return {
    allow: overrides.allow ?? DEFAULT_ALLOW,
    supported: overrides.supported ?? DEFAULT_SUPPORTED,
    accept: overrides.accept ?? DEFAULT_ACCEPT,
    acceptEncoding: overrides.acceptEncoding ?? DEFAULT_ACCEPT_ENCODING,
    acceptLanguage: overrides.acceptLanguage ?? DEFAULT_ACCEPT_LANGUAGE,
  };
}

/** The header lines that advertise them (OPTIONS 200 §11.2, INVITE 2xx §13.3.1.4). */
export function capabilityHeaders(
  caps: UasCapabilities,
  which: readonly ('Allow' | 'Supported' | 'Accept' | 'Accept-Encoding' | 'Accept-Language')[],
): [string, string][] {
  const values: Record<string, readonly string[]> = {
    Allow: caps.allow,
    Supported: caps.supported,
    Accept: caps.accept,
    'Accept-Encoding': caps.acceptEncoding,
    'Accept-Language': caps.acceptLanguage,
  };
  return which.map((name) => [name, (values[name] ?? []).join(', ')]);
}
