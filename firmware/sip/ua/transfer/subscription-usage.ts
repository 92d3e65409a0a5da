/**
 * The dialog the implicit subscription of a REFER lives in (RFC 3515
 * §2.4.4: "the REFER creates an implicit subscription sharing the dialog
 * identifiers in the REFER request"), followed past the end of the call.
 *
 * A BYE ends the INVITE usage of the dialog, not the subscription: RFC 5057
 * §3.1 (transfer) and §5 — each usage ends on its own, so the transferee
 * still sends its final NOTIFY after the transferor hung up (the reference
 * flow 1, F17), and a transferor that hung up right after the 202 still
 * hears how the transfer went. When the call's dialog terminates while the
 * subscription lives, the usage carries on in dialog.successor(); `adopt`
 * puts that under the core's routing when the peer's requests (NOTIFYs)
 * must still reach us. end() lets it go.
 */
import type { Dialog } from '../../dialog/index.js';

/** Dialogs made by successor() for a subscription: the INVITE usage of their dialog is over. */
const successors = new WeakSet<Dialog>();

/** Whether `dialog` is only the remains of a call, kept for a REFER subscription (a Replaces naming it gets 603). */
export function isSubscriptionSuccessor(dialog: Dialog): boolean {
  return successors.has(dialog);
}

export interface SubscriptionUsageOptions {
  /** Registers the successor with the core (core.addDialog); may throw (a dialog with that ID exists). */
  readonly adopt?: (successor: Dialog) => void;
  /** The usage cannot go on (adopt threw, or the successor itself was terminated by the peer). */
  readonly onLost: (reason: string) => void;
}

export class SubscriptionUsage {
  readonly #options: SubscriptionUsageOptions;
  #dialog: Dialog;
  #successor: Dialog | undefined;
  #unsubscribe: () => void = () => undefined;
  #ended = false;

  constructor(dialog: Dialog, options: SubscriptionUsageOptions) {
    this.#options = options;
    this.#dialog = dialog;
    if (dialog.state === 'terminated') this.#carryOn();
    else this.#follow(dialog);
  }

  /** The dialog to build the subscription's requests in, and to match the peer's against. */
  get dialog(): Dialog {
    return this.#dialog;
  }

  /** Whether the dialog in use is a successor: the call itself has ended. */
  get outlivesCall(): boolean {
    return this.#successor !== undefined;
  }

  /** The subscription is over: stop following, and let a successor of ours go (it leaves the core's registry). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unsubscribe();
    this.#successor?.terminate();
  }

  #follow(dialog: Dialog): void {
    this.#unsubscribe = dialog.onStateChange((state) => {
      if (state !== 'terminated' || this.#ended) return;
      if (dialog === this.#successor) {
        this.#lost('the peer ended the dialog');
        return;
      }
      this.#carryOn();
    });
  }

  #carryOn(): void {
    this.#unsubscribe();
    const successor = this.#dialog.successor();
    successors.add(successor);
    this.#successor = successor;
    this.#dialog = successor;
    try {
      this.#options.adopt?.(successor);
    } catch (e) {
      this.#lost(`cannot keep the dialog for the subscription: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#follow(successor);
  }

  #lost(reason: string): void {
    this.end();
    this.#options.onLost(reason);
  }
}
