/**
 * What the phone UI needs from the media side for a call: answer an SDP
 * offer with a running audio stream, and end it. The media adapter
 * (firmware/phone/calls/media-answer.ts) implements it over the media
 * worker; UI tests can use a fake.
 */
export type AnswerOutcome =
  | {
      readonly ok: true;
      /** Our SDP answer, for the 200 OK. */
      readonly sdp: string;
      /** What the connected screen shows: "G722", "opus" … */
      readonly codec: string;
      /** Wideband (16 kHz audio or more): the HD mark. */
      readonly wideband: boolean;
      /** The media is SRTP (RTP/SAVP with SDES keys). */
      readonly secure: boolean;
      /** The latest figures of the call's stream (for `state`), once the engine reported them. */
      stats(): CallMediaStats | undefined;
      /** Stops the call's audio. */
      stop(): Promise<void>;
    }
  | { readonly ok: false; readonly status: number; readonly reason: string };

export interface CallMediaStats {
  readonly codec: string;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly jitterMs: number;
  /** Fraction of the peer's packets lost (RFC 3550 A.3). */
  readonly lossFraction: number;
  readonly rttMs: number | null;
  readonly bufferDelayMs: number;
  readonly targetDelayMs: number;
  readonly concealedMs: number;
}

export type ProgressTone = 'dial' | 'ringback' | 'busy' | 'congestion' | 'callWaiting' | 'confirmation' | 'stutter';

export interface PhoneMedia {
  answer(offerSdp: string, callId: string): Promise<AnswerOutcome>;
  /** Plays a call-progress tone of the configured country; undefined stops it. */
  tone(tone: ProgressTone | undefined): void;
  /** The ringer. */
  ring(on: boolean): void;
}
