/**
 * The NOTIFY of the refer event package, both ways (RFC 3515 §2.4.4-§2.4.6,
 * RFC 6665 §8.2.3 for Subscription-State):
 *
 *   Event: refer;id=<CSeq of the REFER>
 *   Subscription-State: active;expires=60   |   terminated;reason=noresource
 *   Content-Type: message/sipfrag;version=2.0
 *
 *   SIP/2.0 180 Ringing
 *
 * §2.4.6: "for the second and subsequent REFER requests a UA receives in a
 * given dialog, it MUST include an id parameter [...] containing the
 * sequence number (the number from the CSeq header field value) of the
 * REFER this NOTIFY is associated with. This id parameter MAY be included
 * in NOTIFYs to the first REFER" — so the phone always sends it, and reads
 * a NOTIFY without one as being about the first REFER.
 */
import { SIPFRAG_CONTENT_TYPE, formatHeaderParams, formatSipfragStatus, getContentType, getParamValue, mediaTypeName, parseSipfragStatus, Parameters } from '../../message/index.js';
import type { MessageBody, SipRequest, SipfragStatus } from '../../message/index.js';

export const REFER_EVENT = 'refer';

export type ReferSubscriptionState = 'active' | 'pending' | 'terminated';

/** What a notifier reports: the subscription's state and the status of the referred request so far. */
export interface ReferNotifyContent {
  readonly referSeq: number;
  readonly state: 'active' | 'terminated';
  /** With 'active': seconds the subscription has left (RFC 6665 §4.2.2: "expires" reflects the remaining duration). */
  readonly expiresS?: number;
  /** With 'terminated': why (RFC 6665 §4.1.3: noresource once the result is final, timeout when it expired first). */
  readonly reason?: 'noresource' | 'timeout';
  readonly progress: SipfragStatus;
}

export function referNotifyParts(content: ReferNotifyContent): { headers: [string, string][]; body: MessageBody } {
  const params = new Parameters();
  if (content.state === 'active' && content.expiresS !== undefined) params.set('expires', String(Math.max(0, Math.ceil(content.expiresS))));
  if (content.state === 'terminated') params.set('reason', content.reason ?? 'noresource');
  return {
    headers: [
      ['Event', `${REFER_EVENT};id=${content.referSeq}`],
      ['Subscription-State', content.state + formatHeaderParams(params)],
    ],
    body: { contentType: SIPFRAG_CONTENT_TYPE, bytes: new TextEncoder().encode(formatSipfragStatus(content.progress.status, content.progress.reason)) },
  };
}

export type ReadReferNotify =
  | { readonly kind: 'not-refer' }
  | { readonly kind: 'bad'; readonly status: 400; readonly reason: string }
  | {
      readonly kind: 'refer';
      /** The REFER's CSeq it is about; undefined: the first REFER of the dialog. */
      readonly id: number | undefined;
      readonly state: ReferSubscriptionState;
      readonly expiresS: number | undefined;
      readonly reason: string | undefined;
      /** The sipfrag's Status-Line; undefined when the NOTIFY (a terminating one) carries none. */
      readonly progress: SipfragStatus | undefined;
    };

/** Reads a NOTIFY as the refer package defines it; 'not-refer' for another event package (not ours to answer). */
export function readReferNotify(request: SipRequest): ReadReferNotify {
  let event;
  let subState;
  try {
    event = getParamValue(request, 'Event');
    subState = getParamValue(request, 'Subscription-State');
  } catch {
    return { kind: 'bad', status: 400, reason: 'Malformed Event or Subscription-State' };
  }
  if (event?.value.toLowerCase() !== REFER_EVENT) return { kind: 'not-refer' };
  const rawId = event.params.get('id');
  const id = rawId === undefined || rawId === null ? undefined : Number(rawId);
  if (id !== undefined && !Number.isInteger(id)) return { kind: 'bad', status: 400, reason: 'Bad id in Event' };
  // RFC 6665 §8.2.3 / §4.1.3: a NOTIFY without Subscription-State cannot be acted on.
  if (subState === undefined) return { kind: 'bad', status: 400, reason: 'Missing Subscription-State' };
  const state = subState.value.toLowerCase();
  if (state !== 'active' && state !== 'pending' && state !== 'terminated') return { kind: 'bad', status: 400, reason: 'Unknown subscription state' };
  const rawExpires = subState.params.get('expires');
  const expiresS = rawExpires === undefined || rawExpires === null || !/^[0-9]+$/.test(rawExpires) ? undefined : Number(rawExpires);
  const reason = subState.params.get('reason') ?? undefined;
  let progress: SipfragStatus | undefined;
  if (request.body.length > 0) {
    const type = getContentType(request);
    // §2.4.5: "Each NOTIFY MUST contain a body of type "message/sipfrag"" beginning with a Status-Line.
    progress = type !== undefined && mediaTypeName(type) === 'message/sipfrag' ? parseSipfragStatus(request.body) : undefined;
    if (progress === undefined) return { kind: 'bad', status: 400, reason: 'Body is not a sipfrag Status-Line' };
  } else if (state !== 'terminated') {
    return { kind: 'bad', status: 400, reason: 'Missing message/sipfrag body' };
  }
  return { kind: 'refer', id, state, expiresS, reason, progress };
}
