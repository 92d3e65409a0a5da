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
  /** Answers: 200 OK with our SDP. */
  accept(answerSdp: string): void;
  /** Ends an answered call (BYE), or rejects one still ringing. */
  hangup(): void;
  /** Called once, when the call is over for whatever reason. */
  onEnd(listener: (how: IncomingCallEnd) => void): void;
}

export interface PhoneSip {
  accounts(): readonly AccountStatus[];
  onAccountsChanged(listener: () => void): () => void;
  onIncomingCall(listener: (call: IncomingCallView) => void): () => void;
}
