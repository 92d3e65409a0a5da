/**
 * The transfer side of a call's SIP leg, over firmware/sip/ua/transfer:
 * the peer's REFER (we are the transferee, RFC 3515 §2.4), its INFO DTMF,
 * our REFER with its NOTIFY sipfrags (we are the transferor, RFC 5589), and
 * the Replaces of an INVITE (we are the transfer target, RFC 3891 §3).
 *
 * The phone layer names dialogs by DialogIdentity; a Replaces value names
 * them as its writer (the transferor) sees them, so its from-tag is the
 * writer's local tag and its to-tag the writer's remote tag.
 */
import type { DialogIdentity, PeerRequestHandlers, ReferTracker } from '../phone/phone-sip.js';
import type { Dialog } from './dialog/index.js';
import { formatReplaces, formatUri, parseUri, sipUri, type Replaces, type SipRequest } from './message/index.js';
import type { SipStack } from './sip-stack.js';
import type { UasRequest } from './ua/uas-request.js';
import {
  DtmfInfoSender,
  receiveDtmfInfo,
  receiveRefer,
  replacesOf,
  replacesVerdict,
  sendRefer,
  TerminatedDialogs,
  transferContext,
  type ReferSubscription,
  type TransferContext,
} from './ua/transfer/index.js';

/** A DialogIdentity (the writer's view) as a Replaces value, and back. */
export function replacesOfIdentity(id: DialogIdentity): Replaces {
  return { callId: id.callId, toTag: id.remoteTag, fromTag: id.localTag, earlyOnly: false };
}

export function identityOfReplaces(r: Replaces): DialogIdentity {
  return { callId: r.callId, localTag: r.fromTag, remoteTag: r.toTag };
}

/** The Replaces header line of an INVITE we send for a transfer. */
export function replacesHeader(id: DialogIdentity): string {
  return formatReplaces(replacesOfIdentity(id));
}

/** What an INVITE's Replaces asks of us (§3): nothing, a call of ours to replace, or a refusal (400, 481, 486, 603). */
export type InviteReplaces =
  | { readonly kind: 'none' }
  | { readonly kind: 'replace'; readonly ours: DialogIdentity }
  | { readonly kind: 'reject'; readonly status: number; readonly reason: string };

export interface TransferParts {
  serveOther(request: UasRequest, dialog: Dialog, handlers: PeerRequestHandlers): boolean;
  refer(dialog: Dialog, target: string, replaces: DialogIdentity | undefined): ReferTracker;
  info(dialog: Dialog, digit: string, durationMs: number): Promise<void>;
  /** Keeps an ended call's dialog known for a while, so a late Replaces naming it gets 603, not 481. */
  watch(dialog: Dialog): void;
}

/** The transfer layer for the calls of one SIP stack. */
export class PhoneTransfers {
  readonly #stack: SipStack;
  readonly #ended: TerminatedDialogs;
  /** Our REFERs' subscriptions, by dialog: their NOTIFYs arrive in the call's dialog. */
  readonly #subscriptions = new Map<Dialog, Set<ReferSubscription>>();
  readonly #infoSenders = new WeakMap<Dialog, DtmfInfoSender>();

  constructor(stack: SipStack) {
    this.#stack = stack;
    this.#ended = new TerminatedDialogs(stack.core.sessionContext.clock);
    // RFC 3515 allows a REFER outside a dialog; this phone acts on transfers of its own calls only.
    stack.core.onRequest('REFER', (uas) => uas.respond(481));
  }

  /** The transfer context of an account: its digest sender, so our server's 401/407 to a REFER is answered. */
  #context(accountIndex: number): TransferContext {
    const client = this.#stack.registrations.client(accountIndex);
    if (!client) throw new Error(`account ${accountIndex} is not configured`);
    return transferContext(this.#stack.core, { sender: client.sender, isOurServer: (t) => this.#stack.isServerAddress(t.host) });
  }

