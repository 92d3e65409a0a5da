/**
 * The transferee's side of the implicit subscription a REFER creates
 * (RFC 3515 §2.4.4, §2.4.5; RFC 6665 §4.2.2): NOTIFYs to the transferor
 * with the progress of our call to the target.
 *
 *   start()            NOTIFY  Subscription-State: active;expires=60    SIP/2.0 100 Trying
 *   progress(180)      NOTIFY  active;expires=<left>                    SIP/2.0 180 Ringing
 *   finish(200)        NOTIFY  terminated;reason=noresource             SIP/2.0 200 OK
 *   (report(status) is either, by the status)
 *   (expired first)    NOTIFY  terminated;reason=timeout                the last status
 *
 * §2.4.4: "The NOTIFY requests MUST contain a body describing the status of
 * the reference"; §2.4.5: a final response "MUST [...] terminate the
 * subscription". One NOTIFY is outstanding at a time, the newest state
 * waiting behind it: two in flight could arrive out of CSeq order, and the
 * transferor would reject the older one with 500 (RFC 3261 §12.2.2).
 *
 * A NOTIFY answered with an error or not at all — 481 once the transferor
 * has hung up and forgotten the dialog (reference flow 1, F17), 408 — ends
 * the subscription: logged once, harmless, our call to the target goes on.
 * The NOTIFYs outlive the call's BYE (subscription-usage.ts).
 */
import type { Dialog } from '../../dialog/index.js';
import { reasonPhrase } from '../../message/index.js';
import type { SipfragStatus } from '../../message/index.js';
import { TimerSet } from '../../transaction/timer-set.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { TransferContext } from './context.js';
import { sendInDialogRequest } from './in-dialog-request.js';
import type { InDialogOutcome } from './in-dialog-request.js';
import { referNotifyParts } from './refer-notify-message.js';
import type { ReferNotifyContent } from './refer-notify-message.js';
import { SubscriptionUsage } from './subscription-usage.js';

/*
 * States and allowed transitions:
 *   idle        → active       start(): the first NOTIFY (100 Trying) is on its way
 *   active      → terminating  finish() or the subscription expired: the terminating NOTIFY is queued
 *   active | terminating → terminated   a NOTIFY failed (the subscriber is gone), or dispose()
 *   terminating → terminated   the terminating NOTIFY was answered (2xx or not)
 *   idle        → terminated   dispose() before start()
 * terminated is final.
 */
export type ReferNotifierState = 'idle' | 'active' | 'terminating' | 'terminated';

const ALLOWED: Readonly<Record<ReferNotifierState, readonly ReferNotifierState[]>> = {
  idle: ['active', 'terminated'],
  active: ['terminating', 'terminated'],
  terminating: ['terminated'],
  terminated: [],
};

/** RFC 3515 leaves the duration to the notifier; 60 s is what the reference phones send. */
export const DEFAULT_REFER_EXPIRES_S = 60;

export type ReferNotifierEndCause =
  /** The final NOTIFY was answered 2xx. */
  | 'finished'
  /** The subscription expired before a final status; its terminating NOTIFY went out. */
  | 'expired'
  /** A NOTIFY got an error response or none: the transferor is gone. */
  | 'subscriber-gone'
  | 'disposed';

export interface ReferNotifierEnd {
  readonly cause: ReferNotifierEndCause;
  /** The response status of the last NOTIFY (408 / 503 when none came); undefined after dispose(). */
  readonly status: number | undefined;
}

export interface ReferNotifierOptions {
  /** Subscription duration (Subscription-State expires), default 60 s. */
  readonly expiresS?: number;
}

export class ReferNotifier {
  /** The CSeq number of the REFER (Event: refer;id=…). */
  readonly referSeq: number;
  readonly #ctx: TransferContext;
  readonly #usage: SubscriptionUsage;
  readonly #expiresMs: number;
  readonly #timers: TimerSet<'expires'>;
  readonly #ends: TypedEmitter<ReferNotifierEnd>;
  #state: ReferNotifierState = 'idle';
  #expiresAt = 0;
  #progress: SipfragStatus = { status: 100, reason: reasonPhrase(100) };
  #terminationReason: 'noresource' | 'timeout' = 'noresource';
  #sending = false;
  /** A newer state to report once the NOTIFY in flight is answered. */
  #queued = false;

