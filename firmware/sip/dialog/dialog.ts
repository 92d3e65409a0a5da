/**
 * A SIP dialog (RFC 3261 §12): "a peer-to-peer SIP relationship between two
 * UAs that persists for some time". It holds what §12 lists as dialog state
 * — "the dialog ID, a local sequence number (used to order requests from the
 * UA to its peer), a remote sequence number (used to order requests from its
 * peer to the UA), a local URI, a remote URI, remote target, a boolean flag
 * called "secure", and a route set" — plus our own Contact (the local
 * target) that target refresh requests carry.
 *
 * Created as UAS when the phone sends a 101-199 with a To tag or a 2xx to an
 * INVITE (Dialog.asUas), as UAC when such a response to its INVITE arrives
 * (Dialog.asUac). Sending and receiving belong to the layers above: this
 * builds in-dialog requests (§12.2.1.1) and judges received ones (§12.2.2).
 */
import { NameAddr, createRequest, getCSeq, getCallId, getContacts, getFrom, getTo } from '../message/index.js';
import type { HasHeaders, MessageBody, SipRequest, SipResponse, Uri } from '../message/index.js';
import { nextRemoteSeq, randomInitialSeq, remoteCSeqVerdict } from './cseq-order.js';
import type { RemoteCSeqVerdict } from './cseq-order.js';
import { dialogKey } from './dialog-id.js';
import type { DialogId } from './dialog-id.js';
import { addressRequest, routeSetFromRequest, routeSetFromResponse } from './route-set.js';

/*
 * States and allowed transitions (§12, §12.3, §13.2.2.4, §15):
 *   early     → confirmed   2xx sent (UAS) or received (UAC) for the INVITE that made it
 *   early     → terminated  "For other responses, or if no response arrives at all on
 *                            that dialog, the early dialog terminates"; CANCEL; BYE (§15)
 *   confirmed → terminated  BYE sent or received (§15), or the session was given up
 */
export type DialogState = 'early' | 'confirmed' | 'terminated';

const ALLOWED: Readonly<Record<DialogState, readonly DialogState[]>> = {
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

export type DialogRole = 'uac' | 'uas';

/**
 * Target refresh requests (§12.2, RFC 3311 §5.1 for UPDATE): they replace
 * the remote target. SUBSCRIBE and NOTIFY refresh too (RFC 6665 §4.1.2) but
 * belong to subscription dialogs, which are not built here.
 */
export const TARGET_REFRESH_METHODS: readonly string[] = ['INVITE', 'UPDATE'];

/**
 * Requests that must carry the sender's Contact: §8.1.1.8 (any request that
 * can establish a dialog, hence re-INVITE), RFC 3311 §5.1 (UPDATE), RFC 6665
 * §8.3.1 / RFC 3515 §2.4.1 (SUBSCRIBE, NOTIFY, REFER).
 */
const METHODS_WITH_CONTACT: readonly string[] = ['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER'];

export interface DialogOptions {
  /** The transport the dialog-creating request came or went on: with a SIPS Request-URI, 'tls' sets `secure`. */
  readonly transport?: string;
  /** Picks the first local CSeq when the local sequence number is empty (§8.1.1.5); default random. */
  readonly initialSeq?: () => number;
}

interface DialogInit {
  readonly id: DialogId;
  readonly role: DialogRole;
  readonly state: DialogState;
  readonly localSeq: number | undefined;
  readonly remoteSeq: number | undefined;
  readonly localUri: Uri;
  readonly remoteUri: Uri;
  readonly remoteTarget: Uri;
  readonly localTarget: Uri | undefined;
  readonly routeSet: readonly Uri[];
  readonly secure: boolean;
  readonly initialSeq: () => number;
}

export interface InDialogRequestOptions {
  /** ACK only: the CSeq number of the INVITE it acknowledges (§13.2.2.4). */
  readonly cseq?: number;
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: MessageBody;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`cannot build a dialog: ${what}`);
  return value;
}

/** The first Contact URI, or undefined (none, or '*'). */
function firstContact(m: HasHeaders): Uri | undefined {
  const contacts = getContacts(m);
  return contacts === '*' ? undefined : contacts[0]?.uri;
}

function isSips(uri: Uri): boolean {
  return uri.kind === 'sip' && uri.scheme === 'sips';
}

