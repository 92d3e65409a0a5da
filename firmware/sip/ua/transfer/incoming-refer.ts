/**
 * The transferee's side of REFER (RFC 3515 §2.4.2, §2.4.3; RFC 5589 §6):
 * a REFER in a call's dialog is checked, answered, and — accepted — turned
 * into what the phone needs to call the target, plus the notifier that
 * reports how that call goes.
 *
 *   const received = receiveRefer(ctx, request, dialog);     // 400s answered here
 *   if (received.kind === 'valid') {                          // the user (or a setting) decides:
 *     const { target, inviteHeaders } = received.refer;
 *     const notifier = received.refer.accept();                // 202, then NOTIFY 100 Trying
 *     const call = core.placeCall({ target, headers: inviteHeaders, … });
 *     // each response of that call → notifier.report(status, reason)
 *   }                                                          // or received.refer.reject(403)
 *   handleRefer(ctx, request, dialog, { enabled })             // the same, decided by a setting
 *
 * The answers (a request-level decision, before any call is placed):
 *   400  no Refer-To, or more than one — §2.4.2: "An agent responding to a
 *        REFER method MUST return a 400 (Bad Request) if the request
 *        contained zero or more than one Refer-To header field values";
 *        an unreadable Refer-To or Replaces in it; a URI scheme other than
 *        sip, sips, tel — §2.4.2: "A UA not capable of accessing non-SIP
 *        URIs SHOULD NOT accept REFER requests to them."
 *   403  a Refer-To method other than INVITE (the phone only calls); and
 *        reject()'s default when the approval §2.4.2 asks for is denied
 *        ("A UA accepting a well-formed REFER request SHOULD request
 *        approval from the user"): transfer disabled in the settings
 *   202  accept() (§2.4.2); the first NOTIFY (100 Trying) follows at once.
 * A REFER naming no dialog of ours never gets here: the core answers 481.
 */
import { asRequestUri } from '../../dialog/index.js';
import type { Dialog } from '../../dialog/index.js';
import { formatReplaces, getCSeq, getNameAddr, parseNameAddr, parseReplaces } from '../../message/index.js';
import type { NameAddr, Replaces, Uri } from '../../message/index.js';
import type { InDialogHandler } from '../incoming-call.js';
import type { UasRequest } from '../uas-request.js';
import type { TransferContext } from './context.js';
import { ReferNotifier } from './refer-notifier.js';
import type { ReferNotifierOptions } from './refer-notifier.js';

export interface ReferPolicy extends ReferNotifierOptions {
  /** Whether the user allows being transferred (a setting); false → 403. */
  readonly enabled: boolean;
}

/** What the phone needs to act on a REFER. */
export interface ReferDetails {
  /** Whom to call: the Refer-To URI without its headers and method parameter. */
  readonly target: Uri;
  /** The Refer-To as received (display name, URI with its headers). */
  readonly referTo: NameAddr;
  /** Who asked for the transfer (RFC 3892), when the REFER says. */
  readonly referredBy: NameAddr | undefined;
  /** An attended transfer: the dialog the target is to replace (RFC 3891), from the Refer-To URI. */
  readonly replaces: Replaces | undefined;
  /**
   * Header lines for the INVITE to the target: Referred-By copied (RFC 3892
   * §3: the referee "MUST copy the Referred-By header field value [...] into
   * the triggered request") and Replaces (RFC 3891 §5, RFC 5589 §7).
   */
  readonly inviteHeaders: readonly (readonly [string, string])[];
  /** The REFER's CSeq number: the id of its NOTIFYs' Event. */
  readonly referSeq: number;
}

/** A well-formed REFER waiting for the phone's decision (its transaction holds until then). */
export interface PendingRefer extends ReferDetails {
  /** 202 Accepted, and the notifier that reports the call's progress, already started (100 Trying). */
  readonly accept: (options?: ReferNotifierOptions) => ReferNotifier;
  /** Declines (default 403 Forbidden: the approval of §2.4.2 denied). */
  readonly reject: (status?: number, reason?: string) => void;
}

export interface AcceptedRefer extends ReferDetails {
  readonly notifier: ReferNotifier;
}

export type ReceivedRefer =
  | { readonly kind: 'valid'; readonly refer: PendingRefer }
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string };

export type ReferVerdict =
  | { readonly kind: 'accepted'; readonly refer: AcceptedRefer }
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string };

type Checked =
  | { readonly ok: true; readonly referTo: NameAddr; readonly target: Uri; readonly replaces: Replaces | undefined }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** The request-level checks of the module comment, as a pure function of the REFER's Refer-To lines. */
