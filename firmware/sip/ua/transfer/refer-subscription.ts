/**
 * The transferor's side of REFER (RFC 3515 §2.4.1, §2.4.4; RFC 5589 §6-§7):
 * the REFER sent in the call's dialog, and the implicit subscription it
 * creates — NOTIFYs that tell how the transferee's call to the target goes.
 *
 *   const sub = sendRefer(ctx, call.dialog, { referTo: carol, referredBy: { uri: aor }, replaces });
 *   sub.onProgress(({ status, final }) => lcd.show(…));   // 100, 180, then 200 / 486 …
 *   sub.onEnd(({ cause, status }) => …);                  // notified | rejected | failed | timeout | dialog-ended
 *   (await sub.outcome)                                   // the REFER's own answer: 202, 403, 408 …
 *   call.setInDialogHandler(firstHandler(sub.handleRequest, …));   // NOTIFYs reach it
 *
 * Each matching NOTIFY is answered 200. The subscription ends with a NOTIFY
 * whose Subscription-State is terminated, with a non-2xx to the REFER, or
 * when no final NOTIFY comes in time: 64*T1 (32 s) from the REFER by
 * default, extended by each NOTIFY's "expires" — the notifier's promise to
 * keep the subscription that long (RFC 6665 §4.1.2.3). If the call ends
 * (BYE) first, the subscription carries on in the dialog (subscription-usage.ts).
 */
import type { Dialog } from '../../dialog/index.js';
import { getCSeq } from '../../message/index.js';
import type { Replaces, SipfragStatus, Uri } from '../../message/index.js';
import { TimerSet } from '../../transaction/timer-set.js';
import type { Party } from '../invite-request.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { UasRequest } from '../uas-request.js';
import type { TransferContext } from './context.js';
import { sendInDialogRequest } from './in-dialog-request.js';
import type { InDialogOutcome } from './in-dialog-request.js';
import { readReferNotify } from './refer-notify-message.js';
import type { ReferSubscriptionState } from './refer-notify-message.js';
import { referToValue, referredByValue } from './refer-request.js';
import { SubscriptionUsage } from './subscription-usage.js';

/*
 * States and allowed transitions:
 *   pending → active       a 2xx to the REFER, or a NOTIFY that is not terminating
 *                          (RFC 6665 §4.1.2.4: a NOTIFY may overtake the 2xx)
 *   pending | active → terminated   a terminating NOTIFY, a non-2xx or no answer to the REFER,
 *                          no final NOTIFY in time, the dialog lost, dispose()
 * terminated is final.
 */
export type ReferClientState = 'pending' | 'active' | 'terminated';

const ALLOWED: Readonly<Record<ReferClientState, readonly ReferClientState[]>> = {
  pending: ['active', 'terminated'],
  active: ['terminated'],
  terminated: [],
};

export interface ReferOptions {
  /** Where the transferee is to call (blind: the number dialled; attended: the consultation call's peer). */
  readonly referTo: Uri;
  /** Attended transfer: names our dialog with the target (replacesForDialog(consultation.dialog)). */
  readonly replaces?: Replaces;
  /** Us: our address of record and display name (RFC 3892). */
  readonly referredBy: Party;
  /** No final NOTIFY within this long of the REFER (or of a NOTIFY's expires): 'timeout'. Default 64*T1. */
  readonly timeoutMs?: number;
  readonly headers?: Iterable<readonly [string, string]>;
}

/** A NOTIFY's news: the status of the transferee's request to the target so far. */
export interface ReferProgress extends SipfragStatus {
  readonly subscriptionState: ReferSubscriptionState;
  /** A final status (2xx-6xx): the transfer succeeded or failed. */
  readonly final: boolean;
}

export type ReferEndCause =
  /** A NOTIFY with Subscription-State: terminated (normally carrying the final status). */
  | 'notified'
  /** The REFER got a non-2xx final response. */
  | 'rejected'
  /** The REFER got no response (408), could not be sent (503), or the dialog was already over. */
  | 'failed'
  /** No final NOTIFY in time. */
  | 'timeout'
  /** The dialog went away under the subscription (the peer ended it, or it could not be kept). */
  | 'dialog-ended';

export interface ReferEnd {
  readonly cause: ReferEndCause;
  /** The last sipfrag status ('notified', 'timeout', 'dialog-ended'), or the REFER's final status ('rejected', 'failed'). */
  readonly status: number | undefined;
  readonly reason: string;
}

export function sendRefer(ctx: TransferContext, dialog: Dialog, options: ReferOptions): ReferSubscription {
  return new ReferSubscription(ctx, dialog, options);
}

export class ReferSubscription {
  /** The REFER's own outcome (202 Accepted, a rejection, 408/503); never rejects. */
  readonly outcome: Promise<InDialogOutcome>;
  readonly #usage: SubscriptionUsage | undefined;
  /** The CSeq numbers the REFER went out with (a resend after 401/407 has its own): NOTIFY ids name one of them. */
  readonly #seqs = new Set<number>();
  readonly #timers: TimerSet<'final-notify'>;
  readonly #progress: TypedEmitter<ReferProgress>;
  readonly #end: TypedEmitter<ReferEnd>;
  #state: ReferClientState = 'pending';
  #last: SipfragStatus | undefined;
  #ending: ReferEnd | undefined;