export class Dialog {
  readonly id: DialogId;
  /** dialogKey(id), for maps. */
  readonly key: string;
  readonly role: DialogRole;
  readonly localUri: Uri;
  readonly remoteUri: Uri;
  /** §12.1.1/§12.1.2: TLS and a SIPS Request-URI; requests in a secure dialog must stay on TLS. */
  readonly secure: boolean;
  #state: DialogState;
  #localSeq: number | undefined;
  #remoteSeq: number | undefined;
  #remoteTarget: Uri;
  #localTarget: Uri | undefined;
  #routeSet: readonly Uri[];
  readonly #initialSeq: () => number;
  readonly #listeners = new Set<(state: DialogState, previous: DialogState) => void>();

  private constructor(init: DialogInit) {
    this.id = init.id;
    this.key = dialogKey(init.id);
    this.role = init.role;
    this.#state = init.state;
    this.#localSeq = init.localSeq;
    this.#remoteSeq = init.remoteSeq;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.#remoteTarget = init.remoteTarget;
    this.#localTarget = init.localTarget;
    this.#routeSet = init.routeSet;
    this.secure = init.secure;
    this.#initialSeq = init.initialSeq;
  }

  /**
   * The UAS side (§12.1.1), from the request and the 101-199 (with a To tag)
   * or 2xx the phone sends to it. "The remote target MUST be set to the URI
   * from the Contact header field of the request. [...] The remote sequence
   * number MUST be set to the value of the sequence number in the CSeq header
   * field of the request. The local sequence number MUST be empty. The call
   * identifier component of the dialog ID MUST be set to the value of the
   * Call-ID in the request. The local tag component of the dialog ID MUST be
   * set to the tag in the To field in the response to the request (which
   * always includes a tag), and the remote tag component of the dialog ID
   * MUST be set to the tag from the From field in the request. [...] The
   * remote URI MUST be set to the URI in the From field, and the local URI
   * MUST be set to the URI in the To field."
   *
   * An RFC 2543 request may have no Contact (RFC 4475 §3.4 inv2543); the
   * From URI is then the only address known for the peer.
   */
  static asUas(request: SipRequest, response: SipResponse, options: DialogOptions = {}): Dialog {
    const state = Dialog.#stateFor(response);
    const from = required(getFrom(request), 'the request has no From');
    const to = required(getTo(request), 'the request has no To');
    const localTag = required(getTo(response)?.tag, 'the response has no To tag');
    return new Dialog({
      id: { callId: required(getCallId(request), 'the request has no Call-ID'), localTag, remoteTag: from.tag },
      role: 'uas',
      state,
      localSeq: undefined,
      remoteSeq: required(getCSeq(request), 'the request has no CSeq').seq,
      localUri: to.uri,
      remoteUri: from.uri,
      remoteTarget: firstContact(request) ?? from.uri,
      localTarget: firstContact(response),
      routeSet: routeSetFromRequest(request),
      // "If the request arrived over TLS, and the Request-URI contained a SIPS URI, the "secure" flag is set to TRUE."
      secure: options.transport?.toLowerCase() === 'tls' && isSips(request.uri),
      initialSeq: options.initialSeq ?? randomInitialSeq,
    });
  }

  /**
   * The UAC side (§12.1.2), from our request as sent and a 101-199 with a To
   * tag (early) or a 2xx. "The remote target MUST be set to the URI from the
   * Contact header field of the response. The local sequence number MUST be
   * set to the value of the sequence number in the CSeq header field of the
   * request. The remote sequence number MUST be empty [...] The call
   * identifier component of the dialog ID MUST be set to the value of the
   * Call-ID in the request. The local tag component of the dialog ID MUST be
   * set to the tag in the From field in the request, and the remote tag
   * component of the dialog ID MUST be set to the tag in the To field of the
   * response. [...] The remote URI MUST be set to the URI in the To field,
   * and the local URI MUST be set to the URI in the From field."
   */
  static asUac(request: SipRequest, response: SipResponse, options: DialogOptions = {}): Dialog {
    const state = Dialog.#stateFor(response);
    const from = required(getFrom(request), 'the request has no From');
    const to = required(getTo(request), 'the request has no To');
    const remoteTag = required(getTo(response)?.tag, 'the response has no To tag');
    return new Dialog({
      id: {
        callId: required(getCallId(request), 'the request has no Call-ID'),
        localTag: required(from.tag, 'the request has no From tag'),
        remoteTag,
      },
      role: 'uac',
      state,
      localSeq: required(getCSeq(request), 'the request has no CSeq').seq,
      remoteSeq: undefined,
      localUri: from.uri,
      remoteUri: to.uri,
      // A 1xx need not carry a Contact; the Request-URI is where the request went.
      remoteTarget: firstContact(response) ?? request.uri,
      localTarget: firstContact(request),
      routeSet: routeSetFromResponse(response),
      // "If the request was sent over TLS, and the Request-URI contained a SIPS URI, the "secure" flag is set to TRUE."
      secure: options.transport?.toLowerCase() === 'tls' && isSips(request.uri),
      initialSeq: options.initialSeq ?? randomInitialSeq,
    });
  }