  /** The INVITE's Replaces, checked against our dialogs (RFC 3891 §3). */
  replacesFor(invite: SipRequest): InviteReplaces {
    const header = replacesOf(invite);
    if (header.kind === 'none') return header;
    if (header.kind === 'bad') return { kind: 'reject', status: header.status, reason: header.reason };
    const verdict = replacesVerdict(this.#stack.core.dialogs, header.replaces, this.#ended);
    if (verdict.kind === 'reject') return verdict;
    const id = verdict.dialog.id;
    return { kind: 'replace', ours: { callId: id.callId, localTag: id.localTag, remoteTag: id.remoteTag ?? '' } };
  }

  parts(accountIndex: number): TransferParts {
    return {
      serveOther: (request, dialog, handlers) => this.#serve(accountIndex, request, dialog, handlers),
      refer: (dialog, target, replaces) => this.#refer(accountIndex, dialog, target, replaces),
      info: async (dialog, digit, durationMs) => {
        let sender = this.#infoSenders.get(dialog);
        if (!sender) {
          sender = new DtmfInfoSender(this.#context(accountIndex), dialog);
          this.#infoSenders.set(dialog, sender);
        }
        const outcome = await sender.send(digit, durationMs);
        if (outcome.kind !== 'response' || outcome.response.status >= 300) {
          throw new Error(`INFO ${digit}: ${outcome.kind === 'response' ? `${outcome.response.status} ${outcome.response.reason}` : outcome.reason}`);
        }
      },
      watch: (dialog) => this.#ended.watch(dialog),
    };
  }

  #serve(accountIndex: number, request: UasRequest, dialog: Dialog, handlers: PeerRequestHandlers): boolean {
    // NOTIFYs of a REFER of ours (their Event: refer;id=<REFER CSeq> picks the subscription).
    for (const sub of this.#subscriptions.get(dialog) ?? []) if (sub.handleRequest(request, dialog)) return true;
    if (request.method === 'INFO') return receiveDtmfInfo(request, (d) => handlers.infoDtmf(d.signal, d.durationMs));
    if (request.method !== 'REFER') return false;
    const received = receiveRefer(this.#context(accountIndex), request, dialog);
    // A REFER that cannot be acted on (400 without Refer-To …) has been answered.
    if (received.kind === 'rejected') return true;
    const refer = received.refer;
    handlers.refer({
      target: formatUri(refer.target),
      ...(refer.referredBy ? { referredBy: request.request.headers.lines('Referred-By')[0] ?? '' } : {}),
      ...(refer.replaces ? { replaces: identityOfReplaces(refer.replaces) } : {}),
      accept: () => {
        const notifier = refer.accept();
        return { progress: (status, reason) => notifier.report(status, reason) };
      },
      reject: (status) => refer.reject(status),
    });
    return true;
  }

  #refer(accountIndex: number, dialog: Dialog, target: string, replaces: DialogIdentity | undefined): ReferTracker {
    const account = this.#stack.config.accounts.find((a) => a.index === accountIndex);
    const domain = account?.servers[0]?.address ?? 'invalid';
    const sub = sendRefer(this.#context(accountIndex), dialog, {
      referTo: parseUri(target, 'transfer target'),
      ...(replaces ? { replaces: replacesOfIdentity(replaces) } : {}),
      // RFC 3892: who asks for the transfer, our address of record.
      referredBy: { uri: sipUri({ user: account?.userName ?? 'unknown', host: domain }), ...(account?.displayName ? { displayName: account.displayName } : {}) },
    });
    let set = this.#subscriptions.get(dialog);
    if (!set) {
      set = new Set();
      this.#subscriptions.set(dialog, set);
    }
    set.add(sub);
    sub.onEnd(() => {
      set.delete(sub);
      if (set.size === 0) this.#subscriptions.delete(dialog);
    });
    return {
      accepted: sub.outcome.then((o) => {
        if (o.kind === 'response' && o.response.status >= 200 && o.response.status < 300) return { ok: true } as const;
        if (o.kind === 'response') return { ok: false, status: o.response.status, reason: o.response.reason } as const;
        return { ok: false, status: o.kind === 'failure' ? o.status : 503, reason: o.reason } as const;
      }),
      onProgress: (listener) => {
        sub.onProgress((p) => listener(p.status, p.reason));
      },
    };
  }

  dispose(): void {
    this.#ended.dispose();
    for (const set of this.#subscriptions.values()) for (const sub of set) sub.dispose();
    this.#subscriptions.clear();
  }
}