  constructor(ctx: TransferContext, dialog: Dialog, referSeq: number, options: ReferNotifierOptions = {}) {
    this.referSeq = referSeq;
    this.#ctx = ctx;
    this.#expiresMs = (options.expiresS ?? DEFAULT_REFER_EXPIRES_S) * 1000;
    this.#timers = new TimerSet(ctx.clock);
    this.#ends = new TypedEmitter((e) => ctx.log(`sip/transfer: notifier listener threw: ${e instanceof Error ? e.message : String(e)}`));
    this.#usage = new SubscriptionUsage(dialog, { onLost: () => this.#end({ cause: 'subscriber-gone', status: undefined }) });
  }

  get state(): ReferNotifierState {
    return this.#state;
  }

  /** What the last NOTIFY reported (or will, when one is queued). */
  get lastProgress(): SipfragStatus {
    return this.#progress;
  }

  onEnd(listener: (end: ReferNotifierEnd) => void): () => void {
    return this.#ends.on(listener);
  }

  /** The first NOTIFY, right after the 202 (RFC 3515 §2.4.4: "the agent [...] MUST send a NOTIFY"): 100 Trying. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#transition('active');
    this.#expiresAt = this.#ctx.clock.now() + this.#expiresMs;
    this.#timers.start('expires', this.#expiresMs, () => this.#expired());
    this.#push();
  }

  /** A provisional response of our call to the target (180 Ringing, 183 …). */
  progress(status: number, reason?: string): void {
    if (status < 100 || status > 199) throw new RangeError(`progress() takes a 1xx, got ${status}`);
    if (this.#state !== 'active') return;
    this.#progress = { status, reason: reason ?? reasonPhrase(status) };
    this.#push();
  }

  /** The final response of our call to the target (200 when it answered; 486, 408, 503 … when it did not). */
  finish(status: number, reason?: string): void {
    if (status < 200 || status > 699) throw new RangeError(`finish() takes a final status, got ${status}`);
    if (this.#state !== 'active') return;
    this.#progress = { status, reason: reason ?? reasonPhrase(status) };
    this.#terminate('noresource');
  }

  /** Any response of our call to the target: a 1xx is progress(), anything else finish(). */
  report(status: number, reason?: string): void {
    if (status < 200) this.progress(status, reason);
    else this.finish(status, reason);
  }

  /** Stops the timer; no more NOTIFYs. */
  dispose(): void {
    this.#end({ cause: 'disposed', status: undefined });
    this.#ends.clear();
  }

  #expired(): void {
    // RFC 6665 §4.2.2: the notifier ends an expired subscription with a NOTIFY, reason "timeout".
    if (this.#state === 'active') this.#terminate('timeout');
  }

  #terminate(reason: 'noresource' | 'timeout'): void {
    this.#terminationReason = reason;
    this.#timers.clearAll();
    this.#transition('terminating');
    this.#push();
  }

  /** Sends the current state now, or once the NOTIFY in flight is answered. */
  #push(): void {
    if (this.#sending) {
      this.#queued = true;
      return;
    }
    this.#sending = true;
    this.#queued = false;
    const terminating = this.#state === 'terminating';
    const content: ReferNotifyContent = terminating
      ? { referSeq: this.referSeq, state: 'terminated', reason: this.#terminationReason, progress: this.#progress }
      : { referSeq: this.referSeq, state: 'active', expiresS: (this.#expiresAt - this.#ctx.clock.now()) / 1000, progress: this.#progress };
    const { headers, body } = referNotifyParts(content);
    void sendInDialogRequest(this.#ctx, this.#usage.dialog, 'NOTIFY', { headers, body }).then((outcome) => this.#answered(outcome, terminating));
  }

  #answered(outcome: InDialogOutcome, wasTerminating: boolean): void {
    this.#sending = false;
    if (this.#state === 'terminated') return;
    const status = outcome.kind === 'response' ? outcome.response.status : outcome.kind === 'failure' ? outcome.status : undefined;
    if (status === undefined || status < 200 || status >= 300) {
      const why = outcome.kind === 'response' ? `${outcome.response.status} ${outcome.response.reason}` : outcome.reason;
      this.#ctx.log(`sip/transfer: NOTIFY for REFER ${this.referSeq} answered ${why}: the transferor is gone; the refer subscription ends`);
      this.#end({ cause: 'subscriber-gone', status });
      return;
    }
    if (wasTerminating) {
      this.#end({ cause: this.#terminationReason === 'timeout' ? 'expired' : 'finished', status });
      return;
    }
    if (this.#queued) this.#push();
  }

  #end(end: ReferNotifierEnd): void {
    if (this.#state === 'terminated') return;
    this.#timers.clearAll();
    this.#usage.end();
    this.#queued = false;
    this.#transition('terminated');
    this.#ends.emit(end);
  }

  #transition(next: ReferNotifierState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`refer notifier: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }
}
