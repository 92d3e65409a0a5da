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
      /** Stops the call's audio. */
      stop(): Promise<void>;
    }
  | { readonly ok: false; readonly status: number; readonly reason: string };

export interface PhoneMedia {
  answer(offerSdp: string, callId: string): Promise<AnswerOutcome>;
}