export function checkReferTo(lines: readonly string[]): Checked {
  if (lines.length === 0) return { ok: false, status: 400, reason: 'Missing Refer-To' };
  if (lines.length > 1) return { ok: false, status: 400, reason: 'More than one Refer-To' };
  let referTo: NameAddr;
  try {
    referTo = parseNameAddr(lines[0] ?? '', 'Refer-To');
  } catch {
    return { ok: false, status: 400, reason: 'Malformed Refer-To' };
  }
  const uri = referTo.uri;
  if (uri.kind === 'absolute') return { ok: false, status: 400, reason: 'Unsupported Refer-To URI scheme' };
  let replaces: Replaces | undefined;
  if (uri.kind === 'sip') {
    const method = uri.params.get('method');
    if (method !== undefined && method?.toUpperCase() !== 'INVITE') return { ok: false, status: 403, reason: 'Only INVITE referrals' };
    const found = uri.headers.filter((h) => h.name.toLowerCase() === 'replaces');
    if (found.length > 1) return { ok: false, status: 400, reason: 'More than one Replaces in Refer-To' };
    try {
      replaces = found[0] === undefined ? undefined : parseReplaces(found[0].value);
    } catch {
      return { ok: false, status: 400, reason: 'Malformed Replaces in Refer-To' };
    }
  }
  return { ok: true, referTo, target: asRequestUri(uri), replaces };
}

/** Checks a REFER received in `dialog`: a bad one is answered (400/403) here; a good one waits for accept() or reject(). */
export function receiveRefer(ctx: TransferContext, request: UasRequest, dialog: Dialog): ReceivedRefer {
  if (request.method !== 'REFER') throw new RangeError(`receiveRefer() given ${request.method}`);
  const checked = checkReferTo(request.request.headers.lines('Refer-To'));
  if (!checked.ok) {
    request.respond(checked.status, { reason: checked.reason });
    return { kind: 'rejected', status: checked.status, reason: checked.reason };
  }
  let referredBy: NameAddr | undefined;
  try {
    referredBy = getNameAddr(request.request, 'Referred-By');
  } catch {
    // An unreadable Referred-By is no reason to refuse the transfer; the INVITE goes without it.
    referredBy = undefined;
  }
  const inviteHeaders: [string, string][] = [];
  const referredByLine = request.request.headers.lines('Referred-By')[0];
  if (referredBy !== undefined && referredByLine !== undefined) inviteHeaders.push(['Referred-By', referredByLine]);
  if (checked.replaces !== undefined) inviteHeaders.push(['Replaces', formatReplaces(checked.replaces)]);
  const referSeq = getCSeq(request.request)?.seq ?? 0;
  let decided = false;
  const decide = (): void => {
    if (decided) throw new Error('this REFER has been answered already');
    decided = true;
  };
  return {
    kind: 'valid',
    refer: {
      target: checked.target,
      referTo: checked.referTo,
      referredBy,
      replaces: checked.replaces,
      inviteHeaders,
      referSeq,
      accept: (options = {}) => {
        decide();
        request.respond(202);
        const notifier = new ReferNotifier(ctx, dialog, referSeq, options);
        notifier.start();
        return notifier;
      },
      reject: (status = 403, reason) => {
        if (status < 300 || status > 699) throw new RangeError(`reject() needs a 3xx-6xx status, got ${status}`);
        decide();
        request.respond(status, { reason });
      },
    },
  };
}

/** receiveRefer() decided by a setting: 202 and the notifier when transfer is enabled, 403 when not. */
export function handleRefer(ctx: TransferContext, request: UasRequest, dialog: Dialog, policy: ReferPolicy): ReferVerdict {
  const received = receiveRefer(ctx, request, dialog);
  if (received.kind === 'rejected') return received;
  const refer = received.refer;
  if (!policy.enabled) {
    refer.reject(403, 'Transfer disabled');
    return { kind: 'rejected', status: 403, reason: 'Transfer disabled' };
  }
  const { accept: _accept, reject: _reject, ...details } = refer;
  return { kind: 'accepted', refer: { ...details, notifier: refer.accept(policy) } };
}

/** An InDialogHandler for REFER: handleRefer() with the policy of the moment; `onRefer` hears the accepted ones. */
export function referRequestHandler(
  ctx: TransferContext,
  policy: () => ReferPolicy,
  onRefer: (refer: AcceptedRefer, dialog: Dialog) => void,
): InDialogHandler {
  return (request, dialog) => {
    if (request.method !== 'REFER') return false;
    const verdict = handleRefer(ctx, request, dialog, policy());
    if (verdict.kind === 'accepted') onRefer(verdict.refer, dialog);
    return true;
  };
}
