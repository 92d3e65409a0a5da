/**
 * DTMF over SIP INFO (account.N.dtmf.type = info): sending a key as an INFO
 * in the call's dialog, and reading the peer's.
 *
 *   const dtmf = new DtmfInfoSender(ctx, call.dialog);
 *   void dtmf.send('5');                                  // INFO, Signal=5, Duration=160
 *   call.setInDialogHandler(firstHandler((r) => receiveDtmfInfo(r, (d) => media.playKey(d.signal)), …));
 *
 * Keys go one INFO at a time, in order: each waits for the previous one's
 * final response, so "1 2 3" cannot arrive as "1 3 2" or be refused as out
 * of CSeq order (RFC 3261 §12.2.2: 500 for a lower CSeq).
 */
import type { Dialog } from '../../dialog/index.js';
import { getContentType, mediaTypeName } from '../../message/index.js';
import type { UasRequest } from '../uas-request.js';
import type { TransferContext } from './context.js';
import { sendInDialogRequest } from './in-dialog-request.js';
import type { InDialogOutcome } from './in-dialog-request.js';
import { DEFAULT_DTMF_DURATION_MS, DTMF_RELAY_CONTENT_TYPE, formatDtmfRelay, parseDtmfRelay } from './dtmf-relay.js';
import type { DtmfRelay } from './dtmf-relay.js';

export class DtmfInfoSender {
  readonly #ctx: TransferContext;
  readonly #dialog: Dialog;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: TransferContext, dialog: Dialog) {
    this.#ctx = ctx;
    this.#dialog = dialog;
  }

  /** Sends `signal` once the INFOs before it are answered; resolves with its own outcome. Throws for a key that is not DTMF. */
  send(signal: string, durationMs = DEFAULT_DTMF_DURATION_MS): Promise<InDialogOutcome> {
    const body = formatDtmfRelay({ signal, durationMs });
    const sent = this.#tail.then(() => sendInDialogRequest(this.#ctx, this.#dialog, 'INFO', { body }));
    this.#tail = sent;
    return sent;
  }
}

/**
 * An in-dialog request that may be a DTMF INFO: one with an
 * application/dtmf-relay body is answered (200, or 400 when the body names
 * no key) and its key handed to `onDtmf`; true when it was one. Other INFOs
 * (other packages, RFC 6086) and other methods are left to others.
 */
export function receiveDtmfInfo(request: UasRequest, onDtmf: (dtmf: DtmfRelay) => void): boolean {
  if (request.method !== 'INFO' || request.request.body.length === 0) return false;
  let type;
  try {
    type = getContentType(request.request);
  } catch {
    return false;
  }
  if (type === undefined || mediaTypeName(type) !== DTMF_RELAY_CONTENT_TYPE) return false;
  const dtmf = parseDtmfRelay(request.request.body);
  if (dtmf === undefined) {
    request.respond(400, { reason: 'No DTMF Signal' });
    return true;
  }
  request.respond(200);
  onDtmf(dtmf);
  return true;
}
