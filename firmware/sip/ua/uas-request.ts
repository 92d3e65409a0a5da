/**
 * A request the phone serves, with what answering it takes (RFC 3261
 * §8.2.6): responses built from the request (§8.2.6.2 copies), one To tag
 * for all of them when the request had none — "the UAS MUST add a tag to
 * the To header field in the response (with the exception of the 100
 * (Trying) response, in which a tag MAY be present)" and it must be the same
 * tag in every response to the request, since it names the dialog — and the
 * server transaction that carries them.
 */
import { createResponse, createTag, formatNameAddr, getTo, NameAddr } from '../message/index.js';
import type { MessageBody, SipRequest, SipResponse, Uri } from '../message/index.js';
import type { IncomingRequest, ServerTransaction } from '../transaction/index.js';
import type { TransportTarget } from '../transport/types.js';

export interface RespondOptions {
  /** Reason phrase; the standard one by default. */
  readonly reason?: string;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: MessageBody;
  /** Our Contact: dialog-creating (§12.1.1) and target refresh (§12.2.2) responses carry one. */
  readonly contact?: Uri;
  /** Copy Record-Route, as a dialog-creating response must (§12.1.1). */
  readonly copyRecordRoute?: boolean;
}

function requestToTag(request: SipRequest): string | undefined {
  try {
    return getTo(request)?.tag;
  } catch {
    return undefined;
  }
}

export class UasRequest {
  readonly request: SipRequest;
  readonly source: TransportTarget;
  readonly receivedAt: number;
  readonly transaction: ServerTransaction;
  /** The To tag our responses carry: the request's own, or one chosen for them. */
  readonly toTag: string | undefined;
  readonly #addTag: boolean;
  readonly #onFinal: ((response: SipResponse) => void) | undefined;
  #final: SipResponse | undefined;

  constructor(
    transaction: ServerTransaction,
    incoming: IncomingRequest,
    options: { readonly toTag?: string; readonly onFinal?: (response: SipResponse) => void } = {},
  ) {
    this.transaction = transaction;
    this.request = incoming.message;
    this.source = incoming.source;
    this.receivedAt = incoming.receivedAt;
    const own = requestToTag(incoming.message);
    this.#addTag = own === undefined && incoming.message.headers.has('To');
    this.toTag = own ?? (this.#addTag ? (options.toTag ?? createTag()) : undefined);
    this.#onFinal = options.onFinal;
  }

  get method(): string {
    return this.request.method;
  }

  /** The final response sent, once there is one. */
  get finalResponse(): SipResponse | undefined {
    return this.#final;
  }

  createResponse(status: number, options: RespondOptions = {}): SipResponse {
    const headers: [string, string][] = [];
    if (options.contact !== undefined) headers.push(['Contact', formatNameAddr(new NameAddr({ uri: options.contact }))]);
    for (const [name, value] of options.headers ?? []) headers.push([name, value]);
    return createResponse(this.request, status, options.reason, {
      toTag: status > 100 && this.#addTag ? this.toTag : undefined,
      copyRecordRoute: options.copyRecordRoute,
      headers,
      body: options.body,
    });
  }

  /** Hands `response` to the server transaction; false when the transaction refuses it (already answered). */
  send(response: SipResponse): boolean {
    const accepted = this.transaction.respond(response);
    if (accepted && response.status >= 200 && this.#final === undefined) {
      this.#final = response;
      this.#onFinal?.(response);
    }
    return accepted;
  }

  respond(status: number, options: RespondOptions = {}): SipResponse | undefined {
    const response = this.createResponse(status, options);
    return this.send(response) ? response : undefined;
  }
}
