/**
 * What the phone UI needs from the SIP side. The SIP stack adapter
 * (firmware/sip/phone-adapter.ts) implements it; UI tests can too.
 */

export interface AccountStatus {
  /** 1-based, as in `account.N.*`. */
  readonly index: number;
  readonly label: string;
  /** The address of record: sip:user@domain. */
  readonly uri: string;
  readonly registered: boolean;
  /** The registration client's state, for the status screen and `state`. */
  readonly state: string;
  /** The server in use, host:port;transport=… */
  readonly server: string | null;
  readonly expiresInS: number | null;
  readonly lastFailure: { readonly status: number | null; readonly reason: string; readonly at: string } | null;
}

export type IncomingCallEnd = 'rejected' | 'cancelled' | 'failed' | 'ended';

export interface IncomingCallView {
  /** The caller's display name, or '' when the From has none. */
  readonly callerName: string;
  /** What to show as the number: the user part of a SIP URI, or the whole URI. */
  readonly callerNumber: string;
  readonly callerUri: string;
  /** A stable id for the call (its Call-ID). */
  readonly callId: string;
  /** The account (1-based) the call is for: the one whose user name is the Request-URI's user; 1 if none is. */
  readonly accountIndex: number;
  /**
   * The caller asks for hands-free answering: Call-Info with answer-after
   * (RFC 3261 §20.9, as Yealink, Polycom and Asterisk Page() send it) or an
   * Alert-Info naming auto-answer or intercom.
   */
  readonly intercom: boolean;
  /** The caller's SDP offer, when the INVITE carried one. */
  readonly offerSdp: string | undefined;
  /** Sends a final response (486 Busy Here by default). */
  reject(status?: number): void;
  /** RFC 3891: the call of ours this INVITE replaces (we are the transfer target), named from our side. */
  readonly replaces?: DialogIdentity;
  /** RFC 3892 Referred-By: who transferred the caller to us. */
  readonly referredBy?: string;
  /** Answers: 200 OK with our SDP; the confirmed call's SIP side. */
  accept(answerSdp: string): SipLeg;
  /** 302 Moved Temporarily to `target` (call forwarding). */
  redirect(target: string): void;
  /** Ends an answered call (BYE), or rejects one still ringing. */
  hangup(): void;
  /** Called once, when the call is over for whatever reason. */
  onEnd(listener: (how: IncomingCallEnd) => void): void;
}

/**
 * A dialog as RFC 3891 names it: Call-ID and both tags, each from OUR side
 * (localTag is the tag we put in our From or To).
 */
export interface DialogIdentity {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

export type SessionOutcome =
  | { readonly ok: true; readonly answerSdp: string | undefined }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly endDialog: boolean };

/** A REFER the peer sent in the call's dialog (RFC 3515; we are the transferee). */
export interface IncomingReferView {
  /** The Refer-To URI, without its Replaces header. */
  readonly target: string;
  readonly replaces?: DialogIdentity;
  readonly referredBy?: string;
  /** 202 Accepted and the implicit subscription: report the new call's progress as sipfrag (RFC 3515 §2.4.5). */
  accept(): { progress(status: number, reason: string): void };
  reject(status: number): void;
}

/** Progress of a REFER we sent (we are the transferor): the NOTIFY sipfrags. */
export interface ReferTracker {
  /** 202 (accepted) or the failure of the REFER itself. */
  readonly accepted: Promise<{ readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string }>;
  /** Each sipfrag status: 100, 180, then the final one (200 = transfer done). */
  onProgress(listener: (status: number, reason: string) => void): void;
}

/** What the peer may ask of a confirmed call. */
export interface PeerRequestHandlers {
  /** A re-INVITE: our answer (or, for one without SDP, our offer), or a status to refuse it. */
  reoffer(offerSdp: string | undefined): Promise<{ readonly sdp: string } | { readonly status: number; readonly reason: string }>;
  /** The answer in the ACK to the offer we made in a 200. */
  ackAnswer(answerSdp: string): void;
  refer(refer: IncomingReferView): void;
  /** A DTMF digit sent as SIP INFO (application/dtmf-relay). */
  infoDtmf(digit: string, durationMs: number): void;
}

/** The SIP side of a confirmed call, incoming or outgoing. */
export interface SipLeg {
  readonly callId: string;
  identity(): DialogIdentity | undefined;
  /** The peer's address of record (To of our INVITE, From of theirs): what a transfer refers to. */
  readonly remoteUri: string;
  serve(handlers: PeerRequestHandlers): void;
  reinvite(offerSdp: string): Promise<SessionOutcome>;
  refer(target: string, replaces?: DialogIdentity): ReferTracker;
  info(digit: string, durationMs: number): Promise<void>;
  hangup(): void;
  onEnd(listener: (how: IncomingCallEnd) => void): void;
}

export interface PlaceCallRequest {
  readonly accountIndex: number;
  /** A SIP URI (sip:…), already resolved from what the user typed. */
  readonly target: string;
  readonly offerSdp: string;
  readonly referredBy?: string;
  readonly replaces?: DialogIdentity;
}

export type OutgoingProgress =
  | { readonly kind: 'trying' }
  | { readonly kind: 'ringing'; readonly status: number; readonly earlySdp?: string }
  | { readonly kind: 'answered'; readonly answerSdp: string | undefined; readonly leg: SipLeg }
  | { readonly kind: 'failed'; readonly status: number; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface OutgoingCallView {
  readonly callId: string;
  onProgress(listener: (progress: OutgoingProgress) => void): void;
  /** CANCEL before the answer. */
  cancel(): void;
}

/** An account's voicemail as the PBX reports it (RFC 3842 message-summary). */
export interface MessageWaiting {
  readonly waiting: boolean;
  readonly newCount: number;
  readonly oldCount: number;
}

export interface PhoneSip {
  accounts(): readonly AccountStatus[];
  onAccountsChanged(listener: () => void): () => void;
  onIncomingCall(listener: (call: IncomingCallView) => void): () => void;
  /** Places a call from an account; throws when the account cannot (not configured). */
  placeCall(request: PlaceCallRequest): OutgoingCallView;
  /** The domain a bare number or name is dialed at: the account's server. */
  domainOf(accountIndex: number): string | undefined;
  /** Message-waiting news per account. */
  onMessageWaiting?(listener: (accountIndex: number, waiting: MessageWaiting) => void): () => void;
}
