/**
 * One InDialogHandler out of several (a call hands its in-dialog requests to
 * exactly one): each is asked in turn until one answers — the REFER
 * handler, the NOTIFYs of a REFER we sent, DTMF INFO … Whatever none takes
 * gets the core's default (481 for NOTIFY, 501 for INFO and REFER).
 */
import type { Dialog } from '../../dialog/index.js';
import type { InDialogHandler } from '../incoming-call.js';
import type { UasRequest } from '../uas-request.js';

export function firstHandler(...handlers: readonly InDialogHandler[]): InDialogHandler {
  return (request: UasRequest, dialog: Dialog) => handlers.some((handle) => handle(request, dialog));
}
