/**
 * The transfer target's side of Replaces (RFC 3891 §3): an INVITE that asks
 * to replace one of our dialogs — the attended transfer of reference flow 2,
 * where C gets B's INVITE naming C's call with A.
 *
 *   const found = replacesOf(invite);              // none | ok | bad (400)
 *   if (found.kind === 'ok') {
 *     const verdict = replacesVerdict(core.dialogs, found.replaces, ended);
 *     verdict.kind === 'reject' ? call.reject(verdict.status) : swap(verdict.owner, call);
 *   }
 *
 * §3, in the order applied here:
 * - "If more than one Replaces header field is present in an INVITE, or if
 *   a Replaces header field is present in a request other than INVITE, the
 *   UAS MUST reject the request with a 400 (Bad Request) response."
 * - "the to-tag parameter is compared to the local tag, and the from-tag
 *   parameter is compared to the remote tag" (for an RFC 2543 peer, a tag of
 *   "0" matches a null tag, §6.1).
 * - "If no match is found, the UAS rejects the INVITE and returns a 481".
 * - "If the Replaces header field matches a dialog which has already
 *   terminated, the UA SHOULD decline the request with a 603 (Declined)" —
 *   a call ended moments ago (TerminatedDialogs), or one whose dialog lives
 *   on only for a REFER subscription (subscription-usage.ts).
 * - "If the Replaces header field matches a confirmed dialog, it checks for
 *   the presence of the "early-only" flag [...] If the flag is present, the
 *   UA rejects the request with a 486 (Busy)". Otherwise the new call is
 *   accepted and the old one ended with a BYE.
 * - "If the Replaces header field matches an early dialog that was not
 *   initiated by this UA, it returns a 481 (Call/Transaction Does Not Exist)";
 *   one we initiated is replaced (its INVITE cancelled).
 * Whether the sender may replace the dialog at all (§3: "the UA MUST verify
 * that the initiator of the new INVITE is authorized") is the phone's call.
 */
import type { Clock } from '../../../../drivers/bus/clock.js';
import type { Dialog, DialogId, DialogRegistry } from '../../dialog/index.js';
import { dialogKey } from '../../dialog/index.js';
import { parseReplaces } from '../../message/index.js';
import type { Replaces, SipRequest } from '../../message/index.js';
import { TimerSet } from '../../transaction/timer-set.js';
import { isSubscriptionSuccessor } from './subscription-usage.js';

export type ReplacesHeader =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly replaces: Replaces }
  | { readonly kind: 'bad'; readonly status: 400; readonly reason: string };

/** The Replaces header of a request, checked as §3 says (400 for two, or for one outside an INVITE). */
export function replacesOf(request: SipRequest): ReplacesHeader {
  const lines = request.headers.lines('Replaces');
  if (lines.length === 0) return { kind: 'none' };
  if (request.method !== 'INVITE') return { kind: 'bad', status: 400, reason: 'Replaces outside an INVITE' };
  if (lines.length > 1) return { kind: 'bad', status: 400, reason: 'More than one Replaces' };
  try {
    return { kind: 'ok', replaces: parseReplaces(lines[0] ?? '') };
  } catch {
    return { kind: 'bad', status: 400, reason: 'Malformed Replaces' };
  }
}

export type ReplacesVerdict<Owner> =
  | {
      readonly kind: 'replace';
      readonly dialog: Dialog;
      /** The call (or other owner) the dialog belongs to: the phone ends it once the new call is up. */
      readonly owner: Owner;
      /** An early dialog of ours: end it with CANCEL; a confirmed one: with BYE (§3). */
      readonly early: boolean;
    }
  | { readonly kind: 'reject'; readonly status: 481 | 486 | 603; readonly reason: string };

/** Dialogs that ended lately, kept a while so a Replaces naming one gets 603 rather than 481 (§3). */
export interface EndedDialogs {
  has(id: DialogId): boolean;
}

/** The dialog IDs a Replaces may name, as the receiver keys them (§3, §6.1). */
function candidateIds(replaces: Replaces): DialogId[] {
  const id: DialogId = { callId: replaces.callId, localTag: replaces.toTag, remoteTag: replaces.fromTag };
  return replaces.fromTag === '0' ? [id, { ...id, remoteTag: undefined }] : [id];
}

export function replacesVerdict<Owner>(dialogs: DialogRegistry<Owner>, replaces: Replaces, ended?: EndedDialogs): ReplacesVerdict<Owner> {
  const ids = candidateIds(replaces);
  const found = ids.map((id) => dialogs.get(id)).find((entry) => entry !== undefined);
  if (found === undefined) {
    if (ids.some((id) => ended?.has(id) === true)) return { kind: 'reject', status: 603, reason: 'Replaced dialog has ended' };
    return { kind: 'reject', status: 481, reason: 'No dialog to replace' };
  }
  const { dialog, owner } = found;
  if (dialog.state === 'terminated' || isSubscriptionSuccessor(dialog)) {
    return { kind: 'reject', status: 603, reason: 'Replaced dialog has ended' };
  }
  if (dialog.state === 'confirmed') {
    if (replaces.earlyOnly) return { kind: 'reject', status: 486, reason: 'Call already answered' };
    return { kind: 'replace', dialog, owner, early: false };
  }
  if (dialog.role === 'uas') return { kind: 'reject', status: 481, reason: 'Early dialog not initiated here' };
  return { kind: 'replace', dialog, owner, early: true };
}

/**
 * Remembers dialogs for `keepMs` after they terminate (default 64*T1 with
 * the default T1: a Replaces sent just as the call ended is still
 * recognised). The phone calls watch() for each call's dialog.
 */
export class TerminatedDialogs implements EndedDialogs {
  readonly #keepMs: number;
  readonly #timers: TimerSet<string>;
  readonly #watching = new Map<Dialog, () => void>();

  constructor(clock: Clock, keepMs = 32_000) {
    this.#keepMs = keepMs;
    this.#timers = new TimerSet(clock);
  }

  watch(dialog: Dialog): void {
    if (this.#watching.has(dialog)) return;
    if (dialog.state === 'terminated') {
      this.#remember(dialog);
      return;
    }
    const off = dialog.onStateChange((state) => {
      if (state !== 'terminated') return;
      off();
      this.#watching.delete(dialog);
      this.#remember(dialog);
    });
    this.#watching.set(dialog, off);
  }

  has(id: DialogId): boolean {
    return this.#timers.isRunning(dialogKey(id));
  }

  dispose(): void {
    this.#timers.clearAll();
    for (const off of this.#watching.values()) off();
    this.#watching.clear();
  }

  #remember(dialog: Dialog): void {
    this.#timers.start(dialog.key, this.#keepMs, () => undefined);
  }
}
