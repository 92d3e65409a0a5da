/**
 * The dialogs of one user agent, found by dialog ID (RFC 3261 §12.2.2):
 *
 * "If the request has a tag in the To header field, the UAS core computes
 * the dialog identifier corresponding to the request and compares it with
 * existing dialogs. If there is a match, this is a mid-dialog request."
 * "If the UAS wishes to reject the request because it does not wish to
 * recreate the dialog, it MUST respond to the request with a 481
 * (Call/Transaction Does Not Exist) status code and pass that to the server
 * transaction." The phone does not recreate dialogs (it keeps none across a
 * restart), so a To tag naming no dialog is answered 481 — except an ACK,
 * which is never answered (§17: an ACK has no response) and is dropped.
 *
 * Each dialog is stored with its owner (the call or subscription that uses
 * it). A dialog leaves the registry when it is terminated.
 */
import type { HasHeaders } from '../message/index.js';
import type { Dialog } from './dialog.js';
import { dialogKey, requestDialogId, responseDialogId } from './dialog-id.js';
import type { DialogId } from './dialog-id.js';

export type DialogMatch<Owner> =
  /** No To tag: a request outside any dialog (§8.2, §12.2.2). */
  | { readonly kind: 'outside' }
  | { readonly kind: 'matched'; readonly dialog: Dialog; readonly owner: Owner }
  /** A To tag naming no dialog of ours: 481, or drop for an ACK (§12.2.2). */
  | { readonly kind: 'no-dialog'; readonly id: DialogId };

interface Entry<Owner> {
  readonly dialog: Dialog;
  readonly owner: Owner;
  readonly unsubscribe: () => void;
}

export class DialogRegistry<Owner> {
  readonly #entries = new Map<string, Entry<Owner>>();

  get size(): number {
    return this.#entries.size;
  }

  /** Adds a live dialog; it is removed when it reaches 'terminated'. */
  add(dialog: Dialog, owner: Owner): void {
    if (dialog.state === 'terminated') throw new Error('cannot register a terminated dialog');
    if (this.#entries.has(dialog.key)) throw new Error(`a dialog with this ID exists: ${dialog.key.replace(/\n/g, ' / ')}`);
    const unsubscribe = dialog.onStateChange((state) => {
      if (state === 'terminated') this.delete(dialog);
    });
    this.#entries.set(dialog.key, { dialog, owner, unsubscribe });
  }

  delete(dialog: Dialog): void {
    const entry = this.#entries.get(dialog.key);
    if (entry?.dialog !== dialog) return;
    entry.unsubscribe();
    this.#entries.delete(dialog.key);
  }

  get(id: DialogId): { readonly dialog: Dialog; readonly owner: Owner } | undefined {
    return this.#entries.get(dialogKey(id));
  }

  /** Which dialog, if any, a received request belongs to (the phone as its UAS). */
  matchRequest(request: HasHeaders): DialogMatch<Owner> {
    const id = requestDialogId(request);
    if (id === undefined) return { kind: 'outside' };
    const entry = this.#entries.get(dialogKey(id));
    return entry === undefined ? { kind: 'no-dialog', id } : { kind: 'matched', dialog: entry.dialog, owner: entry.owner };
  }

  /** The dialog a response to one of our requests belongs to (the phone as its UAC). */
  matchResponse(response: HasHeaders): { readonly dialog: Dialog; readonly owner: Owner } | undefined {
    const id = responseDialogId(response);
    return id === undefined ? undefined : this.#entries.get(dialogKey(id));
  }

  dialogs(): Dialog[] {
    return [...this.#entries.values()].map((e) => e.dialog);
  }

  clear(): void {
    for (const entry of this.#entries.values()) entry.unsubscribe();
    this.#entries.clear();
  }
}