  static #stateFor(response: SipResponse): DialogState {
    // §12.1: "only 2xx and 101-199 responses with a To tag, where the request was INVITE, will establish a dialog."
    if (response.status > 100 && response.status < 200) return 'early';
    if (response.status >= 200 && response.status < 300) return 'confirmed';
    throw new Error(`a ${response.status} response establishes no dialog (§12.1)`);
  }

  get state(): DialogState {
    return this.#state;
  }

  /** Empty (undefined) until the first request we send on a dialog we did not start. */
  get localSeq(): number | undefined {
    return this.#localSeq;
  }

  get remoteSeq(): number | undefined {
    return this.#remoteSeq;
  }

  /** Where requests to the peer go: its Contact, updated by target refreshes. */
  get remoteTarget(): Uri {
    return this.#remoteTarget;
  }

  /** Our own Contact in this dialog, put in target refresh requests. */
  get localTarget(): Uri | undefined {
    return this.#localTarget;
  }

  get routeSet(): readonly Uri[] {
    return this.#routeSet;
  }

  /** Listens for state changes; returns an unsubscribe. */
  onStateChange(listener: (state: DialogState, previous: DialogState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * early → confirmed. For a UAC, with the 2xx that confirms it, §13.2.2.4:
   * "If the dialog identifier in the 2xx response matches the dialog
   * identifier of an existing dialog, the dialog MUST be transitioned to the
   * "confirmed" state, and the route set for the dialog MUST be recomputed
   * based on the 2xx response using the procedures of Section 12.2.1.2."
   * (The remote target follows the 2xx's Contact, §12.2.1.2.)
   */
  confirm(response?: SipResponse): void {
    this.#transition('confirmed');
    if (this.role === 'uac' && response !== undefined && response.status >= 200 && response.status < 300) {
      this.#routeSet = routeSetFromResponse(response);
      this.#remoteTarget = firstContact(response) ?? this.#remoteTarget;
    }
  }

  /** → terminated; a no-op when it already is. */
  terminate(): void {
    if (this.#state !== 'terminated') this.#transition('terminated');
  }

  /**
   * A request received in this dialog (§12.2.2). Applies the remote CSeq
   * rule (see cseq-order.ts): an out-of-order request must be answered 500
   * and changes nothing. ACK and CANCEL are not ordered by CSeq.
   */
  receiveRequest(request: SipRequest): RemoteCSeqVerdict {
    if (request.method === 'ACK' || request.method === 'CANCEL') return 'in-order';
    const seq = getCSeq(request)?.seq;
    if (seq === undefined) return 'out-of-order';
    const verdict = remoteCSeqVerdict(this.#remoteSeq, seq);
    if (verdict === 'in-order') this.#remoteSeq = nextRemoteSeq(this.#remoteSeq, seq);
    return verdict;
  }

  /**
   * UAS, when it accepts a target refresh request (§12.2.2): "When a UAS
   * receives a target refresh request, it MUST replace the dialog's remote
   * target URI with the URI from the Contact header field in that request,
   * if present." Applied when the 2xx is sent, because "If the request is
   * rejected, none of the state changes are performed" (§12.2.2).
   */
  refreshFromRequest(request: SipRequest): void {
    if (!TARGET_REFRESH_METHODS.includes(request.method)) return;
    this.#remoteTarget = firstContact(request) ?? this.#remoteTarget;
  }

  /**
   * UAC, on a 2xx to a target refresh request it sent (§12.2.1.2): "When a
   * UAC receives a 2xx response to a target refresh request, it MUST replace
   * the dialog's remote target URI with the URI from the Contact header field
   * in that response, if present."
   */
  refreshFromResponse(response: SipResponse): void {
    const method = getCSeq(response)?.method;
    if (method === undefined || !TARGET_REFRESH_METHODS.includes(method)) return;
    if (response.status < 200 || response.status >= 300) return;
    this.#remoteTarget = firstContact(response) ?? this.#remoteTarget;
  }

  /**
   * A request of ours in this dialog went out numbered `seq` by someone
   * other than createRequest(): the AuthenticatingSender's resend after a
   * 401/407 takes CSeq + 1 (§22.2, §8.1.3.5). The next request is numbered
   * after it — §12.2.1.1: "Requests within a dialog MUST contain strictly
   * monotonically increasing and contiguous CSeq sequence numbers".
   */
  noteLocalSeq(seq: number): void {
    if (this.#localSeq === undefined || seq > this.#localSeq) this.#localSeq = seq;
  }

  /**
   * A confirmed copy of this dialog for a usage that outlives the INVITE
   * usage: a BYE ends the session, but the subscription a REFER made in the
   * dialog (RFC 3515 §2.4.4) lives on until its final NOTIFY — RFC 5057 §3.1
   * (transfer) and §5: each usage of a dialog ends on its own. Same ID,
   * sequence numbers, targets and route set; a state of its own.
   */
  successor(): Dialog {
    return new Dialog({
      id: this.id,
      role: this.role,
      state: 'confirmed',
      localSeq: this.#localSeq,
      remoteSeq: this.#remoteSeq,
      localUri: this.localUri,
      remoteUri: this.remoteUri,
      remoteTarget: this.#remoteTarget,
      localTarget: this.#localTarget,
      routeSet: this.#routeSet,
      secure: this.secure,
      initialSeq: this.#initialSeq,
    });
  }

  /** Our Contact changed (a new address after a network change): the next target refresh carries it. */
  setLocalTarget(uri: Uri): void {
    this.#localTarget = uri;
  }

  /**
   * A request within the dialog (§12.2.1.1): "The URI in the To field of the
   * request MUST be set to the remote URI from the dialog state. The tag in
   * the To header field of the request MUST be set to the remote tag of the
   * dialog ID. The From URI of the request MUST be set to the local URI from
   * the dialog state. The tag in the From header field of the request MUST be
   * set to the local tag of the dialog ID. [...] The Call-ID of the request
   * MUST be set to the Call-ID of the dialog. Requests within a dialog MUST
   * contain strictly monotonically increasing and contiguous CSeq sequence
   * numbers (increasing-by-one) in each direction (excepting ACK and CANCEL
   * of course, whose numbers equal the requests being acknowledged or
   * cancelled). [...] If the local sequence number is empty, an initial value
   * MUST be chosen using the guidelines of Section 8.1.1.5." Request-URI and
   * Route: see addressRequest(). The Via is the client transaction's.
   */
  createRequest(method: string, options: InDialogRequestOptions = {}): SipRequest {
    if (method === 'CANCEL') throw new Error('a CANCEL copies the request it cancels: use createCancel() (§9.1)');
    if (this.#state === 'terminated') throw new Error(`cannot send ${method} in a terminated dialog`);
    let seq: number;
    if (method === 'ACK') {
      if (options.cseq === undefined) throw new Error('an ACK needs the CSeq number of its INVITE (§13.2.2.4)');
      seq = options.cseq;
    } else {
      seq = this.#localSeq === undefined ? this.#initialSeq() : this.#localSeq + 1;
      this.#localSeq = seq;
    }
    const addressing = addressRequest(this.#remoteTarget, this.#routeSet);
    const to = new NameAddr({ uri: this.remoteUri });
    const contact = this.#localTarget !== undefined && METHODS_WITH_CONTACT.includes(method) ? [new NameAddr({ uri: this.#localTarget })] : undefined;
    return createRequest({
      method,
      uri: addressing.requestUri,
      from: new NameAddr({ uri: this.localUri }).withTag(this.id.localTag),
      to: this.id.remoteTag === undefined ? to : to.withTag(this.id.remoteTag),
      callId: this.id.callId,
      cseq: seq,
      route: addressing.route.map((uri) => new NameAddr({ uri })),
      contact,
      headers: options.headers,
      body: options.body,
    });
  }

  #transition(next: DialogState): void {
    const previous = this.#state;
    if (!ALLOWED[previous].includes(next)) throw new Error(`dialog: illegal transition ${previous} → ${next}`);
    this.#state = next;
    for (const listener of [...this.#listeners]) listener(next, previous);
  }
}