  constructor(ctx: TransferContext, dialog: Dialog, options: ReferOptions) {
    // Built first: a Refer-To that cannot be written throws before anything is started.
    const headers: (readonly [string, string])[] = [
      ['Refer-To', referToValue(options.referTo, options.replaces)],
      ['Referred-By', referredByValue(options.referredBy)],
      ...(options.headers ?? []),
    ];
    this.#timers = new TimerSet(ctx.clock);
    const log = (what: string) => (e: unknown) => ctx.log(`sip/transfer: refer ${what} listener threw: ${e instanceof Error ? e.message : String(e)}`);
    this.#progress = new TypedEmitter(log('progress'));
    this.#end = new TypedEmitter(log('end'));
    // A dead dialog gets no REFER (sendInDialogRequest says 'not-sent'), so there is no usage to follow.
    this.#usage =
      dialog.state === 'terminated'
        ? undefined
        : new SubscriptionUsage(dialog, {
            adopt: (successor) => ctx.addDialog(successor, { handleRequest: (request, d) => this.handleRequest(request, d) }),
            onLost: (reason) => this.#finish({ cause: 'dialog-ended', status: this.#last?.status, reason }),
          });
    this.#timers.start('final-notify', options.timeoutMs ?? 64 * ctx.timers.t1, () => this.#timedOut());
    this.outcome = sendInDialogRequest(ctx, dialog, 'REFER', {
      headers,
      onAttempt: (request) => {
        const seq = getCSeq(request)?.seq;
        if (seq !== undefined) this.#seqs.add(seq);
      },
    }).then((outcome) => {
      this.#answered(outcome);
      return outcome;
    });
  }

  get state(): ReferClientState {
    return this.#state;
  }

  /** The last status a NOTIFY reported. */
  get lastProgress(): SipfragStatus | undefined {
    return this.#last;
  }

  /** How it ended, once it has. */
  get ended(): ReferEnd | undefined {
    return this.#ending;
  }

  onProgress(listener: (progress: ReferProgress) => void): () => void {
    return this.#progress.on(listener);
  }

  onEnd(listener: (end: ReferEnd) => void): () => void {
    return this.#end.on(listener);
  }

  /**
   * An in-dialog request (an InDialogHandler; bound, so it can be passed on
   * as it is): a NOTIFY of this subscription is answered here (true);
   * anything else is left to others (false) — a NOTIFY nobody claims gets
   * 481 from the core (RFC 6665 §4.1.3).
   */
  readonly handleRequest = (request: UasRequest, dialog: Dialog): boolean => {
    if (request.method !== 'NOTIFY' || this.#state === 'terminated' || dialog !== this.#usage?.dialog) return false;
    const notify = readReferNotify(request.request);
    if (notify.kind === 'not-refer') return false;
    if (notify.kind === 'bad') {
      request.respond(notify.status, { reason: notify.reason });
      return true;
    }
    if (notify.id !== undefined && !this.#seqs.has(notify.id)) return false;
    request.respond(200);
    if (notify.progress !== undefined) {
      this.#last = notify.progress;
      this.#progress.emit({ ...notify.progress, subscriptionState: notify.state, final: notify.progress.status >= 200 });
    }
    if (notify.state === 'terminated') {
      this.#finish({ cause: 'notified', status: this.#last?.status, reason: this.#last?.reason ?? notify.reason ?? 'terminated' });
      return true;
    }
    if (this.#state === 'pending') this.#transition('active');
    if (notify.expiresS !== undefined) this.#timers.start('final-notify', notify.expiresS * 1000, () => this.#timedOut());
    return true;
  };

  /** Stops the timer and lets the dialog go; no end event. */
  dispose(): void {
    this.#timers.clearAll();
    this.#usage?.end();
    if (this.#state !== 'terminated') this.#transition('terminated');
    this.#progress.clear();
    this.#end.clear();
  }

  #answered(outcome: InDialogOutcome): void {
    if (this.#state === 'terminated') return;
    switch (outcome.kind) {
      case 'response': {
        const { status, reason } = outcome.response;
        if (status >= 200 && status < 300) {
          if (this.#state === 'pending') this.#transition('active');
        } else {
          this.#finish({ cause: 'rejected', status, reason: outcome.authFailure?.reason ?? reason });
        }
        return;
      }
      case 'failure':
        this.#finish({ cause: 'failed', status: outcome.status, reason: outcome.reason });
        return;
      case 'not-sent':
        this.#finish({ cause: 'failed', status: undefined, reason: outcome.reason });
        return;
    }
  }

  #timedOut(): void {
    this.#finish({ cause: 'timeout', status: this.#last?.status, reason: 'no final NOTIFY in time' });
  }

  #finish(end: ReferEnd): void {
    if (this.#state === 'terminated') return;
    this.#timers.clearAll();
    this.#usage?.end();
    this.#ending = end;
    this.#transition('terminated');
    this.#end.emit(end);
  }

  #transition(next: ReferClientState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`refer subscription: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }
}
