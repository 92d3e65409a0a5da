/**
 * The INVITE that places a call (RFC 3261 §8.1.1, §13.2.1), without a Via:
 * the client transaction adds it.
 *
 * §8.1.1: "A valid SIP request formulated by a UAC MUST, at a minimum,
 * contain the following header fields: To, From, CSeq, Call-ID,
 * Max-Forwards, and Via". §8.1.1.1: "The initial Request-URI of the message
 * SHOULD be set to the value of the URI in the To field." §8.1.1.3: "The
 * From field MUST contain a new "tag" parameter". §8.1.1.8: "The Contact
 * header field MUST be present and contain exactly one SIP or SIPS URI in
 * any request that can result in the establishment of a dialog."
 * §13.2.1: "Allow and Supported header fields SHOULD be present".
 */
import { asRequestUri } from '../dialog/index.js';
import { NameAddr, createCallId, createRequest, createTag } from '../message/index.js';
import type { MessageBody, SipRequest, Uri } from '../message/index.js';
import { capabilityHeaders } from './capabilities.js';
import type { UasCapabilities } from './capabilities.js';

export interface Party {
  readonly uri: Uri;
  readonly displayName?: string;
}

export interface InviteInit {
  /** Our address of record (the account's user@domain) and display name. */
  readonly from: Party;
  /** Who we call: Request-URI and To. */
  readonly target: Uri;
  /** Our Contact for the transport the INVITE goes on. */
  readonly contact: Uri;
  /** The session offer (§13.2.1: "The UAC MAY send an offer in the INVITE"; the phone always does). */
  readonly offer: MessageBody;
  readonly capabilities: UasCapabilities;
  /** The User-Agent header value (§20.41). */
  readonly userAgent?: string;
  /** More header lines (Referred-By, Replaces …), appended. */
  readonly headers?: Iterable<readonly [string, string]>;
  readonly callId?: string;
  readonly fromTag?: string;
  /** §8.1.1.5: any number below 2**31; 1 by default. */
  readonly cseq?: number;
}

export function createInvite(init: InviteInit): SipRequest {
  // A target taken from a REFER or a directory may carry URI parameters not allowed in a Request-URI (§19.1.1).
  const target = asRequestUri(init.target);
  const headers: [string, string][] = capabilityHeaders(init.capabilities, ['Allow', 'Supported']);
  if (init.userAgent !== undefined) headers.push(['User-Agent', init.userAgent]);
  for (const [name, value] of init.headers ?? []) headers.push([name, value]);
  return createRequest({
    method: 'INVITE',
    uri: target,
    from: new NameAddr({ uri: init.from.uri, displayName: init.from.displayName }).withTag(init.fromTag ?? createTag()),
    to: new NameAddr({ uri: target }),
    callId: init.callId ?? createCallId(init.contact.kind === 'sip' ? init.contact.host : undefined),
    cseq: init.cseq ?? 1,
    contact: [new NameAddr({ uri: init.contact })],
    headers,
    body: init.offer,
  });
}
