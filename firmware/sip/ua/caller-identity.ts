/**
 * Who is calling, as the phone shows it: the From header's display name and
 * URI (RFC 3261 §20.20), and the network-asserted identity of RFC 3325 §9.1
 * (P-Asserted-Identity) when a trusted proxy added one. The first PAI value
 * wins; a second one may only be a tel URI of the same person (§9.1).
 */
import { getFrom, getNameAddrList, getTo } from '../message/index.js';
import type { SipRequest, Uri } from '../message/index.js';

export interface Party {
  readonly displayName: string | undefined;
  readonly uri: Uri;
}

export interface CallerIdentity extends Party {
  /** RFC 3325 P-Asserted-Identity, if present and readable. */
  readonly asserted: Party | undefined;
}

export function callerIdentity(request: SipRequest): CallerIdentity {
  const from = getFrom(request);
  if (from === undefined) throw new Error('a request without From has no caller');
  let asserted: Party | undefined;
  try {
    const first = getNameAddrList(request, 'P-Asserted-Identity')[0];
    if (first !== undefined) asserted = { displayName: first.displayName, uri: first.uri };
  } catch {
    // An unreadable PAI is ignored: the From still names the caller.
  }
  return { displayName: from.displayName, uri: from.uri, asserted };
}

export function calleeUri(request: SipRequest): Uri {
  const to = getTo(request);
  if (to === undefined) throw new Error('a request without To has no callee');
  return to.uri;
}
