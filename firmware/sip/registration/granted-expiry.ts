/**
 * Reading what the registrar granted (RFC 3261 §10.2.4) and answering 423
 * Interval Too Brief (§10.2.8).
 */
import { contactExpires, getContacts, getExpires, getMinExpires, uriEquals } from '../message/index.js';
import type { SipResponse, Uri } from '../message/index.js';

/**
 * Seconds the binding of `ourContact` lasts, from a 2xx to our REGISTER.
 *
 * §10.2.4: "The UA compares each contact address to see if it created the
 * contact address, using comparison rules in Section 19.1.4. If so, it
 * updates the expiration time interval according to the expires parameter
 * or, if absent, the Expires field value."
 *
 * If no contact matches (a registrar behind a NAT-fixing SBC may list our
 * binding under a rewritten address) the Expires header is used, then what
 * we asked for: the registrar accepted the request, so the binding exists.
 */
export function grantedExpires(response: SipResponse, ourContact: Uri, requestedSeconds: number): number {
  let expiresHeader: number | undefined;
  try {
    expiresHeader = getExpires(response);
  } catch {
    expiresHeader = undefined;
  }
  try {
    const contacts = getContacts(response);
    if (contacts !== '*') {
      const ours = contacts.find((c) => uriEquals(c.uri, ourContact));
      if (ours !== undefined) return contactExpires(ours) ?? expiresHeader ?? requestedSeconds;
    }
  } catch {
    // A malformed Contact in a 2xx: fall back to the header, as below.
  }
  return expiresHeader ?? requestedSeconds;
}

/**
 * The expiry to ask for after a 423, or undefined when there is none that
 * would help. §10.2.8: "If a UA receives a 423 (Interval Too Brief)
 * response, it MAY retry the registration after making the expiration
 * interval of all contact addresses in the REGISTER request equal to or
 * greater than the expiration interval within the Min-Expires header field
 * of the 423 (Interval Too Brief) response." (The registrar side, §10.3
 * step 7: the 423 "MUST contain a Min-Expires header field".) A missing
 * Min-Expires, or one not above what we asked for, can only lead to
 * another 423.
 */
export function expiresAfter423(response: SipResponse, requestedSeconds: number): number | undefined {
  let min: number | undefined;
  try {
    min = getMinExpires(response);
  } catch {
    return undefined;
  }
  return min !== undefined && min > requestedSeconds ? min : undefined;
}
