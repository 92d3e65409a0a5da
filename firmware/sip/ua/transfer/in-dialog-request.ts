/**
 * A non-INVITE request inside a dialog (RFC 3261 §12.2.1.1): REFER, NOTIFY,
 * INFO … built by the dialog (Request-URI and Route from the route set,
 * CSeq + 1, Contact where the method needs one) and sent through the
 * account's AuthenticatingSender, so a 401/407 from our own proxy is
 * answered as a new transaction with CSeq + 1 (§22.2, §22.3) — a number the
 * dialog is told about, so the next request counts on from it (§12.2.1.1).
 *
 *   const outcome = await sendInDialogRequest(ctx, call.dialog, 'INFO', { body });
 *   outcome.kind === 'response' ? outcome.response.status : outcome.status   // 408 / 503
 *
 * Never rejects. INVITE (session-modifier.ts), ACK and CANCEL have their own paths.
 */
import type { Dialog } from '../../dialog/index.js';
import { getCSeq } from '../../message/index.js';
import type { MessageBody, SipRequest, SipResponse } from '../../message/index.js';
import type { AuthFailure } from '../authenticating-sender.js';
import type { TransferContext } from './context.js';
import type { TransportTarget } from '../../transport/types.js';

export interface InDialogSendOptions {
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: MessageBody;
  /** Each transaction's request as it leaves: the first, then a resend with credentials (its CSeq one higher). */
  readonly onAttempt?: (request: SipRequest) => void;
}

export type InDialogOutcome =
  | {
      readonly kind: 'response';
      /** The final response (a 401/407 only when `authFailure` says why it was not answered). */
      readonly response: SipResponse;
      /** The request the response answers, as last sent. */
      readonly request: SipRequest;
      readonly attempts: number;
      readonly authFailure?: AuthFailure;
      /**
       * §12.2.1.2: "If the response for a request within a dialog is a 481
       * (Call/Transaction Does Not Exist) or a 408 (Request Timeout), the UAC
       * SHOULD terminate the dialog." Left to the owner of the dialog.
       */
      readonly endDialog: boolean;
    }
  | {
      readonly kind: 'failure';
      /** §8.1.3.1: a timeout is treated as 408, a transport error or no route as 503. */
      readonly status: 408 | 503;
      readonly reason: string;
      readonly request: SipRequest;
      readonly attempts: number;
      /** §12.2.1.2: "A UAC SHOULD also terminate a dialog if no response at all is received for the request". */
      readonly endDialog: boolean;
    }
  | {
      /** Nothing was sent: the dialog is over (createRequest refuses a terminated dialog). */
      readonly kind: 'not-sent';
      readonly reason: string;
    };

const OWN_PATHS: readonly string[] = ['INVITE', 'ACK', 'CANCEL'];

export function sendInDialogRequest(
  ctx: TransferContext,
  dialog: Dialog,
  method: string,
  options: InDialogSendOptions = {},
): Promise<InDialogOutcome> {
  // A programming error, reported as the rejection it always was.
  if (OWN_PATHS.includes(method)) return Promise.reject(new RangeError(`${method} is not sent as a plain in-dialog request`));
  let request: SipRequest;
  try {
    request = dialog.createRequest(method, { headers: options.headers, body: options.body });
  } catch (e) {
    return Promise.resolve({ kind: 'not-sent', reason: e instanceof Error ? e.message : String(e) });
  }
  // §12.2.1.1: the CSeq was taken just now; the request leaves before anything
  // else in the dialog can take the next one — so no await unless the route
  // really needs a DNS lookup.
  const target = ctx.targetOf(request);
  return target instanceof Promise ? target.then((t) => sendTo(ctx, dialog, request, t, options)) : sendTo(ctx, dialog, request, target, options);
}

async function sendTo(
  ctx: TransferContext,
  dialog: Dialog,
  request: SipRequest,
  target: TransportTarget | undefined,
  options: InDialogSendOptions,
): Promise<InDialogOutcome> {
  if (target === undefined) {
    return { kind: 'failure', status: 503, reason: 'no route to the next hop', request, attempts: 0, endDialog: false };
  }
  let last = request;
  try {
    const outcome = await ctx.sender.send(request, target, {
      nextHopIsOurServer: ctx.isOurServer(target),
      onAttempt: (sent) => {
        last = sent.request;
        const seq = getCSeq(sent.request)?.seq;
        if (seq !== undefined) dialog.noteLocalSeq(seq);
        options.onAttempt?.(sent.request);
      },
    });
    if (outcome.kind === 'failure') {
      const f = outcome.failure;
      return {
        kind: 'failure',
        status: f.treatAs,
        reason: f.kind === 'timeout' ? `no response (Timer ${f.timer})` : f.message,
        request: outcome.sent.request,
        attempts: outcome.attempts,
        endDialog: f.kind === 'timeout',
      };
    }
    const status = outcome.response.status;
    return {
      kind: 'response',
      response: outcome.response,
      request: outcome.sent.request,
      attempts: outcome.attempts,
      ...(outcome.authFailure === undefined ? {} : { authFailure: outcome.authFailure }),
      endDialog: status === 481 || status === 408,
    };
  } catch (e) {
    // The transaction layer refused the request (disposed): as good as a transport error.
    return { kind: 'failure', status: 503, reason: e instanceof Error ? e.message : String(e), request: last, attempts: 0, endDialog: false };
  }
}
